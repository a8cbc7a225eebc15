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
from cheguan.audit.services import record
from cheguan.cases import errors
from cheguan.cases.locks import lock_case
from cheguan.cases.models import Case, CaseStatus
from cheguan.cases.queries import is_applicant, missing_requirements
from cheguan.cases.services.common import status_words, transition
from cheguan.cases.services.documents import names_of, verify_by_data
from cheguan.cases.services.owned import require_owner
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import NOT_FOUND, Bi
from cheguan.core.permissions import is_staff_of
from cheguan.workdays.services import add_working_days

S = CaseStatus


def _may_settle(actor: Actor, case: Case) -> bool:
    if is_applicant(actor, case):
        require_partner_authorised(actor, service=case.service.code)
        return True
    return is_staff_of(actor.user, "cases.process", case.office_id)


def _submit_and_check(actor: Actor, case: Case, now) -> None:
    if case.status == S.DRAFT:
        transition(case, S.SUBMITTED, actor=actor, note="即办")
        case.submitted_at = now
        case.save(update_fields=["status", "submitted_at"])
        record(actor=actor, action="cases.submitted", subject=case, office_id=case.office_id)
    verify_by_data(case=case, actor=actor)
    missing = missing_requirements(case)
    if missing:
        raise errors.DOCUMENTS_MISSING(documents=names_of(missing))


def _lock_immediate(actor: Actor, case: Case, owner: str | None) -> Case:
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
    _submit_and_check(actor, case, now)
    transition(case, S.ACCEPTED, actor=actor, note="即办：待人工核验")
    case.accepted_at = now
    case.promised_working_days = case.service.promised_working_days
    case.due_date = add_working_days(clock.today(), case.promised_working_days)
    case.save(update_fields=["status", "accepted_at", "promised_working_days", "due_date"])
    record(
        actor=actor,
        action="cases.accepted",
        subject=case,
        office_id=case.office_id,
        data={"rongque": False, "immediate": True, "review": True},
    )
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
    case = _lock_immediate(actor, case, owner)
    now = clock.now()
    _submit_and_check(actor, case, now)
    transition(case, S.ACCEPTED, actor=actor, note="即办")
    case.accepted_at = now
    case.promised_working_days = case.service.promised_working_days
    case.due_date = add_working_days(clock.today(), case.promised_working_days)
    transition(case, S.COMPLETED, actor=actor, note="即办")
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
    record(
        actor=actor,
        action="cases.accepted",
        subject=case,
        office_id=case.office_id,
        data={"rongque": False, "immediate": True},
    )
    from cheguan.cases.notifications import notify

    notify(
        case,
        kind="completed",
        text=Bi("您的办件已办结，欢迎评价。", "Your case is complete. Please rate our service."),
    )
    record(
        actor=actor,
        action="cases.completed",
        subject=case,
        office_id=case.office_id,
        data={"visits": case.visit_count, "corrections": 0, "immediate": True},
    )
    return case
