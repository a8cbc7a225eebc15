"""Replaying the draw log: was each draw the one its seed dictates?

For every draw of a day, ``cheguan plates verify-draws DATE`` checks that
- the day's seed matches the commitment published before the day's first draw, was
  committed before the draw, and gives the draw's seed for the draw's identity (ADR 0014;
  draws made before commit-reveal have no day seed and are replayed from their own seed);
- the candidate slots are exactly the seed's slot stream over the logged pool size;
- each candidate names the number that stood in that slot (slots never move within a pool
  version; older versions are read from the slot archive);
- each number offered has its "offered" event for this draw, and was not held, assigned or
  offered to someone else at the time (its previous event says so);
- each number logged as taken was indeed not free (its last event before the draw);
- each number logged as busy (locked by a concurrent draw) changed hands within the offer
  time around the draw; a busy skip without such a change is reported;
- the offered numbers are the logged ones, in order, and the draw stopped when it should.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Min
from django.utils import timezone

from cheguan.core import clock
from cheguan.plates import rules
from cheguan.plates.conf import setting
from cheguan.plates.models import (
    DaySeed,
    Draw,
    NumberEvent,
    NumberState,
    PlateNumber,
    SlotArchive,
)
from cheguan.plates.rules import (
    BUSY,
    MAX_CANDIDATES_PER_NUMBER,
    OFFERED,
    REPEAT,
    TAKEN,
    slot_stream,
)

FREE_STATES = frozenset({NumberState.FREE})


@dataclass
class DrawCheck:
    draw: Draw
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def committed(self) -> bool:
        """False: a draw made before commit-reveal (its seed was random on its own)."""
        return self.draw.day_seed_id is not None


def day_seed_problems(day_seed: DaySeed) -> list[str]:
    """Does the day's secret match its published commitment?"""
    try:
        secret = bytes.fromhex(day_seed.secret)
    except ValueError:
        return [f"the day seed of {day_seed.day} is not hex"]
    if len(secret) != 32 or rules.commitment_of(secret) != day_seed.commitment:
        return [f"the day seed of {day_seed.day} does not match its published commitment"]
    return []


def seed_problems(draw: Draw) -> list[str]:
    """Does the draw's seed follow from the committed day seed and the draw's identity?"""
    day_seed = draw.day_seed
    if day_seed is None:
        return []
    problems = day_seed_problems(day_seed)
    if problems:
        return problems
    if day_seed.office_id != draw.pool.office_id or day_seed.day != clock.local_date(draw.drawn_at):
        problems.append("the draw names another office's or another day's seed")
    if day_seed.committed_at > draw.drawn_at:
        problems.append("the day seed was committed after the draw")
    identity = rules.draw_identity(draw.pool.office.code, day_seed.day, draw.pk)
    if rules.draw_seed(bytes.fromhex(day_seed.secret), identity).hex() != draw.seed:
        problems.append("the seed is not the one the day's committed seed gives this draw")
    return problems


def _numbers_at(draw: Draw, slots: list[int]) -> dict[int, PlateNumber]:
    """The number in each slot under the draw's pool version: one query."""
    if draw.pool_version == draw.pool.version:
        rows = PlateNumber.objects.filter(pool_id=draw.pool_id, slot__in=slots)
        return {n.slot: n for n in rows if n.slot is not None}
    archived = SlotArchive.objects.select_related("number").filter(
        pool_id=draw.pool_id, version=draw.pool_version, slot__in=slots
    )
    return {row.slot: row.number for row in archived}


class _History:
    """The events of the draw's candidate numbers, read once."""

    def __init__(self, numbers: list[PlateNumber]) -> None:
        self.events: dict[int, list[NumberEvent]] = {n.pk: [] for n in numbers}
        for event in NumberEvent.objects.filter(number_id__in=list(self.events)).order_by("pk"):
            self.events[event.number_id].append(event)

    def state_before(self, number: PlateNumber, event_id: int | None) -> str:
        """The state just before an event id (free if nothing had happened to it yet)."""
        earlier = [e for e in self.events[number.pk] if event_id is None or e.pk < event_id]
        return earlier[-1].state if earlier else NumberState.FREE

    def offered_by(self, number: PlateNumber, draw: Draw) -> bool:
        return any(e.draw_id == draw.pk and e.kind == "offered" for e in self.events[number.pk])

    def moved_near(self, number: PlateNumber, draw: Draw, window: dt.timedelta) -> bool:
        return any(
            e.draw_id != draw.pk and abs(e.at - draw.drawn_at) <= window
            for e in self.events[number.pk]
        )


def check_draw(draw: Draw) -> DrawCheck:
    out = DrawCheck(draw)
    out.problems += seed_problems(draw)
    try:
        bytes.fromhex(draw.seed)
    except ValueError:
        out.problems.append("the seed is not hex")
        return out
    first_event = NumberEvent.objects.filter(draw=draw, kind="offered").aggregate(m=Min("pk"))["m"]
    stream = slot_stream(bytes.fromhex(draw.seed), draw.pool_size)
    tried: set[int] = set()
    offered: list[str] = []
    window = dt.timedelta(minutes=setting("OFFER_MINUTES"))
    at_slot = _numbers_at(draw, [c[0] for c in draw.candidates if c[2] != REPEAT])
    history = _History(list(at_slot.values()))
    for i, (slot, logged, outcome) in enumerate(draw.candidates, start=1):
        expected = next(stream)
        if slot != expected:
            out.problems.append(f"candidate {i}: slot {slot}, but the seed gives slot {expected}")
            return out
        if outcome == REPEAT:
            if slot not in tried:
                out.problems.append(f"candidate {i}: slot {slot} logged as a repeat but new")
            continue
        if slot in tried:
            out.problems.append(f"candidate {i}: slot {slot} tried twice")
        tried.add(slot)
        number = at_slot.get(slot)
        actual = number.number if number is not None else ""
        if logged != actual:
            out.problems.append(f"candidate {i}: slot {slot} holds {actual!r}, log says {logged!r}")
            continue
        if number is None:
            continue
        if outcome == OFFERED:
            offered.append(actual)
            if not history.offered_by(number, draw):
                out.problems.append(f"candidate {i}: {actual} has no offer event for this draw")
            elif history.state_before(number, first_event) in {
                NumberState.ASSIGNED,
                NumberState.RETAINED,
                NumberState.RETIRED,
            }:
                out.problems.append(f"candidate {i}: {actual} was not drawable when offered")
        elif outcome == TAKEN:
            if history.state_before(number, first_event) in FREE_STATES:
                out.problems.append(f"candidate {i}: {actual} logged as taken but was free")
        elif outcome == BUSY:
            moved = history.moved_near(number, draw, window)
            if not moved:
                out.problems.append(f"candidate {i}: {actual} skipped as busy, but nobody took it")
        else:
            out.problems.append(f"candidate {i}: unknown outcome {outcome!r}")
    if offered != list(draw.numbers):
        out.problems.append("the offered numbers differ from the candidates logged as offered")
    wanted = setting("DRAW_SIZE")
    if len(offered) < wanted and len(draw.candidates) < wanted * MAX_CANDIDATES_PER_NUMBER:
        out.problems.append(f"the draw stopped at {len(offered)} numbers with candidates left")
    return out


def draws_on(day: dt.date, *, office_id: int | None = None):
    start = timezone.make_aware(dt.datetime.combine(day, dt.time()))
    draws = Draw.objects.select_related("pool__office", "day_seed").filter(
        drawn_at__gte=start, drawn_at__lt=start + dt.timedelta(days=1)
    )
    if office_id is not None:
        draws = draws.filter(pool__office_id=office_id)
    return draws.order_by("drawn_at", "pk")


def verify_draws(day: dt.date, *, office_id: int | None = None) -> list[DrawCheck]:
    return [check_draw(draw) for draw in draws_on(day, office_id=office_id).iterator()]
