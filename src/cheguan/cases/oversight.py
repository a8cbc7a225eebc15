"""What a supervisor oversees in the office, read through the scope: the follow-ups of bad
ratings (clerks see them too, to appeal a rating) and the open 容缺 commitments near their
deadline. The pages and the API read these; the services that act on them are in
``cases.services.ratings`` and ``cases.services.rongque``."""

from __future__ import annotations

import datetime as dt

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from cheguan.cases.models import CommitmentStatus, FollowUp, FollowUpStatus, RongqueCommitment
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import NOT_FOUND
from cheguan.core.permissions import has_capability, require, require_office
from cheguan.workdays.services import add_working_days

NEAR_DEADLINE_WORKING_DAYS = 2  # a commitment this close to its deadline is "near"


def _require_office_follow_ups(actor: Actor) -> None:
    """Supervisors handle follow-ups; clerks see them to appeal a rating they think unfair."""
    user = actor.user
    if not (has_capability(user, "cases.supervise") or has_capability(user, "cases.process")):
        require(user, "cases.supervise")


def follow_ups_for(actor: Actor, *, open_only: bool = False) -> QuerySet[FollowUp]:
    """The office's follow-ups of bad ratings, overdue flagged (``is_overdue``): the due
    date has passed and the follow-up is not closed. Overdue first, then by due date."""
    _require_office_follow_ups(actor)
    return _follow_ups(actor, open_only=open_only)


def _follow_ups(actor: Actor, *, open_only: bool = False) -> QuerySet[FollowUp]:
    today = clock.today()
    qs = (
        FollowUp.objects.visible_to(actor)
        .select_related("rating", "case", "case__service")
        .annotate(
            is_overdue=ExpressionWrapper(
                ~Q(status=FollowUpStatus.CLOSED) & Q(due_date__lt=today),
                output_field=BooleanField(),
            )
        )
    )
    if open_only:
        qs = qs.filter(~Q(status=FollowUpStatus.CLOSED) | Q(appeal="pending"))
    return qs.order_by("-is_overdue", "due_date", "id")


def get_follow_up(actor: Actor, follow_up_id: int) -> FollowUp:
    """Through the scope first: outside it, not found — whatever the role."""
    follow_up = _follow_ups(actor).filter(pk=follow_up_id).first()
    if follow_up is None:
        raise NOT_FOUND()
    return follow_up


def commitments_for(actor: Actor, *, near_only: bool = True) -> QuerySet[RongqueCommitment]:
    """Open 容缺 commitments of the office; with ``near_only`` those overdue or due within
    two working days. ``is_overdue``: the deadline has passed (the sweep terminates them)."""
    office_id = require_office(actor.user, "cases.view_office")
    today = clock.today()
    qs = (
        RongqueCommitment.objects.visible_to(actor)
        .filter(case__office_id=office_id, status=CommitmentStatus.OPEN)
        .select_related("case", "case__service", "applicant_person", "applicant_organisation")
        .annotate(is_overdue=ExpressionWrapper(Q(deadline__lt=today), output_field=BooleanField()))
    )
    if near_only:
        qs = qs.filter(deadline__lte=near_horizon(today))
    return qs.order_by("deadline", "id")


def near_horizon(today: dt.date) -> dt.date:
    return add_working_days(today, NEAR_DEADLINE_WORKING_DAYS)
