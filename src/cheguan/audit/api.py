"""The audit trail over the API: the actor's events (filtered, newest first) and verification."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Query, Router

from cheguan.audit import queries
from cheguan.audit.models import AuditEvent
from cheguan.core.actor import actor_for
from cheguan.core.schemas import DB_INT_MAX, ERRORS, Schema

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    id: int
    stream: str
    seq: int
    occurred_at: dt.datetime
    actor: str
    on_behalf_of: str | None
    organisation_id: int | None
    organisation: str | None
    action: str
    subject_type: str
    subject_id: str
    data: dict[str, Any]
    hash: str

    @staticmethod
    def from_event(event: AuditEvent) -> dict[str, Any]:
        return {
            "id": event.pk,
            "stream": event.stream,
            "seq": event.seq,
            "occurred_at": event.occurred_at,
            "actor": event.actor_label,
            "on_behalf_of": event.on_behalf_of.masked_name if event.on_behalf_of else None,
            "organisation_id": event.organisation_id,
            "organisation": event.organisation.name if event.organisation else None,
            "action": event.action,
            "subject_type": event.subject_type,
            "subject_id": event.subject_id,
            "data": event.data,
            "hash": event.hash,
        }


class AuditPageOut(Schema):
    items: list[AuditEventOut]
    next_cursor: str | None


class BreakOut(Schema):
    stream: str
    seq: int
    event_id: int | None
    reason: str


class VerifyOut(Schema):
    ok: bool
    events_checked: int
    streams_checked: int
    first_break: BreakOut | None


@router.get("/events", response={200: AuditPageOut, **ERRORS}, summary="List audit events")
def list_events(
    request,
    date_from: Annotated[dt.date | None, Query(description="first day, YYYY-MM-DD")] = None,
    date_to: Annotated[dt.date | None, Query(description="last day, YYYY-MM-DD")] = None,
    action: Annotated[str, Query(max_length=80, description="action prefix: registry.")] = "",
    actor: Annotated[str, Query(max_length=150, description="the acting user's name")] = "",
    subject_type: Annotated[str, Query(max_length=60, description="registry.vehicle")] = "",
    subject_id: Annotated[str, Query(max_length=64)] = "",
    organisation: Annotated[
        int | None, Query(ge=1, le=DB_INT_MAX, description="organisation id")
    ] = None,
    cursor: Annotated[str, Query(max_length=60, description="next_cursor of the last page")] = "",
    limit: Annotated[int, Query(ge=1, le=200)] = queries.PAGE_SIZE,
):
    """The events the caller may see, newest first: supervisors and administrators their
    office's, partner agents their own organisation's. Personal data is masked."""
    filters = queries.TrailFilters(
        date_from=date_from,
        date_to=date_to,
        action=action,
        actor=actor,
        subject_type=subject_type,
        subject_id=subject_id,
        organisation_id=organisation,
    )
    page = queries.trail_page(actor_for(request), filters, cursor=cursor, limit=limit)
    return {
        "items": [AuditEventOut.from_event(e) for e in page.events],
        "next_cursor": page.next_cursor,
    }


@router.get("/verify", response={200: VerifyOut, **ERRORS}, summary="Verify the audit chains")
def verify(request):
    """Check the hash chains of the caller's office (supervisors and administrators)."""
    result = queries.verify_for(actor_for(request))
    brk = result.first_break
    return {
        "ok": result.ok,
        "events_checked": result.events_checked,
        "streams_checked": result.streams_checked,
        "first_break": None
        if brk is None
        else {"stream": brk.stream, "seq": brk.seq, "event_id": brk.event_id, "reason": brk.reason},
    }
