"""Background work for cases (Django's task API, the ``django-tasks`` backport).

Run both once a day — after midnight, so "today" is the new day — from the scheduler that
runs the office's periodic work (``send_rongque_reminders.enqueue()``), or from cron with
``cheguan cases sweep``. Both are safe to run twice: a commitment is reminded at most once a
day, and a case is terminated once.
"""

from __future__ import annotations

from django_tasks import task

from cheguan.cases import services


@task()
def send_rongque_reminders() -> int:
    """Remind applicants whose 容缺 deadline is within two working days; returns how many."""
    return services.send_rongque_reminders()


@task()
def terminate_overdue_cases() -> int:
    """Terminate the cases whose 容缺 deadline passed without the documents; returns how many."""
    return services.terminate_overdue_cases()
