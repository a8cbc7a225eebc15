"""The supervision side of the cases API: 容缺 commitments near their deadline, the
follow-ups of bad ratings (verify → call back → close; appeals), and the office's figures."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Path, Query, Router

from cheguan.cases import figures, oversight, services
from cheguan.cases.models import FollowUp, RongqueCommitment
from cheguan.cases.queries import applicant_label
from cheguan.cases.schemas import CommitmentOut
from cheguan.core.actor import actor_for
from cheguan.core.errors import INVALID_INPUT, Bi
from cheguan.core.pagination import LIMIT_HELP, MAX_LIMIT, page
from cheguan.core.permissions import require_office
from cheguan.core.schemas import ERRORS, Schema

router = Router()

START = Query(..., description="first day, YYYY-MM-DD")
END = Query(..., description="last day (inclusive), YYYY-MM-DD")
MAX_ID = 2**63 - 1
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2040, 12, 31)  # the working-day calendar


# --- follow-ups ----------------------------------------------------------------------------


class FollowUpOut(Schema):
    id: int
    case: str
    service: str
    score: int
    comment: str
    opened_at: dt.datetime
    due_date: dt.date
    status: str
    overdue: bool
    verification_note: str
    callback_note: str
    fix_note: str
    closed_at: dt.datetime | None
    appeal: str
    appeal_reason: str
    appeal_decision_note: str

    @staticmethod
    def of(f: FollowUp) -> dict:
        return {
            "id": f.pk,
            "case": f.case.number,
            "service": f.case.service.code,
            "score": f.rating.score,
            "comment": f.rating.comment,
            "opened_at": f.opened_at,
            "due_date": f.due_date,
            "status": f.status,
            "overdue": bool(getattr(f, "is_overdue", False)),
            "verification_note": f.verification_note,
            "callback_note": f.callback_note,
            "fix_note": f.fix_note,
            "closed_at": f.closed_at,
            "appeal": f.appeal,
            "appeal_reason": f.appeal_reason,
            "appeal_decision_note": f.appeal_decision_note,
        }


class FollowUpPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[FollowUpOut]


class StepIn(Schema):
    step: Literal["verify", "call_back", "close"]
    note: str = Field(max_length=2000, description="what was verified, said, or fixed")


class AppealIn(Schema):
    reason: str = Field(max_length=2000)


class DecideIn(Schema):
    upheld: bool
    note: str = Field(max_length=2000)


class CommitmentRowOut(CommitmentOut):
    case: str
    service: str
    applicant: str
    overdue: bool

    @staticmethod
    def of(c: RongqueCommitment) -> dict:
        return {
            **CommitmentOut.of(c),
            "case": c.case.number,
            "service": c.case.service.code,
            "applicant": applicant_label(c.case),
            "overdue": bool(getattr(c, "is_overdue", False)),
        }


# --- figures -------------------------------------------------------------------------------


class OneVisitRow(Schema):
    key: str
    completed: int
    one_visit: int
    rate: float | None


class SatisfactionRow(Schema):
    key: str
    finished: int
    rated: int
    satisfied: int
    strict: int
    unrated: int
    satisfaction_rate: float | None
    strict_satisfaction_rate: float | None
    unrated_rate: float | None


class ProcessingRow(Schema):
    key: str
    completed: int
    average: float | None
    p90: float | None
    promised_average: float | None
    within_promise_rate: float | None


class FiguresOut(Schema):
    start: dt.date
    end: dt.date
    by: str = Field(description='"all", "service" or "channel"')
    definitions: dict[str, str]
    one_visit: list[OneVisitRow]
    satisfaction: list[SatisfactionRow]
    processing_time: list[ProcessingRow]


@router.get(
    "/commitments",
    response={200: list[CommitmentRowOut], **ERRORS},
    summary="Open 容缺 commitments: overdue or due within two working days (or all)",
)
def commitments(request, all: bool = Query(False, description="every open commitment")):
    qs = oversight.commitments_for(actor_for(request), near_only=not all)
    return [CommitmentRowOut.of(c) for c in qs[:500]]


# --- follow-ups ----------------------------------------------------------------------------------


@router.get(
    "/follow-ups", response={200: FollowUpPage, **ERRORS}, summary="Follow-ups of bad ratings"
)
def follow_ups(
    request,
    open_only: bool = Query(True, description="only those not closed (or with a pending appeal)"),
    limit: int = Query(50, ge=1, le=MAX_LIMIT, description=LIMIT_HELP),
    offset: int = Query(0, ge=0, le=10_000_000),
):
    qs = oversight.follow_ups_for(actor_for(request), open_only=open_only)
    return page(qs, limit=limit, offset=offset, out=FollowUpOut.of)


@router.get(
    "/follow-ups/{follow_up_id}", response={200: FollowUpOut, **ERRORS}, summary="A follow-up"
)
def follow_up(request, follow_up_id: int = Path(..., ge=1, le=MAX_ID)):
    return FollowUpOut.of(oversight.get_follow_up(actor_for(request), follow_up_id))


STEPS = {
    "verify": services.verify_follow_up,
    "call_back": services.record_callback,
}


@router.post(
    "/follow-ups/{follow_up_id}/steps",
    response={200: FollowUpOut, **ERRORS},
    summary="Verify, call back, or close with the fix (in that order)",
)
def follow_up_step(request, payload: StepIn, follow_up_id: int = Path(..., ge=1, le=MAX_ID)):
    actor = actor_for(request)
    item = oversight.get_follow_up(actor, follow_up_id)
    if payload.step == "close":
        services.close_follow_up(actor=actor, follow_up=item, fix=payload.note)
    else:
        STEPS[payload.step](actor=actor, follow_up=item, note=payload.note)
    return FollowUpOut.of(oversight.get_follow_up(actor, follow_up_id))


@router.post(
    "/follow-ups/{follow_up_id}/appeal",
    response={200: FollowUpOut, **ERRORS},
    summary="A clerk appeals a rating they think unfair",
)
def appeal(request, payload: AppealIn, follow_up_id: int = Path(..., ge=1, le=MAX_ID)):
    actor = actor_for(request)
    item = oversight.get_follow_up(actor, follow_up_id)
    services.appeal_rating(actor=actor, follow_up=item, reason=payload.reason)
    return FollowUpOut.of(oversight.get_follow_up(actor, follow_up_id))


@router.post(
    "/follow-ups/{follow_up_id}/decide",
    response={200: FollowUpOut, **ERRORS},
    summary="A supervisor decides an appeal (upheld: the rating leaves the figures)",
)
def decide(request, payload: DecideIn, follow_up_id: int = Path(..., ge=1, le=MAX_ID)):
    actor = actor_for(request)
    item = oversight.get_follow_up(actor, follow_up_id)
    services.decide_appeal(actor=actor, follow_up=item, upheld=payload.upheld, note=payload.note)
    return FollowUpOut.of(oversight.get_follow_up(actor, follow_up_id))


# --- figures -----------------------------------------------------------------------------------


@router.get("/figures", response={200: FiguresOut, **ERRORS}, summary="The office's figures")
def office_figures(
    request,
    start: dt.date = START,
    end: dt.date = END,
    by: Literal["all", "service", "channel"] = Query("all"),
):
    """Computed from the records (SQL aggregates); each figure's definition is included."""
    actor = actor_for(request)
    office_id = require_office(actor.user, "cases.view_figures")
    if not (EARLIEST <= start <= end <= LATEST) or (end - start).days > 3660:
        raise INVALID_INPUT(
            field="end",
            detail=Bi(
                "开始日期不晚于结束日期，均在 2000–2040 年之间，跨度不超过 10 年",
                "start on or before end, both within 2000–2040, at most 10 years apart",
            ),
        )
    period = figures.Period(start=start, end=end)
    group = None if by == "all" else by
    en = (request.LANGUAGE_CODE or "").startswith("en")
    return {
        "start": start,
        "end": end,
        "by": by,
        "definitions": {k: (v.en if en else v.zh) for k, v in figures.DEFINITIONS.items()},
        "one_visit": figures.one_visit_rate(office_id=office_id, period=period, by=group),
        "satisfaction": figures.satisfaction(office_id=office_id, period=period, by=group),
        "processing_time": figures.processing_time(office_id=office_id, period=period, by=group),
    }
