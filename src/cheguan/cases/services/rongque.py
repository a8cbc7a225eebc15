"""容缺受理: deadlines, the credit rule, reminders and automatic termination."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from cheguan.audit.services import record
from cheguan.cases import errors
from cheguan.cases.locks import lock_case
from cheguan.cases.models import CaseStatus, CommitmentStatus, RongqueCommitment, Service
from cheguan.cases.services.common import transition
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import Bi
from cheguan.registry.models import Organisation, Person
from cheguan.workdays.services import add_working_days

MAX_RONGQUE_DAYS = 20  # Shenzhen rule (DOMAIN.md §6): ≤ 20 working days …
MARGIN_BELOW_PROMISE = 2  # … and ≥ 2 working days shorter than the promised time
REMIND_WORKING_DAYS_BEFORE = 2


def max_rongque_days(service: Service) -> int:
    return min(MAX_RONGQUE_DAYS, service.promised_working_days - MARGIN_BELOW_PROMISE)


def check_rongque_days(service: Service, days: int | None) -> int:
    limit = max_rongque_days(service)
    if limit < 1:
        raise errors.RONGQUE_NOT_ALLOWED()
    if days is None:
        days = min(service.rongque_default_days, limit)
    if not isinstance(days, int) or not (1 <= days <= limit):
        raise errors.RONGQUE_DAYS(field="rongque_days", max=limit)
    return days


def _year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def rongque_credit_block(
    *, person: Person | None, organisation: Organisation | None
) -> dt.date | None:
    """The date of a commitment this applicant broke in the last 12 months, if any."""
    since = _year_before(clock.today())
    qs = RongqueCommitment.objects.filter(status=CommitmentStatus.BROKEN, deadline__gte=since)
    if person is not None:
        qs = qs.filter(applicant_person=person)
    elif organisation is not None:
        qs = qs.filter(applicant_organisation=organisation)
    else:
        return None
    return qs.order_by("-deadline").values_list("deadline", flat=True).first()


def send_rongque_reminders() -> int:
    """Remind every open commitment whose deadline is near (once a day). Returns how many."""
    from cheguan.cases.notifications import notify

    today = clock.today()
    horizon = add_working_days(today, REMIND_WORKING_DAYS_BEFORE)
    due = (
        RongqueCommitment.objects.filter(
            status=CommitmentStatus.OPEN, deadline__gte=today, deadline__lte=horizon
        )
        .exclude(last_reminded_on=today)
        .select_related("case")
    )
    sent = 0
    for commitment in due.iterator(chunk_size=500):
        with transaction.atomic():
            locked = RongqueCommitment.objects.select_for_update().get(pk=commitment.pk)
            if locked.status != CommitmentStatus.OPEN or locked.last_reminded_on == today:
                continue
            notify(
                commitment.case,
                kind="rongque_reminder",
                text=Bi(
                    f"提醒：容缺承诺的材料请于 {locked.deadline:%Y年%m月%d日} 前补齐，逾期办件将被终止。",
                    f"Reminder: supply the promised documents by {locked.deadline:%Y-%m-%d}, or the case will be terminated.",
                ),
            )
            locked.last_reminded_on = today
            locked.save(update_fields=["last_reminded_on"])
            sent += 1
    return sent


def terminate_overdue_cases() -> int:
    """Terminate every case whose 容缺 deadline has passed without the documents."""
    from cheguan.cases.notifications import notify
    from cheguan.cases.queries import missing_requirements
    from cheguan.cases.services.documents import names_of

    today = clock.today()
    actor = Actor.system()
    overdue = RongqueCommitment.objects.filter(status=CommitmentStatus.OPEN, deadline__lt=today)
    done = 0
    rows = overdue.values_list("pk", "case_id")
    for commitment_id, case_id in rows.iterator(chunk_size=500):
        with transaction.atomic():
            # The case first, then its commitment: the order complete_case takes them in.
            case = lock_case(case_id, related=("service",))
            commitment = RongqueCommitment.objects.select_for_update().get(pk=commitment_id)
            if (
                commitment.status != CommitmentStatus.OPEN
                or case.status != CaseStatus.AWAITING_DOCUMENTS
            ):
                continue
            missing = names_of(missing_requirements(case))
            reason = Bi(
                f"容缺承诺期限（{commitment.deadline:%Y-%m-%d}）已过，仍未补齐：{missing.zh}。办件终止。",
                f"The 容缺 deadline ({commitment.deadline:%Y-%m-%d}) passed without: {missing.en}. The case is terminated.",
            )
            transition(case, CaseStatus.TERMINATED, actor=actor, note=reason.zh)
            now = clock.now()
            case.closed_at = now
            case.closing_reason, case.closing_reason_en = reason.zh, reason.en
            case.save(update_fields=["status", "closed_at", "closing_reason", "closing_reason_en"])
            commitment.status, commitment.closed_at = CommitmentStatus.BROKEN, now
            commitment.save(update_fields=["status", "closed_at"])
            notify(case, kind="terminated", text=reason)
            record(
                actor=actor,
                action="cases.terminated",
                subject=case,
                office_id=case.office_id,
                data={"deadline": commitment.deadline.isoformat()},
            )
            done += 1
    return done
