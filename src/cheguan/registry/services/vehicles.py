"""Vehicles already registered (import, demo, the registry desk).

New-vehicle registration with plate selection belongs to the registration capability; it
calls :func:`register_vehicle` through this module.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from cheguan.audit.services import record
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import Bi
from cheguan.core.permissions import require
from cheguan.registry import codes
from cheguan.registry.errors import (
    DUPLICATE_VIN,
    INVALID_CODE,
    INVALID_DATES,
    INVALID_ENGINE_NUMBER,
    INVALID_PLATE,
    INVALID_SEATS,
    OWNER_REQUIRED,
    PLATE_IN_USE,
)
from cheguan.registry.models import (
    EnergyType,
    Office,
    Organisation,
    Person,
    Vehicle,
    VehicleStatus,
)
from cheguan.registry.validators import (
    after_today,
    validate_choice,
    validate_text,
    validate_vin,
)

CODE_TABLE_NAMES = {
    "vehicle_type": Bi("车辆类型", "vehicle type"),
    "use_nature": Bi("使用性质", "use nature"),
    "plate_kind": Bi("号牌种类", "plate kind"),
}


# number, the vehicle's id (None: a vehicle being recorded) -> raises a DomainError if
# that number may not go on that vehicle.
NumberRule = Callable[[str, "int | None"], None]
NUMBER_RULES: dict[str, NumberRule] = {}


def register_number_rule(name: str, rule: NumberRule) -> None:
    """Another app's rule on which numbers may go on a vehicle (``plates``: a pool number
    only once the selection services have bound it to that vehicle). Registered from
    ``AppConfig.ready()``; registering the same name again replaces it."""
    NUMBER_RULES[name] = rule


def check_number_may_go_on(number: str, vehicle_id: int | None) -> None:
    """Every registered rule on this number for this vehicle; the first refusal is raised."""
    for rule in NUMBER_RULES.values():
        rule(number, vehicle_id)


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


_PLATE_RE = re.compile(
    rf"[{codes.PROVINCES}][A-HJ-NP-Z]"
    r"([A-HJ-NP-Z0-9]{5}|[DABCEFGHJK][A-HJ-NP-Z0-9][0-9]{4}|[0-9]{5}[DABCEFGHJK])",
    re.ASCII,
)
_ENGINE_RE = re.compile(r"[A-Z0-9-]{1,30}", re.ASCII)


def validate_plate_number_basic(value: object, *, field: str = "plate_number") -> str:
    """Shape only, until the plates capability brings its full rules (GA 36-2018)."""
    if not isinstance(value, str):
        raise INVALID_PLATE(field=field)
    plate = value.strip().upper().replace("·", "").replace(" ", "")
    if not _PLATE_RE.fullmatch(plate):
        raise INVALID_PLATE(field=field)
    return plate


def _code(value: object, table: str, field: str) -> str:
    known = codes.table(table)
    if not isinstance(value, str) or value not in known:
        shown = value[:10] if isinstance(value, str) and value.isprintable() else "?"
        raise INVALID_CODE(field=field, value=shown, table=CODE_TABLE_NAMES[table])
    return value


def clean_vehicle(data: VehicleData) -> dict:
    vin = validate_vin(data.vin)
    engine = data.engine_number.strip().upper() if isinstance(data.engine_number, str) else ""
    if not _ENGINE_RE.fullmatch(engine):
        raise INVALID_ENGINE_NUMBER(field="engine_number")
    if type(data.seats) is not int or not (1 <= data.seats <= 99):
        raise INVALID_SEATS(field="seats")
    if after_today(data.manufacture_date):
        raise INVALID_DATES(
            field="manufacture_date",
            detail=Bi("出厂日期在未来。", "the manufacture date is in the future."),
        )
    if data.first_registration_date and data.first_registration_date < data.manufacture_date:
        raise INVALID_DATES(
            field="first_registration_date",
            detail=Bi("初次登记早于出厂日期。", "it was registered before it was made."),
        )
    return {
        "vin": vin,
        "engine_number": engine,
        "make": validate_text(data.make, field="make", max_length=60),
        "model": validate_text(data.model, field="model", max_length=60),
        "vehicle_type": _code(data.vehicle_type, "vehicle_type", "vehicle_type"),
        "seats": data.seats,
        "use_nature": _code(data.use_nature, "use_nature", "use_nature"),
        "energy_type": validate_choice(data.energy_type, EnergyType, field="energy_type"),
        "manufacture_date": data.manufacture_date,
        "first_registration_date": data.first_registration_date,
        "plate_kind": _code(data.plate_kind, "plate_kind", "plate_kind") if data.plate_kind else "",
        "plate_number": validate_plate_number_basic(data.plate_number)
        if data.plate_number
        else None,
        "inspection_valid_until": data.inspection_valid_until,
        "status": validate_choice(data.status, VehicleStatus, field="status"),
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
    """Record a vehicle that is already registered (import, demo, the registry desk)."""
    if actor.user is not None:
        require(actor.user, "registry.manage_vehicles")
    if (owner_person is None) == (owner_organisation is None):
        raise OWNER_REQUIRED(field="owner")
    values = clean_vehicle(data)
    if Vehicle.objects.filter(vin=values["vin"]).exists():
        raise DUPLICATE_VIN(field="vin")
    if (
        values["plate_number"]
        and values["status"] != VehicleStatus.DEREGISTERED
        and Vehicle.objects.active().filter(plate_number=values["plate_number"]).exists()
    ):
        raise PLATE_IN_USE(field="plate_number")
    if values["plate_number"] and values["status"] != VehicleStatus.DEREGISTERED:
        check_number_may_go_on(values["plate_number"], None)
    try:
        with transaction.atomic():
            vehicle = Vehicle.objects.create(
                office=office,
                owner_person=owner_person,
                owner_organisation=owner_organisation,
                created_at=clock.now(),
                **values,
            )
    except IntegrityError:  # a concurrent writer took the VIN or the plate
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
