"""Per-party limits on open cases (docs/principles.md: shared resources have per-party limits).

A party is whoever the office limits: a partner organisation and each of its agent accounts
(the *operator*), or a citizen applying for themself (online, or through a clerk at the help
desk). Office staff at the window are not limited here: they are the office.

Counting is race-free, not merely "close": the party's row — the organisation, or the
citizen's person record — is locked (``SELECT … FOR NO KEY UPDATE``) before its open cases
are counted, and stays locked until the new case commits. Two agents of one dealer opening
cases at the same moment therefore take turns for the few milliseconds of the count; two
different dealers never wait for each other. ``NO KEY`` leaves the row's key free, so
inserting a case that merely *refers* to the organisation (a foreign-key check) never waits.
SQLite runs every write transaction ``BEGIN IMMEDIATE``, which serialises them anyway. A
party can therefore never exceed a limit, on either database.

The other allocators (plates' draws today; exam places, hall tickets, slots in wave 2) take
the same lock through :func:`lock_party` before they count, so one lock order holds: the
case (if any) first, then the party.
"""

from __future__ import annotations

from django.db.models import Count, Q

from cheguan.cases.models import CLOSED_STATUSES, Case, CaseStatus, Channel, Service
from cheguan.core.actor import Actor
from cheguan.core.errors import Bi, ErrorCode
from cheguan.core.limits import limit, refuse
from cheguan.core.roles import Role
from cheguan.registry.models import Organisation, Person

OPEN_STATUSES = [s for s in CaseStatus.values if s not in CLOSED_STATUSES]
CITIZEN_CHANNELS = [Channel.ONLINE, Channel.ASSISTED]

_RETRY_ZH = "请先办结或撤回其中的办件（包括不再需要的草稿）后再申请。"
_RETRY_EN = "Complete or withdraw one of them (drafts no longer needed included) and apply again."
LIMIT_OPEN_CASES = ErrorCode(
    "cases.limit_open_cases",
    "贵单位未办结的“{service}”办件已达上限（{limit} 件）；" + _RETRY_ZH,
    "Your organisation already has {limit} open “{service}” cases, the most allowed. " + _RETRY_EN,
    429,
)
LIMIT_OPEN_CASES_OPERATOR = ErrorCode(
    "cases.limit_open_cases_operator",
    "您的账号未办结的“{service}”办件已达上限（{limit} 件）；" + _RETRY_ZH,
    "Your account already has {limit} open “{service}” cases, the most allowed. " + _RETRY_EN,
    429,
)
LIMIT_OPEN_CASES_CITIZEN = ErrorCode(
    "cases.limit_open_cases_citizen",
    "您未办结的“{service}”申请已达上限（{limit} 件）；" + _RETRY_ZH,
    "You already have {limit} open “{service}” applications, the most allowed. " + _RETRY_EN,
    429,
)


def partner_of(actor: Actor) -> int | None:
    """The organisation an agent acts for (``None``: not a partner, or acting for a citizen)."""
    user = actor.user
    if user is None or actor.on_behalf_of is not None or not user.is_partner:
        return None
    return user.organisation_id


def citizen_of(actor: Actor) -> Person | None:
    """The citizen applying for themself (online, or through a clerk at the help desk)."""
    user = actor.user
    if user is None:
        return None
    if actor.on_behalf_of is not None or user.role == Role.CITIZEN:
        return actor.citizen
    return None


def lock_party(*, organisation_id: int | None = None, person_id: int | None = None) -> None:
    """Lock the party's row until the transaction ends: counts taken after this see every
    committed allocation of the party and none can be added meanwhile."""
    if organisation_id is not None:
        list(
            Organisation.objects.select_for_update(no_key=True)
            .filter(pk=organisation_id)
            .values_list("pk", flat=True)
        )
    else:
        list(
            Person.objects.select_for_update(no_key=True)
            .filter(pk=person_id)
            .values_list("pk", flat=True)
        )


def check_open_case_limits(*, actor: Actor, service: Service) -> None:
    """Refuse (429) a new case of ``service`` when the party already has the most open
    cases of it the office allows (``CASES_OPEN_PER_*_PER_SERVICE``). Runs inside the
    caller's transaction (opening the case), which holds the party's lock until it ends."""
    words = Bi(service.name_zh, service.name_en)
    open_cases = Case.objects.filter(service=service, status__in=OPEN_STATUSES)
    organisation_id = partner_of(actor)
    if organisation_id is not None:
        lock_party(organisation_id=organisation_id)
        counts = open_cases.filter(created_by__organisation_id=organisation_id).aggregate(
            partner=Count("pk"), operator=Count("pk", filter=Q(created_by=actor.user))
        )
        most = limit("CASES_OPEN_PER_PARTNER_PER_SERVICE")
        if counts["partner"] >= most:
            raise refuse(LIMIT_OPEN_CASES, service=words, limit=most)
        most = limit("CASES_OPEN_PER_OPERATOR_PER_SERVICE")
        if counts["operator"] >= most:
            raise refuse(LIMIT_OPEN_CASES_OPERATOR, service=words, limit=most)
        return
    person = citizen_of(actor)
    if person is not None:
        lock_party(person_id=person.pk)
        most = limit("CASES_OPEN_PER_CITIZEN_PER_SERVICE")
        mine = open_cases.filter(applicant_person=person, channel__in=CITIZEN_CHANNELS)
        if mine.count() >= most:
            raise refuse(LIMIT_OPEN_CASES_CITIZEN, service=words, limit=most)
