"""The shapes of the plates API (``plates.api``): what each endpoint takes and answers.
Their names are the OpenAPI components of ``docs/openapi.json``."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field

from cheguan.core.schemas import DB_INT_MAX, Schema
from cheguan.plates.models import BlockedPattern

TYPE_HELP = "plate type: 01 large, 02 small, 51 large new-energy, 52 small new-energy, 15, 16"


# --- the public check and the blocklist ----------------------------------------------------------


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


# --- 二十选一: draw, pick, the selection, the draw log, segments, assignment -------------------


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
    actions: list[str] = Field(
        description="what the caller may do with the case now, of draw, pick, compose, "
        "hold_composed, use_kept, swap: the answer the pages show their buttons by and the "
        "services' own checks give (a pool, a partner's limits or a number's state may still "
        "refuse)"
    )


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


# --- 自编自选, 保留原号牌, 号牌号码互换 -------------------------------------------------------


class ComposeIn(Schema):
    numbers: list[str] = Field(
        ...,
        max_length=20,
        description="up to 5 numbers (settings), as printed or stored: 浙B·A1234, 浙BA1234",
    )
    plate_type: str = Field(
        "",
        max_length=2,
        description="02 small or 52 small new-energy; optional when the case has a vehicle",
    )


class ComposeProblemOut(Schema):
    code: str
    message: str = Field(description="in the request's language (Accept-Language)")


class ComposeResultOut(Schema):
    number: str
    display: str
    available: bool = Field(description="true: it can be held now (POST …/compose/hold)")
    problems: list[ComposeProblemOut] = Field(description="every reason it is not available")


class ComposeCheckOut(Schema):
    check_id: int
    checked_at: dt.datetime
    results: list[ComposeResultOut]
    checks_left: int


class ComposeStateOut(Schema):
    case: str
    checks_per_case: int
    checks_left: int
    numbers_per_check: int
    checks: list[ComposeCheckOut] = Field(description="this case's checks, newest first")


class NumberIn(Schema):
    number: str = Field(..., max_length=16, description="浙BA1234 or 浙B·A1234")


class KeepIn(Schema):
    spouse_person_id: int | None = Field(
        None,
        ge=1,
        le=DB_INT_MAX,
        description="a clerk at the window: keep it for the owner's spouse (MVR Art 45)",
    )
    married_on: dt.date | None = Field(
        None, description="with spouse_person_id: the date on the marriage certificate"
    )


class KeptOut(Schema):
    number: str
    display: str
    plate_type: str
    retained_until: dt.date = Field(description="use it for a new car by this day")
    held_for_case: str | None = Field(description="the case it is held for, if any")


class SwapIn(Schema):
    vehicle_a_id: int = Field(..., ge=1, le=DB_INT_MAX)
    vehicle_b_id: int = Field(..., ge=1, le=DB_INT_MAX)


class SwapOut(Schema):
    case: str = Field(description="the selection case the swap was made in")
    vehicle_a_id: int
    vehicle_b_id: int
    vehicle_a_number: str = Field(description="the number now on vehicle A (B's before)")
    vehicle_b_number: str = Field(description="the number now on vehicle B (A's before)")
    swapped_at: dt.datetime


# --- starting a selection -------------------------------------------------------------------


class StartIn(Schema):
    vehicle_id: int | None = Field(
        None, ge=1, le=DB_INT_MAX, description="a vehicle in the register: its type decides"
    )
    plate_type: str = Field(
        "",
        max_length=2,
        description="02 small, 52 small new-energy, 01 large, 51 large new-energy; optional "
        "(a car not registered yet names it when it draws)",
    )
    applicant_person_id: int | None = Field(
        None, ge=1, le=DB_INT_MAX, description="staff and partners only: who applies"
    )
    applicant_organisation_id: int | None = Field(None, ge=1, le=DB_INT_MAX)
