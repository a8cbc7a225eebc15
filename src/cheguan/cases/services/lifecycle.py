"""The case lifecycle: open (the draft itself: ``drafts``), submit, notice, accept (with or without 容缺), complete,
reject and withdraw. Each function is one transaction with its audit event."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from cheguan.audit.services import record, record_all
from cheguan.cases import errors
from cheguan.cases.locks import lock_case
from cheguan.cases.models import (
    Case,
    CaseNotice,
    CaseStatus,
    CommitmentStatus,
    NoticeProblem,
    RongqueCommitment,
)
from cheguan.cases.queries import missing_requirements
from cheguan.cases.remembered import requirements_of
from cheguan.cases.rules import may_notice, may_submit
from cheguan.cases.services.common import (
    ACTION_WORDS,
    require_applicant,
    require_clerk_of,
    status_words,
    transition,
)
from cheguan.cases.services.documents import names_of, verify_by_data
from cheguan.cases.services.drafts import draft_case
from cheguan.cases.services.owned import require_owner
from cheguan.cases.services.rongque import check_rongque_days, rongque_credit_block
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import Bi
from cheguan.registry.models import Organisation, Person, Vehicle
from cheguan.workdays.services import add_working_days, working_days_between

S = CaseStatus


@transaction.atomic
def open_case(
    *,
    actor: Actor,
    service_code: str,
    applicant_person: Person | None = None,
    applicant_organisation: Organisation | None = None,
    vehicle: Vehicle | None = None,
    idempotency_scope: str = "",
    owner: str | None = None,
) -> Case:
    """Start a case (draft). Citizens apply for themselves; a clerk in an assisted session for
    the citizen they assist; a clerk at the window or a partner names the applicant.

    A service the catalogue gives to an owner app is opened only by that app, which names
    itself (``owner="inspection"``); without ``owner`` it is refused with where to go
    (``cases.owned_service``), as every later step is (``cases.services.owned``).

    With an ``idempotency_scope`` (e.g. ``"inspection:<vehicle>:<period>"``) a second call
    returns the live case already open for that scope instead of a duplicate."""
    case, opened = draft_case(
        actor=actor,
        service_code=service_code,
        applicant_person=applicant_person,
        applicant_organisation=applicant_organisation,
        vehicle=vehicle,
        idempotency_scope=idempotency_scope,
        owner=owner,
    )
    if opened is not None:
        record_all(actor=actor, events=[opened])
    return case


_lock = lock_case


@transaction.atomic
def submit_case(*, actor: Actor, case: Case, owner: str | None = None) -> Case:
    """The applicant submits (or resubmits after a one-time notice). Records the office can
    check (identity, insurance, tax) are verified from data first. A 容缺 case awaiting its
    promised documents is not resubmitted: the window completes it (``rules.may_submit``)."""
    case = _lock(case)
    require_applicant(actor, case)
    require_owner(case.service, owner)
    if not may_submit(case.status, rongque=case.rongque):
        raise errors.ILLEGAL_TRANSITION(
            current=status_words(case.status), action=ACTION_WORDS[S.SUBMITTED]
        )
    transition(case, S.SUBMITTED, actor=actor)
    case.submitted_at = case.submitted_at or clock.now()
    case.save(update_fields=["status", "submitted_at"])
    verify_by_data(case=case, actor=actor)
    record(actor=actor, action="cases.submitted", subject=case, office_id=case.office_id)
    return case


@transaction.atomic
def issue_notice(
    *, actor: Actor, case: Case, items: Iterable[dict], owner: str | None = None
) -> CaseNotice:
    """一次性告知: list everything missing or wrong at once; the case goes back to the
    applicant. A later notice may only ask again for what the first one listed. It answers a
    submission: an accepted case gets no notice (``rules.may_notice``)."""
    case = _lock(case)
    require_clerk_of(actor, case)
    require_owner(case.service, owner)
    if not may_notice(case.status):
        raise errors.ILLEGAL_TRANSITION(
            current=status_words(case.status), action=ACTION_WORDS[S.AWAITING_DOCUMENTS]
        )
    items = list(items)
    if not items:
        raise errors.NOTICE_EMPTY(field="items")
    requirements = {r.code: r for r in requirements_of(case.service_id)}
    clean = []
    for item in items:
        code = str(item.get("requirement", ""))
        if code not in requirements:
            raise errors.UNKNOWN_REQUIREMENT(field="items", code=code[:40])
        problem = item.get("problem", NoticeProblem.MISSING)
        if problem not in NoticeProblem.values:
            raise errors.INVALID_PROBLEM(field="items")
        clean.append(
            {"requirement": code, "problem": problem, "reason": str(item.get("reason", ""))[:300]}
        )
    first = CaseNotice.objects.filter(case=case, is_first=True).first()
    if first is not None:
        allowed = {i["requirement"] for i in first.items}
        for item in clean:
            if item["requirement"] not in allowed:
                raise errors.NOT_IN_FIRST_NOTICE(
                    field="items", document=requirements[item["requirement"]].name_zh
                )
    transition(case, S.AWAITING_DOCUMENTS, actor=actor, note="one-time notice")
    case.correction_rounds += 1
    case.save(update_fields=["status", "correction_rounds"])
    notice = CaseNotice.objects.create(
        case=case, issued_at=clock.now(), issued_by=actor.user, items=clean, is_first=first is None
    )
    from cheguan.cases.notifications import notify

    notify(
        case,
        kind="notice",
        text=Bi(
            "您的申请材料需要补正，请查看一次性告知并一次补齐。",
            "Your application needs corrections: see the one-time notice and supply everything at once.",
        ),
    )
    record(
        actor=actor,
        action="cases.notice_issued",
        subject=case,
        office_id=case.office_id,
        data={"items": [i["requirement"] for i in clean], "first": first is None},
    )
    return notice


@transaction.atomic
def accept_case(
    *,
    actor: Actor,
    case: Case,
    rongque: bool = False,
    rongque_days: int | None = None,
    owner: str | None = None,
) -> Case:
    """受理. With every document in: accepted. With supplementary documents missing and
    ``rongque``: accepted under 容缺 against the applicant's signed commitment and a
    deadline; the case then awaits the promised documents."""
    case = _lock(case)
    require_clerk_of(actor, case)
    require_owner(case.service, owner)
    if case.status != S.SUBMITTED:
        transition(case, S.ACCEPTED, actor=actor)  # raises the readable error
    missing = missing_requirements(case)
    essential = [r for r in missing if r.essential]
    if essential:
        raise errors.ESSENTIAL_MISSING(documents=names_of(essential))
    if missing and not rongque:
        raise errors.DOCUMENTS_MISSING(documents=names_of(missing))
    if rongque and not missing:
        raise errors.NOTHING_MISSING()
    now = clock.now()
    transition(case, S.ACCEPTED, actor=actor)
    case.accepted_at = now
    case.promised_working_days = case.service.promised_working_days
    case.due_date = add_working_days(clock.today(), case.promised_working_days)
    data: dict = {"rongque": rongque}
    if rongque:
        if not case.service.rongque_allowed:
            raise errors.RONGQUE_NOT_ALLOWED()
        blocked = rongque_credit_block(
            person=case.applicant_person, organisation=case.applicant_organisation
        )
        if blocked is not None:
            raise errors.RONGQUE_CREDIT(date=blocked.isoformat())
        days = check_rongque_days(case.service, rongque_days)
        commitment = RongqueCommitment.objects.create(
            case=case,
            applicant_person=case.applicant_person,
            applicant_organisation=case.applicant_organisation,
            missing=[r.code for r in missing],
            signed_at=now,
            working_days=days,
            deadline=add_working_days(clock.today(), days),
        )
        transition(case, S.AWAITING_DOCUMENTS, actor=actor, note="容缺")
        case.rongque = True
        data.update(deadline=commitment.deadline.isoformat(), missing=commitment.missing)
    case.save(
        update_fields=["status", "accepted_at", "due_date", "rongque", "promised_working_days"]
    )
    record(actor=actor, action="cases.accepted", subject=case, office_id=case.office_id, data=data)
    return case


def _close(
    case: Case,
    to: str,
    *,
    actor: Actor,
    reason: Bi | None = None,
    commitment_becomes: str = CommitmentStatus.CANCELLED,
) -> None:
    transition(case, to, actor=actor, note=(reason.zh if reason else ""))
    case.closed_at = clock.now()
    fields = ["status", "closed_at"]
    if case.accepted_at is not None:
        case.processing_working_days = working_days_between(
            clock.local_date(case.accepted_at), clock.local_date(case.closed_at)
        )
        fields.append("processing_working_days")
    if reason is not None:
        case.closing_reason, case.closing_reason_en = reason.zh, reason.en
        fields += ["closing_reason", "closing_reason_en"]
    case.save(update_fields=fields)
    RongqueCommitment.objects.filter(case=case, status=CommitmentStatus.OPEN).update(
        status=commitment_becomes, closed_at=case.closed_at
    )


@transaction.atomic
def complete_case(*, actor: Actor, case: Case, owner: str | None = None) -> Case:
    """办结. A case of an owned service only by its owner, which has made its outcome (the
    mark, the number…) in the same transaction."""
    case = _lock(case)
    require_clerk_of(actor, case)
    require_owner(case.service, owner)
    if case.status == S.AWAITING_DOCUMENTS:
        commitment = RongqueCommitment.objects.filter(case=case).first()
        if commitment is None:  # a one-time notice: the applicant resubmits first
            raise errors.ILLEGAL_TRANSITION(
                current=Bi("待补正材料", "awaiting corrections"), action=Bi("办结", "completed")
            )
        missing = missing_requirements(case)
        if missing:
            raise errors.COMMITMENT_OPEN(documents=names_of(missing))
    _close(case, S.COMPLETED, actor=actor, commitment_becomes=CommitmentStatus.FULFILLED)
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
        data={"visits": case.visit_count, "corrections": case.correction_rounds},
    )
    return case


@transaction.atomic
def reject_case(
    *, actor: Actor, case: Case, reasons: str, reasons_en: str = "", owner: str | None = None
) -> Case:
    """不予办理, with the reasons in writing (shown on the case page and printable)."""
    case = _lock(case)
    require_clerk_of(actor, case)
    require_owner(case.service, owner)
    reasons = (reasons or "").strip()
    if len(reasons) < 4:
        raise errors.REASONS_REQUIRED(field="reasons")
    _close(case, S.REJECTED, actor=actor, reason=Bi(reasons[:2000], (reasons_en or reasons)[:2000]))
    record(actor=actor, action="cases.rejected", subject=case, office_id=case.office_id)
    return case


@transaction.atomic
def withdraw_case(*, actor: Actor, case: Case) -> Case:
    """The applicant stops the application. Any case, owned or not: a withdrawal makes no
    outcome and counts as none (docs/adr/0013-owned-services.md)."""
    case = _lock(case)
    require_applicant(actor, case)
    _close(case, S.WITHDRAWN, actor=actor)
    record(actor=actor, action="cases.withdrawn", subject=case, office_id=case.office_id)
    return case
