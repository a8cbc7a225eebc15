"""Opening an assisted session: acting for a citizen with their consent — a clerk at the
help desk (帮办), or a service point's or dealer's agent at its counter.

The citizen is found by ID number in the agent's office. A clerk records how the citizen
consented at the office's desk (a witnessed consent names a second clerk, proven by their
password). A partner's agent cannot be seen by the office, so the consent is proven: a
6-digit code sent to the phone on record and read back by the citizen (the session is
*pending* until then, ``services.consent``), or the citizen's ID card read by the counter's
card reader — which of the two a partner may use is ``CHEGUAN_PARTNER_CONSENT_METHODS``.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import transaction

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
from cheguan.accounts.services.consent import CODE_DIGITS, CODE_VALID_FOR, code_hash
from cheguan.accounts.services.ending import audit_actor, end_session
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
NO_PHONE_ON_RECORD = ErrorCode(
    "accounts.no_phone_on_record",
    "该群众的记录中没有手机号码，无法发送同意验证码；请让其本人持身份证到柜台读卡，或到车管所窗口办理。",
    "There is no phone number on record for this citizen, so no consent code can be sent: "
    "read their ID card at the counter with them present, or send them to an office window.",
    409,
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
        end_session(previous, reason=AssistedSessionEnd.REPLACED, at=now, actor=actor)
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
        session.consent_code_hash = code_hash(session.pk, code)
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
        actor=audit_actor(session, agent),
        action="accounts.assisted_session_opened",
        subject=session,
        data=data,
    )
    return session
