"""Visits: every time the applicant comes to the hall for the case, which the one-visit
figure counts (最多跑一次)."""

from __future__ import annotations

from django.db import transaction

from cheguan.audit.services import record
from cheguan.cases import errors
from cheguan.cases.locks import lock_case
from cheguan.cases.models import Case, Visit, VisitKind
from cheguan.cases.rules import takes_visits
from cheguan.cases.services.common import require_clerk_of, status_words
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import Bi


@transaction.atomic
def record_visit(
    *, actor: Actor, case: Case, kind: str = VisitKind.WINDOW, ticket_number: str = ""
) -> Visit:
    """Every in-person visit is recorded; the one-visit figure counts them. A closed case
    takes no more visits (its figure is settled)."""
    case = lock_case(case)
    require_clerk_of(actor, case)
    if not takes_visits(case.status):
        raise errors.ILLEGAL_TRANSITION(
            current=status_words(case.status), action=Bi("记录到访", "given a visit")
        )
    if kind not in VisitKind.values:
        kind = VisitKind.WINDOW
    visit = Visit.objects.create(
        case=case, at=clock.now(), kind=kind, ticket_number=ticket_number[:20], clerk=actor.user
    )
    Case.objects.filter(pk=case.pk).update(visit_count=case.visit_count + 1)
    case.visit_count += 1
    record(
        actor=actor,
        action="cases.visit_recorded",
        subject=case,
        office_id=case.office_id,
        data={"kind": kind, "visits": case.visit_count},
    )
    return visit
