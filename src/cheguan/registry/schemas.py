"""What the registry API sends and accepts. Personal data leaves masked (DOMAIN.md §8.1);
the full values only in :class:`PersonRevealedOut`, from the audited reveal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import Field

from cheguan.core.masking import PERSONAL_KEYS
from cheguan.core.schemas import Schema
from cheguan.registry import codes
from cheguan.registry.models import Organisation, Person, Vehicle
from cheguan.registry.queries import blocking_summary, vehicle_records

# --- people ------------------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    office: str
    id_type: str
    masked_name: str
    masked_id_number: str
    masked_phone: str
    masked_address: str
    sex: str
    age: int | None
    elderly: bool

    @staticmethod
    def of(person: Person) -> dict:
        return {
            "id": person.pk,
            "office": person.office.code,
            "id_type": person.id_type,
            "masked_name": person.masked_name,
            "masked_id_number": person.masked_id_number,
            "masked_phone": person.masked_phone,
            "masked_address": PERSONAL_KEYS["address"](person.address),
            "sex": person.sex,
            "age": person.age,
            "elderly": person.is_elderly,
        }


class PersonPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[PersonOut]


class PeopleSearchIn(Schema):
    """A search for people, sent in the body so the terms never sit in a URL or a log."""

    q: str = Field("", max_length=60, description="exact ID number, or the start of a name")
    id_number: str = Field("", max_length=30, description="exact document number")
    limit: int = Field(50, ge=1, le=200, description="page size, 1–200")
    offset: int = Field(0, ge=0, le=10_000_000, description="rows to skip")


class PersonIn(Schema):
    name: str
    id_number: str
    id_type: str = "resident_id"
    phone: str = ""
    address: str = ""


class RevealIn(Schema):
    reason: str = ""


class PersonRevealedOut(Schema):
    """Full values, shown once; the reveal itself is in the audit trail."""

    id: int
    name: str
    id_number: str
    phone: str


# --- organisations -------------------------------------------------------------------------


class OrganisationOut(Schema):
    id: int
    office: str
    name: str
    uscc: str
    uscc_checksum_warning: bool
    kind: str
    authorisation_status: str
    authorised_from: dt.date | None
    authorised_until: dt.date | None
    authorised_services: list[str]
    authorised_today: bool
    address: str
    phone: str
    latitude: Decimal | None
    longitude: Decimal | None

    @staticmethod
    def of(org: Organisation, *, today: dt.date) -> dict:
        return {
            "id": org.pk,
            "office": org.office.code,
            "name": org.name,
            "uscc": org.uscc,
            "uscc_checksum_warning": org.uscc_checksum_warning,
            "kind": org.kind,
            "authorisation_status": org.authorisation_status,
            "authorised_from": org.authorised_from,
            "authorised_until": org.authorised_until,
            "authorised_services": list(org.authorised_services or []),
            "authorised_today": org.is_authorised_on(today),
            "address": org.address,
            "phone": org.phone,
            "latitude": org.latitude,
            "longitude": org.longitude,
        }


class OrganisationPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[OrganisationOut]


class OrganisationIn(Schema):
    name: str
    uscc: str
    kind: str
    address: str = ""
    phone: str = ""
    latitude: float | None = None
    longitude: float | None = None


class AuthorisationIn(Schema):
    to_status: str
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    services: list[str] = []
    reason: str = ""


# --- vehicles --------------------------------------------------------------------------------


class OwnerOut(Schema):
    kind: str  # "person" or "organisation"
    id: int
    name: str  # masked for a person


class BlockingSummaryOut(Schema):
    unprocessed_violations: int
    casualty_accidents: int
    insurance_valid_today: bool
    tax_status_this_year: str | None
    open_encumbrances: int
    blocks_services: bool


class VehicleOut(Schema):
    id: int
    office: str
    vin: str
    plate_number: str | None
    plate_kind: str
    make: str
    model: str
    vehicle_type: str
    vehicle_type_name: str
    seats: int
    use_nature: str
    energy_type: str
    manufacture_date: dt.date
    first_registration_date: dt.date | None
    inspection_valid_until: dt.date | None
    status: str
    owner: OwnerOut
    records: BlockingSummaryOut

    @staticmethod
    def of(vehicle: Vehicle) -> dict:
        person, organisation = vehicle.owner_person, vehicle.owner_organisation
        if person is not None:
            owner = {"kind": "person", "id": person.pk, "name": person.masked_name}
        else:
            assert organisation is not None
            owner = {"kind": "organisation", "id": organisation.pk, "name": organisation.name}
        summary = blocking_summary(vehicle)
        return {
            "id": vehicle.pk,
            "office": vehicle.office.code,
            "vin": vehicle.vin,
            "plate_number": vehicle.plate_number,
            "plate_kind": vehicle.plate_kind,
            "make": vehicle.make,
            "model": vehicle.model,
            "vehicle_type": vehicle.vehicle_type,
            "vehicle_type_name": codes.vehicle_types().get(vehicle.vehicle_type, ""),
            "seats": vehicle.seats,
            "use_nature": vehicle.use_nature,
            "energy_type": vehicle.energy_type,
            "manufacture_date": vehicle.manufacture_date,
            "first_registration_date": vehicle.first_registration_date,
            "inspection_valid_until": vehicle.inspection_valid_until,
            "status": vehicle.status,
            "owner": owner,
            "records": {**summary.__dict__, "blocks_services": summary.blocks_services},
        }


class VehiclePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[VehicleOut]


class ViolationOut(Schema):
    id: int
    occurred_at: dt.datetime
    code: str
    description: str
    points: int
    fine_yuan: int
    processed: bool
    processed_at: dt.datetime | None


class AccidentOut(Schema):
    id: int
    occurred_on: dt.date
    with_casualties: bool
    settled: bool
    description: str


class InsuranceOut(Schema):
    id: int
    policy_number: str
    valid_from: dt.date
    valid_until: dt.date


class TaxOut(Schema):
    id: int
    year: int
    status: str


class ModificationOut(Schema):
    id: int
    decided_on: dt.date
    description: str


class EncumbranceOut(Schema):
    id: int
    kind: str
    authority: str
    started_on: dt.date
    released_on: dt.date | None


class VehicleDetailOut(VehicleOut):
    violations: list[ViolationOut]
    accidents: list[AccidentOut]
    insurance: list[InsuranceOut]
    taxes: list[TaxOut]
    modifications: list[ModificationOut]
    encumbrances: list[EncumbranceOut]

    @staticmethod
    def of(vehicle: Vehicle) -> dict:
        return VehicleOut.of(vehicle) | vehicle_records(vehicle)


class VehicleIn(Schema):
    vin: str
    engine_number: str
    make: str
    model: str
    vehicle_type: str
    seats: int
    manufacture_date: dt.date
    use_nature: str = codes.USE_NATURE_NON_OPERATING
    energy_type: str = "fuel"
    first_registration_date: dt.date | None = None
    plate_kind: str = ""
    plate_number: str | None = None
    inspection_valid_until: dt.date | None = None
    owner_person_id: int | None = None
    owner_organisation_id: int | None = None


# --- what a clerk records on a vehicle ------------------------------------------------------


class ViolationIn(Schema):
    occurred_at: str = Field(
        ..., max_length=25, description="when it happened, office time: 2024-03-01 14:30"
    )
    code: str = Field(..., max_length=20, description="the traffic police's code, e.g. 1625")
    description: str = Field(..., max_length=200)
    points: int = Field(0, description="0 to 12")
    fine_yuan: int = Field(0, description="0 to 1000000")


class AccidentIn(Schema):
    occurred_on: dt.date
    with_casualties: bool = Field(..., description="injuries or deaths (造成人员伤亡)")
    settled: bool = False
    description: str = Field("", max_length=200)


class InsuranceIn(Schema):
    policy_number: str = Field(..., max_length=40, description="交强险 policy number")
    valid_from: dt.date
    valid_until: dt.date


class TaxIn(Schema):
    year: int = Field(..., description="a later call for that year replaces it")
    status: str = Field(..., max_length=10, description="paid, exempt or unpaid")


class ModificationPenaltyIn(Schema):
    decided_on: dt.date
    description: str = Field(..., max_length=200)


class EncumbranceIn(Schema):
    kind: str = Field(..., max_length=10, description="seizure, mortgage or pledge")
    authority: str = Field(..., max_length=120, description="the court, bureau or lender")
    started_on: dt.date


class ReleaseIn(Schema):
    released_on: dt.date | None = Field(None, description="today if not given")


# --- deregistration ---------------------------------------------------------------------------


class DeregisterIn(Schema):
    reason: Literal["export", "lost", "court_order"] = Field(
        ..., description="export 出口, lost 灭失, court_order 法院判决 (scrapping has its own path)"
    )
    note: str = Field("", max_length=150, description="the document shown, e.g. its number")


class DeregisteredOut(Schema):
    vehicle_id: int
    status: str
    reason: str = Field(description="as the audit event keeps it")
