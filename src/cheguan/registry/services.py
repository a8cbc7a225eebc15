"""Registry use cases. Each: keyword-only, explicit actor, one transaction, one audit event."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from cheguan.accounts.actor import Actor
from cheguan.accounts.permissions import require
from cheguan.audit.services import record
from cheguan.core import clock
from cheguan.core.errors import ErrorCode
from cheguan.registry import codes
from cheguan.registry.models import (
    EnergyType,
    IdType,
    Office,
    Organisation,
    OrganisationKind,
    Person,
    Vehicle,
    VehicleStatus,
)
from cheguan.registry.validators import (
    parse_resident_id,
    parse_uscc,
    validate_document_number,
    validate_phone,
    validate_vin,
)

NAME_REQUIRED = ErrorCode(
    "registry.name_required", "请填写 1 到 60 个字符的姓名。", "Enter a name of 1 to 60 characters."
)
DUPLICATE_PERSON = ErrorCode(
    "registry.duplicate_person",
    "本所已有该证件号码的人员记录。",
    "A person with this document number is already registered at this office.",
    409,
)
DUPLICATE_ORGANISATION = ErrorCode(
    "registry.duplicate_organisation",
    "本所已有该统一社会信用代码的单位。",
    "An organisation with this unified social credit code is already registered at this office.",
    409,
)
DUPLICATE_VIN = ErrorCode(
    "registry.duplicate_vin",
    "该车辆识别代号已登记。",
    "A vehicle with this VIN is already registered.",
    409,
)
INVALID_CODE = ErrorCode(
    "registry.invalid_code",
    "“{value}”不是有效的{table}代码。",
    "“{value}” is not a valid {table} code.",
)
INVALID_CHOICE = ErrorCode(
    "registry.invalid_choice",
    "“{value}”不是可选的值；可选：{allowed}。",
    "“{value}” is not one of the allowed values: {allowed}.",
)
INVALID_SEATS = ErrorCode(
    "registry.invalid_seats",
    "座位数应为 1 到 99 的整数。",
    "Seats must be a whole number from 1 to 99.",
)
INVALID_DATES = ErrorCode(
    "registry.invalid_dates",
    "日期顺序不对：{detail}",
    "The dates are out of order: {detail}",
)
OWNER_REQUIRED = ErrorCode(
    "registry.owner_required",
    "车辆必须有且仅有一个所有人（个人或单位）。",
    "A vehicle has exactly one owner: a person or an organisation.",
)
PLATE_IN_USE = ErrorCode(
    "registry.plate_in_use",
    "该号牌号码已被另一辆在册车辆使用。",
    "This plate number is already used by another registered vehicle.",
    409,
)
INVALID_PLATE = ErrorCode(
    "registry.invalid_plate_number",
    "号牌号码应为省份简称、发牌机关字母和 5 或 6 位序号，例如 浙B12345 或 浙BD12345。",
    "A plate number is a province character, an issuing-authority letter and a 5- or 6-character serial, e.g. 浙B12345 or 浙BD12345.",
)


def _choice(value: str, choices, field: str) -> str:
    if value not in choices.values:
        raise INVALID_CHOICE(field=field, value=value, allowed=", ".join(choices.values))
    return value


@dataclass(frozen=True)
class PersonData:
    name: str
    id_number: str
    id_type: str = IdType.RESIDENT_ID
    phone: str = ""
    address: str = ""


def clean_person(data: PersonData) -> dict:
    """Validate a person's fields; returns model field values. Raises the first error."""
    name = (data.name or "").strip()
    if not (1 <= len(name) <= 60):
        raise NAME_REQUIRED(field="name")
    id_type = _choice(data.id_type, IdType, "id_type")
    values = {"name": name, "id_type": id_type, "address": (data.address or "").strip()[:200]}
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
        raise DUPLICATE_PERSON(field="id_number")
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
    record(
        actor=actor,
        action="registry.personal_data_revealed",
        subject=person,
        office_id=person.office_id,
        data={"fields": ["id_number", "phone"], "reason": reason[:200]},
    )
    return {"name": person.name, "id_number": person.id_number, "phone": person.phone}


@dataclass(frozen=True)
class OrganisationData:
    name: str
    uscc: str
    kind: str
    address: str = ""
    phone: str = ""
    latitude: float | None = None
    longitude: float | None = None


def clean_organisation(data: OrganisationData) -> dict:
    name = (data.name or "").strip()
    if not (1 <= len(name) <= 120):
        raise NAME_REQUIRED(field="name")
    code = parse_uscc(data.uscc)
    return {
        "name": name,
        "uscc": code.code,
        "uscc_checksum_warning": not code.checksum_ok,
        "kind": _choice(data.kind, OrganisationKind, "kind"),
        "address": (data.address or "").strip()[:200],
        "phone": validate_phone(data.phone) if data.phone else "",
        "latitude": data.latitude,
        "longitude": data.longitude,
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


@dataclass(frozen=True)
class VehicleData:
    vin: str
    engine_number: str
    make: str
    model: str
    vehicle_type: str
    seats: int
    manufacture_date: dt.date
    use_nature: str = codes.USE_NATURE_NON_OPERATING
    energy_type: str = EnergyType.FUEL
    first_registration_date: dt.date | None = None
    plate_kind: str = ""
    plate_number: str | None = None
    inspection_valid_until: dt.date | None = None
    status: str = VehicleStatus.REGISTERED


PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"


def validate_plate_number_basic(value: str, *, field: str = "plate_number") -> str:
    """Shape only, until the plates capability brings its full rules (GA 36-2018)."""
    import re

    plate = (value or "").strip().upper().replace("·", "").replace(" ", "")
    pattern = rf"^[{PROVINCES}][A-HJ-NP-Z]([A-HJ-NP-Z0-9]{{5}}|[DABCEFGHJK][A-HJ-NP-Z0-9][0-9]{{4}}|[0-9]{{5}}[DABCEFGHJK])$"
    if not re.match(pattern, plate):
        raise INVALID_PLATE(field=field)
    return plate


def clean_vehicle(data: VehicleData) -> dict:
    vin = validate_vin(data.vin)
    engine = (data.engine_number or "").strip().upper()
    if not (1 <= len(engine) <= 30) or not engine.replace("-", "").isalnum():
        raise INVALID_CHOICE(
            field="engine_number", value=engine[:30], allowed="1–30 letters/digits"
        )
    if data.vehicle_type not in codes.vehicle_types():
        raise INVALID_CODE(field="vehicle_type", value=data.vehicle_type, table="vehicle_type")
    if data.use_nature not in codes.use_natures():
        raise INVALID_CODE(field="use_nature", value=data.use_nature, table="use_nature")
    if data.plate_kind and data.plate_kind not in codes.plate_kinds():
        raise INVALID_CODE(field="plate_kind", value=data.plate_kind, table="plate_kind")
    if not isinstance(data.seats, int) or not (1 <= data.seats <= 99):
        raise INVALID_SEATS(field="seats")
    if data.manufacture_date > clock.today():
        raise INVALID_DATES(field="manufacture_date", detail="manufacture date is in the future")
    if data.first_registration_date and data.first_registration_date < data.manufacture_date:
        raise INVALID_DATES(field="first_registration_date", detail="registered before it was made")
    return {
        "vin": vin,
        "engine_number": engine,
        "make": (data.make or "").strip()[:60],
        "model": (data.model or "").strip()[:60],
        "vehicle_type": data.vehicle_type,
        "seats": data.seats,
        "use_nature": data.use_nature,
        "energy_type": _choice(data.energy_type, EnergyType, "energy_type"),
        "manufacture_date": data.manufacture_date,
        "first_registration_date": data.first_registration_date,
        "plate_kind": data.plate_kind,
        "plate_number": validate_plate_number_basic(data.plate_number)
        if data.plate_number
        else None,
        "inspection_valid_until": data.inspection_valid_until,
        "status": _choice(data.status, VehicleStatus, "status"),
    }


@transaction.atomic
def register_vehicle(
    *,
    actor: Actor,
    office: Office,
    data: VehicleData,
    owner_person: Person | None = None,
    owner_organisation: Organisation | None = None,
    audit: bool = True,
) -> Vehicle:
    """Record a vehicle that is already registered (import, demo). New-vehicle
    registration with plate selection is the registration capability's service."""
    if actor.user is not None:
        require(actor.user, "registry.manage_vehicles")
    if (owner_person is None) == (owner_organisation is None):
        raise OWNER_REQUIRED(field="owner")
    values = clean_vehicle(data)
    if Vehicle.objects.filter(vin=values["vin"]).exists():
        raise DUPLICATE_VIN(field="vin")
    try:
        with transaction.atomic():
            vehicle = Vehicle.objects.create(
                office=office,
                owner_person=owner_person,
                owner_organisation=owner_organisation,
                created_at=clock.now(),
                **values,
            )
    except IntegrityError:
        raise PLATE_IN_USE(field="plate_number") from None
    if audit:
        record(
            actor=actor,
            action="registry.vehicle_recorded",
            subject=vehicle,
            office_id=office.pk,
            data={"vin": vehicle.vin, "plate_number": vehicle.plate_number},
        )
    return vehicle
