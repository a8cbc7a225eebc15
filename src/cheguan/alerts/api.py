"""The alerts over the API: a supervisor's list of their office's alerts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Query, Router, Schema

from cheguan.alerts import queries
from cheguan.alerts.models import Alert
from cheguan.core.actor import actor_for
from cheguan.core.schemas import ERRORS

router = Router(tags=["alerts"])


class AlertOut(Schema):
    id: int
    kind: str
    subject: str
    subject_label: str
    severity: str
    facts: dict[str, Any]
    raised_via: str
    raised_at: dt.datetime
    last_raised_at: dt.datetime
    times: int
    status: str

    @staticmethod
    def of(alert: Alert) -> dict[str, Any]:
        return {
            "id": alert.pk,
            "kind": alert.kind,
            "subject": alert.subject,
            "subject_label": alert.subject_label,
            "severity": alert.severity,
            "facts": alert.facts,
            "raised_via": alert.raised_via,
            "raised_at": alert.raised_at,
            "last_raised_at": alert.last_raised_at,
            "times": alert.times,
            "status": alert.status,
        }


class AlertPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[AlertOut]


@router.get("", response={200: AlertPage, **ERRORS}, summary="My office's alerts (supervisors)")
def list_alerts(
    request,
    status: str = Query("", pattern="^(open|closed)?$", description="open or closed; default both"),
    kind: str = Query("", max_length=60, description="e.g. plates.pool_low"),
    limit: int = Query(50, ge=1, le=200, description="page size, 1–200"),
    offset: int = Query(0, ge=0, le=10_000_000),
):
    alerts = queries.alerts_for(actor_for(request), status=status, kind=kind)
    return {
        "count": alerts.count(),
        "limit": limit,
        "offset": offset,
        "items": [AlertOut.of(a) for a in alerts[offset : offset + limit]],
    }
