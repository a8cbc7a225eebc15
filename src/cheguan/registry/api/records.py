"""What the office learns about a vehicle, recorded by a clerk (``registry.manage_vehicles``):
a violation from the traffic police and its processing, an accident, a compulsory insurance
policy, the vehicle tax of a year, an illegal-modification penalty, an encumbrance (seizure,
mortgage, pledge) and its release.

The vehicle, violation or encumbrance is looked up in the caller's scope first (404 outside
it); the rules and the audit are ``registry.services.records``, the same the vehicle page
(``registry.views.records``) calls.
"""

from __future__ import annotations

from ninja import Path, Router, Status

from cheguan.core.actor import actor_for
from cheguan.core.schemas import DB_INT_MAX, ERRORS
from cheguan.registry import queries
from cheguan.registry.schemas import (
    AccidentIn,
    AccidentOut,
    EncumbranceIn,
    EncumbranceOut,
    InsuranceIn,
    InsuranceOut,
    ModificationOut,
    ModificationPenaltyIn,
    ReleaseIn,
    TaxIn,
    TaxOut,
    ViolationIn,
    ViolationOut,
)
from cheguan.registry.services import records
from cheguan.registry.validators import parse_datetime

router = Router()

VEHICLE_ID = Path(..., ge=1, le=DB_INT_MAX, description="the vehicle's id")


def _vehicle(request, vehicle_id: int):
    actor = actor_for(request)
    return actor, queries.get_or_404(queries.vehicles_for(actor), pk=vehicle_id)


@router.post(
    "/vehicles/{vehicle_id}/violations",
    response={201: ViolationOut, **ERRORS},
    summary="Record a traffic violation the traffic police reported",
)
def record_violation(request, payload: ViolationIn, vehicle_id: int = VEHICLE_ID):
    """An unprocessed violation blocks most of the vehicle's services until it is processed
    (``POST /violations/{violation_id}/process``)."""
    actor, vehicle = _vehicle(request, vehicle_id)
    violation = records.record_violation(
        actor=actor,
        vehicle=vehicle,
        occurred_at=parse_datetime(payload.occurred_at, field="occurred_at"),
        code=payload.code,
        description=payload.description,
        points=payload.points,
        fine_yuan=payload.fine_yuan,
    )
    return Status(201, violation)


@router.post(
    "/violations/{violation_id}/process",
    response={200: ViolationOut, **ERRORS},
    summary="Record that a violation is processed (fine paid, points recorded)",
)
def process_violation(
    request, violation_id: int = Path(..., ge=1, le=DB_INT_MAX, description="the violation's id")
):
    """It no longer blocks. Processing it again changes nothing."""
    actor = actor_for(request)
    violation = queries.get_or_404(queries.violations_for(actor), pk=violation_id)
    return records.process_violation(actor=actor, violation=violation)


@router.post(
    "/vehicles/{vehicle_id}/accidents",
    response={201: AccidentOut, **ERRORS},
    summary="Record an accident",
)
def record_accident(request, payload: AccidentIn, vehicle_id: int = VEHICLE_ID):
    actor, vehicle = _vehicle(request, vehicle_id)
    accident = records.record_accident(actor=actor, vehicle=vehicle, **payload.dict())
    return Status(201, accident)


@router.post(
    "/vehicles/{vehicle_id}/insurance",
    response={201: InsuranceOut, **ERRORS},
    summary="Record a compulsory insurance (交强险) policy",
)
def record_insurance(request, payload: InsuranceIn, vehicle_id: int = VEHICLE_ID):
    actor, vehicle = _vehicle(request, vehicle_id)
    policy = records.record_insurance(actor=actor, vehicle=vehicle, **payload.dict())
    return Status(201, policy)


@router.post(
    "/vehicles/{vehicle_id}/tax",
    response={200: TaxOut, **ERRORS},
    summary="Set the vehicle tax (车船税) status of a year",
)
def set_vehicle_tax(request, payload: TaxIn, vehicle_id: int = VEHICLE_ID):
    """A later call for the same year replaces its status."""
    actor, vehicle = _vehicle(request, vehicle_id)
    return records.set_vehicle_tax(actor=actor, vehicle=vehicle, **payload.dict())


@router.post(
    "/vehicles/{vehicle_id}/modification-penalties",
    response={201: ModificationOut, **ERRORS},
    summary="Record an illegal-modification penalty",
)
def record_modification_penalty(
    request, payload: ModificationPenaltyIn, vehicle_id: int = VEHICLE_ID
):
    actor, vehicle = _vehicle(request, vehicle_id)
    penalty = records.record_modification_penalty(actor=actor, vehicle=vehicle, **payload.dict())
    return Status(201, penalty)


@router.post(
    "/vehicles/{vehicle_id}/encumbrances",
    response={201: EncumbranceOut, **ERRORS},
    summary="Record a seizure, mortgage or pledge",
)
def record_encumbrance(request, payload: EncumbranceIn, vehicle_id: int = VEHICLE_ID):
    """The vehicle's status follows its open encumbrances (seized, mortgaged)."""
    actor, vehicle = _vehicle(request, vehicle_id)
    encumbrance = records.record_encumbrance(actor=actor, vehicle=vehicle, **payload.dict())
    return Status(201, encumbrance)


@router.post(
    "/encumbrances/{encumbrance_id}/release",
    response={200: EncumbranceOut, **ERRORS},
    summary="Record the release of a seizure, mortgage or pledge",
)
def release_encumbrance(
    request,
    payload: ReleaseIn,
    encumbrance_id: int = Path(..., ge=1, le=DB_INT_MAX, description="the encumbrance's id"),
):
    """Released twice: 409. The vehicle's status follows its open encumbrances."""
    actor = actor_for(request)
    encumbrance = queries.get_or_404(queries.encumbrances_for(actor), pk=encumbrance_id)
    return records.release_encumbrance(
        actor=actor, encumbrance=encumbrance, released_on=payload.released_on
    )
