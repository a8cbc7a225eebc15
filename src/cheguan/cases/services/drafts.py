"""A new case (draft): who applies, on which channel, for which service, and its number;
one live case per idempotency scope. ``open_case`` records it at once; ``open_and_settle``
records it with the immediate case's other events."""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction

from cheguan.accounts.partners import require_partner_authorised
from cheguan.audit.services import Event
from cheguan.cases import errors
from cheguan.cases.models import (
    SCOPE_HOLDING_STATUSES,
    Case,
    Channel,
)
from cheguan.cases.remembered import active_service
from cheguan.cases.services.limits import check_open_case_limits
from cheguan.cases.services.owned import require_owner
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import Bi
from cheguan.core.permissions import require
from cheguan.core.roles import Role
from cheguan.registry.models import Organisation, Person, Vehicle


def _channel_for(actor: Actor) -> str:
    """Where the application is made: a partner's counter (also when it acts for a
    citizen), the office's help desk (a clerk acting for a citizen), online, or a window."""
    user = actor.user
    if user is not None and user.role == Role.DEALER_AGENT:
        return Channel.DEALER
    if user is not None and user.role == Role.SERVICE_POINT_AGENT:
        return Channel.SERVICE_POINT
    if actor.on_behalf_of is not None:
        return Channel.ASSISTED
    if user is None or user.role == Role.CITIZEN:
        return Channel.ONLINE
    return Channel.WINDOW


def _case_holding(scope: str) -> Case | None:
    if not scope:
        return None
    return Case.objects.filter(idempotency_scope=scope, status__in=SCOPE_HOLDING_STATUSES).first()


def _new_number() -> str:
    return f"{clock.today():%Y%m%d}{secrets.randbelow(10**8):08d}"


def draft_case(
    *,
    actor: Actor,
    service_code: str,
    applicant_person: Person | None = None,
    applicant_organisation: Organisation | None = None,
    vehicle: Vehicle | None = None,
    idempotency_scope: str = "",
    owner: str | None = None,
) -> tuple[Case, Event | None]:
    """:func:`open_case`'s work, leaving its audit event (None: the scope's case already
    open) for the caller to record with its own (``open_and_settle``). Runs inside the
    caller's transaction."""
    existing = _case_holding(idempotency_scope)
    if existing is not None:
        return existing, None
    channel = _channel_for(actor)
    if channel == Channel.WINDOW:  # office staff who do not process cases, other partners
        require(actor.user, "cases.process")
    if channel == Channel.ONLINE or actor.on_behalf_of is not None:
        # for oneself, or for the citizen one acts for with their consent — nobody else
        applicant_person, applicant_organisation = actor.citizen, None
    applicant = applicant_person or applicant_organisation
    if applicant is None:
        raise errors.APPLICANT_REQUIRED(field="applicant")
    office = applicant.office
    service = active_service(office.pk, service_code)
    if service is None:
        raise errors.SERVICE_NOT_FOUND(field="service")
    require_owner(service, owner)
    if channel not in service.channels:
        raise errors.CHANNEL_NOT_OFFERED(
            field="channel",
            channel=Bi.of(Channel(channel).label),
            allowed=", ".join(service.channels),
        )
    require_partner_authorised(actor, service=service.code)
    check_open_case_limits(actor=actor, service=service)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                case = Case.objects.create(
                    office=office,
                    number=_new_number(),
                    service=service,
                    applicant_person=applicant_person,
                    applicant_organisation=applicant_organisation,
                    vehicle=vehicle,
                    channel=channel,
                    created_by=actor.user,
                    assisted_by=actor.user if channel == Channel.ASSISTED else None,
                    created_at=clock.now(),
                    idempotency_scope=idempotency_scope,
                )
            break
        except IntegrityError:
            existing = _case_holding(idempotency_scope)
            if existing is not None:  # a concurrent call opened it first
                return existing, None
            continue  # a number collision: draw another
    else:  # pragma: no cover - 10^8 numbers a day
        raise RuntimeError("could not allocate a case number")
    return case, Event(
        action="cases.opened",
        subject=case,
        office_id=office.pk,
        data={"service": service.code, "channel": channel, "number": case.number},
    )
