"""二十选一 over the API: draw, pick, a case's selection state, the public draw log, the
admin's segments, and binding the held number at registration.

Scoping: ``plates.queries`` (a case outside the caller's scope is 404). Rules:
``plates.services`` (the draw, the pick, the release, the assignment) — the same functions
the pages call.
"""

from __future__ import annotations

import datetime as dt

from ninja import Field, Path, Query, Router, Status

from cheguan.core import clock
from cheguan.core.actor import actor_for
from cheguan.core.errors import NOT_FOUND
from cheguan.core.permissions import require
from cheguan.core.schemas import DB_INT_MAX, ERRORS, Schema
from cheguan.plates import formats, queries, services
from cheguan.plates.models import Draw, Segment
from cheguan.registry.models import Vehicle

router = Router(tags=["plates"])

CASE_NUMBER = Path(..., max_length=24, pattern=r"^[0-9]{8,24}$", description="the case number")
LOG_DATE = Query(None, description="YYYY-MM-DD, office-local; default today")
DRAW_ID = Path(..., ge=1, le=DB_INT_MAX, description="the draw's id (draw_id)")


# --- schemas --------------------------------------------------------------------------------


class DrawIn(Schema):
    plate_type: str = Field(
        "",
        max_length=2,
        description="01 large, 02 small, 51 large new-energy, 52 small new-energy; optional "
        "when the case has a vehicle (its type decides)",
    )


class DrawOut(Schema):
    draw_id: int
    numbers: list[str] = Field(description="the numbers offered, as stored: 浙BA1234")
    display: list[str] = Field(description="the same numbers as printed: 浙B·A1234")
    expires_at: dt.datetime = Field(description="pick one before this; then they go back")
    draws_left: int


class PickIn(Schema):
    number: str = Field(..., max_length=16, description="one of the draw's numbers: 浙BA1234")


class PickOut(Schema):
    number: str
    display: str
    held_until: dt.datetime = Field(description="held for the case until then")
    case: str = Field(description="the case number")


class OpenDrawOut(Schema):
    draw_id: int
    numbers: list[str]
    display: list[str]
    expires_at: dt.datetime
    seconds_left: int


class HeldOut(Schema):
    number: str
    display: str
    until: dt.datetime


class AssignedOut(Schema):
    number: str
    display: str
    at: dt.datetime


class SelectionOut(Schema):
    case: str
    service: str
    case_status: str
    case_open: bool = Field(description="false once the case is closed: nothing more to choose")
    may_select: bool = Field(description="the caller may draw and pick for this case")
    plate_type: str | None = Field(description="null while the case has no vehicle and no draw")
    plate_type_name: str | None
    needs_plate_type: bool = Field(description="the case has no vehicle: a draw names the type")
    draws_per_case: int
    draws_used: int
    draws_left: int
    open_draw: OpenDrawOut | None
    held: HeldOut | None
    assigned: AssignedOut | None = Field(description="the number put on the vehicle, if done")
    compose_checks_per_case: int
    compose_checks_used: int
    compose_checks_left: int
    barred_online: bool = Field(
        description="the applicant let too many holds expire: no online selection (a clerk at "
        "the hall can still help)"
    )
    barred_until: dt.datetime | None


class DrawLogEntryOut(Schema):
    draw_id: int
    drawn_at: dt.datetime
    office: str = Field(description="the office's plate prefix, e.g. 浙B")
    plate_type: str
    plate_type_name: str
    applicant: str = Field(description="masked: 王*国")
    seed: str = Field(
        description="hex, 32 bytes: HMAC-SHA256 of the office's day seed and the draw's identity"
    )
    committed: bool = Field(
        description="derived from a committed day seed (ADR 0014); false: made before"
    )
    pool_version: int
    pool_size: int
    candidates: int = Field(description="slots tried before the numbers were found")
    numbers: list[str]
    picked: str | None
    status: str
    expires_at: dt.datetime


class DaySeedOut(Schema):
    office: str = Field(description="the office code")
    commitment: str = Field(description="hex SHA-256 of the day seed, public before any draw")
    committed_at: dt.datetime
    secret: str | None = Field(description="hex day seed; null until the day has closed")


class DrawLogOut(Schema):
    date: dt.date
    office: str | None = Field(description="the office code asked for; null: every office")
    total: int
    limit: int
    offset: int
    draws: list[DrawLogEntryOut]
    day_seeds: list[DaySeedOut]
    verify: str = Field(description="the command that replays these draws from the log")


class SegmentIn(Schema):
    plate_type: str = Field(..., max_length=2, description="01, 02, 51 or 52")
    first: str = Field(..., max_length=16, description="the first serial, after 浙B: A0000")
    last: str = Field(..., max_length=16, description="the last serial, after 浙B: A9999")


class SegmentOut(Schema):
    id: int
    plate_type: str
    plate_type_name: str
    first: str
    last: str
    count: int
    released_at: dt.datetime
    released_by: str
    random_only_until: dt.datetime = Field(description="before this only the draw uses it")


class ReleaseOut(Schema):
    segment: SegmentOut
    released: int
    blocked: int = Field(description="numbers of the range the never-release blocklist kept out")


class AssignIn(Schema):
    vehicle_id: int = Field(..., ge=1, le=DB_INT_MAX)


class AssignOut(Schema):
    number: str
    display: str
    case: str
    vehicle_id: int
    assigned_at: dt.datetime


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
    }


def _log_entry(draw: Draw) -> dict:
    return {
        "draw_id": draw.pk,
        "drawn_at": draw.drawn_at,
        "office": draw.pool.office.plate_prefix,
        "plate_type": draw.pool.plate_type,
        "plate_type_name": queries.type_name(draw.pool.plate_type),
        "applicant": queries.masked_applicant(draw),
        "seed": draw.seed,
        "committed": draw.day_seed_id is not None,
        "pool_version": draw.pool_version,
        "pool_size": draw.pool_size,
        "candidates": len(draw.candidates),
        "numbers": draw.numbers,
        "picked": draw.picked or None,
        "status": draw.status,
        "expires_at": draw.expires_at,
    }


def _segment_out(segment: Segment) -> dict:
    return {
        "id": segment.pk,
        "plate_type": segment.pool.plate_type,
        "plate_type_name": queries.type_name(segment.pool.plate_type),
        "first": segment.first_number,
        "last": segment.last_number,
        "count": segment.count,
        "released_at": segment.released_at,
        "released_by": segment.released_by.label,
        "random_only_until": segment.random_only_until,
    }


# --- the applicant: draw, pick, see where the case stands ---------------------------------------


@router.post("/cases/{case_number}/draws", response={201: DrawOut, **ERRORS})
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


@router.post("/draws/{draw_id}/pick", response={200: PickOut, **ERRORS})
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


@router.get("/cases/{case_number}/selection", response={200: SelectionOut, **ERRORS})
def selection(request, case_number: str = CASE_NUMBER):
    """Where the case's number selection stands: the quota, the open draw with its time left,
    the held number, the self-composition checks left, a ban from online selection."""
    actor = actor_for(request)
    case = queries.plate_case_for(actor, case_number)
    return selection_out(queries.selection_of(actor, case))


# --- the public draw log ----------------------------------------------------------------------


@router.get("/draws", response={200: DrawLogOut, **ERRORS}, auth=None)
def draw_log(
    request,
    date: dt.date | None = LOG_DATE,
    office: str = Query("", max_length=12, description="office code; default: every office"),
    limit: int = Query(50, ge=1, le=queries.DRAW_LOG_MAX),
    offset: int = Query(0, ge=0, le=DB_INT_MAX),
):
    """Public: every draw of a day with its seed, the slot space it sampled (pool version and
    size) and the numbers offered; applicants masked. The day's seeds: their SHA-256
    commitment from before the first draw, the seed itself once the day has closed (ADR 0014).
    ``cheguan plates verify-draws DATE`` replays them from the log."""
    day = date or clock.today()
    found = queries.draw_log(day, office=queries.office_by_code(office), limit=limit, offset=offset)
    day_seeds = queries.published_day_seeds(day, office=found.office)
    return {
        "date": day,
        "office": found.office.code if found.office is not None else None,
        "total": found.total,
        "limit": found.limit,
        "offset": found.offset,
        "draws": [_log_entry(d) for d in found.draws],
        "day_seeds": [
            {
                "office": p.office.code,
                "commitment": p.commitment,
                "committed_at": p.committed_at,
                "secret": p.secret,
            }
            for p in day_seeds
        ],
        "verify": queries.VERIFY_COMMAND.format(day=day.isoformat()),
    }


# --- the pool (admin) and the registration (clerk) -------------------------------------------


@router.get("/segments", response={200: list[SegmentOut], **ERRORS})
def segments(request):
    """The segments released into the office's pools, newest first (``plates.manage_pool``)."""
    return [_segment_out(s) for s in queries.segments_of(actor_for(request))[:500]]


@router.post("/segments", response={201: ReleaseOut, **ERRORS})
def release(request, payload: SegmentIn):
    """Release a range of serials into the office's pool (admin, audited). Numbers the
    never-release blocklist matches are left out; an overlap with released numbers refuses
    the whole range (409 ``plates.already_released``)."""
    actor = actor_for(request)
    user = require(actor.user, "plates.manage_pool")
    if user.office is None:
        raise NOT_FOUND(field="office")
    done = services.release_segment(
        actor=actor,
        office=user.office,
        plate_type=payload.plate_type,
        first=payload.first,
        last=payload.last,
    )
    return Status(
        201,
        {"segment": _segment_out(done.segment), "released": done.released, "blocked": done.blocked},
    )


@router.post("/cases/{case_number}/assign", response={200: AssignOut, **ERRORS})
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
