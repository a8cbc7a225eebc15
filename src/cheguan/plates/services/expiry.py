"""Offers and holds that run out, retained numbers whose two years pass, and the selection
ban for applicants who let holds expire (DOMAIN.md §2.3). Runs on read (a draw takes over
a lapsed number) and in the sweep (``cheguan plates sweep`` / the background task)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from cheguan.audit.services import record
from cheguan.cases.models import Case
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.plates.conf import setting
from cheguan.plates.models import (
    Draw,
    DrawStatus,
    EventKind,
    NumberEvent,
    NumberState,
    PlateNumber,
    SelectionBan,
)
from cheguan.plates.services.holding import return_numbers
from cheguan.plates.services.pool import return_retained
from cheguan.workdays.services import add_working_days


def end_of_working_days(now: dt.datetime, days: int) -> dt.datetime:
    """The end (local midnight) of the ``days``-th working day after ``now``'s date: a hold
    made on Friday with 3 working days lasts to the end of Wednesday."""
    last = add_working_days(clock.local_date(now), days)
    midnight = dt.datetime.combine(last + dt.timedelta(days=1), dt.time())
    return timezone.make_aware(midnight)


def note_expired_holds(numbers: Iterable[PlateNumber], *, at: dt.datetime) -> None:
    """Record that these numbers' holds ran out (their rows are about to change state) and
    bar the applicants who have now let too many run out."""
    numbers = list(numbers)
    NumberEvent.objects.bulk_create(
        NumberEvent(
            number_id=n.pk,
            kind=EventKind.HOLD_EXPIRED,
            at=at,
            state=NumberState.FREE,
            case_id=n.case_id,
            slot=n.slot,
        )
        for n in numbers
    )
    people = set(
        Case.objects.filter(pk__in={n.case_id for n in numbers})
        .exclude(applicant_person=None)
        .values_list("applicant_person_id", flat=True)
    )
    if people:
        _ban_repeat_offenders(people, at=at)


def _ban_repeat_offenders(people: set[int], *, at: dt.datetime) -> None:
    threshold = setting("BAN_AFTER_EXPIRED_HOLDS")
    since = at - dt.timedelta(days=setting("BAN_WINDOW_DAYS"))
    counts = (
        NumberEvent.objects.filter(
            kind=EventKind.HOLD_EXPIRED,
            at__gte=since,
            case__applicant_person_id__in=people,
        )
        .values("case__applicant_person_id", "case__office_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=threshold)
    )
    for row in counts:
        person = row["case__applicant_person_id"]
        if SelectionBan.objects.filter(person_id=person, ends_at__gt=at, lifted_at=None).exists():
            continue
        ban = SelectionBan.objects.create(
            person_id=person,
            office_id=row["case__office_id"],
            starts_at=at,
            ends_at=at + dt.timedelta(days=setting("BAN_DAYS")),
            expired_holds=row["n"],
        )
        record(
            actor=Actor.system(),
            action="plates.selection_barred",
            subject=ban,
            office_id=row["case__office_id"],
            data={"person": person, "expired_holds": row["n"], "until": ban.ends_at.isoformat()},
        )


def expire_holds(ids: list[int], *, at: dt.datetime) -> int:
    """Return these lapsed holds to the pool (rows must be locked or known lapsed)."""
    numbers = list(
        PlateNumber.objects.select_for_update().filter(
            pk__in=ids, state=NumberState.HELD, until__lte=at
        )
    )
    if not numbers:
        return 0
    note_expired_holds(numbers, at=at)
    PlateNumber.objects.filter(pk__in=[n.pk for n in numbers], state=NumberState.HELD).update(
        state=NumberState.FREE, case=None, until=None, retained_for=None, retained_until=None
    )
    return len(numbers)


def expire_offers(ids: list[int], *, at: dt.datetime) -> int:
    rows = list(
        PlateNumber.objects.filter(pk__in=ids, state=NumberState.OFFERED).values_list(
            "pk", "slot", "draw_id"
        )
    )
    if not rows:
        return 0
    return_numbers(rows, at=at)
    Draw.objects.filter(pk__in={r[2] for r in rows}, status=DrawStatus.OPEN).update(
        status=DrawStatus.EXPIRED
    )
    return len(rows)


def sweep(*, batch: int = 1000) -> dict[str, int]:
    """Everything that has run out, in batches of locked rows (``SKIP LOCKED``: a number a
    draw is taking over right now is left to that draw)."""
    now = clock.now()
    done = {"offers": 0, "holds": 0, "retained": 0}
    for key, state, fn in (
        ("offers", NumberState.OFFERED, expire_offers),
        ("holds", NumberState.HELD, expire_holds),
    ):
        while True:
            with transaction.atomic():
                ids = list(
                    PlateNumber.objects.select_for_update(skip_locked=True)
                    .filter(state=state, until__lt=now)
                    .values_list("pk", flat=True)[:batch]
                )
                if not ids:
                    break
                done[key] += fn(ids, at=now)
    done["retained"] = return_retained(today=clock.local_date(now))
    return done
