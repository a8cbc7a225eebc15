"""Reads of the audit trail, scoped to the actor.

- supervisors and administrators see their office's trail (an administrator with no office
  sees every office's);
- a partner agent sees its own organisation's events only;
- everyone else may not read the trail at all (``core.permission_denied``).

Pages and the API list events newest first with keyset pagination: the cursor is the
(time, id) of the last row shown, so a page costs the same however deep it is.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from cheguan.audit import services
from cheguan.audit.models import AuditEvent
from cheguan.core.actor import Actor
from cheguan.core.errors import NOT_AUTHENTICATED, PERMISSION_DENIED, ErrorCode
from cheguan.core.permissions import has_capability, require
from cheguan.core.roles import Role

PAGE_SIZE = 50

INVALID_CURSOR = ErrorCode(
    "audit.invalid_cursor",
    "翻页参数无效；请从第一页重新开始。",
    "The page cursor is not valid; start again from the first page.",
)
INVALID_DATE_RANGE = ErrorCode(
    "audit.invalid_date_range",
    "起始日期应早于或等于结束日期（格式 YYYY-MM-DD）。",
    "The start date must be on or before the end date (format YYYY-MM-DD).",
)


@dataclass(frozen=True)
class TrailFilters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    action: str = ""  # a prefix: "registry." or "registry.person_revealed"
    actor: str = ""  # the acting user's user name (or display name)
    subject_type: str = ""
    subject_id: str = ""
    organisation_id: int | None = None


@dataclass(frozen=True)
class TrailPage:
    events: list[AuditEvent]
    next_cursor: str | None


def can_view_trail(actor: Actor) -> bool:
    user = actor.user
    return has_capability(user, "audit.view_trail") or has_capability(
        user, "audit.view_own_organisation_trail"
    )


def trail_for(actor: Actor) -> QuerySet[AuditEvent]:
    """Every event the actor may see; raises when the role may not read the trail."""
    user = actor.user
    if user is None or not user.is_authenticated:
        raise NOT_AUTHENTICATED()
    if not can_view_trail(actor):
        raise PERMISSION_DENIED()
    return AuditEvent.objects.visible_to(actor).select_related(
        "actor", "on_behalf_of", "organisation"
    )


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _text(value: str) -> str:
    """A filter as typed, without control characters (PostgreSQL refuses NUL in a query)."""
    return "".join(ch for ch in value if unicodedata.category(ch) not in {"Cc", "Cs"}).strip()


def apply_filters(qs: QuerySet[AuditEvent], f: TrailFilters) -> QuerySet[AuditEvent]:
    if f.date_from and f.date_to and f.date_from > f.date_to:
        raise INVALID_DATE_RANGE(field="date_to")
    if f.date_from:
        qs = qs.filter(occurred_at__gte=_day_start(f.date_from))
    if f.date_to:
        qs = qs.filter(occurred_at__lt=_day_start(f.date_to + dt.timedelta(days=1)))
    if action := _text(f.action):
        qs = qs.filter(action__startswith=action)
    if name := _text(f.actor):
        qs = qs.filter(Q(actor__username__iexact=name) | Q(actor_label__iexact=name))
    if subject_type := _text(f.subject_type).lower():
        qs = qs.filter(subject_type=subject_type)
    if subject_id := _text(f.subject_id):
        qs = qs.filter(subject_id=subject_id)
    if f.organisation_id is not None:
        qs = qs.filter(organisation_id=f.organisation_id)
    return qs


def _encode_cursor(event: AuditEvent) -> str:
    micros = int(event.occurred_at.timestamp() * 1_000_000)
    return f"{micros}_{event.pk}"


def _decode_cursor(cursor: str) -> tuple[dt.datetime, int]:
    try:
        micros_text, id_text = cursor.split("_", 1)
        micros, pk = int(micros_text), int(id_text)
        when = dt.datetime.fromtimestamp(0, tz=dt.UTC) + dt.timedelta(microseconds=micros)
    except (ValueError, OverflowError) as exc:
        raise INVALID_CURSOR(field="cursor") from exc
    return when, pk


def trail_page(
    actor: Actor, filters: TrailFilters, *, cursor: str = "", limit: int = PAGE_SIZE
) -> TrailPage:
    """One page of the actor's trail, newest first, after ``cursor`` (from the last page)."""
    qs = apply_filters(trail_for(actor), filters).order_by("-occurred_at", "-id")
    if cursor:
        when, pk = _decode_cursor(cursor)
        qs = qs.filter(Q(occurred_at__lt=when) | Q(occurred_at=when, id__lt=pk))
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return TrailPage(rows, _encode_cursor(rows[-1]) if more and rows else None)


def organisation_model():
    """The partner organisations the trail's rows point at, reached through the trail's own
    foreign key: ``audit`` sits below ``registry`` in the kernel's order and does not
    import it (docs/adr/0018-kernel-order.md)."""
    return AuditEvent._meta.get_field("organisation").related_model


def organisations_for(actor: Actor):
    """The organisations the actor may filter the trail by: those it may see."""
    return organisation_model().objects.visible_to(actor).select_related("office")


def streams_for(actor: Actor) -> list[str] | None:
    """The streams a supervisor or administrator may verify (None: all of them)."""
    user = actor.user
    require(user, "audit.view_trail")
    assert user is not None  # require() refused anonymous callers
    if user.office_id is None:
        return None if user.role == Role.ADMIN else []
    org_streams = {
        f"org:{pk}"
        for pk in organisation_model()
        .objects.filter(office_id=user.office_id)
        .values_list("pk", flat=True)
    }
    prefix = f"office:{user.office_id}:"
    return [n for n in services.stream_names() if n.startswith(prefix) or n in org_streams]


def verify_for(actor: Actor) -> services.VerifyResult:
    """Verify the chains of the streams the actor is responsible for."""
    return services.verify(streams=streams_for(actor))
