"""Pieces the case services share: who may act on a case, and the transition check."""

from __future__ import annotations

from cheguan.accounts.partners import require_partner_authorised
from cheguan.cases.errors import ILLEGAL_TRANSITION, NOT_APPLICANT
from cheguan.cases.models import Case, CaseStatus, CaseTransition
from cheguan.cases.queries import is_applicant
from cheguan.cases.rules import may_move
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import Bi
from cheguan.core.permissions import require_staff_of

ACTION_WORDS: dict[str, Bi] = {
    CaseStatus.DRAFT: Bi("退回草稿", "returned to draft"),
    CaseStatus.SUBMITTED: Bi("提交", "submitted"),
    CaseStatus.ACCEPTED: Bi("受理", "accepted"),
    CaseStatus.AWAITING_DOCUMENTS: Bi("退回补正或等待补齐材料", "sent back for documents"),
    CaseStatus.COMPLETED: Bi("办结", "completed"),
    CaseStatus.REJECTED: Bi("不予办理", "rejected"),
    CaseStatus.WITHDRAWN: Bi("撤回", "withdrawn"),
    CaseStatus.TERMINATED: Bi("终止", "terminated"),
}


def status_words(status: str) -> Bi:
    """The case status in both languages (the labels of ``CaseStatus``)."""
    return Bi.of(CaseStatus(status).label)


def transition(case: Case, *steps: str, actor: Actor, note: str = "") -> None:
    """Move ``case`` through ``steps`` (one status, or several at once: 即办 accepts and
    completes) if the table allows each; record the history rows in one insert. Runs inside
    the caller's transaction (the use case that moves the case)."""
    rows, status, at = [], case.status, clock.now()
    for to in steps:
        if not may_move(status, to):
            raise ILLEGAL_TRANSITION(current=status_words(status), action=ACTION_WORDS[to])
        rows.append(
            CaseTransition(
                case=case,
                from_status=status,
                to_status=to,
                at=at,
                actor=actor.user,
                note=note[:300],
            )
        )
        status = to
    CaseTransition.objects.bulk_create(rows)
    case.status = status


def require_applicant(actor: Actor, case: Case) -> None:
    """The applicant's side may act on the case; a partner only while its organisation is
    authorised today for the case's service (suspension freezes work in flight)."""
    if not is_applicant(actor, case):
        raise NOT_APPLICANT()
    require_partner_authorised(actor, service=case.service.code)


def require_clerk_of(actor: Actor, case: Case) -> None:
    """A clerk (or admin) of the case's own office; anyone else: not found."""
    require_staff_of(actor.user, "cases.process", case.office_id)


def require_supervisor_of(actor: Actor, office_id: int) -> None:
    require_staff_of(actor.user, "cases.supervise", office_id)
