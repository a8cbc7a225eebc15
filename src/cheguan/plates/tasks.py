"""Background work: return lapsed offers, holds and retained numbers, then look for pools
running low and partners drawing far faster than their peers (alerts for supervision).
Enqueue every few minutes from the office's scheduler, or run ``cheguan plates sweep`` from
cron; draws also take over lapsed numbers themselves, so a late sweep never blocks
selection."""

from __future__ import annotations

from django_tasks import task

from cheguan.plates import services


@task()
def sweep() -> dict[str, int]:
    return services.sweep() | services.watch()


@task()
def commit_day_seeds() -> int:
    """Commit today's day seed for every office (ADR 0014): enqueue just after midnight so
    the commitment is public well before the first draw (a draw commits it too)."""
    return services.commit_today()
