"""Records that block services: violations, accidents, compulsory insurance, vehicle tax,
illegal-modification penalties, and encumbrances (seizures, mortgages, pledges).

The ``clean_*`` functions hold each record's rules and are shared with the CSV importer.
A vehicle's ``status`` follows its open encumbrances (seized / mortgaged / registered);
no other registry function changes it.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction

from cheguan.audit.services import record
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import Bi
from cheguan.core.permissions import require
from cheguan.registry import errors
from cheguan.registry.models import (
    Accident,
    Encumbrance,
    EncumbranceKind,
    InsurancePolicy,
    ModificationPenalty,
    Organisation,
    TaxStatus,
    Vehicle,
    VehicleStatus,
    VehicleTax,
    Violation,
)
from cheguan.registry.validators import (
    after_today,
    validate_choice,
    validate_int,
    validate_text,
)


def _not_future(day: dt.date, field: str) -> dt.date:
    if after_today(day):
        raise errors.DATE_IN_FUTURE(field=field)
    return day


def _ordered(start: dt.date, end: dt.date, field: str) -> None:
    if end < start:
        raise errors.INVALID_DATES(
            field=field, detail=Bi("结束早于开始。", "the end is before the start.")
        )


def _record_code(value: object, *, field: str, max_length: int) -> str:
    text = value.strip().upper() if isinstance(value, str) else ""
    if not re.fullmatch(rf"[A-Z0-9-]{{1,{max_length}}}", text, re.ASCII):
        raise errors.INVALID_RECORD_CODE(field=field, max=max_length)
    return text


def clean_violation(
    *,
    occurred_at: dt.datetime,
    code: object,
    description: object,
    points: object = 0,
    fine_yuan: object = 0,
    processed: bool = False,
    processed_at: dt.datetime | None = None,
) -> dict:
    if occurred_at > clock.now():
        raise errors.DATE_IN_FUTURE(field="occurred_at")
    if processed_at is not None and not (occurred_at <= processed_at <= clock.now()):
        raise errors.INVALID_DATES(
            field="processed_at",
            detail=Bi(
                "处理时间应在违法时间之后、现在之前。",
                "it is processed after it happened and not later than now.",
            ),
        )
    return {
        "occurred_at": occurred_at,
        "code": _record_code(code, field="code", max_length=10),
        "description": validate_text(description, field="description", max_length=200),
        "points": validate_int(points, field="points", minimum=0, maximum=12),
        "fine_yuan": validate_int(fine_yuan, field="fine_yuan", minimum=0, maximum=1_000_000),
        "processed": bool(processed or processed_at),
        "processed_at": processed_at,
    }


def clean_accident(
    *, occurred_on: dt.date, with_casualties: bool, settled: bool = False, description=""
) -> dict:
    return {
        "occurred_on": _not_future(occurred_on, "occurred_on"),
        "with_casualties": bool(with_casualties),
        "settled": bool(settled),
        "description": validate_text(
            description or "", field="description", max_length=200, min_length=0
        ),
    }


def clean_insurance(*, policy_number: object, valid_from: dt.date, valid_until: dt.date) -> dict:
    _ordered(valid_from, valid_until, "valid_until")
    return {
        "policy_number": _record_code(policy_number, field="policy_number", max_length=40),
        "valid_from": valid_from,
        "valid_until": valid_until,
    }


def clean_tax(*, year: object, status: object) -> dict:
    last = clock.today().year + 1
    return {
        "year": validate_int(year, field="year", minimum=1950, maximum=last),
        "status": validate_choice(status, TaxStatus, field="status"),
    }


def clean_modification(*, decided_on: dt.date, description: object) -> dict:
    return {
        "decided_on": _not_future(decided_on, "decided_on"),
        "description": validate_text(description, field="description", max_length=200),
    }


def clean_encumbrance(
    *, kind: object, authority: object, started_on: dt.date, released_on: dt.date | None = None
) -> dict:
    if released_on is not None:
        _ordered(started_on, released_on, "released_on")
        _not_future(released_on, "released_on")
    return {
        "kind": validate_choice(kind, EncumbranceKind, field="kind"),
        "authority": validate_text(authority, field="authority", max_length=120),
        "started_on": _not_future(started_on, "started_on"),
        "released_on": released_on,
    }


# --- vehicle status follows open encumbrances -------------------------------------------

# Only these statuses follow encumbrances; stolen, scrapped or deregistered vehicles keep theirs.
FOLLOWS_ENCUMBRANCES = frozenset(
    {VehicleStatus.REGISTERED, VehicleStatus.MORTGAGED, VehicleStatus.SEIZED}
)


def status_for_open_encumbrances(kinds: set[str]) -> str:
    if EncumbranceKind.SEIZURE in kinds:
        return VehicleStatus.SEIZED
    if EncumbranceKind.MORTGAGE in kinds:
        return VehicleStatus.MORTGAGED
    return VehicleStatus.REGISTERED


def _sync_status(vehicle: Vehicle) -> str:
    """Set the (locked) vehicle's status from its open encumbrances; returns it."""
    if vehicle.status in FOLLOWS_ENCUMBRANCES:
        kinds = set(
            vehicle.encumbrances.filter(released_on__isnull=True).values_list("kind", flat=True)
        )
        status = status_for_open_encumbrances(kinds)
        if status != vehicle.status:
            vehicle.status = status
            vehicle.save(update_fields=["status"])
    return vehicle.status


# --- the services -------------------------------------------------------------------------


def _may_manage(actor: Actor) -> None:
    if actor.user is not None:  # the system actor (import, demo) is not a role
        require(actor.user, "registry.manage_vehicles")


def _audit(actor: Actor, action: str, obj, vehicle: Vehicle, **data) -> None:
    record(
        actor=actor,
        action=action,
        subject=obj,
        office_id=vehicle.office_id,
        data={"vehicle_id": vehicle.pk, "vin": vehicle.vin, **data},
    )


@transaction.atomic
def record_violation(
    *,
    actor: Actor,
    vehicle: Vehicle,
    occurred_at: dt.datetime,
    code: str,
    description: str,
    points: int | str = 0,  # a form gives text; clean_violation checks it
    fine_yuan: int | str = 0,
) -> Violation:
    _may_manage(actor)
    values = clean_violation(
        occurred_at=occurred_at,
        code=code,
        description=description,
        points=points,
        fine_yuan=fine_yuan,
    )
    violation = Violation.objects.create(vehicle=vehicle, **values)
    _audit(actor, "registry.violation_recorded", violation, vehicle, code=violation.code)
    return violation


@transaction.atomic
def process_violation(*, actor: Actor, violation: Violation) -> Violation:
    """Mark a violation as dealt with (fine paid, points recorded): it no longer blocks."""
    _may_manage(actor)
    violation = Violation.objects.select_for_update().select_related("vehicle").get(pk=violation.pk)
    if not violation.processed:
        violation.processed, violation.processed_at = True, clock.now()
        violation.save(update_fields=["processed", "processed_at"])
        _audit(actor, "registry.violation_processed", violation, violation.vehicle)
    return violation


@transaction.atomic
def record_accident(
    *,
    actor: Actor,
    vehicle: Vehicle,
    occurred_on: dt.date,
    with_casualties: bool,
    settled: bool = False,
    description: str = "",
) -> Accident:
    _may_manage(actor)
    values = clean_accident(
        occurred_on=occurred_on,
        with_casualties=with_casualties,
        settled=settled,
        description=description,
    )
    accident = Accident.objects.create(vehicle=vehicle, **values)
    _audit(actor, "registry.accident_recorded", accident, vehicle, with_casualties=with_casualties)
    return accident


@transaction.atomic
def record_insurance(
    *,
    actor: Actor,
    vehicle: Vehicle,
    policy_number: str,
    valid_from: dt.date,
    valid_until: dt.date,
    insurer: Organisation | None = None,
) -> InsurancePolicy:
    """A compulsory insurance (交强险) period."""
    _may_manage(actor)
    values = clean_insurance(
        policy_number=policy_number, valid_from=valid_from, valid_until=valid_until
    )
    policy = InsurancePolicy.objects.create(vehicle=vehicle, insurer=insurer, **values)
    _audit(
        actor,
        "registry.insurance_recorded",
        policy,
        vehicle,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    return policy


@transaction.atomic
def set_vehicle_tax(*, actor: Actor, vehicle: Vehicle, year: int, status: str) -> VehicleTax:
    """The vehicle tax (车船税) status for one year; a later call for that year replaces it."""
    _may_manage(actor)
    values = clean_tax(year=year, status=status)
    Vehicle.objects.select_for_update().filter(pk=vehicle.pk).first()  # serialise per vehicle
    tax, _created = VehicleTax.objects.update_or_create(
        vehicle=vehicle, year=values["year"], defaults={"status": values["status"]}
    )
    _audit(actor, "registry.tax_recorded", tax, vehicle, year=tax.year, status=tax.status)
    return tax


@transaction.atomic
def record_modification_penalty(
    *, actor: Actor, vehicle: Vehicle, decided_on: dt.date, description: str
) -> ModificationPenalty:
    _may_manage(actor)
    values = clean_modification(decided_on=decided_on, description=description)
    penalty = ModificationPenalty.objects.create(vehicle=vehicle, **values)
    _audit(actor, "registry.modification_penalty_recorded", penalty, vehicle)
    return penalty


@transaction.atomic
def record_encumbrance(
    *, actor: Actor, vehicle: Vehicle, kind: str, authority: str, started_on: dt.date
) -> Encumbrance:
    """A seizure, mortgage or pledge; the vehicle's status follows (seized / mortgaged)."""
    _may_manage(actor)
    values = clean_encumbrance(kind=kind, authority=authority, started_on=started_on)
    locked = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    encumbrance = Encumbrance.objects.create(vehicle=locked, **values)
    before = locked.status
    after = _sync_status(locked)
    _audit(
        actor,
        "registry.encumbrance_recorded",
        encumbrance,
        locked,
        kind=encumbrance.kind,
        status_from=before,
        status_to=after,
    )
    vehicle.status = after
    return encumbrance


@transaction.atomic
def release_encumbrance(
    *, actor: Actor, encumbrance: Encumbrance, released_on: dt.date | None = None
) -> Encumbrance:
    _may_manage(actor)
    locked = Vehicle.objects.select_for_update().get(pk=encumbrance.vehicle_id)
    current = Encumbrance.objects.get(pk=encumbrance.pk)
    if current.released_on is not None:
        raise errors.ENCUMBRANCE_ALREADY_RELEASED(
            field="released_on", day=current.released_on.isoformat()
        )
    day = _not_future(released_on or clock.today(), "released_on")
    _ordered(current.started_on, day, "released_on")
    current.released_on = day
    current.save(update_fields=["released_on"])
    before = locked.status
    after = _sync_status(locked)
    _audit(
        actor,
        "registry.encumbrance_released",
        current,
        locked,
        kind=current.kind,
        status_from=before,
        status_to=after,
    )
    return current
