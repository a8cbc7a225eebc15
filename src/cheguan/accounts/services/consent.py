"""The citizen's own act that confirms a pending assisted session: the 6-digit code sent to
the phone on record and read back to a partner's agent (five tries, five minutes), or the
answer on the window's paired screen (``screen_signed``)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.crypto import constant_time_compare, salted_hmac

from cheguan.accounts.models import (
    AssistedSession,
    AssistedSessionEnd,
    ConsentMethod,
    User,
)
from cheguan.accounts.partners import require_partner_authorised
from cheguan.accounts.services.ending import audit_actor, end_session
from cheguan.audit.services import record
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import DomainError, ErrorCode
from cheguan.core.permissions import require

CODE_REQUIRED = ErrorCode(
    "accounts.consent_code_required",
    "请输入群众手机收到的 6 位数字验证码。",
    "Enter the 6-digit code the citizen received on their phone.",
)
CODE_WRONG = ErrorCode(
    "accounts.consent_code_wrong",
    "验证码不正确，还可以再试 {left} 次。",
    "The code is not right; {left} more tries.",
    422,
)
CODE_EXPIRED = ErrorCode(
    "accounts.consent_code_expired",
    "验证码已失效（超时或输错次数过多）；请重新开始并发送新的验证码。",
    "The code is no longer valid (too late or too many wrong tries): start again to send a new one.",
    409,
)
NOT_PENDING = ErrorCode(
    "accounts.consent_not_pending",
    "没有等待验证码确认的帮办。",
    "There is no assisted session waiting for a consent code.",
    404,
)
NOT_SCREEN_PENDING = ErrorCode(
    "accounts.consent_not_on_screen",
    "该窗口屏幕上没有等待群众同意的帮办。",
    "No assisted service is waiting for the citizen's consent on this screen.",
    404,
)
CODE_DIGITS = 6
CODE_VALID_FOR = dt.timedelta(minutes=5)
CODE_ATTEMPTS = 5


def code_hash(session_pk: int, code: str) -> str:
    return salted_hmac("cheguan.accounts.consent", f"{session_pk}:{code}").hexdigest()


def pending_assisted_session(agent: User) -> AssistedSession | None:
    """The agent's session waiting for the citizen's consent code, if any."""
    return (
        AssistedSession.objects.select_related("citizen")
        .filter(
            agent=agent,
            ended_at__isnull=True,
            confirmed_at__isnull=True,
            consent_method=ConsentMethod.SMS_CODE,
        )
        .first()
    )


def confirm_assisted_session(*, actor: Actor, code: str) -> AssistedSession:
    """The citizen read the code back: the agent's pending session starts.

    A wrong code counts against the session's tries and is refused; the count is kept (it
    is committed before the refusal is raised), and the fifth wrong try ends the session."""
    session, refusal = _try_code(actor=actor, code=code)
    if refusal is not None:
        raise refusal
    return session


@transaction.atomic
def _try_code(*, actor: Actor, code: str) -> tuple[AssistedSession, DomainError | None]:
    agent: User = require(actor.user, "accounts.act_for_citizens")
    require_partner_authorised(actor)
    session = (
        AssistedSession.objects.select_for_update()
        .select_related("citizen")
        .filter(
            agent=agent,
            ended_at__isnull=True,
            confirmed_at__isnull=True,
            consent_method=ConsentMethod.SMS_CODE,
        )
        .first()
    )
    if session is None:
        raise NOT_PENDING()
    code = "".join(ch for ch in str(code or "") if ch.isdigit())
    if len(code) != CODE_DIGITS:
        raise CODE_REQUIRED(field="code")
    now = clock.now()
    expired = session.consent_code_expires_at is None or now > session.consent_code_expires_at
    if expired or session.consent_attempts >= CODE_ATTEMPTS:
        end_session(session, reason=AssistedSessionEnd.CODE_FAILED, at=now, actor=actor)
        return session, CODE_EXPIRED(field="code")
    if not constant_time_compare(session.consent_code_hash, code_hash(session.pk, code)):
        session.consent_attempts += 1
        session.save(update_fields=["consent_attempts"])
        left = CODE_ATTEMPTS - session.consent_attempts
        if left <= 0:
            end_session(session, reason=AssistedSessionEnd.CODE_FAILED, at=now, actor=actor)
            return session, CODE_EXPIRED(field="code")
        return session, CODE_WRONG(field="code", left=left)
    session.confirmed_at = now
    session.last_activity_at = now
    session.consent_code_hash = ""
    session.save(update_fields=["confirmed_at", "last_activity_at", "consent_code_hash"])
    record(
        actor=audit_actor(session, agent),
        action="accounts.assisted_session_confirmed",
        subject=session,
        data={"consent_method": session.consent_method, "attempts": session.consent_attempts + 1},
    )
    return session, None


def screen_consent_pending(agent: User) -> AssistedSession | None:
    """The agent's session waiting for the citizen to agree on the window's screen."""
    return (
        AssistedSession.objects.select_related("citizen", "agent")
        .filter(
            agent=agent,
            ended_at__isnull=True,
            confirmed_at__isnull=True,
            consent_method=ConsentMethod.SCREEN_SIGNED,
        )
        .first()
    )


@transaction.atomic
def agree_on_screen(*, agent: User, session_id: int, agreed: bool) -> AssistedSession:
    """The citizen answers on the screen paired with ``agent``'s window (the caller has
    proven the pairing): agreed starts the session, declined ends it. Only the session the
    screen was shown (its id) is answered, and only while it waits."""
    session = (
        AssistedSession.objects.select_for_update()
        .select_related("citizen")
        .filter(
            pk=session_id,
            agent=agent,
            ended_at__isnull=True,
            confirmed_at__isnull=True,
            consent_method=ConsentMethod.SCREEN_SIGNED,
        )
        .first()
    )
    if session is None:
        raise NOT_SCREEN_PENDING()
    now = clock.now()
    if not agreed:
        end_session(session, reason=AssistedSessionEnd.DECLINED, at=now, actor=Actor(user=agent))
        return session
    session.confirmed_at = now
    session.last_activity_at = now
    session.save(update_fields=["confirmed_at", "last_activity_at"])
    record(
        actor=audit_actor(session, agent),
        action="accounts.assisted_session_confirmed",
        subject=session,
        data={"consent_method": session.consent_method},
    )
    return session
