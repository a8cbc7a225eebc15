"""API tokens for partner systems: created (the secret shown once), revoked, resolved."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import string

from django.db import transaction

from cheguan.accounts.models import ApiToken, User
from cheguan.accounts.partners import require_partner_authorised
from cheguan.audit.services import record
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import NOT_FOUND, ErrorCode
from cheguan.core.permissions import require
from cheguan.registry.models import Standing

TOKEN_NAME_REQUIRED = ErrorCode(
    "accounts.token_name_required",
    "请为令牌起一个 1 到 60 个字符的名称，例如所用的系统名称。",
    "Give the token a name of 1 to 60 characters, e.g. the system that uses it.",
)

_HEX = frozenset(string.hexdigits.lower())


def _hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def create_api_token(*, actor: Actor, name: str) -> tuple[ApiToken, str]:
    """Create a token; the full secret (``cg_<prefix>_<secret>``) is shown once, never stored.
    A partner's agent needs its organisation authorised today."""
    user: User = require(actor.user, "accounts.manage_api_tokens")
    require_partner_authorised(actor)
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
    token = ApiToken.objects.visible_to(actor).select_for_update().filter(pk=token_id).first()
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


def revoke_organisation_tokens(*, actor: Actor, organisation_id: int, reason: str) -> int:
    """Every live token of an organisation's agents stops working (its authorisation was
    revoked). Runs inside the caller's transaction; one audit event per token."""
    now = clock.now()
    tokens = list(
        ApiToken.objects.select_for_update()
        .filter(user__organisation_id=organisation_id, revoked_at__isnull=True)
        .select_related("user")
    )
    for token in tokens:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        record(
            actor=actor,
            action="accounts.api_token_revoked",
            subject=token,
            organisation_id=organisation_id,
            data={"prefix": token.prefix, "reason": reason},
        )
    return len(tokens)


def user_for_token(raw: str) -> User | None:
    """Resolve a bearer token: one indexed lookup by prefix, one constant-time compare.
    A token of a partner whose authorisation is revoked opens nothing, whatever its row says."""
    if not raw.startswith("cg_") or raw.count("_") < 2:
        return None
    _cg, prefix, secret = raw.split("_", 2)
    if len(prefix) != 8 or not set(prefix) <= _HEX:
        return None
    # ``prefix`` is unique: the one row or none, with no ORDER BY for the ORM to build
    # (``first()`` would sort by the model's ordering: a third of this look-up's CPU).
    found = (
        ApiToken.objects.select_related(
            # what every request reads of the user (as accounts.backends for a session)
            "user__office",
            "user__organisation__office",
            "user__person__office",
        )
        .filter(prefix=prefix, revoked_at__isnull=True)
        .order_by()[:1]
    )
    token = next(iter(found), None)
    if token is None or not secrets.compare_digest(token.secret_hash, _hash_secret(secret)):
        return None
    user = token.user
    if not user.is_active:
        return None
    if user.is_partner and (
        user.organisation is None
        or user.organisation.standing_on(clock.today()) == Standing.REVOKED
    ):
        return None
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return user
