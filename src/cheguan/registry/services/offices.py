"""Offices: creating a new vehicle administration office (车管所) before it loads its registry
(``cheguan create-office``, docs/import.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from cheguan.audit.services import record
from cheguan.core.actor import Actor
from cheguan.core.permissions import require
from cheguan.registry import errors
from cheguan.registry.codes import PROVINCES
from cheguan.registry.models import Office
from cheguan.registry.validators import validate_text

_CODE = re.compile(r"[1-9]\d{5}")
_PREFIX = re.compile(rf"[{PROVINCES}][A-HJ-NP-Z]")  # no I or O on plates


@dataclass(frozen=True)
class OfficeData:
    code: str
    name: str
    plate_prefix: str
    region: str
    name_en: str = ""


def clean_office(data: OfficeData) -> dict:
    """Validate an office's fields; returns model field values. Raises the first error."""
    code = (data.code or "").strip()
    if not _CODE.fullmatch(code):
        raise errors.INVALID_OFFICE_CODE(field="code")
    prefix = (data.plate_prefix or "").strip().upper()
    if not _PREFIX.fullmatch(prefix):
        raise errors.INVALID_PLATE_PREFIX(field="plate_prefix")
    return {
        "code": code,
        "name": validate_text(data.name, field="name", max_length=100),
        "name_en": validate_text(data.name_en, field="name_en", max_length=100, min_length=0),
        "region": validate_text(data.region, field="region", max_length=100),
        "plate_prefix": prefix,
    }


@transaction.atomic
def create_office(*, actor: Actor, data: OfficeData) -> Office:
    """Create an office (an admin or the system); its code and plate prefix are unique."""
    if actor.user is not None:
        require(actor.user, "registry.import")
    values = clean_office(data)
    if Office.objects.filter(code=values["code"]).exists():
        raise errors.DUPLICATE_OFFICE(field="code", code=values["code"])
    if Office.objects.filter(plate_prefix=values["plate_prefix"]).exists():
        raise errors.PLATE_PREFIX_TAKEN(field="plate_prefix", prefix=values["plate_prefix"])
    try:
        with transaction.atomic():
            office = Office.objects.create(**values)
    except IntegrityError:  # created by someone else at the same moment
        raise errors.DUPLICATE_OFFICE(field="code", code=values["code"]) from None
    record(
        actor=actor,
        action="registry.office_created",
        subject=office,
        office_id=office.pk,
        data={
            "code": office.code,
            "prefix": office.plate_prefix,
            "region": office.region,
        },
    )
    return office
