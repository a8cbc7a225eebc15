"""Background work for the audit trail (Django's task API, the ``django-tasks`` backport).

``anchor_audit_streams`` anchors every stream's head (``audit.anchoring``): enqueue it
hourly from the scheduler that runs the office's periodic work, or run
``cheguan audit anchor`` from cron (docs/deploy.md §5).
"""

from __future__ import annotations

from django_tasks import task

from cheguan.audit import anchoring


@task()
def anchor_audit_streams() -> int | None:
    """Anchor the stream heads; returns the new anchor's number (None: nothing moved)."""
    made = anchoring.anchor()
    return made.seq if made is not None else None
