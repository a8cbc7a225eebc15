"""Account reads, scoped to the acting user."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from cheguan.accounts.models import ApiToken, AssistedSession, AssistedSessionEnd
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.permissions import require


def api_tokens_for(actor: Actor) -> QuerySet[ApiToken]:
    """The actor's own API tokens, newest first (revoked ones included, marked)."""
    require(actor.user, "accounts.manage_api_tokens")
    return ApiToken.objects.filter(user=actor.user).order_by("-created_at", "-pk")


def open_assisted_session(actor: Actor) -> AssistedSession | None:
    """The agent's open session: confirmed, or waiting for the citizen's consent code (none,
    without a query, for a user who never acts for citizens)."""
    if actor.user is None or not actor.user.may_act_for_citizens:
        return None
    return open_session_of(actor.user)


def open_session_of(agent) -> AssistedSession | None:
    """The agent's one open session (a partial unique index) with its citizen, or None: read
    on every request of an agent, so with no ORDER BY for the ORM to build."""
    found = (
        AssistedSession.objects.select_related("citizen", "citizen__office")
        .filter(agent=agent, ended_at__isnull=True)
        .order_by()[:1]
    )
    return next(iter(found), None)


def recently_ended_idle(agent) -> AssistedSession | None:
    """The agent's last session, if it ended for idleness in the past hour (to tell them so)."""
    last = (
        AssistedSession.objects.select_related("citizen")
        .filter(agent=agent, ended_at__isnull=False)
        .order_by("-ended_at", "-pk")
        .first()
    )
    if last is None or last.ended_at is None or last.end_reason != AssistedSessionEnd.IDLE:
        return None
    if clock.now() - last.ended_at > dt.timedelta(hours=1):
        return None
    return last


def consent_vehicles(session: AssistedSession) -> list:
    """The vehicles the citizen's consent is limited to (empty: not limited)."""
    if not session.consent_vehicle_ids:
        return []
    from cheguan.registry.models import Vehicle

    return list(
        Vehicle.objects.filter(
            pk__in=session.consent_vehicle_ids, owner_person_id=session.citizen_id
        ).order_by("pk")
    )
