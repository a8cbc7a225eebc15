"""Acting for a citizen with their consent: a clerk at the help desk (帮办), or a service
point's or dealer's agent at its counter.

The citizen is found by ID number in the agent's office. A clerk records how the citizen
consented at the office's desk. A partner's agent cannot be seen by the office, so the
consent is proven: a 6-digit code sent to the phone on record and read back by the citizen
(the session is *pending* until then), or the citizen's ID card read by the counter's card
reader — which of the two a partner may use is ``CHEGUAN_PARTNER_CONSENT_METHODS``.
Opening, confirming and ending are audited with both the agent and the citizen.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import transaction
from django.utils.crypto import constant_time_compare, salted_hmac

from cheguan.accounts.models import (
    CLERK_CONSENT_METHODS,
    PENDING_CONSENT_METHODS,
    AssistedSession,
    AssistedSessionEnd,
    ConsentMethod,
    ConsentScope,
    User,
)
from cheguan.accounts.partners import require_partner_authorised
from cheguan.audit.services import record
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import Bi, DomainError, ErrorCode, ValidationErrors
from cheguan.core.masking import mask_phone
from cheguan.core.permissions import require
from cheguan.core.roles import Role
from cheguan.core.sms import send_sms

CITIZEN_NOT_FOUND = ErrorCode(
    "accounts.citizen_not_found",
    "本所没有证件号码为该号码的人员记录；请核对号码，或先为其建档。",
    "No person with this document number is registered at this office; check the number or register them first.",
    404,
)
CONSENT_REQUIRED = ErrorCode(
    "accounts.consent_required",
    "开始帮办前必须记录群众的同意方式，可选：{methods}。",
    "Record how the citizen consented before acting for them; one of: {methods}.",
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
NO_PHONE_ON_RECORD = ErrorCode(
    "accounts.no_phone_on_record",
    "该群众的记录中没有手机号码，无法发送同意验证码；请让其本人持身份证到柜台读卡，或到车管所窗口办理。",
    "There is no phone number on record for this citizen, so no consent code can be sent: "
    "read their ID card at the counter with them present, or send them to an office window.",
    409,
)
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

SCOPE_REQUIRED = ErrorCode(
    "accounts.consent_scope_required",
    "请勾选群众同意代办的事项。",
    "Tick what the citizen agreed you may do for them.",
)
WITNESS_REQUIRED = ErrorCode(
    "accounts.witness_required",
    "口头同意须由本所另一名窗口工作人员见证：请其输入本人的用户名和密码。",
    "Spoken consent needs a second clerk of this office as witness: they enter their own user name and password.",
)
WITNESS_REFUSED = ErrorCode(
    "accounts.witness_refused",
    "见证人的用户名或密码不正确，或其不是本所另一名窗口工作人员。",
    "The witness's user name or password is wrong, or they are not another clerk of this office.",
    422,
)
SESSION_OPEN_FOR_ANOTHER = ErrorCode(
    "accounts.assisted_session_open",
    "您正在为{citizen}办理帮办。开始为另一位群众帮办会结束当前帮办，请确认。",
    "You are acting for {citizen}. Starting assisted service for another citizen ends that one: confirm to go on.",
    409,
)
WITNESS_LOCKED = ErrorCode(
    "accounts.witness_locked",
    "见证人验证失败次数过多，请30分钟后再试，或改用其他同意方式。",
    "Too many failed witness confirmations: try again in 30 minutes, or take consent another way.",
    429,
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


def _idle_limit() -> dt.timedelta:
    return dt.timedelta(minutes=settings.CHEGUAN_ASSISTED_IDLE_MINUTES)


def consent_methods_for(user: User) -> tuple[str, ...]:
    """The consent methods this agent may record: for a clerk the desk's methods the office
    chose (``CHEGUAN_CLERK_CONSENT_METHODS``), for a partner's agent the partner setting's."""
    if user.is_partner:
        allowed = set(settings.CHEGUAN_PARTNER_CONSENT_METHODS)
        return tuple(
            m for m in (ConsentMethod.SMS_CODE, ConsentMethod.ID_CARD_READ) if m in allowed
        )
    allowed = set(settings.CHEGUAN_CLERK_CONSENT_METHODS)
    return tuple(m for m in CLERK_CONSENT_METHODS if m in allowed)


def _clean_scope(scope) -> list[str]:
    """The scope in the catalogue's order; ``None`` (an API client that names none) is
    every citizen service, recorded as such."""
    if scope is None:
        return list(ConsentScope.values)
    chosen = {str(s) for s in scope}
    return [s for s in ConsentScope.values if s in chosen]


WITNESS_TRIES = dt.timedelta(minutes=30)


def _check_witness(agent: User, username: str, password: str) -> User:
    """The second clerk of the agent's office who heard the citizen agree, proven by their
    own password. Any failure is one refusal (it does not tell which part was wrong); it is
    recorded in its own transaction, and after ``CHEGUAN_LOGIN_FAILURE_LIMIT`` refusals in
    30 minutes the agent may not name a witness for a while (no guessing a colleague's
    password through this form)."""
    from cheguan.audit.models import AuditEvent

    username = (username or "").strip()[:150]
    if not username or not password:
        raise WITNESS_REQUIRED(field="witness")
    recent = AuditEvent.objects.filter(
        action="accounts.witness_refused",
        actor_id=agent.pk,
        occurred_at__gte=clock.now() - WITNESS_TRIES,
    ).count()
    if recent >= settings.AXES_FAILURE_LIMIT:
        raise WITNESS_LOCKED(field="witness")
    witness = User.objects.filter(username=username).first()
    if (
        witness is None
        or not witness.is_active
        or witness.pk == agent.pk
        or witness.role != Role.CLERK
        or witness.office_id is None
        or witness.office_id != agent.office_id
        or not witness.check_password(password)
    ):
        with transaction.atomic():
            record(
                actor=Actor(user=agent),
                action="accounts.witness_refused",
                subject=agent,
                data={"witness_id": witness.pk if witness is not None else None},
            )
        raise WITNESS_REFUSED(field="witness")
    return witness


def _methods_words(methods) -> Bi:
    labels = [Bi.of(ConsentMethod(m).label) for m in methods]
    return Bi("；".join(b.zh for b in labels), "; ".join(b.en for b in labels))


def _code_hash(session_pk: int, code: str) -> str:
    return salted_hmac("cheguan.accounts.consent", f"{session_pk}:{code}").hexdigest()


def _audit_actor(session: AssistedSession, user: User | None = None) -> Actor:
    return Actor(
        user=user or session.agent, on_behalf_of=session.citizen, assisted_session_id=session.pk
    )


def open_assisted_session(
    *,
    actor: Actor,
    id_number: str,
    consent_method: str,
    consent_note: str = "",
    scope=None,
    vehicle_ids=(),
    witness_username: str = "",
    witness_password: str = "",
    replace: bool = True,
) -> AssistedSession:
    """Start acting for a citizen of the agent's office, found by ID number, with consent:
    what they agreed to (``scope``, limited to ``vehicle_ids`` if given) and how.

    One session, one consent: if the agent already acts for this same citizen, that session
    is returned as it is (no second consent is asked). If they act for another citizen, the
    open session is ended (reason ``replaced``) only when ``replace`` is true, else
    ``accounts.assisted_session_open`` asks the agent to confirm. With ``sms_code`` or
    ``screen_signed`` the session is pending until the citizen's own act confirms it;
    ``witnessed`` needs a second clerk of the office with their own password.
    """
    agent: User = require(actor.user, "accounts.act_for_citizens")
    witness = None
    if consent_method == ConsentMethod.WITNESSED and consent_method in consent_methods_for(agent):
        # Outside the opening's transaction: a refusal is recorded even though it is raised.
        witness = _check_witness(agent, witness_username, witness_password)
    return _open(
        actor=actor,
        id_number=id_number,
        consent_method=consent_method,
        consent_note=consent_note,
        scope=scope,
        vehicle_ids=vehicle_ids,
        witness=witness,
        replace=replace,
    )


@transaction.atomic
def _open(
    *,
    actor: Actor,
    id_number: str,
    consent_method: str,
    consent_note: str,
    scope,
    vehicle_ids,
    witness: User | None,
    replace: bool,
) -> AssistedSession:
    from cheguan.registry.queries import find_person_by_document

    agent: User = require(actor.user, "accounts.act_for_citizens")
    require_partner_authorised(actor)
    methods = consent_methods_for(agent)
    chosen_scope = _clean_scope(scope)
    problems: list[DomainError] = []
    if not (id_number or "").strip():
        problems.append(ID_NUMBER_REQUIRED(field="id_number"))
    if consent_method not in methods:
        problems.append(CONSENT_REQUIRED(field="consent_method", methods=_methods_words(methods)))
    if not chosen_scope:
        problems.append(SCOPE_REQUIRED(field="scope"))
    if len(problems) > 1:
        raise ValidationErrors(problems)
    if problems:
        raise problems[0]
    office = actor.office
    person = find_person_by_document(office=office, id_number=id_number)
    if person is None or office is None:
        raise CITIZEN_NOT_FOUND(field="id_number")
    if consent_method == ConsentMethod.SMS_CODE and not person.phone:
        raise NO_PHONE_ON_RECORD(field="consent_method")
    # Serialise this agent's opens (a double-click sends two): lock the agent's own row.
    User.objects.select_for_update().filter(pk=agent.pk).first()
    now = clock.now()
    open_sessions = list(
        AssistedSession.objects.select_for_update()
        .select_related("citizen")
        .filter(agent=agent, ended_at__isnull=True)
    )
    for previous in open_sessions:
        if previous.citizen_id == person.pk and previous.confirmed_at is not None:
            return previous  # the consent given holds: one session, one consent
        if previous.citizen_id != person.pk and previous.confirmed_at is not None and not replace:
            raise SESSION_OPEN_FOR_ANOTHER(field="replace", citizen=previous.citizen.masked_name)
    for previous in open_sessions:
        _end(previous, reason=AssistedSessionEnd.REPLACED, at=now, actor=actor)
    pending = consent_method in PENDING_CONSENT_METHODS
    own_vehicles = set(person.vehicles.values_list("pk", flat=True)) if vehicle_ids else set()
    session = AssistedSession.objects.create(
        agent=agent,
        organisation_id=agent.organisation_id,
        citizen=person,
        office=office,
        consent_method=consent_method,
        consent_note=(consent_note or "").strip()[:200],
        consent_scope=chosen_scope,
        consent_vehicle_ids=sorted(int(v) for v in vehicle_ids if int(v) in own_vehicles),
        witness=witness,
        started_at=now,
        last_activity_at=now,
        confirmed_at=None if pending else now,
    )
    data = {
        "consent_method": consent_method,
        "citizen_elderly": person.is_elderly,
        "consent_scope": chosen_scope,
        "vehicle_ids": session.consent_vehicle_ids,
    }
    if witness is not None:
        data["witness_id"] = witness.pk
    if consent_method == ConsentMethod.SMS_CODE:
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        session.consent_code_hash = _code_hash(session.pk, code)
        session.consent_code_expires_at = now + CODE_VALID_FOR
        session.save(update_fields=["consent_code_hash", "consent_code_expires_at"])
        where = agent.organisation.name if agent.organisation is not None else office.name
        send_sms(
            phone=person.phone,
            text=(
                f"【{office.name}】{where}申请代您办理车驾管业务。如您同意，请将验证码"
                f"{code}告诉经办人员（{CODE_VALID_FOR.seconds // 60}分钟内有效）；如非本人申请，请勿告知。"
            ),
            reference=f"consent:{session.pk}",
        )
        data["code_sent_to"] = mask_phone(person.phone)
    record(
        actor=_audit_actor(session, agent),
        action="accounts.assisted_session_opened",
        subject=session,
        data=data,
    )
    return session


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
        _end(session, reason=AssistedSessionEnd.DECLINED, at=now, actor=Actor(user=agent))
        return session
    session.confirmed_at = now
    session.last_activity_at = now
    session.save(update_fields=["confirmed_at", "last_activity_at"])
    record(
        actor=_audit_actor(session, agent),
        action="accounts.assisted_session_confirmed",
        subject=session,
        data={"consent_method": session.consent_method},
    )
    return session


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
        _end(session, reason=AssistedSessionEnd.CODE_FAILED, at=now, actor=actor)
        return session, CODE_EXPIRED(field="code")
    if not constant_time_compare(session.consent_code_hash, _code_hash(session.pk, code)):
        session.consent_attempts += 1
        session.save(update_fields=["consent_attempts"])
        left = CODE_ATTEMPTS - session.consent_attempts
        if left <= 0:
            _end(session, reason=AssistedSessionEnd.CODE_FAILED, at=now, actor=actor)
            return session, CODE_EXPIRED(field="code")
        return session, CODE_WRONG(field="code", left=left)
    session.confirmed_at = now
    session.last_activity_at = now
    session.consent_code_hash = ""
    session.save(update_fields=["confirmed_at", "last_activity_at", "consent_code_hash"])
    record(
        actor=_audit_actor(session, agent),
        action="accounts.assisted_session_confirmed",
        subject=session,
        data={"consent_method": session.consent_method, "attempts": session.consent_attempts + 1},
    )
    return session, None


def _end(session: AssistedSession, *, reason: str, at: dt.datetime, actor: Actor) -> None:
    session.ended_at = at
    session.end_reason = reason
    session.save(update_fields=["ended_at", "end_reason"])
    record(
        actor=_audit_actor(session, actor.user or session.agent),
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
    _end(session, reason=AssistedSessionEnd.BY_CLERK, at=clock.now(), actor=actor)
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
        _end(session, reason=AssistedSessionEnd.AUTHORISATION_ENDED, at=now, actor=actor)
    return len(sessions)


def current_assisted_session(agent: User) -> AssistedSession | None:
    """The agent's open, confirmed session, ended here if it has been idle too long; touched
    if not. A session still waiting for its consent code lets nobody act yet."""
    session = (
        AssistedSession.objects.select_related("citizen", "citizen__office")
        .filter(agent=agent, ended_at__isnull=True)
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
        _end(
            session,
            reason=AssistedSessionEnd.IDLE,
            at=session.last_activity_at + _idle_limit(),
            actor=Actor(user=session.agent),
        )
        count += 1
    return count
