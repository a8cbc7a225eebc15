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
from cheguan.core.errors import Bi
from cheguan.core.permissions import require
from cheguan.registry import errors
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
    parse_uscc,
    validate_choice,
    validate_phone,
    validate_text,
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
        raise errors.INVALID_COORDINATES(field="latitude" if limit == 90 else "longitude") from None
    if not math.isfinite(number) or abs(number) > limit:
        raise errors.INVALID_COORDINATES(field="latitude" if limit == 90 else "longitude")
    return Decimal(f"{number:.6f}")


def clean_coordinates(latitude, longitude) -> tuple[Decimal | None, Decimal | None]:
    if latitude is None and longitude is None:
        return None, None
    if latitude is None or longitude is None:
        raise errors.INVALID_COORDINATES(field="latitude" if latitude is None else "longitude")
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
        raise errors.DUPLICATE_ORGANISATION(field="uscc")
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
        raise errors.INVALID_SERVICE_NAME(field="services")
    names: list[str] = []
    for name in services:
        if not isinstance(name, str) or not _SERVICE_RE.fullmatch(name):
            raise errors.INVALID_SERVICE_NAME(field="services")
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
        raise errors.ILLEGAL_AUTHORISATION_CHANGE(
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
        raise errors.AUTHORISATION_REASON_REQUIRED(field="reason")
    if to_status == AuthorisationStatus.GRANTED:
        valid_from = valid_from or clock.today()
        if valid_until is not None and valid_until < valid_from:
            raise errors.INVALID_DATES(
                field="valid_until",
                detail=Bi("有效期止早于起始日。", "the end is before the start."),
            )
        if not names:
            raise errors.AUTHORISED_SERVICES_REQUIRED(field="services")
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
