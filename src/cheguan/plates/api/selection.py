"""二十选一 over the API: draw, pick, a case's selection state, and binding the held number at
registration.

Scoping: ``plates.queries`` (a case outside the caller's scope is 404). Rules:
``plates.services`` (the draw, the pick, the assignment) — the same functions the pages call.

Operation ids are spelled out: they keep the names they had before the API became a
package (``docs/openapi.json``).
"""

from __future__ import annotations

from ninja import Path, Router, Status

from cheguan.core.actor import actor_for
from cheguan.core.errors import NOT_FOUND
from cheguan.core.schemas import DB_INT_MAX, ERRORS
from cheguan.plates import formats, queries, services
from cheguan.plates.models import Draw
from cheguan.plates.schemas import (
    AssignIn,
    AssignOut,
    DrawIn,
    DrawOut,
    PickIn,
    PickOut,
    SelectionOut,
)
from cheguan.registry.models import Vehicle

router = Router(tags=["plates"])

CASE_NUMBER = Path(..., max_length=24, pattern=r"^[0-9]{8,24}$", description="the case number")
DRAW_ID = Path(..., ge=1, le=DB_INT_MAX, description="the draw's id (draw_id)")


# --- shaping the answers ----------------------------------------------------------------------


def _open_draw_out(draw: Draw, seconds_left: int) -> dict:
    return {
        "draw_id": draw.pk,
        "numbers": draw.numbers,
        "display": [formats.display(n) for n in draw.numbers],
        "expires_at": draw.expires_at,
        "seconds_left": seconds_left,
    }


def selection_out(state: queries.SelectionState) -> dict:
    case = state.case
    held, assigned, ban = state.held, state.assigned, state.ban
    return {
        "case": case.number,
        "service": case.service.code,
        "case_status": case.status,
        "case_open": state.is_open,
        "may_select": state.may_select,
        "plate_type": state.plate_type or None,
        "plate_type_name": state.plate_type_name or None,
        "needs_plate_type": state.needs_plate_type,
        "draws_per_case": state.draws_per_case,
        "draws_used": state.draws_used,
        "draws_left": state.draws_left,
        "open_draw": _open_draw_out(state.open_draw, state.seconds_left)
        if state.open_draw is not None
        else None,
        "held": {"number": held.number, "display": held.display, "until": held.until}
        if held is not None
        else None,
        "assigned": {
            "number": assigned.number.number,
            "display": assigned.number.display,
            "at": assigned.at,
        }
        if assigned is not None
        else None,
        "compose_checks_per_case": state.compose_checks_per_case,
        "compose_checks_used": state.compose_checks_used,
        "compose_checks_left": state.compose_checks_left,
        "barred_online": ban is not None,
        "barred_until": ban.ends_at if ban is not None else None,
        "actions": state.actions.names,
    }


# --- the applicant: draw, pick, see where the case stands ---------------------------------------


@router.post(
    "/cases/{case_number}/draws",
    response={201: DrawOut, **ERRORS},
    operation_id="cheguan_plates_selection_api_draw",
)
def draw(request, payload: DrawIn, case_number: str = CASE_NUMBER):
    """Draw 20 free numbers at random for the case, offered for 5 minutes (settings). A new
    draw replaces the case's open one; each counts against the case's quota (5)."""
    actor = actor_for(request)
    case = queries.plate_case_for(actor, case_number)
    result = services.draw_numbers(actor=actor, case=case, plate_type=payload.plate_type)
    return Status(
        201,
        {
            "draw_id": result.draw.pk,
            "numbers": result.numbers,
            "display": [formats.display(n) for n in result.numbers],
            "expires_at": result.draw.expires_at,
            "draws_left": result.draws_left,
        },
    )


@router.post(
    "/draws/{draw_id}/pick",
    response={200: PickOut, **ERRORS},
    operation_id="cheguan_plates_selection_api_pick",
)
def pick(request, payload: PickIn, draw_id: int = DRAW_ID):
    """Pick one of the draw's numbers: it is held for the case (3 working days, settings) and
    the other numbers go back to the pool at once. After the offer's time: 409
    ``plates.offer_expired``; a number this draw did not offer: 409 ``plates.not_offered``."""
    actor = actor_for(request)
    found = queries.draw_for(actor, draw_id)
    plate = services.pick_number(actor=actor, draw=found, number=payload.number)
    return {
        "number": plate.number,
        "display": plate.display,
        "held_until": plate.until,
        "case": found.case.number,
    }


@router.get(
    "/cases/{case_number}/selection",
    response={200: SelectionOut, **ERRORS},
    operation_id="cheguan_plates_selection_api_selection",
)
def selection(request, case_number: str = CASE_NUMBER):
    """Where the case's number selection stands: the quota, the open draw with its time left,
    the held number, the self-composition checks left, a ban from online selection."""
    actor = actor_for(request)
    case = queries.plate_case_for(actor, case_number)
    return selection_out(queries.selection_of(actor, case))


# --- the registration (clerk) ------------------------------------------------------------------


@router.post(
    "/cases/{case_number}/assign",
    response={200: AssignOut, **ERRORS},
    operation_id="cheguan_plates_selection_api_assign",
)
def assign(request, payload: AssignIn, case_number: str = CASE_NUMBER):
    """The registration is done: the number the case holds goes on the vehicle (a clerk of the
    office, ``plates.process``; audited)."""
    actor = actor_for(request)
    case = queries.plate_case_for(actor, case_number)
    vehicle = Vehicle.objects.visible_to(actor).filter(pk=payload.vehicle_id).first()
    if vehicle is None:
        raise NOT_FOUND(field="vehicle_id")
    plate = services.assign_held_number(actor=actor, case=case, vehicle=vehicle)
    return {
        "number": plate.number,
        "display": plate.display,
        "case": case.number,
        "vehicle_id": vehicle.pk,
        "assigned_at": plate.assigned_at,
    }
