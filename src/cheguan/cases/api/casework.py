"""The applicant's and the window's side of the cases API: the catalogue, a case from draft
to rating, and the clerk's actions on it.

Scoping: ``cases.queries`` (a case outside the caller's scope is 404). Rules: ``cases.services``
(errors carry their codes, ``cases.errors``). The catalogue is public (it is the office's
service guide, 办事指南); everything else needs a login or an API token.
"""

from __future__ import annotations

from django.urls import reverse
from ninja import File, Form, Path, Query, Router, Status
from ninja.files import UploadedFile

from cheguan.cases import queries, services
from cheguan.cases.models import Case
from cheguan.cases.queries import is_applicant
from cheguan.cases.schemas import (
    AcceptIn,
    CaseDetailOut,
    CaseOut,
    CasePage,
    DocumentOut,
    NoticeIn,
    NoticeOut,
    OpenIn,
    RateIn,
    RatingOut,
    RejectIn,
    ScreenOut,
    ServiceOut,
    VisitIn,
    VisitOut,
)
from cheguan.core.actor import Actor, actor_for
from cheguan.core.errors import NOT_FOUND
from cheguan.core.pagination import LIMIT_HELP, MAX_LIMIT, page
from cheguan.core.schemas import ERRORS
from cheguan.registry import queries as registry_queries
from cheguan.registry import remembered as offices

router = Router()

NUMBER = Path(..., max_length=24, pattern=r"^[0-9]{8,24}$", description="the case number")
FILE = File(..., description="PDF, JPEG or PNG, at most 10 MB")


def _detail(case: Case, actor: Actor, *, reread: bool = True) -> dict:
    """The case's answer; ``reread`` after a step changed it (what the step's service holds
    may lack what the answer shows), not after a read (``queries.get_case`` joins it all)."""
    fresh = queries.reread(case) if reread else case
    staff = not is_applicant(actor, fresh)
    return CaseDetailOut.of(fresh, staff=staff, actions=queries.actions_for(actor, fresh))


# --- catalogue ---------------------------------------------------------------------------------


@router.get(
    "/catalogue",
    response={200: list[ServiceOut], **ERRORS},
    auth=None,
    summary="The service catalogue (public): channels, documents, promised times",
)
def catalogue(
    request,
    office: str = Query("", max_length=12, description="office code, e.g. 330200"),
    channel: str = Query("", max_length=16, description="only services offered on this channel"),
):
    office_id = None
    if office:
        found = offices.office_by_code(office)
        if found is None:
            raise NOT_FOUND(field="office")
        office_id = found.pk
    elif request.user.is_authenticated and (own := actor_for(request).office) is not None:
        office_id = own.pk
    return [ServiceOut.of(s) for s in queries.catalogue(office_id=office_id, channel=channel)]


# --- the applicant's side ----------------------------------------------------------------------


@router.get(
    "/my",
    response={200: CasePage, **ERRORS},
    summary="My cases (the citizen being served, or the partner's organisation)",
)
def my_cases(
    request,
    status: str = Query("", max_length=20),
    limit: int = Query(50, ge=1, le=MAX_LIMIT, description=LIMIT_HELP),
    offset: int = Query(0, ge=0, le=10_000_000),
):
    actor = actor_for(request)
    queries.require_my_cases_scope(actor)
    qs = queries.my_cases(actor)
    if status:
        qs = qs.filter(status=status)
    return page(qs.order_by("-created_at", "-id"), limit=limit, offset=offset, out=CaseOut.of)


@router.post("/open", response={201: CaseDetailOut, **ERRORS}, summary="Start a case (draft)")
def open_case(request, payload: OpenIn):
    actor = actor_for(request)
    vehicle, person, organisation = registry_queries.case_parties(
        actor,
        vehicle_id=payload.vehicle_id,
        person_id=payload.applicant_person_id,
        organisation_id=payload.applicant_organisation_id,
    )
    case = services.open_case(
        actor=actor,
        service_code=payload.service_code,
        applicant_person=person,
        applicant_organisation=organisation,
        vehicle=vehicle,
    )
    return Status(201, _detail(case, actor))


@router.get("/queue", response={200: CasePage, **ERRORS}, summary="The clerk's queue")
def queue(
    request,
    limit: int = Query(50, ge=1, le=MAX_LIMIT, description=LIMIT_HELP),
    offset: int = Query(0, ge=0, le=10_000_000),
):
    """Submitted cases, and 容缺 cases whose promised documents have all arrived."""
    qs = queries.clerk_queue(actor_for(request))
    return page(qs, limit=limit, offset=offset, out=CaseOut.of)


# --- one case (static paths above: "/{number}" comes last) ---------------------------------------


@router.post(
    "/screen/{token}/rate",
    response={201: RatingOut, **ERRORS},
    auth=None,
    summary="Rate on the window's second screen (public; the signed link is the key)",
)
def rate_on_screen(request, payload: RateIn, token: str = Path(..., max_length=400)):
    rating = services.rate_case_on_screen(
        token=token, score=payload.score, dimensions=payload.dimensions, comment=payload.comment
    )
    return Status(201, RatingOut.of(rating))


@router.get("/{number}", response={200: CaseDetailOut, **ERRORS}, summary="A case")
def case_detail(request, number: str = NUMBER):
    actor = actor_for(request)
    return _detail(queries.get_case(actor, number), actor, reread=False)


@router.post(
    "/{number}/documents",
    response={201: DocumentOut, **ERRORS},
    summary="Upload a document (multipart: requirement, file; PDF, JPEG or PNG)",
)
def upload(
    request,
    number: str = NUMBER,
    requirement: str = Form(..., max_length=40),
    file: UploadedFile = FILE,
):
    actor = actor_for(request)
    case = queries.get_case(actor, number)
    doc = services.add_document(actor=actor, case=case, requirement_code=requirement, upload=file)
    return Status(201, DocumentOut.of(doc))


@router.post("/{number}/submit", response={200: CaseDetailOut, **ERRORS}, summary="Submit")
def submit(request, number: str = NUMBER):
    actor = actor_for(request)
    return _detail(services.submit_case(actor=actor, case=queries.get_case(actor, number)), actor)


@router.post(
    "/{number}/accept",
    response={200: CaseDetailOut, **ERRORS},
    summary="Accept (受理), with or without 容缺",
)
def accept(request, payload: AcceptIn, number: str = NUMBER):
    actor = actor_for(request)
    case = services.accept_case(
        actor=actor,
        case=queries.get_case(actor, number),
        rongque=payload.rongque,
        rongque_days=payload.rongque_days,
    )
    return _detail(case, actor)


@router.post(
    "/{number}/notice",
    response={201: NoticeOut, **ERRORS},
    summary="Issue the one-time notice (一次性告知)",
)
def notice(request, payload: NoticeIn, number: str = NUMBER):
    actor = actor_for(request)
    made = services.issue_notice(
        actor=actor,
        case=queries.get_case(actor, number),
        items=[i.dict() for i in payload.items],
    )
    return Status(201, NoticeOut.of(made))


@router.post("/{number}/visit", response={201: VisitOut, **ERRORS}, summary="Record a visit")
def visit(request, payload: VisitIn, number: str = NUMBER):
    actor = actor_for(request)
    case = queries.get_case(actor, number)
    made = services.record_visit(
        actor=actor, case=case, kind=payload.kind, ticket_number=payload.ticket_number
    )
    case.refresh_from_db(fields=["visit_count"])
    return Status(201, VisitOut.of(made, case))


@router.post("/{number}/complete", response={200: CaseDetailOut, **ERRORS}, summary="Complete")
def complete(request, number: str = NUMBER):
    actor = actor_for(request)
    return _detail(services.complete_case(actor=actor, case=queries.get_case(actor, number)), actor)


@router.post(
    "/{number}/reject",
    response={200: CaseDetailOut, **ERRORS},
    summary="Reject (不予办理) with written reasons",
)
def reject(request, payload: RejectIn, number: str = NUMBER):
    actor = actor_for(request)
    case = services.reject_case(
        actor=actor,
        case=queries.get_case(actor, number),
        reasons=payload.reasons,
        reasons_en=payload.reasons_en,
    )
    return _detail(case, actor)


@router.post("/{number}/withdraw", response={200: CaseDetailOut, **ERRORS}, summary="Withdraw")
def withdraw(request, number: str = NUMBER):
    actor = actor_for(request)
    return _detail(services.withdraw_case(actor=actor, case=queries.get_case(actor, number)), actor)


@router.post("/{number}/rate", response={201: RatingOut, **ERRORS}, summary="Rate (好差评), once")
def rate(request, payload: RateIn, number: str = NUMBER):
    actor = actor_for(request)
    rating = services.rate_case(
        actor=actor,
        case=queries.get_case(actor, number),
        score=payload.score,
        dimensions=payload.dimensions,
        comment=payload.comment,
    )
    return Status(201, RatingOut.of(rating))


@router.post(
    "/{number}/screen",
    response={200: ScreenOut, **ERRORS},
    summary="Open the window's rating screen: a signed link valid for 15 minutes",
)
def open_screen(request, number: str = NUMBER):
    actor = actor_for(request)
    token = services.screen_token_for(actor=actor, case=queries.get_case(actor, number))
    url = request.build_absolute_uri(reverse("cases:screen", args=[token]))
    return {"token": token, "url": url}
