"""Organisations: registering one, and its partner authorisation lifecycle.

The lifecycle (applied → granted → suspended → revoked) is the one table
``models.AUTHORISATION_TRANSITIONS``; :func:`change_authorisation` is the only place that
moves an organisation along it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from cheguan.audit.services import record
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import Bi, ErrorCode
from cheguan.core.permissions import require
from cheguan.registry.models import (
    AUTHORISATION_TRANSITIONS,
    AuthorisationStatus,
    Office,
    Organisation,
    OrganisationKind,
)
from cheguan.registry.services.people import clean_name
from cheguan.registry.signals import authorisation_changed
from cheguan.registry.validators import (
    INVALID_DATES,
    parse_uscc,
    validate_choice,
    validate_phone,
    validate_text,
)

DUPLICATE_ORGANISATION = ErrorCode(
    "registry.duplicate_organisation",
    "本所已有该统一社会信用代码的单位。",
    "An organisation with this unified social credit code is already registered at this office.",
    409,
)
INVALID_COORDINATES = ErrorCode(
    "registry.invalid_coordinates",
    "坐标应同时填写纬度（-90 到 90）和经度（-180 到 180），例如 29.8683, 121.5440。",
    "Give both latitude (-90 to 90) and longitude (-180 to 180), e.g. 29.8683, 121.5440.",
)
ILLEGAL_AUTHORISATION_CHANGE = ErrorCode(
    "registry.illegal_authorisation_change",
    "授权状态不能从“{current}”改为“{target}”；可改为：{allowed}。",
    "The authorisation cannot change from “{current}” to “{target}”; it can change to: {allowed}.",
    409,
)
AUTHORISED_SERVICES_REQUIRED = ErrorCode(
    "registry.authorised_services_required",
    "授权时请至少列出一项授权业务，例如 new_registration。",
    "List at least one authorised service when granting, e.g. new_registration.",
)
INVALID_SERVICE_NAME = ErrorCode(
    "registry.invalid_service_name",
    "业务名称应为 2 到 40 个小写字母、数字或下划线，以字母开头，例如 new_registration；最多 20 项。",
    "A service name has 2 to 40 lower-case letters, digits or underscores and starts with a "
    "letter, e.g. new_registration; at most 20 services.",
)

REASON_REQUIRED = ErrorCode(
    "registry.authorisation_reason_required",
    "暂停或撤销授权时请写明原因（至少4个字）；合作单位在其每个页面上都会看到这一原因。",
    "Give the reason for a suspension or revocation (at least 4 characters); the partner "
    "sees it on every page.",
)

_STATUS_ZH: dict[str, str] = {
    AuthorisationStatus.NONE: "非合作单位",
    AuthorisationStatus.APPLIED: "已申请",
    AuthorisationStatus.GRANTED: "已授权",
    AuthorisationStatus.SUSPENDED: "已暂停",
    AuthorisationStatus.REVOKED: "已撤销",
}


def status_words(status: str) -> Bi:
    return Bi(_STATUS_ZH.get(status, status), Bi.of(AuthorisationStatus(status).label).en)


@dataclass(frozen=True)
class OrganisationData:
    name: str
    uscc: str
    kind: str
    address: str = ""
    phone: str = ""
    latitude: float | Decimal | str | None = None
    longitude: float | Decimal | str | None = None


def _coordinate(value, limit: int) -> Decimal:
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise INVALID_COORDINATES(field="latitude" if limit == 90 else "longitude") from None
    if not math.isfinite(number) or abs(number) > limit:
        raise INVALID_COORDINATES(field="latitude" if limit == 90 else "longitude")
    return Decimal(f"{number:.6f}")


def clean_coordinates(latitude, longitude) -> tuple[Decimal | None, Decimal | None]:
    if latitude is None and longitude is None:
        return None, None
    if latitude is None or longitude is None:
        raise INVALID_COORDINATES(field="latitude" if latitude is None else "longitude")
    return _coordinate(latitude, 90), _coordinate(longitude, 180)


def clean_organisation(data: OrganisationData) -> dict:
    name = clean_name(data.name, max_length=120)
    code = parse_uscc(data.uscc)
    latitude, longitude = clean_coordinates(data.latitude, data.longitude)
    return {
        "name": name,
        "uscc": code.code,
        "uscc_checksum_warning": not code.checksum_ok,
        "kind": validate_choice(data.kind, OrganisationKind, field="kind"),
        "address": validate_text(data.address or "", field="address", max_length=200, min_length=0),
        "phone": validate_phone(data.phone) if data.phone else "",
        "latitude": latitude,
        "longitude": longitude,
    }


@transaction.atomic
def register_organisation(
    *, actor: Actor, office: Office, data: OrganisationData, audit: bool = True
) -> Organisation:
    if actor.user is not None:
        require(actor.user, "registry.manage_organisations")
    values = clean_organisation(data)
    if Organisation.objects.filter(office=office, uscc=values["uscc"]).exists():
        raise DUPLICATE_ORGANISATION(field="uscc")
    org = Organisation.objects.create(office=office, created_at=clock.now(), **values)
    if audit:
        record(
            actor=actor,
            action="registry.organisation_registered",
            subject=org,
            office_id=office.pk,
            data={
                "uscc": org.uscc,
                "kind": org.kind,
                "checksum_warning": org.uscc_checksum_warning,
            },
        )
    return org


_SERVICE_RE = re.compile(r"[a-z][a-z0-9_]{1,39}", re.ASCII)


def clean_services(services) -> list[str]:
    """Service names (the catalogue's codes, e.g. ``new_registration``), deduplicated."""
    if services is None:
        return []
    if isinstance(services, str) or len(services) > 20:
        raise INVALID_SERVICE_NAME(field="services")
    names: list[str] = []
    for name in services:
        if not isinstance(name, str) or not _SERVICE_RE.fullmatch(name):
            raise INVALID_SERVICE_NAME(field="services")
        if name not in names:
            names.append(name)
    return names


@transaction.atomic
def change_authorisation(
    *,
    actor: Actor,
    organisation: Organisation,
    to_status: str,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
    services: list[str] | None = None,
    reason: str = "",
) -> Organisation:
    """Move a partner along its authorisation lifecycle (AUTHORISATION_TRANSITIONS).

    Granting sets the validity (``valid_from`` defaults to today) and the authorised
    services (at least one). Applying may name the services asked for. Suspending and
    revoking keep the dates and services as they were, for the record.
    """
    require(actor.user, "registry.manage_organisations")
    to_status = validate_choice(to_status, AuthorisationStatus, field="to_status")
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    current = org.authorisation_status
    allowed = AUTHORISATION_TRANSITIONS[current]
    if to_status not in allowed:
        ordered = [s for s in AuthorisationStatus.values if s in allowed]
        raise ILLEGAL_AUTHORISATION_CHANGE(
            field="to_status",
            current=status_words(current),
            target=status_words(to_status),
            allowed=Bi(
                "、".join(_STATUS_ZH[s] for s in ordered) or "无（不可再变更）",
                ", ".join(Bi.of(AuthorisationStatus(s).label).en for s in ordered)
                or "nothing (final)",
            ),
        )
    names = clean_services(services)
    reason = validate_text(reason or "", field="reason", max_length=200, min_length=0)
    if (
        to_status in {AuthorisationStatus.SUSPENDED, AuthorisationStatus.REVOKED}
        and len(reason) < 4
    ):
        raise REASON_REQUIRED(field="reason")
    if to_status == AuthorisationStatus.GRANTED:
        valid_from = valid_from or clock.today()
        if valid_until is not None and valid_until < valid_from:
            raise INVALID_DATES(
                field="valid_until",
                detail=Bi("有效期止早于起始日。", "the end is before the start."),
            )
        if not names:
            raise AUTHORISED_SERVICES_REQUIRED(field="services")
        org.authorised_from, org.authorised_until = valid_from, valid_until
        org.authorised_services = names
    elif to_status == AuthorisationStatus.APPLIED and names:
        org.authorised_services = names
    org.authorisation_status = to_status
    org.authorisation_reason = reason
    org.authorisation_changed_at = clock.now()
    org.save(
        update_fields=[
            "authorisation_status",
            "authorised_from",
            "authorised_until",
            "authorised_services",
            "authorisation_reason",
            "authorisation_changed_at",
        ]
    )
    record(
        actor=actor,
        action="registry.authorisation_changed",
        subject=org,
        office_id=org.office_id,
        organisation_id=org.pk,
        data={
            "from": current,
            "to": to_status,
            "valid_from": org.authorised_from,
            "valid_until": org.authorised_until,
            "services": org.authorised_services,
            "reason": reason,
        },
    )
    authorisation_changed.send(
        sender=Organisation,
        organisation=org,
        actor=actor,
        previous=current,
        current=to_status,
        reason=reason,
    )
    organisation.refresh_from_db()
    return org
