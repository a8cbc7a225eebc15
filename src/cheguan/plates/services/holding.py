"""What the draw, self-composition and retention share: which numbers may be
taken, numbers going back to the pool from offers, and a number becoming held for a case.
One definition each, so the three ways to a held number cannot drift apart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q

from cheguan.cases.models import Case
from cheguan.plates.models import Draw, DrawStatus, EventKind, NumberEvent, NumberState, PlateNumber


def drawable(now: dt.datetime) -> Q:
    """A number that may be taken now: free, or offered or held past its time."""
    return Q(state=NumberState.FREE) | Q(
        state__in=[NumberState.OFFERED, NumberState.HELD], until__lt=now
    )


def return_numbers(rows: Iterable[tuple[int, int | None, int | None]], *, at: dt.datetime) -> None:
    """Offered numbers ``(pk, slot, draw_id)``, already locked, go back to the pool. They keep
    their slots: a slot-sampled pool has no front or back, so the return is as random as the
    draw."""
    rows = list(rows)
    PlateNumber.objects.filter(pk__in=[pk for pk, _s, _d in rows]).update(
        state=NumberState.FREE, draw=None, until=None
    )
    NumberEvent.objects.bulk_create(
        NumberEvent(
            number_id=pk, kind=EventKind.RETURNED, at=at, state=NumberState.FREE, draw_id=d, slot=s
        )
        for pk, s, d in rows
    )


def return_offers(draw_ids: list[int], *, at: dt.datetime, status: str) -> None:
    """The numbers still offered by these draws go back, and the draws end with ``status``."""
    if not draw_ids:
        return
    # Locked before they are changed: a lapsed offer another draw is taking over right now
    # is waited for and then left to that draw (a plain read here freed it under that draw).
    return_numbers(
        PlateNumber.objects.select_for_update()
        .filter(draw_id__in=draw_ids, state=NumberState.OFFERED)
        .values_list("pk", "slot", "draw_id"),
        at=at,
    )
    Draw.objects.filter(pk__in=draw_ids, status=DrawStatus.OPEN).update(status=status)


def end_open_draws(case: Case, *, at: dt.datetime) -> None:
    """The case's open draw is replaced: its numbers go back, no pick from it any more."""
    return_offers(
        list(Draw.objects.filter(case=case, status=DrawStatus.OPEN).values_list("pk", flat=True)),
        at=at,
        status=DrawStatus.REPLACED,
    )


def hold(plate: PlateNumber, *, case: Case, until: dt.datetime, at: dt.datetime) -> None:
    """A locked number becomes held for the case until ``until``, with its event."""
    plate.state = NumberState.HELD
    plate.draw = None
    plate.case = case
    plate.until = until
    plate.save(update_fields=["state", "draw", "case", "until"])
    NumberEvent.objects.create(
        number=plate, kind=EventKind.HELD, at=at, state=NumberState.HELD, case=case, slot=plate.slot
    )
