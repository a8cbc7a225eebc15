"""Plate numbers over the API.

- ``GET /check`` (public): is a number valid for a plate type, every problem, and whether it
  could be composed under the local rules (never the number's pool state).
- ``/blocklist`` (admin, ``plates.manage_pool``): the office's blocked combinations.

Rules: ``plates.formats`` (through ``plates.number_check``) and ``plates.blocklist``.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Path, Query, Router, Status

from cheguan.core.actor import actor_for
from cheguan.core.permissions import require
from cheguan.core.schemas import DB_INT_MAX, ERRORS, Schema
from cheguan.plates import blocklist
from cheguan.plates.models import BlockedPattern, PlateType
from cheguan.plates.number_check import check_publicly

router = Router(tags=["plates"])

TYPE_HELP = "plate type: 01 large, 02 small, 51 large new-energy, 52 small new-energy, 15, 16"


# --- the public check --------------------------------------------------------------------------


class ProblemOut(Schema):
    code: str
    message: str


class CheckOut(Schema):
    number: str = Field(description="normalised: no spaces or dots, upper case (浙BA1234)")
    display: str = Field(description="as printed on the plate (浙B·A1234)")
    plate_type: str
    plate_type_name: str
    office: str | None = Field(description="the plate prefix checked against (浙B), if any")
    valid: bool
    problems: list[ProblemOut]
    composable: bool = Field(
        description="valid, and an applicant could compose it under the local rules "
        "(says nothing about whether the number is free)"
    )
    compose_problems: list[ProblemOut] = Field(description="the local rules' problems only")


def _problems(found) -> list[dict]:
    return [{"code": p.code, "message": p.message} for p in found]


@router.get(
    "/check",
    response={200: CheckOut, **ERRORS},
    auth=None,
    summary="Check a plate number (public): every problem, and whether it may be composed",
)
def check(
    request,
    number: str = Query("", max_length=32, description="e.g. 浙B·A1234, 浙BD12345"),
    plate_type: str = Query("", alias="type", max_length=4, description=TYPE_HELP),
    office: str = Query("", max_length=12, description="office code; default: by the prefix"),
):
    """Messages follow Accept-Language. Without ``office`` the number is checked against
    the office that issues its prefix, else this system's only office."""
    found = check_publicly(number, plate_type=plate_type, office_code=office)
    result = found.result
    return {
        "number": result.number,
        "display": result.display,
        "plate_type": result.plate_type,
        "plate_type_name": str(PlateType(plate_type).label)
        if plate_type in PlateType.values
        else "",
        "office": found.office.plate_prefix if found.office is not None else None,
        "valid": result.valid,
        "problems": _problems(result.problems),
        "composable": found.composable,
        "compose_problems": _problems(found.local_problems),
    }


# --- the blocklist (admin) ---------------------------------------------------------------------


class PatternOut(Schema):
    id: int
    pattern: str
    scope: str
    scope_name: str
    reason: str
    active: bool
    created_at: dt.datetime
    created_by: str

    @staticmethod
    def of(row: BlockedPattern) -> dict:
        return {
            "id": row.pk,
            "pattern": row.pattern,
            "scope": row.scope,
            "scope_name": str(row.get_scope_display()),
            "reason": row.reason,
            "active": row.active,
            "created_at": row.created_at,
            "created_by": row.created_by.label,
        }


class PatternIn(Schema):
    pattern: str = Field(
        max_length=200, description=r"a regular expression searched in the serial: (\d)\1\1"
    )
    reason: str = Field(max_length=500)
    scope: Literal["compose", "all"] = Field(
        "compose", description="compose: not for self-composition; all: never released"
    )


@router.get("/blocklist", response={200: list[PatternOut], **ERRORS})
def blocklist_index(request):
    """The office's blocked combinations, active and deactivated."""
    user = require(actor_for(request).user, "plates.manage_pool")
    return [PatternOut.of(row) for row in blocklist.patterns_of(user.office)]


@router.post("/blocklist", response={201: PatternOut, **ERRORS})
def blocklist_add(request, payload: PatternIn):
    actor = actor_for(request)
    user = require(actor.user, "plates.manage_pool")
    row = blocklist.add_pattern(
        actor=actor,
        office=user.office,
        pattern=payload.pattern,
        reason=payload.reason,
        scope=payload.scope,
    )
    return Status(201, PatternOut.of(row))


@router.post("/blocklist/{pattern_id}/deactivate", response={200: PatternOut, **ERRORS})
def blocklist_deactivate(request, pattern_id: int = Path(..., ge=1, le=DB_INT_MAX)):
    row = blocklist.deactivate_pattern(actor=actor_for(request), pattern_id=pattern_id)
    return PatternOut.of(row)
