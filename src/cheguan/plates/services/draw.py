"""二十选一: draw twenty free numbers at random for a case, and pick one of them.

How a draw chooses (ADR 0007): every drawable number has a slot 1..``pool.size``. The
draw's 32-byte seed (HMAC of the office's committed day seed and the draw's identity,
ADR 0014) gives a stream of slots (``rules.slot_stream``); the draw walks the stream and
keeps each slot whose number is free right now and not being claimed by another draw,
until it has ``DRAW_SIZE`` numbers. Rejection sampling over a fixed slot space is exactly
uniform over the free numbers, costs the same for a pool of 10,000 or 1,000,000, and the
log (seed, pool version and size, every candidate with its outcome) lets anyone replay the
draw (``plates.queries.replay``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from cheguan.audit.services import record
from cheguan.cases.models import Case
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import Bi, DomainError
from cheguan.plates import errors, locks, rules
from cheguan.plates.conf import setting
from cheguan.plates.models import (
    DaySeed,
    Draw,
    DrawStatus,
    EventKind,
    NumberEvent,
    NumberState,
    PlateNumber,
    Pool,
)
from cheguan.plates.rules import (
    BUSY,
    MAX_CANDIDATES_PER_NUMBER,
    OFFERED,
    REPEAT,
    TAKEN,
    is_online_self_service,
    slot_stream,
    type_words,
)
from cheguan.plates.services.conditions import refuse_if_holding
from cheguan.plates.services.day_seed import commit_day
from cheguan.plates.services.expiry import end_of_working_days, note_expired_holds
from cheguan.plates.services.guards import selection_case
from cheguan.plates.services.holding import drawable, end_open_draws, return_offers
from cheguan.plates.services.limits import check_draw_limits
from cheguan.plates.services.selection import case_plate_type, pool_of
from cheguan.plates.services.watch import note_empty_pool, note_short_draw


def _claim(pool: Pool, slots: list[int], now: dt.datetime) -> dict[int, PlateNumber]:
    """Lock the drawable numbers at these slots: free, or offered/held past their time.
    ``SKIP LOCKED``: a number another draw is claiming right now is skipped, not waited for."""
    rows = (
        PlateNumber.objects.select_for_update(skip_locked=True)
        .filter(drawable(now), pool=pool, slot__in=slots)
        .only("pk", "number", "slot", "state", "draw_id", "case_id", "until")
    )
    return {row.slot: row for row in rows if row.slot is not None}  # drawable rows have slots


def _taken_or_busy(pool: Pool, slots: list[int]) -> dict[int, tuple[str, str]]:
    """For slots not claimed: the number there and why.

    *Taken*: not free, and nobody is changing it. On PostgreSQL the draw share-locks such a
    number until it commits, so no change to it can be logged before this draw's offers —
    the replay reads "not free before the draw" from the event order. *Busy*: any other
    unclaimed slot, i.e. a number a concurrent transaction was changing (claiming,
    returning, holding); the replay finds that change in the number's history."""
    if not slots:
        return {}
    found: dict[int, tuple[str, str]] = {}
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT slot, number FROM {PlateNumber._meta.db_table}"  # noqa: S608
                " WHERE pool_id = %s AND slot = ANY(%s) AND state <> %s FOR SHARE SKIP LOCKED",
                [pool.pk, slots, NumberState.FREE],
            )
            found = {slot: (number, TAKEN) for slot, number in cur.fetchall()}
    rest = [slot for slot in slots if slot not in found]
    if rest:
        rows = PlateNumber.objects.filter(pool=pool, slot__in=rest).values_list(
            "slot", "number", "state"
        )
        stable = connection.vendor != "postgresql"  # SQLite: writers are serialised
        for slot, number, state in rows:
            if slot is not None:
                found[slot] = (number, TAKEN if stable and state != NumberState.FREE else BUSY)
    return found


@dataclass(frozen=True)
class DrawResult:
    draw: Draw
    numbers: list[str]
    draws_left: int


def draw_numbers(*, actor: Actor, case: Case, plate_type: str = "") -> DrawResult:
    """Draw ``DRAW_SIZE`` numbers for the case and offer them for ``OFFER_MINUTES``.

    A new draw replaces the case's open one (its numbers go back at once). Refused: a case
    that needs no plate or is closed, one that already holds a number, a used-up quota, a
    citizen barred from online selection, a partner past the office's limits (429). A draw
    that finds the pool empty is refused and raises an alert for supervision (committed
    after the refusal's rollback)."""
    # The day's seed is committed (public by its hash) in its own transaction, before the
    # draw's: the log shows the commitment before any draw that uses it (ADR 0014).
    committed = commit_day(case.office_id, clock.today())
    try:
        return _draw(actor=actor, case=case, plate_type=plate_type, committed=committed)
    except DomainError as refusal:
        if refusal.error is errors.POOL_EMPTY:
            note_empty_pool(refusal, actor=actor)
        raise


@transaction.atomic
def _draw(*, actor: Actor, case: Case, plate_type: str, committed: DaySeed) -> DrawResult:
    choosing = selection_case(actor=actor, case=case, holding_ok=True)
    case, user = choosing.case, choosing.user
    plate_type = case_plate_type(case, plate_type)
    pool = pool_of(case, plate_type)
    # The pool's shared lock before any number row (locks.py: the order that keeps a draw
    # from deadlocking with a release or a compaction).
    locks.share_pool(pool.pk)
    now = clock.now()
    refuse_if_holding(case, now)
    quota = setting("DRAWS_PER_CASE")
    used = Draw.objects.filter(case=case).count()
    if used >= quota:
        raise errors.QUOTA_USED(quota=quota)
    check_draw_limits(actor=actor, case=case, pool=pool)
    end_open_draws(case, at=now)

    pool = Pool.objects.select_related("office").get(pk=pool.pk)  # size and version, locked
    day_seed = committed
    if (day_seed.office_id, day_seed.day) != (pool.office_id, clock.local_date(now)):
        day_seed = commit_day(pool.office_id, clock.local_date(now))  # midnight passed
    wanted = setting("DRAW_SIZE")
    offer_until = now + dt.timedelta(minutes=setting("OFFER_MINUTES"))
    draw = Draw.objects.create(
        pool=pool,
        case=case,
        applicant_person_id=case.applicant_person_id,
        drawn_by=user,
        day_seed=day_seed,
        pool_version=pool.version,
        pool_size=pool.size,
        drawn_at=now,
        expires_at=offer_until,
    )

    # The seed follows from the committed day seed and the draw's own identity (its id).
    seed = rules.draw_seed(
        bytes.fromhex(day_seed.secret),
        rules.draw_identity(pool.office.code, day_seed.day, draw.pk),
    )
    draw.seed = seed.hex()
    stream = slot_stream(seed, pool.size)
    candidates: list[list] = []
    claimed: list[PlateNumber] = []
    tried: set[int] = set()
    limit = wanted * MAX_CANDIDATES_PER_NUMBER
    while len(claimed) < wanted and len(candidates) < limit:
        # The next slots of the stream, in order; a slot already tried is logged as a repeat
        # in its place, so the log reads exactly as the stream ran.
        batch: list[tuple[int, bool]] = []
        fresh = 0
        while fresh < wanted - len(claimed) and len(candidates) + len(batch) < limit:
            slot = next(stream)
            repeat = slot in tried
            tried.add(slot)
            batch.append((slot, repeat))
            fresh += not repeat
        slots = [slot for slot, repeat in batch if not repeat]
        got = _claim(pool, slots, now) if slots else {}
        missing = _taken_or_busy(pool, [s for s in slots if s not in got])
        for slot, repeat in batch:
            if repeat:
                candidates.append([slot, "", REPEAT])
            elif slot in got:
                claimed.append(got[slot])
                candidates.append([slot, got[slot].number, OFFERED])
            else:
                number, outcome = missing.get(slot, ("", TAKEN))
                candidates.append([slot, number, outcome])
    if not claimed:
        raise errors.POOL_EMPTY(plate_type=type_words(pool.plate_type), pool=pool.pk)
    if len(claimed) < wanted:
        note_short_draw(pool=pool, found=len(claimed), actor=actor)

    # Offers and holds that had run out and were taken over: their draws end, and an expired
    # hold counts towards its applicant's selection ban.
    lapsed_holds = [n for n in claimed if n.state == NumberState.HELD]
    if lapsed_holds:
        note_expired_holds(lapsed_holds, at=now)
    lapsed_draws = {n.draw_id for n in claimed if n.state == NumberState.OFFERED}
    # A lapsed draw whose (late) pick holds its row right now is left to that pick, which
    # ends it itself: waiting for it here would deadlock with its wait for these numbers.
    ending = Draw.objects.select_for_update(skip_locked=True).filter(
        pk__in=lapsed_draws, status=DrawStatus.OPEN
    )
    Draw.objects.filter(pk__in=list(ending.values_list("pk", flat=True))).update(
        status=DrawStatus.EXPIRED
    )

    PlateNumber.objects.filter(pk__in=[n.pk for n in claimed]).update(
        state=NumberState.OFFERED,
        draw=draw,
        case=None,
        until=offer_until,
        retained_for=None,
        retained_until=None,
    )
    NumberEvent.objects.bulk_create(
        NumberEvent(
            number_id=n.pk,
            kind=EventKind.OFFERED,
            at=now,
            state=NumberState.OFFERED,
            draw=draw,
            slot=n.slot,
        )
        for n in claimed
    )
    draw.candidates = candidates
    draw.numbers = [n.number for n in claimed]
    draw.save(update_fields=["seed", "candidates", "numbers"])
    if not is_online_self_service(actor):
        record(
            actor=actor,
            action="plates.drawn",
            subject=draw,
            office_id=case.office_id,
            data={"case": case.number, "draw": draw.pk, "numbers": draw.numbers},
        )
    return DrawResult(draw=draw, numbers=draw.numbers, draws_left=quota - used - 1)


def pick_number(*, actor: Actor, draw: Draw, number: str) -> PlateNumber:
    """Pick one number of an open draw: it is held for the case until the end of the
    ``HOLD_WORKING_DAYS``-th working day; the draw's other numbers go back at once.

    A pick after the offer ran out is refused, and the draw's numbers go back to the pool
    all the same (that return is committed; the refusal is raised after it)."""
    outcome = _pick(actor=actor, draw=draw, number=number)
    if isinstance(outcome, DomainError):
        raise outcome
    return outcome


@transaction.atomic
def _pick(*, actor: Actor, draw: Draw, number: str) -> PlateNumber | DomainError:
    case = selection_case(actor=actor, case=draw.case, banned_ok=True, holding_ok=True).case
    draw = Draw.objects.select_for_update().get(pk=draw.pk)
    now = clock.now()
    wanted = str(number).strip().upper().replace("·", "")
    if draw.status != DrawStatus.OPEN:
        raise errors.DRAW_CLOSED(field="number", status=Bi.of(draw.get_status_display()))
    refuse_if_holding(case, now)  # held meanwhile by composition or retention
    if wanted not in draw.numbers:
        raise errors.NOT_OFFERED(field="number", number=wanted[:10])
    left = max(0, setting("DRAWS_PER_CASE") - Draw.objects.filter(case=case).count())
    if draw.expires_at <= now:
        return_offers([draw.pk], at=now, status=DrawStatus.EXPIRED)
        return errors.OFFER_EXPIRED(
            field="number",
            time=timezone.localtime(draw.expires_at).strftime("%H:%M"),
            left=left,
        )
    hold_until = end_of_working_days(now, setting("HOLD_WORKING_DAYS"))
    held = PlateNumber.objects.filter(number=wanted, state=NumberState.OFFERED, draw=draw).update(
        state=NumberState.HELD, draw=None, case=case, until=hold_until
    )
    if held != 1:  # its offer ran out and another draw took it over
        raise errors.NOT_OFFERED(field="number", number=wanted[:10])
    plate = PlateNumber.objects.get(number=wanted)
    NumberEvent.objects.create(
        number=plate,
        kind=EventKind.HELD,
        at=now,
        state=NumberState.HELD,
        draw=draw,
        case=case,
        slot=plate.slot,
    )
    return_offers([draw.pk], at=now, status=DrawStatus.PICKED)
    draw.status = DrawStatus.PICKED
    draw.picked = wanted
    draw.picked_at = now
    draw.save(update_fields=["status", "picked", "picked_at"])
    if not is_online_self_service(actor):
        record(
            actor=actor,
            action="plates.held",
            subject=plate,
            office_id=case.office_id,
            data={"case": case.number, "number": wanted, "draw": draw.pk, "until": str(hold_until)},
        )
    return plate
