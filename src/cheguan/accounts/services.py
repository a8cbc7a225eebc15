"""Account use cases: assisted sessions (帮办), passwords and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import string

from django.conf import settings
from django.db import transaction

from cheguan.accounts.actor import Actor
from cheguan.accounts.models import (
    ApiToken,
    AssistedSession,
    AssistedSessionEnd,
    ConsentMethod,
    User,
)
from cheguan.accounts.permissions import require
from cheguan.audit.services import record
from cheguan.core import clock
from cheguan.core.errors import (
    NOT_AUTHENTICATED,
    NOT_FOUND,
    DomainError,
    ErrorCode,
    ValidationErrors,
)

CITIZEN_NOT_FOUND = ErrorCode(
    "accounts.citizen_not_found",
    "本所没有证件号码为该号码的人员记录；请核对号码，或先为其建档。",
    "No person with this document number is registered at this office; check the number or register them first.",
    404,
)
CONSENT_REQUIRED = ErrorCode(
    "accounts.consent_required",
    "开始帮办前必须记录群众的同意方式（签字、签字板或录音录像）。",
    "Record how the citizen consented (signed form, signature pad, or said aloud on camera) before assisting.",
)
ID_NUMBER_REQUIRED = ErrorCode(
    "accounts.id_number_required",
    "请输入群众身份证件上的号码（居民身份证为 18 位）。",
    "Enter the number on the citizen's identity document (18 characters on a resident ID card).",
)
NO_ASSISTED_SESSION = ErrorCode(
    "accounts.no_assisted_session",
    "当前没有进行中的帮办。",
    "There is no assisted session in progress.",
    404,
)
TOKEN_NAME_REQUIRED = ErrorCode(
    "accounts.token_name_required",
    "请为令牌起一个 1 到 60 个字符的名称，例如所用的系统名称。",
    "Give the token a name of 1 to 60 characters, e.g. the system that uses it.",
)


@transaction.atomic
def change_password(*, actor: Actor, new_password: str) -> None:
    """The actor's own password, already checked by Django's password form and validators."""
    if actor.user is None or not actor.user.is_authenticated:
        raise NOT_AUTHENTICATED()
    user = User.objects.select_for_update().get(pk=actor.user.pk)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    actor.user.password = user.password  # keeps the session valid (update_session_auth_hash)
    record(actor=Actor(user=user), action="accounts.password_changed", subject=user)


def _idle_limit() -> dt.timedelta:
    return dt.timedelta(minutes=settings.CHEGUAN_ASSISTED_IDLE_MINUTES)


@transaction.atomic
def open_assisted_session(
    *, actor: Actor, id_number: str, consent_method: str, consent_note: str = ""
) -> AssistedSession:
    """A clerk starts acting for a citizen of their office, found by ID number, with consent.

    An open session of the same clerk is ended first (reason ``replaced``): a clerk serves
    one citizen at a time.
    """
    from cheguan.registry.queries import find_person_by_document

    clerk: User = require(actor.user, "accounts.assist_citizens")
    problems: list[DomainError] = []
    if not (id_number or "").strip():
        problems.append(ID_NUMBER_REQUIRED(field="id_number"))
    if consent_method not in ConsentMethod.values:
        problems.append(CONSENT_REQUIRED(field="consent_method"))
    if len(problems) > 1:
        raise ValidationErrors(problems)
    if problems:
        raise problems[0]
    office = actor.office
    person = find_person_by_document(office=office, id_number=id_number)
    if person is None or office is None:
        raise CITIZEN_NOT_FOUND(field="id_number")
    # Serialise this clerk's opens (a double-click sends two): lock the clerk's own row.
    User.objects.select_for_update().filter(pk=clerk.pk).first()
    now = clock.now()
    for previous in AssistedSession.objects.select_for_update().filter(
        clerk=clerk, ended_at__isnull=True
    ):
        _end(previous, reason=AssistedSessionEnd.REPLACED, at=now, actor=actor)
    session = AssistedSession.objects.create(
        clerk=clerk,
        citizen=person,
        office=office,
        consent_method=consent_method,
        consent_note=(consent_note or "").strip()[:200],
        started_at=now,
        last_activity_at=now,
    )
    record(
        actor=Actor(user=clerk, on_behalf_of=person, assisted_session_id=session.pk),
        action="accounts.assisted_session_opened",
        subject=session,
        data={"consent_method": consent_method, "citizen_elderly": person.is_elderly},
    )
    return session


def _end(session: AssistedSession, *, reason: str, at: dt.datetime, actor: Actor) -> None:
    session.ended_at = at
    session.end_reason = reason
    session.save(update_fields=["ended_at", "end_reason"])
    record(
        actor=Actor(
            user=actor.user or session.clerk,
            on_behalf_of=session.citizen,
            assisted_session_id=session.pk,
        ),
        action="accounts.assisted_session_ended",
        subject=session,
        data={"reason": reason},
        office_id=session.office_id,
    )


@transaction.atomic
def end_assisted_session(*, actor: Actor) -> AssistedSession:
    session = (
        AssistedSession.objects.select_for_update()
        .filter(clerk=actor.user, ended_at__isnull=True)
        .first()
    )
    if session is None:
        raise NO_ASSISTED_SESSION()
    _end(session, reason=AssistedSessionEnd.BY_CLERK, at=clock.now(), actor=actor)
    return session


def current_assisted_session(clerk: User) -> AssistedSession | None:
    """The clerk's open session, ended here if it has been idle too long; touched if not."""
    session = (
        AssistedSession.objects.select_related("citizen", "citizen__office")
        .filter(clerk=clerk, ended_at__isnull=True)
        .first()
    )
    if session is None:
        return None
    now = clock.now()
    if now - session.last_activity_at > _idle_limit():
        with transaction.atomic():
            locked = AssistedSession.objects.select_for_update().get(pk=session.pk)
            if locked.ended_at is None:
                _end(
                    locked,
                    reason=AssistedSessionEnd.IDLE,
                    at=locked.last_activity_at + _idle_limit(),
                    actor=Actor(user=clerk),
                )
        return None
    if now - session.last_activity_at > dt.timedelta(seconds=30):
        touched = AssistedSession.objects.filter(pk=session.pk, ended_at__isnull=True).update(
            last_activity_at=now
        )
        if not touched:  # ended meanwhile (by the sweep, or the clerk in another tab)
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
        .select_related("clerk", "citizen")
    ):
        _end(
            session,
            reason=AssistedSessionEnd.IDLE,
            at=session.last_activity_at + _idle_limit(),
            actor=Actor(user=session.clerk),
        )
        count += 1
    return count


_HEX = frozenset(string.hexdigits.lower())


def _hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def create_api_token(*, actor: Actor, name: str) -> tuple[ApiToken, str]:
    """Create a token; the full secret (``cg_<prefix>_<secret>``) is shown once, never stored."""
    user: User = require(actor.user, "accounts.manage_api_tokens")
    name = (name or "").strip()
    if not (1 <= len(name) <= 60):
        raise TOKEN_NAME_REQUIRED(field="name")
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        secret_hash=_hash_secret(secret),
        created_at=clock.now(),
    )
    record(
        actor=actor,
        action="accounts.api_token_created",
        subject=token,
        data={"token_name": name, "prefix": prefix},
    )
    return token, f"cg_{prefix}_{secret}"


@transaction.atomic
def revoke_api_token(*, actor: Actor, token_id: int) -> ApiToken:
    """Revoke one of the actor's own tokens; it stops working with the next request."""
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=actor.user).first()
    if token is None:
        raise NOT_FOUND()
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
        record(
            actor=actor,
            action="accounts.api_token_revoked",
            subject=token,
            data={"prefix": token.prefix},
        )
    return token


def user_for_token(raw: str) -> User | None:
    """Resolve a bearer token: one indexed lookup by prefix, one constant-time compare."""
    if not raw.startswith("cg_") or raw.count("_") < 2:
        return None
    _cg, prefix, secret = raw.split("_", 2)
    if len(prefix) != 8 or not set(prefix) <= _HEX:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(prefix=prefix, revoked_at__isnull=True)
        .first()
    )
    if token is None or not secrets.compare_digest(token.secret_hash, _hash_secret(secret)):
        return None
    if not token.user.is_active:
        return None
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
