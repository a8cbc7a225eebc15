"""Reads of the alerts, scoped to the actor: a supervisor (or an administrator) sees the
alerts of their own office; nobody else sees any (``core.permission_denied``)."""

from __future__ import annotations

from django.db.models import QuerySet

from cheguan.alerts.models import Alert
from cheguan.core.actor import Actor
from cheguan.core.permissions import require_office


def alerts_for(actor: Actor, *, status: str = "", kind: str = "") -> QuerySet[Alert]:
    """The actor's office's alerts, most recently raised first."""
    office_id = require_office(actor.user, "alerts.view")
    alerts = Alert.objects.filter(office_id=office_id)
    if status:
        alerts = alerts.filter(status=status)
    if kind:
        alerts = alerts.filter(kind=kind)
    return alerts.order_by("-last_raised_at", "-id")
