"""保留原号牌: the former owner keeps the old number (MVR Art 44), spouses per Art 45.

A number leaves its vehicle when the vehicle is transferred (``pool.assign_held_number``
retires the old number), deregistered (:func:`retire_with_vehicle`, run by the registry's
``vehicle_deregistered`` signal) or moved away. Within ``RETENTION_YEARS`` of that business
the owner may keep it — or, while the vehicle's transfer, deregistration or move is being
processed (an open case of that kind on the vehicle), keep it at once — if:

1. the request comes within ``RETENTION_YEARS`` (2) of the business;
2. the owner used the number at least ``RETENTION_MIN_USE_YEARS`` (1): from
   ``PlateNumber.assigned_at`` to the business;
3. the old vehicle's violations are processed and its accidents settled.

Spouses (Art 45: a vehicle moving from one spouse to the other keeps its number when the
marriage has lasted ``SPOUSE_MIN_MARRIAGE_YEARS`` and both apply): a clerk records the
retention for the other spouse. There is no marriage register to ask, so the clerk enters
the marriage date from the marriage certificate the couple shows (``married_on``); it is
kept in the audit event. Conditions 1 and 3 apply as well (a transfer needs settled
violations and accidents); the use condition 2 does not (Art 45 sets the marriage instead).

Who the owner was: the registry keeps no ownership history, so the former owner is the
person the register names as the old vehicle's owner (``Vehicle.owner_person``). Vehicles
registered to organisations are refused: a kept number is reserved for a person.

A kept number is ``retained`` for ``retained_for`` until ``retained_until`` (the business
date plus ``RETENTION_YEARS``); :func:`use_retained` holds it for a new case of that person,
and ``pool.return_retained`` (run by ``expiry.sweep``) puts it back in the pool afterwards.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from cheguan.audit.services import record
from cheguan.cases.models import Case
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import NOT_AUTHENTICATED, NOT_FOUND, Bi, DomainError
from cheguan.core.permissions import is_staff_of
from cheguan.plates import errors, formats
from cheguan.plates.conf import setting
from cheguan.plates.models import (
    EventKind,
    NumberEvent,
    NumberState,
    PlateNumber,
)
from cheguan.plates.rules import LEAVING_SERVICES, OPEN_STATUSES, add_years
from cheguan.plates.services.conditions import raise_all, settlement_problems
from cheguan.plates.services.expiry import end_of_working_days
from cheguan.plates.services.guards import selection_case
from cheguan.plates.services.holding import end_open_draws, hold
from cheguan.plates.services.selection import case_plate_type
from cheguan.registry.models import Person, Vehicle
from cheguan.registry.services.vehicle_fields import take_plate_number_off

KEEPING = Bi("保留原号牌", "keeping the number")


def retire_with_vehicle(
    *, actor: Actor, vehicle: Vehicle, at: dt.datetime | None = None
) -> PlateNumber | None:
    """The vehicle is deregistered: its number leaves it. The ``retired`` event dates the
    business from which the owner has ``RETENTION_YEARS`` to keep the number; the audit
    event names whoever deregistered it. Runs inside the caller's transaction (the
    deregistration's, through ``plates.receivers``), which it does not open itself."""
    plate = (
        PlateNumber.objects.select_for_update()
        .filter(vehicle_id=vehicle.pk, state=NumberState.ASSIGNED)
        .first()
    )
    if plate is None:  # a number from before the pool, or none
        return None
    plate.state = NumberState.RETIRED
    plate.vehicle = None
    plate.save(update_fields=["state", "vehicle"])
    NumberEvent.objects.create(
        number=plate, kind=EventKind.RETIRED, at=at or clock.now(), state=NumberState.RETIRED
    )
    record(
        actor=actor,
        action="plates.number_retired",
        subject=plate,
        office_id=vehicle.office_id,
        data={"number": plate.number, "vehicle": vehicle.pk},
    )
    return plate


def _is_clerk_of(actor: Actor, office_id: int) -> bool:
    return is_staff_of(actor.user, "plates.process", office_id)


def _number_leaving(
    vehicle: Vehicle, person: Person, now: dt.datetime
) -> tuple[PlateNumber, dt.datetime, Case | None]:
    """The number to keep, when its business happened, and the open case that takes it off
    the vehicle (None when it has already left). Locks the number's row.

    The number on the vehicle, when a transfer, deregistration or move opened after it was
    assigned is in progress; otherwise the number that left the vehicle last."""
    years = setting("RETENTION_YEARS")
    plate = (
        PlateNumber.objects.select_for_update()
        .filter(vehicle_id=vehicle.pk, state=NumberState.ASSIGNED)
        .first()
    )
    if plate is not None:
        leaving = (
            Case.objects.filter(
                vehicle=vehicle,
                service__code__in=LEAVING_SERVICES,
                status__in=OPEN_STATUSES,
                created_at__gt=plate.assigned_at,  # not the case that brought this number
            )
            .order_by("pk")
            .first()
        )
        if leaving is not None:
            return plate, now, leaving
    left = (
        NumberEvent.objects.filter(
            kind__in=[EventKind.RETIRED, EventKind.RETAINED],
            number__last_vehicle=vehicle,
            number__state__in=[NumberState.RETIRED, NumberState.RETAINED],
        )
        .select_related("case")
        .order_by("-id")
        .first()
    )
    if left is None:
        if plate is not None:
            raise errors.RETENTION_STILL_IN_USE(field="vehicle", number=plate.display, years=years)
        raise errors.RETENTION_NO_NUMBER(field="vehicle")
    gone = PlateNumber.objects.select_for_update().get(pk=left.number_id)
    if gone.state == NumberState.RETAINED:
        raise errors.ALREADY_RETAINED(
            field="vehicle", number=gone.display, until=str(gone.retained_until)
        )
    if gone.state != NumberState.RETIRED:  # changed since the read above
        raise errors.RETENTION_NO_NUMBER(field="vehicle")
    # The buyer of the transfer that took the number off is not its former owner.
    if left.case is not None and left.case.applicant_person_id == person.pk:
        raise errors.NOT_FORMER_OWNER(field="person")
    return gone, left.at, None


def _spouse_problems(married_on: object, today: dt.date) -> list[DomainError]:
    if isinstance(married_on, dt.datetime):
        married_on = married_on.date()
    if not isinstance(married_on, dt.date) or married_on > today:
        return [errors.MARRIAGE_DATE_REQUIRED(field="married_on")]
    years = setting("SPOUSE_MIN_MARRIAGE_YEARS")
    enough = add_years(married_on, years)
    if enough > today:
        return [
            errors.MARRIAGE_TOO_SHORT(
                field="married_on",
                years=years,
                married_on=married_on.isoformat(),
                from_date=enough.isoformat(),
            )
        ]
    return []


@transaction.atomic
def retain_number(
    *,
    actor: Actor,
    vehicle: Vehicle,
    person: Person | None = None,
    on_behalf_spouse: Person | None = None,
    married_on: dt.date | None = None,
) -> PlateNumber:
    """Keep the number that left (or is leaving) ``vehicle`` for its former owner
    (``person``, by default the registered owner) or, per Art 45, for the owner's spouse
    (``on_behalf_spouse``, with the ``married_on`` date a clerk reads off the marriage
    certificate). Asked by a clerk of the vehicle's office at the window, or by the owner.

    Every failing condition is reported, each with its code (``ValidationErrors`` when
    there are several)."""
    if actor.user is None or not actor.user.is_authenticated:
        raise NOT_AUTHENTICATED()
    clerk = _is_clerk_of(actor, vehicle.office_id)
    citizen = actor.citizen
    if not clerk and (citizen is None or citizen.pk != vehicle.owner_person_id):
        raise NOT_FOUND(field="vehicle")
    if on_behalf_spouse is not None and not clerk:
        raise errors.SPOUSE_AT_WINDOW(field="spouse")
    vehicle = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    if vehicle.owner_person_id is None:
        raise errors.RETENTION_PERSONS_ONLY(field="vehicle")
    person = person or citizen or vehicle.owner_person
    if person is None or person.pk != vehicle.owner_person_id:
        raise errors.NOT_FORMER_OWNER(field="person")
    if on_behalf_spouse is not None and on_behalf_spouse.pk == person.pk:
        raise errors.SPOUSE_IS_OWNER(field="spouse")

    now = clock.now()
    today = clock.local_date(now)
    plate, business, leaving_case = _number_leaving(vehicle, person, now)
    since = clock.local_date(business)
    years = setting("RETENTION_YEARS")
    deadline = add_years(since, years)
    problems: list[DomainError] = []
    if today > deadline:
        problems.append(
            errors.RETENTION_TOO_LATE(
                field="vehicle",
                since=since.isoformat(),
                years=years,
                deadline=deadline.isoformat(),
            )
        )
    if on_behalf_spouse is None:
        min_use = setting("RETENTION_MIN_USE_YEARS")
        used_from = clock.local_date(plate.assigned_at) if plate.assigned_at else None
        if used_from is None or add_years(used_from, min_use) > since:
            problems.append(
                errors.RETENTION_USE_TOO_SHORT(
                    field="vehicle",
                    years=min_use,
                    number=plate.display,
                    since=used_from.isoformat() if used_from else "—",
                    until=since.isoformat(),
                )
            )
    else:
        problems += _spouse_problems(married_on, today)
    problems += settlement_problems(vehicle, KEEPING)
    raise_all(problems)

    keeper = on_behalf_spouse or person
    was_on_vehicle = plate.state == NumberState.ASSIGNED
    plate.state = NumberState.RETAINED
    plate.vehicle = None
    plate.retained_for = keeper
    plate.retained_until = deadline
    plate.save(update_fields=["state", "vehicle", "retained_for", "retained_until"])
    if was_on_vehicle:
        # The number leaves the register's vehicle row too: the vehicle gets its next number
        # when its transfer completes, or none when it is deregistered.
        take_plate_number_off(actor=actor, vehicle=vehicle)
    NumberEvent.objects.create(
        number=plate, kind=EventKind.RETAINED, at=now, state=NumberState.RETAINED, case=leaving_case
    )
    record(
        actor=actor,
        action="plates.retained",
        subject=plate,
        office_id=vehicle.office_id,
        data={
            "number": plate.number,
            "vehicle": vehicle.pk,
            "person": keeper.pk,
            "spouse_of": person.pk if on_behalf_spouse is not None else None,
            "married_on": str(married_on) if on_behalf_spouse is not None else None,
            "case": leaving_case.number if leaving_case is not None else None,
            "business_on": since.isoformat(),
            "until": deadline.isoformat(),
        },
    )
    return plate


def _end_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))


@transaction.atomic
def use_retained(*, actor: Actor, case: Case, number: str) -> PlateNumber:
    """A kept number becomes held for a new case of the person it is kept for (the same
    plate type as the case's vehicle). The hold lasts to the end of the retention, and at
    least the usual ``HOLD_WORKING_DAYS``; a number held this way for another case of the
    same person (say, one withdrawn) moves to this case. Refused once ``retained_until``
    has passed."""
    choosing = selection_case(actor=actor, case=case, banned_ok=True)
    case, now = choosing.case, choosing.now
    wanted = formats.normalise(number)[:16]
    years = setting("RETENTION_YEARS")
    plate = (
        PlateNumber.objects.select_for_update(of=("self",))
        .select_related("pool")
        .filter(number=wanted)
        .first()
    )
    if (
        plate is None
        or plate.retained_until is None
        or case.applicant_person_id is None
        or plate.retained_for_id != case.applicant_person_id
        or plate.pool.office_id != case.office_id
        or plate.state not in (NumberState.RETAINED, NumberState.HELD)
    ):
        raise errors.NOT_RETAINED(
            field="number", number=formats.display(wanted) or "—", years=years
        )
    if plate.retained_until < clock.local_date(now):
        raise errors.RETENTION_LAPSED(
            field="number",
            number=plate.display,
            years=years,
            until=plate.retained_until.isoformat(),
        )
    case_plate_type(case, plate.pool.plate_type)
    hold_until = max(
        end_of_working_days(now, setting("HOLD_WORKING_DAYS")), _end_of_day(plate.retained_until)
    )
    moved_from = plate.case if plate.state == NumberState.HELD else None
    end_open_draws(case, at=now)
    hold(plate, case=case, until=hold_until, at=now)
    record(
        actor=actor,
        action="plates.held",
        subject=plate,
        office_id=case.office_id,
        data={
            "case": case.number,
            "number": plate.number,
            "retained": True,
            "moved_from": moved_from.number if moved_from is not None else None,
            "until": str(hold_until),
        },
    )
    return plate
