"""Background work: the daily expiry reminders (90, 30, 7 days). Run once a day from the
office's scheduler (``send_expiry_reminders.enqueue()``) or cron (``cheguan inspection remind``)."""

from __future__ import annotations

from django_tasks import task

from cheguan.inspection import services


@task()
def send_expiry_reminders() -> int:
    return services.send_expiry_reminders()
