"""即办 by the system: a case of an ``immediate`` service settled the moment it is filed.

A domain service that has already checked its own rules (inspection eligibility, say) calls
:func:`settle_immediately` to submit, accept and complete the case in one transaction, with
no clerk's hand in between. This is the system path for online and service-point
applications, where no clerk is present; a clerk at the window or in an assisted session
uses it too, so there is one path. Guards: the service must be marked ``immediate``, every
required document must be present (verified from records, ``verify_by_data``), and the actor
must be the applicant (themself, their assisting clerk, the filing partner) or a clerk of
the case's office. The history rows and audit events name the actor; the events say
``"immediate": true`` so the figures and the trail show no clerk accepted it by hand.
A service owned by an app is settled only by that app (``owner=…``, ``cases.services.owned``).

When a check needs a person (a record is missing, so the applicant uploaded paper proof
instead), :func:`accept_for_review` accepts the case the same way but leaves it open, due
within the service's promised working days; a clerk then completes or rejects it with the
ordinary ``complete_case`` / ``reject_case``.
"""

from __future__ import annotations

from django.db import transaction

from cheguan.accounts.partners import require_partner_authorised
from cheguan.audit.services import Event, record_all
from cheguan.cases import errors
from cheguan.cases.locks import lock_case
from cheguan.cases.models import Case, CaseStatus
from cheguan.cases.queries import current_documents, is_applicant
from cheguan.cases.remembered import requirements_of
from cheguan.cases.services.common import status_words, transition
from cheguan.cases.services.documents import names_of, verify_by_data
from cheguan.cases.services.drafts import draft_case
from cheguan.cases.services.owned import require_owner
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import NOT_FOUND, Bi
from cheguan.core.permissions import is_staff_of
from cheguan.registry.models import Organisation, Person, Vehicle
from cheguan.workdays.services import add_working_days

S = CaseStatus


def _may_settle(actor: Actor, case: Case) -> bool:
    if is_applicant(actor, case):
        require_partner_authorised(actor, service=case.service.code)
        return True
    return is_staff_of(actor.user, "cases.process", case.office_id)


def _submit_and_check(actor: Actor, case: Case, now) -> list[Event]:
    """Submit a draft and file the records' proof; the events to record (none, or the
    submission), which the caller records with its own in one go."""
    events = []
    if case.status == S.DRAFT:
        transition(case, S.SUBMITTED, actor=actor, note="即办")
        case.submitted_at = now
        case.save(update_fields=["status", "submitted_at"])
        events.append(Event(action="cases.submitted", subject=case, office_id=case.office_id))
    have = {d.requirement_id for d in current_documents(case).only("requirement_id")}
    have |= {d.requirement_id for d in verify_by_data(case=case, actor=actor, have=have)}
    missing = [r for r in requirements_of(case.service_id) if r.pk not in have]
    if missing:
        raise errors.DOCUMENTS_MISSING(documents=names_of(missing))
    return events


def _lock_immediate(actor: Actor, case: Case, owner: str | None, *, fresh: bool = False) -> Case:
    """The case under its row lock, or, ``fresh`` (inserted by this transaction: nobody else
    sees it yet), as it is; then the checks every settling starts with."""
    if not fresh:
        case = lock_case(case)
    if not _may_settle(actor, case):
        raise NOT_FOUND()
    require_owner(case.service, owner)
    if not case.service.immediate:
        raise errors.ILLEGAL_TRANSITION(
            current=status_words(case.status),
            action=Bi("即办", "settled immediately"),
        )
    return case


@transaction.atomic
def accept_for_review(*, actor: Actor, case: Case, owner: str | None = None) -> Case:
    """Submit (if a draft) and accept an immediate case whose check needs a person: every
    required document is present, but some are uploads a clerk must look at. The case is
    due within the service's promised working days and waits for the clerk."""
    case = _lock_immediate(actor, case, owner)
    now = clock.now()
    events = _submit_and_check(actor, case, now)
    transition(case, S.ACCEPTED, actor=actor, note="即办：待人工核验")
    case.accepted_at = now
    case.promised_working_days = case.service.promised_working_days
    case.due_date = add_working_days(clock.today(), case.promised_working_days)
    case.save(update_fields=["status", "accepted_at", "promised_working_days", "due_date"])
    events.append(
        Event(
            action="cases.accepted",
            subject=case,
            office_id=case.office_id,
            data={"rongque": False, "immediate": True, "review": True},
        )
    )
    record_all(actor=actor, events=events)
    from cheguan.cases.notifications import notify

    due = case.due_date.isoformat()
    notify(
        case,
        kind="accepted",
        text=Bi(
            f"您的申请已受理，窗口将在{due}前核验您上传的材料并办结。",
            f"Your application is accepted; the office checks your documents and "
            f"finishes it by {due}.",
        ),
    )
    return case


@transaction.atomic
def settle_immediately(*, actor: Actor, case: Case, owner: str | None = None) -> Case:
    """Submit (if a draft), verify records, accept and complete an immediate case."""
    case, events = _settle(actor, case, owner)
    record_all(actor=actor, events=events)
    return case


@transaction.atomic
def open_and_settle(
    *,
    actor: Actor,
    service_code: str,
    applicant_person: Person | None = None,
    applicant_organisation: Organisation | None = None,
    vehicle: Vehicle | None = None,
    idempotency_scope: str = "",
    owner: str | None = None,
) -> Case:
    """:func:`open_case` then :func:`settle_immediately`, with the four events (opened,
    submitted, accepted, completed) recorded together at the end: the office's case stream
    is locked for the last few statements of the transaction, not all of it."""
    case, opened = draft_case(
        actor=actor,
        service_code=service_code,
        applicant_person=applicant_person,
        applicant_organisation=applicant_organisation,
        vehicle=vehicle,
        idempotency_scope=idempotency_scope,
        owner=owner,
    )
    case, events = _settle(actor, case, owner, fresh=opened is not None)
    record_all(actor=actor, events=[opened, *events] if opened is not None else events)
    return case


def _settle(
    actor: Actor, case: Case, owner: str | None, *, fresh: bool = False
) -> tuple[Case, list[Event]]:
    case = _lock_immediate(actor, case, owner, fresh=fresh)
    now = clock.now()
    events = _submit_and_check(actor, case, now)
    transition(case, S.ACCEPTED, S.COMPLETED, actor=actor, note="即办")
    case.accepted_at = now
    case.promised_working_days = case.service.promised_working_days
    case.due_date = add_working_days(clock.today(), case.promised_working_days)
    case.closed_at = now
    case.processing_working_days = 0
    case.save(
        update_fields=[
            "status",
            "accepted_at",
            "promised_working_days",
            "due_date",
            "closed_at",
            "processing_working_days",
        ]
    )
    events += [
        Event(
            action="cases.accepted",
            subject=case,
            office_id=case.office_id,
            data={"rongque": False, "immediate": True},
        ),
        Event(
            action="cases.completed",
            subject=case,
            office_id=case.office_id,
            data={"visits": case.visit_count, "corrections": 0, "immediate": True},
        ),
    ]
    from cheguan.cases.notifications import notify

    notify(
        case,
        kind="completed",
        text=Bi("您的办件已办结，欢迎评价。", "Your case is complete. Please rate our service."),
    )
    return case, events
