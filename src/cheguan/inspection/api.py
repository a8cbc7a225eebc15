"""Inspection marks over the API: eligibility, apply (即办), mark detail, public verify.

Scoping: ``inspection.queries.vehicle_for`` (a vehicle outside the caller's scope is 404).
Rules: ``inspection.rules`` through ``inspection.services``.
"""

from __future__ import annotations

import datetime as dt

from ninja import Field, Query, Router, Schema, Status

from cheguan.accounts.actor import actor_for
from cheguan.core import clock
from cheguan.core.schemas import ERRORS
from cheguan.inspection import queries, services, signing

router = Router(tags=["inspection"])
MAX_ID = 2**63 - 1


class ReasonOut(Schema):
    code: str
    message: str
    kind: str
    data: dict


class EligibilityOut(Schema):
    vehicle_id: int
    plate: str
    regime: str
    on: dt.date
    may_issue: bool
    needs_station_test: bool
    exempt_class: bool
    due_date: dt.date | None
    window_opens: dt.date | None
    age_years: int | None
    new_valid_until: dt.date | None
    reasons: list[ReasonOut]


class MarkOut(Schema):
    serial: str
    plate: str
    vehicle_type: str
    valid_until: dt.date
    exempt: bool
    issuing_office: str
    issued_at: dt.datetime
    case_number: str | None
    revoked: bool
    verify_url: str


class ApplyIn(Schema):
    vehicle_id: int | None = Field(None, ge=1, le=MAX_ID)
    plate: str = Field("", max_length=10)


class ApplyOut(Schema):
    case_number: str
    created: bool
    mark: MarkOut


class VerdictOut(Schema):
    status: str
    plate: str
    valid_until: dt.date | None


def _mark_out(request, mark) -> dict:
    return {
        "serial": mark.serial,
        "plate": mark.plate_number,
        "vehicle_type": mark.vehicle_type,
        "valid_until": mark.valid_until,
        "exempt": mark.exempt,
        "issuing_office": mark.office.name,
        "issued_at": mark.issued_at,
        "case_number": mark.case.number if mark.case_id else None,
        "revoked": mark.is_revoked,
        "verify_url": signing.verify_url(mark, request.build_absolute_uri("/")),
    }


def _vehicle(request, vehicle_id: int | None, plate: str):
    return queries.vehicle_for(actor_for(request), vehicle_id=vehicle_id, plate=plate or "")


@router.get("/eligibility", response={200: EligibilityOut, **ERRORS})
def eligibility(
    request,
    vehicle_id: int | None = Query(None, ge=1, le=MAX_ID),
    plate: str = Query("", max_length=10),
):
    """Every reason this vehicle can or cannot get a mark without an on-site test today."""
    vehicle = _vehicle(request, vehicle_id, plate)
    result = queries.eligibility_of(vehicle, on=clock.today())
    return {"vehicle_id": vehicle.pk, "plate": vehicle.plate_number or "", **result.as_dict()}


@router.post("/apply", response={201: ApplyOut, **ERRORS})
def apply(request, payload: ApplyIn):
    """Apply; an eligible vehicle gets its mark at once. The same period again: the same mark."""
    vehicle = _vehicle(request, payload.vehicle_id, payload.plate)
    result = services.apply_for_mark(actor=actor_for(request), vehicle=vehicle)
    return Status(
        201,
        {
            "case_number": result.case.number,
            "created": result.created,
            "mark": _mark_out(request, result.mark),
        },
    )


@router.get("/marks/{serial}", response={200: MarkOut, **ERRORS})
def mark_detail(request, serial: str):
    mark = queries.mark_for(actor_for(request), serial[:24])
    return _mark_out(request, mark)


@router.get("/verify", response={200: VerdictOut, **ERRORS}, auth=None)
def verify(
    request,
    s: str = Query("", max_length=64),
    v: str = Query("", max_length=64),
    p: str = Query("", max_length=64),
    sig: str = Query("", max_length=128),
):
    """Public: valid / expired / revoked / forged, with the masked plate and validity only."""
    verdict = signing.check(serial=s, valid_until=v, plate=p, sig=sig)
    return {"status": verdict.status, "plate": verdict.plate, "valid_until": verdict.valid_until}
