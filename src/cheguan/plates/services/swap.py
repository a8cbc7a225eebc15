"""号牌号码互换: two of one owner's vehicles exchange their numbers (MVR Art 20).

Conditions (DOMAIN.md §2.1): both vehicles registered at the same office (the case's),
to the same owner (the case's applicant), with the same plate type, both non-operating
(use nature ``A``, 非营运), their violations processed and accidents settled, each carrying
a number the selection system issued, and neither having swapped in the past 12 months.
Every failing condition is reported, each with its code.

The swap is done in a plate-number selection case (机动车号牌号码选取): the catalogue has
no separate item for it, and the case carries the applicant, the channel and the history.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cheguan.audit.services import record
from cheguan.cases.models import Case
from cheguan.cases.services.common import status_words
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import Bi, DomainError
from cheguan.plates import errors
from cheguan.plates.models import EventKind, NumberEvent, NumberState, PlateNumber, Swap
from cheguan.plates.rules import (
    OPEN_STATUSES,
    SWAP_SERVICES,
    add_years,
    type_words,
    vehicle_words,
)
from cheguan.plates.services.conditions import raise_all, settlement_problems
from cheguan.plates.services.guards import selection_case
from cheguan.plates.services.pool import complete_selection
from cheguan.plates.services.start import start_selection
from cheguan.registry import codes
from cheguan.registry.models import Vehicle
from cheguan.registry.services.vehicle_fields import exchange_plate_numbers

SWAPPING = Bi("号牌号码互换", "a number swap")


def _require_swap_case(case: Case) -> None:
    if case.service.code not in SWAP_SERVICES:
        raise errors.NOT_A_SWAP_CASE(
            field="case", service=Bi(case.service.name_zh, case.service.name_en)
        )
    if case.status not in OPEN_STATUSES:
        raise errors.CASE_CLOSED(field="case", status=status_words(case.status))


def _owned_by_applicant(vehicle: Vehicle, case: Case) -> bool:
    if vehicle.owner_person_id is not None:
        return vehicle.owner_person_id == case.applicant_person_id
    return (
        vehicle.owner_organisation_id is not None
        and vehicle.owner_organisation_id == case.applicant_organisation_id
    )


def _last_swap(vehicle: Vehicle, since: dt.datetime) -> Swap | None:
    return (
        Swap.objects.filter(Q(vehicle_a=vehicle) | Q(vehicle_b=vehicle), swapped_at__gte=since)
        .order_by("-swapped_at")
        .first()
    )


def _nature_words(use_nature: str) -> Bi:
    """The use nature's name in both languages (people read names, not codes)."""
    return Bi(
        codes.name_of("use_nature", use_nature),
        codes.name_of("use_nature", use_nature, english=True),
    )


def _problems(
    case: Case,
    pairs: list[tuple[Vehicle, PlateNumber | None]],
    now: dt.datetime,
) -> list[DomainError]:
    found: list[DomainError] = []
    # Once a year, by calendar day: a vehicle that swapped on 2026-05-11 may swap again
    # from 2027-05-11.
    today = clock.local_date(now)
    window_start = timezone.make_aware(
        dt.datetime.combine(add_years(today, -1) + dt.timedelta(days=1), dt.time())
    )
    for vehicle, plate in pairs:
        words = vehicle_words(vehicle)
        if not _owned_by_applicant(vehicle, case):
            found.append(errors.SWAP_NOT_OWNER(field="vehicle", vehicle=words))
        if vehicle.office_id != case.office_id:
            found.append(errors.SWAP_OTHER_OFFICE(field="vehicle", vehicle=words))
        if vehicle.use_nature != codes.USE_NATURE_NON_OPERATING:
            found.append(
                errors.SWAP_OPERATING(
                    field="vehicle", vehicle=words, nature=_nature_words(vehicle.use_nature)
                )
            )
        if plate is None:
            found.append(errors.SWAP_NO_NUMBER(field="vehicle", vehicle=words))
        last = _last_swap(vehicle, window_start)
        if last is not None:
            on = clock.local_date(last.swapped_at)
            found.append(
                errors.SWAP_TOO_SOON(
                    field="vehicle",
                    vehicle=words,
                    on=on.isoformat(),
                    next=add_years(on, 1).isoformat(),
                )
            )
        found += settlement_problems(vehicle, SWAPPING)
    plate_a, plate_b = pairs[0][1], pairs[1][1]
    if plate_a is not None and plate_b is not None:
        type_a, type_b = plate_a.pool.plate_type, plate_b.pool.plate_type
        if type_a != type_b:
            found.append(
                errors.SWAP_DIFFERENT_TYPES(
                    field="vehicle_b", a=type_words(type_a), b=type_words(type_b)
                )
            )
    return found


@transaction.atomic
def swap_numbers(*, actor: Actor, case: Case, vehicle_a: Vehicle, vehicle_b: Vehicle) -> Swap:
    """Exchange the numbers of two of the applicant's vehicles (the applicant, the clerk
    assisting them, or a clerk of the office). Audited as ``plates.swapped``."""
    case = selection_case(
        actor=actor, case=case, plate_case=False, banned_ok=True, holding_ok=True
    ).case
    _require_swap_case(case)
    if vehicle_a.pk == vehicle_b.pk:
        raise errors.SWAP_SAME_VEHICLE(field="vehicle_b")
    now = clock.now()
    # Lock order: the case, then the vehicles, then their numbers, each by id.
    vehicles = {
        v.pk: v
        for v in Vehicle.objects.select_for_update().filter(pk__in=[vehicle_a.pk, vehicle_b.pk])
    }
    if len(vehicles) != 2:
        raise errors.SWAP_SAME_VEHICLE(field="vehicle_b")
    a, b = vehicles[vehicle_a.pk], vehicles[vehicle_b.pk]
    plates = {
        p.vehicle_id: p
        for p in PlateNumber.objects.select_for_update(of=("self",))
        .select_related("pool")
        .filter(vehicle_id__in=[a.pk, b.pk], state=NumberState.ASSIGNED)
        .order_by("pk")
    }
    raise_all(_problems(case, [(a, plates.get(a.pk)), (b, plates.get(b.pk))], now))
    plate_a, plate_b = plates[a.pk], plates[b.pk]

    # Two unique constraints stand in the way of a direct exchange, and PostgreSQL checks
    # each at its statement: PlateNumber.vehicle is one-to-one, and an active vehicle's
    # plate_number is unique. So, inside this transaction:
    #   1. a's number leaves a, parked as "retired" (no vehicle; nothing outside this
    #      transaction ever sees it);
    #   2. b's number goes on a; 3. a's number goes on b, assigned again;
    #   4. the vehicle rows follow (registry.services.exchange_plate_numbers). The numbers
    #      are bound before, which is what the no-back-door rule (plates.apps) requires.
    plate_a.state, plate_a.vehicle = NumberState.RETIRED, None
    plate_a.save(update_fields=["state", "vehicle"])
    plate_b.vehicle = plate_b.last_vehicle = a
    plate_b.assigned_at = now
    plate_b.save(update_fields=["vehicle", "last_vehicle", "assigned_at"])
    plate_a.state, plate_a.vehicle, plate_a.last_vehicle = NumberState.ASSIGNED, b, b
    plate_a.assigned_at = now
    plate_a.save(update_fields=["state", "vehicle", "last_vehicle", "assigned_at"])
    exchange_plate_numbers(actor=actor, a=a, b=b)

    swap = Swap.objects.create(
        case=case,
        vehicle_a=a,
        vehicle_b=b,
        number_a=plate_a.number,
        number_b=plate_b.number,
        swapped_at=now,
    )
    NumberEvent.objects.bulk_create(
        NumberEvent(number=p, kind=EventKind.SWAPPED, at=now, state=NumberState.ASSIGNED, case=case)
        for p in (plate_a, plate_b)
    )
    record(
        actor=actor,
        action="plates.swapped",
        subject=swap,
        office_id=case.office_id,
        data={
            "case": case.number,
            "vehicle_a": a.pk,
            "vehicle_b": b.pk,
            "number_a": plate_a.number,
            "number_b": plate_b.number,
        },
    )
    complete_selection(actor, case)  # a selection case's outcome is the exchange
    return swap


@transaction.atomic
def swap_cars(*, actor: Actor, vehicle_a: Vehicle, vehicle_b: Vehicle) -> Swap:
    """The owner's swap, page and API alike: open (or find) the first car's selection case
    (``start_selection``) and swap in it, all or nothing."""
    case = start_selection(actor=actor, vehicle=vehicle_a).case
    return swap_numbers(actor=actor, case=case, vehicle_a=vehicle_a, vehicle_b=vehicle_b)
