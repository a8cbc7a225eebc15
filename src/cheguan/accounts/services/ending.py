"""Ending an assisted session: by the agent, when its partner's authorisation ends, or when
it has been idle too long (at the next request, or by the background sweep); and the
agent's current session, which every request reads. Each end is audited with both the
agent and the citizen."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction

from cheguan.accounts.models import (
    AssistedSession,
    AssistedSessionEnd,
    User,
)
from cheguan.accounts.queries import open_session_of
from cheguan.audit.services import record
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import ErrorCode

NO_ASSISTED_SESSION = ErrorCode(
    "accounts.no_assisted_session",
    "当前没有进行中的帮办。",
    "There is no assisted session in progress.",
    404,
)


def _idle_limit() -> dt.timedelta:
    return dt.timedelta(minutes=settings.CHEGUAN_ASSISTED_IDLE_MINUTES)


def audit_actor(session: AssistedSession, user: User | None = None) -> Actor:
    return Actor(
        user=user or session.agent, on_behalf_of=session.citizen, assisted_session_id=session.pk
    )


def end_session(session: AssistedSession, *, reason: str, at: dt.datetime, actor: Actor) -> None:
    """End a session the caller has locked, with its audit event. A step of the services that
    end sessions (by the clerk, by time, by the citizen's revocation): runs inside the
    caller's transaction."""
    session.ended_at = at
    session.end_reason = reason
    session.save(update_fields=["ended_at", "end_reason"])
    record(
        actor=audit_actor(session, actor.user or session.agent),
        action="accounts.assisted_session_ended",
        subject=session,
        data={"reason": reason},
        office_id=session.office_id,
        organisation_id=session.organisation_id,
    )


@transaction.atomic
def end_assisted_session(*, actor: Actor) -> AssistedSession:
    session = (
        AssistedSession.objects.select_for_update()
        .filter(agent=actor.user, ended_at__isnull=True)
        .first()
    )
    if session is None:
        raise NO_ASSISTED_SESSION()
    end_session(session, reason=AssistedSessionEnd.BY_CLERK, at=clock.now(), actor=actor)
    return session


def end_organisation_sessions(*, actor: Actor, organisation_id: int) -> int:
    """Every open session of an organisation's agents ends (its authorisation was revoked).
    Runs inside the caller's transaction."""
    now = clock.now()
    sessions = list(
        AssistedSession.objects.select_for_update(of=("self",))
        .filter(organisation_id=organisation_id, ended_at__isnull=True)
        .select_related("agent", "citizen")
    )
    for session in sessions:
        end_session(session, reason=AssistedSessionEnd.AUTHORISATION_ENDED, at=now, actor=actor)
    return len(sessions)


def current_assisted_session(agent: User) -> AssistedSession | None:
    """The agent's open, confirmed session, ended here if it has been idle too long; touched
    if not. A session still waiting for its consent code lets nobody act yet."""
    session = open_session_of(agent)
    if session is None:
        return None
    now = clock.now()
    if now - session.last_activity_at > _idle_limit():
        with transaction.atomic():
            locked = AssistedSession.objects.select_for_update().get(pk=session.pk)
            if locked.ended_at is None:
                end_session(
                    locked,
                    reason=AssistedSessionEnd.IDLE,
                    at=locked.last_activity_at + _idle_limit(),
                    actor=Actor(user=agent),
                )
        return None
    if session.confirmed_at is None:
        return None
    if now - session.last_activity_at > dt.timedelta(seconds=30):
        touched = AssistedSession.objects.filter(pk=session.pk, ended_at__isnull=True).update(
            last_activity_at=now
        )
        if not touched:  # ended meanwhile (by the sweep, or the agent in another tab)
            return None
        session.last_activity_at = now
    return session


@transaction.atomic
def expire_idle_assisted_sessions() -> int:
    """Background sweep: end every session idle past the limit. Returns how many."""
    cutoff = clock.now() - _idle_limit()
    count = 0
    for session in (
        AssistedSession.objects.select_for_update(of=("self",))
        .filter(ended_at__isnull=True, last_activity_at__lt=cutoff)
        .select_related("agent", "citizen")
    ):
        end_session(
            session,
            reason=AssistedSessionEnd.IDLE,
            at=session.last_activity_at + _idle_limit(),
            actor=Actor(user=session.agent),
        )
        count += 1
    return count
