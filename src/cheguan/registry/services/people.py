"""People: registering a person, and revealing their full ID number and phone (audited)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from cheguan.audit.services import record
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import DomainError
from cheguan.core.permissions import require
from cheguan.registry import errors
from cheguan.registry.models import IdType, Office, Person
from cheguan.registry.validators import (
    parse_resident_id,
    validate_choice,
    validate_document_number,
    validate_phone,
    validate_text,
)


def clean_name(value: object, *, max_length: int, field: str = "name") -> str:
    try:
        return validate_text(value, field=field, max_length=max_length)
    except DomainError:
        raise errors.NAME_REQUIRED(field=field, max=max_length) from None


@dataclass(frozen=True)
class PersonData:
    name: str
    id_number: str
    id_type: str = IdType.RESIDENT_ID
    phone: str = ""
    address: str = ""


def clean_person(data: PersonData) -> dict:
    """Validate a person's fields; returns model field values. Raises the first error."""
    name = clean_name(data.name, max_length=60)
    id_type = validate_choice(data.id_type, IdType, field="id_type")
    address = validate_text(data.address or "", field="address", max_length=200, min_length=0)
    values: dict[str, object] = {"name": name, "id_type": id_type, "address": address}
    if id_type == IdType.RESIDENT_ID:
        rid = parse_resident_id(data.id_number)
        values.update(id_number=rid.number, birth_date=rid.birth_date, sex=rid.sex)
    else:
        values.update(id_number=validate_document_number(data.id_number), birth_date=None, sex="")
    values["phone"] = validate_phone(data.phone) if data.phone else ""
    return values


@transaction.atomic
def register_person(
    *, actor: Actor, office: Office, data: PersonData, audit: bool = True
) -> Person:
    if actor.user is not None:
        require(actor.user, "registry.manage_people")
    values = clean_person(data)
    if Person.objects.filter(
        office=office, id_type=values["id_type"], id_number=values["id_number"]
    ).exists():
        raise errors.DUPLICATE_PERSON(field="id_number")
    person = Person.objects.create(office=office, created_at=clock.now(), **values)
    if audit:
        record(
            actor=actor,
            action="registry.person_registered",
            subject=person,
            office_id=office.pk,
            data={"id_type": person.id_type, "id_number": person.id_number},
        )
    return person


@transaction.atomic
def reveal_person(*, actor: Actor, person: Person, reason: str = "") -> dict[str, str]:
    """Full ID number and phone: a permission, and itself an audited event."""
    require(actor.user, "registry.reveal_personal_data")
    reason = validate_text(reason or "", field="reason", max_length=200, min_length=0)
    record(
        actor=actor,
        action="registry.personal_data_revealed",
        subject=person,
        office_id=person.office_id,
        data={"fields": ["id_number", "phone"], "reason": reason},
    )
    return {"name": person.name, "id_number": person.id_number, "phone": person.phone}
