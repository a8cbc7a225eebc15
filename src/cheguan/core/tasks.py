"""Background housekeeping for the cross-cutting pieces."""

from __future__ import annotations

from django_tasks import task

from cheguan.core.idempotency import purge_idempotency_records


@task()
def purge_old_idempotency_records() -> int:
    """Forget stored Idempotency-Key answers older than 24 hours; returns how many."""
    return purge_idempotency_records()
