"""Background work for accounts (Django's task API, the ``django-tasks`` backport).

A clerk's idle assisted session already ends on their next request
(``services.current_assisted_session``); this sweep also ends the sessions of clerks who
walked away and never came back, so the trail shows when acting-for ended. Enqueue it
every few minutes (``sweep_idle_assisted_sessions.enqueue()``) from the scheduler that runs
the office's periodic work.
"""

from __future__ import annotations

from django_tasks import task

from cheguan.accounts import services


@task()
def sweep_idle_assisted_sessions() -> int:
    """End every assisted session idle for more than 30 minutes; returns how many."""
    return services.expire_idle_assisted_sessions()
