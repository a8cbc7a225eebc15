"""The daily 容缺 sweep: the two background tasks and ``cheguan cases sweep`` for cron."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from cheguan.cases import services, tasks
from cheguan.cases.models import CaseMessage, CaseStatus, CommitmentStatus, RongqueCommitment

pytestmark = pytest.mark.django_db

ESSENTIAL_ONLY = ("vehicle_licence",)


@pytest.fixture
def two_commitments(world):
    """Accepted Monday 23 Nov: one due Wed 25 Nov (2 working days), one due Thu 26 Nov."""
    due_25 = world.submitted(docs=ESSENTIAL_ONLY)
    services.accept_case(actor=world.clerk_actor, case=due_25, rongque=True, rongque_days=2)
    due_26 = world.submitted(docs=ESSENTIAL_ONLY)
    services.accept_case(actor=world.clerk_actor, case=due_26, rongque=True, rongque_days=3)
    return due_25, due_26


def test_the_tasks_remind_then_terminate_through_the_task_backend(two_commitments, clock):
    due_25, due_26 = two_commitments
    clock.set_now(clock.now().replace(day=24))

    reminded = tasks.send_rongque_reminders.enqueue()
    clock.set_now(clock.now().replace(day=26))
    terminated = tasks.terminate_overdue_cases.enqueue()

    assert (reminded.return_value, terminated.return_value) == (2, 1)
    due_25.refresh_from_db()
    assert due_25.status == CaseStatus.TERMINATED
    assert RongqueCommitment.objects.get(case=due_25).status == CommitmentStatus.BROKEN
    assert RongqueCommitment.objects.get(case=due_26).status == CommitmentStatus.OPEN


def test_the_sweep_command_terminates_then_reminds_and_prints_both_counts(two_commitments, clock):
    due_25, due_26 = two_commitments
    clock.set_now(clock.now().replace(day=26))
    out = io.StringIO()

    call_command("cases", "sweep", stdout=out)
    again = io.StringIO()
    call_command("cases", "sweep", stdout=again)

    assert out.getvalue().splitlines() == ["terminated 1 overdue cases", "sent 1 reminders"]
    assert again.getvalue().splitlines() == ["terminated 0 overdue cases", "sent 0 reminders"]
    assert CaseMessage.objects.filter(case=due_26, kind="rongque_reminder").count() == 1
    assert CaseMessage.objects.filter(case=due_25, kind="terminated").count() == 1
