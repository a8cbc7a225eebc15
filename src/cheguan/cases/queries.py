"""Case reads, scoped to the acting user (docs/adr/0003-permission-scoping.md).

- a citizen sees their own cases; a clerk in an assisted session sees the citizen's cases
  as "my cases" (and, as office staff, the office's cases);
- a partner agent sees the cases of its organisation and the cases it filed for customers;
- office staff (clerk, inspector, supervisor, admin) see their own office's cases.
Anything outside the scope is "not found" (404), never "forbidden", so numbers don't leak.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import Combinable

from cheguan.accounts.partners import require_partner_authorised
from cheguan.cases import rules
from cheguan.cases.evidence import evidence_for
from cheguan.cases.models import (
    GENERIC_OWNER,
    AppealDecision,
    Case,
    CaseDocument,
    CaseStatus,
    DocumentRequirement,
    DocumentStatus,
    FollowUp,
    Rating,
    RongqueCommitment,
    Service,
)
from cheguan.cases.remembered import requirements_of
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import NOT_AUTHENTICATED, NOT_FOUND, PERMISSION_DENIED, DomainError
from cheguan.core.permissions import is_staff_of, require_office
from cheguan.core.roles import Role


def is_applicant(actor: Actor, case: Case) -> bool:
    """The applicant themself, a clerk assisting them, or the applicant organisation's agent —
    or the partner that filed the case for its customer."""
    citizen = actor.citizen
    if (
        case.applicant_person_id is not None
        and citizen is not None
        and citizen.pk == case.applicant_person_id
    ):
        return True
    user = actor.user
    if user is not None and user.is_partner and user.organisation_id is not None:
        if case.applicant_organisation_id == user.organisation_id:
            return True
        if case.created_by is not None and case.created_by.organisation_id == user.organisation_id:
            return True
    return False


def current_documents(case: Case):
    return CaseDocument.objects.filter(case=case, superseded=False).exclude(
        status=DocumentStatus.REJECTED
    )


def rating_of(case: Case) -> Rating | None:
    """The case's rating, from the case when it was read with it (``select_related``)."""
    if Case.rating.is_cached(case):  # type: ignore[attr-defined]
        return getattr(case, "rating", None)  # joined and absent: None
    return Rating.objects.filter(case=case).first()


def commitment_of(case: Case) -> RongqueCommitment | None:
    """The case's 容缺 commitment, from the case when it was read with it."""
    if Case.commitment.is_cached(case):  # type: ignore[attr-defined]
        return getattr(case, "commitment", None)
    return RongqueCommitment.objects.filter(case=case).first()


def missing_requirements(
    case: Case, *, documents: list[CaseDocument] | None = None
) -> list[DocumentRequirement]:
    """The case's requirements with no current document (``documents``: the current
    documents, when the caller has read them already)."""
    if documents is None:
        have = set(current_documents(case).values_list("requirement_id", flat=True))
    else:
        have = {d.requirement_id for d in documents}
    return [r for r in requirements_of(case.service_id) if r.pk not in have]


def _select(qs: QuerySet[Case]) -> QuerySet[Case]:
    # with its rating and 容缺 commitment (one each at most): what a case's answer shows
    return qs.select_related(
        "service",
        "office",
        "applicant_person",
        "applicant_organisation",
        "vehicle",
        "rating",
        "commitment",
    )


def _base() -> QuerySet[Case]:
    return _select(Case.objects.all())


def my_cases(actor: Actor) -> QuerySet[Case]:
    """The cases of the citizen being served (themself, or the one a clerk assists), or of
    the partner's organisation (while it acts for a citizen: those it filed for them)."""
    user = actor.user
    if user is None:
        return Case.objects.none()
    citizen = actor.citizen
    if user.is_partner:
        mine = _select(Case.objects.visible_to(actor))
        return mine.filter(applicant_person=citizen) if citizen is not None else mine
    if citizen is not None:
        return _base().filter(applicant_person=citizen)
    return Case.objects.none()


def cases_for(actor: Actor) -> QuerySet[Case]:
    """Every case the actor may see."""
    return _select(Case.objects.visible_to(actor))


def get_case(actor: Actor, number: str) -> Case:
    case = cases_for(actor).filter(number=str(number)[:24]).first()
    if case is None:
        raise NOT_FOUND()
    return case


def reread(case: Case) -> Case:
    """A case the caller found in the actor's scope (``get_case``), read again after a step
    changed it, with what its answer shows."""
    return _base().get(pk=case.pk)


def applicant_label(case: Case) -> str:
    """The applicant as staff and the applicant see it: a masked name, or the organisation."""
    if case.applicant_person is not None:
        return case.applicant_person.masked_name
    return case.applicant_organisation.name if case.applicant_organisation else ""


def require_my_cases_scope(actor: Actor) -> None:
    """Citizens (also through a clerk's assisted session) and partner agents have "my cases"."""
    user = actor.user
    if user is None or not user.is_authenticated:
        raise NOT_AUTHENTICATED()
    if actor.citizen is None and not user.is_partner:
        raise PERMISSION_DENIED()


def find_case(actor: Actor, number: str) -> Case | None:
    """The clerk console's search: an exact number within the actor's office."""
    number = "".join(ch for ch in str(number) if ch.isalnum())[:24]
    if not number:
        return None
    return cases_for(actor).filter(number=number).first()


# --- what may be done to a case now ---------------------------------------------------------


def actions_for(actor: Actor, case: Case) -> frozenset[str]:
    """The actions (``rules.Action``) ``actor`` may take on ``case`` now: the lifecycle's
    rules and the permission checks the services make, read without acting, so a page's
    button and the service's answer agree (tests/cases/test_actions.py holds them to it).

    A case of an owned service is opened, advanced and completed only by its owner app
    (``cases.services.owned``): the generic actions here leave those steps out; visits,
    withdrawal and rating stay, as the services allow them. Input the service checks
    (a reason's length, a document's file, 容缺 days) is not foreseen: an offered action
    can still be refused for what was typed."""

    A = rules.Action
    status, user = case.status, actor.user
    generic = not case.service.is_owned
    actions: set[str] = set()

    applicant = is_applicant(actor, case)
    if applicant:
        try:  # a partner suspended (or unauthorised for the service) freezes its work
            require_partner_authorised(actor, service=case.service.code)
        except DomainError:
            applicant = False
    clerk = is_staff_of(user, "cases.process", case.office_id)
    rating = rating_of(case)

    if applicant:
        if rules.may_withdraw(status):
            actions.add(A.WITHDRAW)
        if generic and rules.may_submit(status, rongque=case.rongque):
            actions.add(A.SUBMIT)
    if (applicant or clerk) and generic and rules.takes_documents(status):
        actions.add(A.ADD_DOCUMENT)
    if (
        rules.may_rate(status, rated=rating is not None)
        and actor.on_behalf_of is None  # rating freedom: never for the citizen
        and user is not None
        and (user.role == Role.CITIZEN or user.is_partner)
        and is_applicant(actor, case)
    ):
        actions.add(A.RATE)
    if clerk:
        if rules.takes_visits(status):
            actions.add(A.RECORD_VISIT)
        if rules.may_rate(status, rated=rating is not None):
            actions.add(A.SCREEN)
        if generic:
            if rules.may_accept(status):
                actions.add(A.ACCEPT)
            if rules.may_notice(status):
                actions.add(A.NOTICE)
            if rules.may_reject(status):
                actions.add(A.REJECT)
            if rules.may_complete(
                status,
                rongque=case.rongque,
                documents_missing=status == CaseStatus.AWAITING_DOCUMENTS
                and bool(missing_requirements(case)),
            ):
                actions.add(A.COMPLETE)
    follow_up = FollowUp.objects.filter(case=case).first() if rating is not None else None
    if follow_up is not None:
        if clerk and not follow_up.appeal:
            actions.add(A.APPEAL)
        if is_staff_of(user, "cases.supervise", follow_up.office_id):
            if follow_up.appeal == AppealDecision.PENDING:
                actions.add(A.DECIDE_APPEAL)
            step = rules.next_follow_up_step(follow_up.status)
            if step is not None:
                actions.add(step)
    return frozenset(actions)


# --- catalogue -----------------------------------------------------------------------------


def catalogue(*, office_id: int | None = None, channel: str = "") -> QuerySet[Service]:
    qs = Service.objects.filter(active=True).select_related("office")
    if office_id is not None:
        qs = qs.filter(office_id=office_id)
    services = qs.prefetch_related("requirements").order_by("office_id", "code")
    if channel:
        # JSON containment differs between databases; the catalogue is a few dozen rows.
        ids = [s.pk for s in services if channel in s.channels]
        services = services.filter(pk__in=ids)
    return services


# --- what the applicant still has to provide -------------------------------------------------


@dataclass(frozen=True)
class RequirementState:
    """One document requirement as the applicant meets it: provided, proven by the
    office's records (已联网核验), or still to upload."""

    requirement: DocumentRequirement
    document: CaseDocument | None  # the current document, if any
    verified_by_data: bool  # the records prove it: filed as such, or will be on submitting
    reference: str = ""  # the record that proves it

    @property
    def needs_upload(self) -> bool:
        return self.document is None and not self.verified_by_data


def requirement_states(
    *,
    service: Service | None = None,
    case: Case | None = None,
    person_id: int | None = None,
    organisation_id: int | None = None,
    vehicle_id: int | None = None,
    documents: list[CaseDocument] | None = None,
) -> list[RequirementState]:
    """Each requirement of a case (or, before there is one, of a service for this applicant
    and vehicle), and whether the applicant must upload it. What the records prove today is
    never asked for: the same check ``services.verify_by_data`` files on submitting. Once a
    case is submitted only its filed documents count (the clerk decides on those)."""

    current: dict[int, CaseDocument] = {}
    prospective = True
    if case is not None:
        service = case.service
        person_id, organisation_id = case.applicant_person_id, case.applicant_organisation_id
        vehicle_id = case.vehicle_id
        if documents is None:
            documents = list(current_documents(case).select_related("added_by"))
        current = {d.requirement_id: d for d in documents}
        # the applicant's next step is to (re)submit, which files the records' proof
        prospective = rules.may_submit(case.status, rongque=case.rongque)
    assert service is not None
    today = clock.today()
    states = []
    for requirement in requirements_of(service.pk):
        document = current.get(requirement.pk)
        reference = ""
        if document is not None:
            verified = document.status == DocumentStatus.VERIFIED_BY_DATA
            reference = document.data_reference if verified else ""
        elif prospective and requirement.data_source:
            reference = (
                evidence_for(
                    requirement.data_source,
                    person_id=person_id,
                    organisation_id=organisation_id,
                    vehicle_id=vehicle_id,
                    today=today,
                )
                or ""
            )
            verified = bool(reference)
        else:
            verified = False
        states.append(RequirementState(requirement, document, verified, reference))
    return states


# --- the clerk's queue -----------------------------------------------------------------------


def _all_documents_in() -> Combinable:
    """True when every requirement of the case's service has a current document."""
    have = CaseDocument.objects.filter(
        case=OuterRef(OuterRef("pk")),
        requirement=OuterRef("pk"),
        superseded=False,
    ).exclude(status=DocumentStatus.REJECTED)
    lacking = DocumentRequirement.objects.filter(service=OuterRef("service")).exclude(Exists(have))
    return ~Exists(lacking)


def clerk_queue(actor: Actor) -> QuerySet[Case]:
    """What waits for the window: submitted cases, and 容缺 cases whose promised documents
    have all arrived (they can be completed now). Oldest first. Cases of owned services
    wait in their owner's queue, not here (docs/adr/0013-owned-services.md)."""
    office_id = require_office(actor.user, "cases.process")
    return (
        _base()
        .filter(office_id=office_id, service__owner=GENERIC_OWNER)
        .alias(all_in=_all_documents_in())
        .filter(
            Q(status=CaseStatus.SUBMITTED)
            | Q(status=CaseStatus.AWAITING_DOCUMENTS, rongque=True, all_in=True)
        )
        .order_by("submitted_at", "id")
    )
