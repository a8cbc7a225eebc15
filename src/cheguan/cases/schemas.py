"""What the cases API sends and accepts about the catalogue and a case. The applicant
leaves masked (DOMAIN.md §8.1); labels and messages follow the request's language."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.utils.translation import get_language
from ninja import Field

from cheguan.cases import services
from cheguan.cases.models import (
    Case,
    CaseDocument,
    CaseMessage,
    CaseNotice,
    Rating,
    RongqueCommitment,
    Service,
    Visit,
)
from cheguan.cases.owners import route_for
from cheguan.cases.queries import (
    applicant_label,
    commitment_of,
    current_documents,
    missing_requirements,
    rating_of,
    requirement_states,
)
from cheguan.cases.remembered import requirements_of
from cheguan.cases.rules import RATEABLE_STATUSES
from cheguan.core.schemas import Schema


def _en() -> bool:
    return (get_language() or "zh-hans").startswith("en")


# --- catalogue -----------------------------------------------------------------------------


class RequirementOut(Schema):
    code: str
    name_zh: str
    name_en: str
    essential: bool
    data_source: str


class ServiceOut(Schema):
    code: str
    office: str
    owner: str = Field(
        description="the app that runs it: cases (the generic case API), or an owner app "
        "whose own API and pages alone open and complete its cases"
    )
    start_path: str | None = Field(
        description="an owned service: the owner's page where a person starts one (null "
        "while the owner is not available on this platform; null for a generic service)"
    )
    start_api: str | None = Field(
        description="an owned service: the owner's API operation that starts one, e.g. "
        "POST /api/plates/selections (null otherwise)"
    )
    online: bool = Field(
        description="the platform runs it (generically, or through its owner); false: not "
        "yet available here, POST /api/cases/open answers cases.service_not_online"
    )
    name_zh: str
    name_en: str
    channels: list[str]
    promised_working_days: int
    statutory_working_days: int | None
    immediate: bool
    rongque_allowed: bool
    rongque_default_days: int
    rongque_max_days: int
    requirements: list[RequirementOut]

    @staticmethod
    def of(service: Service) -> dict:
        route = route_for(service)
        return {
            "code": service.code,
            "office": service.office.code,
            "owner": service.owner,
            "start_path": route.owner.start_path if route.owner is not None else None,
            "start_api": (route.owner.api or None) if route.owner is not None else None,
            "online": route.online,
            "name_zh": service.name_zh,
            "name_en": service.name_en,
            "channels": list(service.channels),
            "promised_working_days": service.promised_working_days,
            "statutory_working_days": service.statutory_working_days,
            "immediate": service.immediate,
            "rongque_allowed": service.rongque_allowed,
            "rongque_default_days": service.rongque_default_days,
            "rongque_max_days": max(services.max_rongque_days(service), 0)
            if service.rongque_allowed
            else 0,
            "requirements": [
                {
                    "code": r.code,
                    "name_zh": r.name_zh,
                    "name_en": r.name_en,
                    "essential": r.essential,
                    "data_source": r.data_source,
                }
                for r in requirements_of(service.pk)
            ],
        }


# --- cases ---------------------------------------------------------------------------------


class CaseOut(Schema):
    number: str
    office: str
    service: str
    service_name: str
    status: str
    status_label: str
    channel: str
    applicant: str = Field(description="masked name, or the organisation's name")
    vehicle_plate: str | None
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    accepted_at: dt.datetime | None
    closed_at: dt.datetime | None
    due_date: dt.date | None
    rongque: bool
    visit_count: int
    correction_rounds: int

    @staticmethod
    def of(case: Case) -> dict:
        return {
            "number": case.number,
            "office": case.office.code,
            "service": case.service.code,
            "service_name": case.service.name_in(get_language() or "zh-hans"),
            "status": case.status,
            "status_label": str(case.get_status_display()),
            "channel": case.channel,
            "applicant": applicant_label(case),
            "vehicle_plate": case.vehicle.plate_number if case.vehicle else None,
            "created_at": case.created_at,
            "submitted_at": case.submitted_at,
            "accepted_at": case.accepted_at,
            "closed_at": case.closed_at,
            "due_date": case.due_date,
            "rongque": case.rongque,
            "visit_count": case.visit_count,
            "correction_rounds": case.correction_rounds,
        }


class CasePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[CaseOut]


class DocumentOut(Schema):
    id: int
    requirement: str
    status: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    data_source: str
    data_reference: str
    added_at: dt.datetime

    @staticmethod
    def of(doc: CaseDocument) -> dict:
        return {
            "id": doc.pk,
            "requirement": doc.requirement.code,
            "status": doc.status,
            "original_name": doc.original_name,
            "content_type": doc.content_type,
            "size": doc.size,
            "sha256": doc.sha256,
            "data_source": doc.data_source,
            "data_reference": doc.data_reference,
            "added_at": doc.added_at,
        }


class NoticeItemOut(Schema):
    requirement: str
    problem: str
    reason: str


class NoticeOut(Schema):
    issued_at: dt.datetime
    is_first: bool
    items: list[NoticeItemOut]

    @staticmethod
    def of(notice: CaseNotice) -> dict:
        return {"issued_at": notice.issued_at, "is_first": notice.is_first, "items": notice.items}


class CommitmentOut(Schema):
    missing: list[str]
    signed_at: dt.datetime
    working_days: int
    deadline: dt.date
    status: str
    last_reminded_on: dt.date | None

    @staticmethod
    def of(c: RongqueCommitment) -> dict:
        return {
            "missing": list(c.missing),
            "signed_at": c.signed_at,
            "working_days": c.working_days,
            "deadline": c.deadline,
            "status": c.status,
            "last_reminded_on": c.last_reminded_on,
        }


class MessageOut(Schema):
    at: dt.datetime
    kind: str
    text: str

    @staticmethod
    def of(m: CaseMessage) -> dict:
        return {"at": m.at, "kind": m.kind, "text": m.text_en if _en() else m.text_zh}


class RatingOut(Schema):
    score: int
    dimensions: dict[str, int]
    comment: str
    channel: str
    rated_at: dt.datetime

    @staticmethod
    def of(r: Rating) -> dict:
        return {
            "score": r.score,
            "dimensions": r.dimensions,
            "comment": r.comment,
            "channel": r.channel,
            "rated_at": r.rated_at,
        }


class RequirementStateOut(Schema):
    code: str
    name: str
    essential: bool
    data_source: str
    document_status: str | None = Field(description="the current document's status, if any")
    verified_by_data: bool = Field(
        description="the office's records prove it (已联网核验): filed as such, or, before "
        "the case is (re)submitted, shown by the records today; no upload is asked for"
    )
    needs_upload: bool = Field(description="no document, and the records do not prove it")


class CaseDetailOut(CaseOut):
    owner: str = Field(description="the app that runs the case's service (cases: generic)")
    owner_path: str | None = Field(
        description="an owned service: the owner's page for this case; the generic case "
        "API answers cases.owned_service to every step of it"
    )
    requirements: list[RequirementStateOut] = Field(
        description="each document requirement, and whether the applicant must upload it"
    )
    missing: list[str] = Field(description="requirement codes with no current document")
    documents: list[DocumentOut]
    notices: list[NoticeOut]
    commitment: CommitmentOut | None
    messages: list[MessageOut]
    closing_reason: str
    rating: RatingOut | None
    rateable: bool = Field(description="completed or rejected, and not rated yet")
    actions: list[str] = Field(
        description="what the caller may do to the case now (sorted): submit, withdraw, "
        "add_document, accept, notice, reject, complete, record_visit, rate, screen, appeal, "
        "decide_appeal, verify, call_back, close_follow_up; the endpoint of an action not "
        "listed refuses it"
    )

    @staticmethod
    def of(case: Case, *, staff: bool = False, actions: frozenset[str] = frozenset()) -> dict:
        commitment = commitment_of(case)
        rating = rating_of(case)
        owner = route_for(case.service).owner
        documents = list(current_documents(case).select_related("requirement", "added_by"))
        return {
            **CaseOut.of(case),
            "owner": case.service.owner,
            "owner_path": owner.path_for(case, staff=staff) if owner is not None else None,
            "requirements": [
                {
                    "code": state.requirement.code,
                    "name": state.requirement.name_in(get_language() or "zh-hans"),
                    "essential": state.requirement.essential,
                    "data_source": state.requirement.data_source,
                    "document_status": state.document.status if state.document else None,
                    "verified_by_data": state.verified_by_data,
                    "needs_upload": state.needs_upload,
                }
                for state in requirement_states(case=case, documents=documents)
            ],
            "missing": [r.code for r in missing_requirements(case, documents=documents)],
            "documents": [DocumentOut.of(d) for d in documents],
            "notices": [NoticeOut.of(n) for n in case.notices.all()],
            "commitment": CommitmentOut.of(commitment) if commitment else None,
            "messages": [MessageOut.of(m) for m in case.messages.all()[:100]],
            "closing_reason": case.closing_reason_en if _en() else case.closing_reason,
            "rating": RatingOut.of(rating) if rating else None,
            "rateable": case.status in RATEABLE_STATUSES and rating is None,
            "actions": sorted(actions),
        }


class OpenIn(Schema):
    service_code: str = Field(max_length=40, examples=["plate_replacement"])
    vehicle_id: int | None = Field(None, ge=1, le=2**63 - 1)
    applicant_person_id: int | None = Field(
        None, ge=1, le=2**63 - 1, description="staff and partners only: who applies"
    )
    applicant_organisation_id: int | None = Field(None, ge=1, le=2**63 - 1)


class AcceptIn(Schema):
    rongque: bool = False
    rongque_days: int | None = Field(
        None, ge=0, le=1000, description="working days to supply the missing documents"
    )


class NoticeItemIn(Schema):
    requirement: str = Field(max_length=40)
    problem: Literal["missing", "invalid", "expired", "illegible"] = "missing"
    reason: str = Field("", max_length=300)


class NoticeIn(Schema):
    items: list[NoticeItemIn] = Field(max_length=50)


class VisitIn(Schema):
    kind: Literal["hall_ticket", "window"] = "window"
    ticket_number: str = Field("", max_length=20)


class VisitOut(Schema):
    id: int
    at: dt.datetime
    kind: str
    ticket_number: str
    visit_count: int

    @staticmethod
    def of(visit: Visit, case: Case) -> dict:
        return {
            "id": visit.pk,
            "at": visit.at,
            "kind": visit.kind,
            "ticket_number": visit.ticket_number,
            "visit_count": case.visit_count,
        }


class RejectIn(Schema):
    reasons: str = Field(max_length=2000)
    reasons_en: str = Field("", max_length=2000)


class RateIn(Schema):
    score: int = Field(ge=1, le=5, description="5 非常满意 … 1 非常不满意")
    dimensions: dict[str, int] = Field(default_factory=dict)
    comment: str = Field("", max_length=500)


class ScreenOut(Schema):
    token: str
    url: str
