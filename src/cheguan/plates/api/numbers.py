"""The other ways to a number, over the API: 自编自选 (compose, check, hold), 保留原号牌 (keep
the number of a car sold or scrapped, a spouse's retention, use a kept number) and 号牌号码互换
(swap two cars' numbers).

Scoping: a case through ``plates.queries.plate_case_for``, a vehicle or person through
``registry.queries`` (404 outside the caller's scope). Rules: ``plates.services``, the same
functions the pages call.

Operation ids are spelled out: they keep the names they had before the API became a
package (``docs/openapi.json``).
"""

from __future__ import annotations

from django.utils.translation import get_language
from ninja import Path, Router, Status

from cheguan.core.actor import actor_for
from cheguan.core.errors import NOT_FOUND
from cheguan.core.schemas import DB_INT_MAX, ERRORS
from cheguan.plates import queries, services
from cheguan.plates.api.selection import CASE_NUMBER
from cheguan.plates.conf import setting
from cheguan.plates.models import ComposeCheck, PlateNumber
from cheguan.plates.schemas import (
    ComposeCheckOut,
    ComposeIn,
    ComposeStateOut,
    KeepIn,
    KeptOut,
    NumberIn,
    PickOut,
    SwapIn,
    SwapOut,
)
from cheguan.registry import queries as registry_queries

router = Router(tags=["plates"])

VEHICLE_ID = Path(..., ge=1, le=DB_INT_MAX, description="the vehicle's id")


# --- shaping ----------------------------------------------------------------------------------


def _lang() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh-hans"


def _check_out(check: ComposeCheck, left: int) -> dict:
    return {
        "check_id": check.pk,
        "checked_at": check.checked_at,
        "results": queries.compose_results(check, lang=_lang()),
        "checks_left": left,
    }


def _kept_out(plate: PlateNumber) -> dict:
    return {
        "number": plate.number,
        "display": plate.display,
        "plate_type": plate.pool.plate_type,
        "retained_until": plate.retained_until,
        "held_for_case": plate.case.number
        if plate.case is not None and plate.state == "held"
        else None,
    }


def _held_out(plate: PlateNumber, case) -> dict:
    return {
        "number": plate.number,
        "display": plate.display,
        "held_until": plate.until,
        "case": case.number,
    }


def _vehicles(actor):
    return (
        registry_queries.citizen_vehicles(actor)
        if actor.citizen is not None
        else registry_queries.vehicles_for(actor)
    )


# --- 自编自选 -----------------------------------------------------------------------------------


@router.get(
    "/cases/{case_number}/compose",
    response={200: ComposeStateOut, **ERRORS},
    operation_id="cheguan_plates_numbers_api_compose_state",
)
def compose_state(request, case_number: str = CASE_NUMBER):
    """The case's self-composition checks, newest first, and how many are left."""
    actor = actor_for(request)
    case = queries.plate_case_for(actor, case_number)
    left = services.compose_checks_left(case)
    checks = queries.compose_checks_of(case)
    return {
        "case": case.number,
        "checks_per_case": setting("COMPOSE_CHECKS_PER_CASE"),
        "checks_left": left,
        "numbers_per_check": setting("COMPOSE_NUMBERS_PER_CHECK"),
        "checks": [_check_out(c, left) for c in checks[:50]],
    }


@router.post(
    "/cases/{case_number}/compose/checks",
    response={201: ComposeCheckOut, **ERRORS},
    operation_id="cheguan_plates_numbers_api_compose_check",
)
def compose_check(request, payload: ComposeIn, case_number: str = CASE_NUMBER):
    """Check up to 5 composed numbers (settings): each is available or every reason it is
    not. Each check counts against the case's 20 (settings); holds nothing. Too many
    numbers: 422 ``plates.compose_too_many_numbers``; quota used: 409
    ``plates.compose_quota_used``."""
    actor = actor_for(request)
    case = queries.plate_case_for(actor, case_number)
    numbers = [n[:32] for n in payload.numbers]
    check = services.check_composed(
        actor=actor, case=case, numbers=numbers, plate_type=payload.plate_type
    )
    return Status(201, _check_out(check, services.compose_checks_left(case)))


@router.post(
    "/cases/{case_number}/compose/hold",
    response={200: PickOut, **ERRORS},
    operation_id="cheguan_plates_numbers_api_compose_hold",
)
def compose_hold(request, payload: NumberIn, case_number: str = CASE_NUMBER):
    """Hold a number one of the case's checks reported available, as a pick from a draw is
    held. Not checked first: 409 ``plates.compose_not_checked``."""
    actor = actor_for(request)
    case = queries.plate_case_for(actor, case_number)
    plate = services.hold_composed(actor=actor, case=case, number=payload.number)
    return _held_out(plate, case)


# --- 保留原号牌 -------------------------------------------------------------------------------


@router.get(
    "/kept", response={200: list[KeptOut], **ERRORS}, operation_id="cheguan_plates_numbers_api_kept"
)
def kept(request):
    """The numbers kept for the citizen being served (themself, or the one assisted)."""
    actor = actor_for(request)
    return [_kept_out(p) for p in queries.kept_for(actor.citizen)]


@router.post(
    "/vehicles/{vehicle_id}/keep",
    response={201: KeptOut, **ERRORS},
    operation_id="cheguan_plates_numbers_api_keep",
)
def keep(request, payload: KeepIn, vehicle_id: int = VEHICLE_ID):
    """Keep the number that left (or is leaving) the vehicle, for its owner (MVR Art 44);
    or, a clerk of the office with spouse_person_id and married_on, for the owner's spouse
    (Art 45). Every failing condition is answered, each with its code."""
    actor = actor_for(request)
    vehicle = registry_queries.get_or_404(_vehicles(actor), pk=vehicle_id)
    spouse = None
    if payload.spouse_person_id is not None:
        spouse = registry_queries.people_for(actor).filter(pk=payload.spouse_person_id).first()
        if spouse is None:
            raise NOT_FOUND(field="spouse_person_id")
    plate = services.retain_number(
        actor=actor, vehicle=vehicle, on_behalf_spouse=spouse, married_on=payload.married_on
    )
    return Status(201, _kept_out(plate))


@router.post(
    "/cases/{case_number}/kept/use",
    response={200: PickOut, **ERRORS},
    operation_id="cheguan_plates_numbers_api_use_kept",
)
def use_kept(request, payload: NumberIn, case_number: str = CASE_NUMBER):
    """Hold a number kept for the case's applicant for this case, to the end of its
    retention (at least the usual hold). Not theirs: 409 ``plates.not_retained``."""
    actor = actor_for(request)
    case = queries.plate_case_for(actor, case_number)
    plate = services.use_retained(actor=actor, case=case, number=payload.number)
    return _held_out(plate, case)


# --- 号牌号码互换 -------------------------------------------------------------------------------


@router.post(
    "/swaps", response={201: SwapOut, **ERRORS}, operation_id="cheguan_plates_numbers_api_swap"
)
def swap(request, payload: SwapIn):
    """Exchange the numbers of two of the owner's cars, in a selection case of vehicle A
    (opened, or its open one). Every failing condition is answered, each with its code."""
    actor = actor_for(request)
    vehicles = _vehicles(actor)
    a = registry_queries.get_or_404(vehicles, pk=payload.vehicle_a_id)
    b = registry_queries.get_or_404(vehicles, pk=payload.vehicle_b_id)
    done = services.swap_cars(actor=actor, vehicle_a=a, vehicle_b=b)
    return Status(
        201,
        {
            "case": done.case.number,
            "vehicle_a_id": a.pk,
            "vehicle_b_id": b.pk,
            "vehicle_a_number": done.number_b,
            "vehicle_b_number": done.number_a,
            "swapped_at": done.swapped_at,
        },
    )
