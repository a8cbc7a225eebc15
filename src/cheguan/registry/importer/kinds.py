"""What each CSV kind holds: its columns (documented in ``cheguan import --help`` and
docs/import.md), how one row becomes model values, what it refers to, and what must be
unique. The rules themselves are the services' ``clean_*`` functions, not repeated here.
"""

from __future__ import annotations

from cheguan.registry import errors
from cheguan.registry.importer.rows import C, Cells, Draft, Kind, Ref, Unique, key
from cheguan.registry.models import (
    Accident,
    Encumbrance,
    InsurancePolicy,
    ModificationPenalty,
    Organisation,
    Person,
    Vehicle,
    VehicleStatus,
    VehicleTax,
    Violation,
)
from cheguan.registry.services import organisations, people, records, vehicles

# --- people, organisations, vehicles -----------------------------------------------------


def _person(cells: Cells) -> Draft:
    values = people.clean_person(
        people.PersonData(
            name=cells.required("name"),
            id_number=cells.required("id_number"),
            id_type=cells.text("id_type") or "resident_id",
            phone=cells.text("phone"),
            address=cells.text("address"),
        )
    )
    return Draft(values, unique=((values["id_number"], values["id_type"]),))


def _organisation(cells: Cells) -> Draft:
    lat, lng = cells.text("latitude"), cells.text("longitude")
    values = organisations.clean_organisation(
        organisations.OrganisationData(
            name=cells.required("name"),
            uscc=cells.required("uscc"),
            kind=cells.required("kind"),
            address=cells.text("address"),
            phone=cells.text("phone"),
            latitude=lat or None,
            longitude=lng or None,
        )
    )
    return Draft(values, unique=((values["uscc"],),))


def _vehicle(cells: Cells) -> Draft:
    person_key, org_key = cells.text("owner_id_number"), cells.text("owner_uscc")
    if bool(person_key) == bool(org_key):
        raise errors.IMPORT_ONE_OWNER(field="owner_id_number")
    values = vehicles.clean_vehicle(
        vehicles.VehicleData(
            vin=cells.required("vin"),
            engine_number=cells.required("engine_number"),
            make=cells.required("make"),
            model=cells.required("model"),
            vehicle_type=cells.required("vehicle_type"),
            seats=cells.int("seats", minimum=1, maximum=99),
            manufacture_date=cells.date("manufacture_date"),
            use_nature=cells.text("use_nature") or "A",
            energy_type=cells.text("energy_type") or "fuel",
            first_registration_date=cells.date("first_registration_date", required=False),
            plate_kind=cells.text("plate_kind"),
            plate_number=cells.text("plate_number") or None,
            inspection_valid_until=cells.date("inspection_valid_until", required=False),
            status=cells.text("status") or VehicleStatus.REGISTERED,
        )
    )
    refs = (
        {"owner_person": Ref("person", key(person_key), "owner_id_number")}
        if person_key
        else {"owner_organisation": Ref("organisation", key(org_key), "owner_uscc")}
    )
    active_plate = values["plate_number"] and values["status"] != VehicleStatus.DEREGISTERED
    plate = (values["plate_number"],) if active_plate else None
    return Draft(values, refs, unique=((values["vin"],), plate))


# --- records that block services ------------------------------------------------------------


def _on_vehicle(cells: Cells) -> tuple[str, dict[str, Ref]]:
    vin = key(cells.required("vin"))
    return vin, {"vehicle": Ref("vehicle", vin, "vin")}


def _violation(cells: Cells) -> Draft:
    vin, refs = _on_vehicle(cells)
    values = records.clean_violation(
        occurred_at=cells.datetime("occurred_at"),
        code=cells.required("code"),
        description=cells.required("description"),
        points=cells.int("points", minimum=0, maximum=12, default=0),
        fine_yuan=cells.int("fine_yuan", minimum=0, maximum=1_000_000, default=0),
        processed=cells.bool("processed", default=False),
        processed_at=cells.datetime("processed_at", required=False),
    )
    return Draft(values, refs, unique=((vin, values["occurred_at"], values["code"]),))


def _accident(cells: Cells) -> Draft:
    vin, refs = _on_vehicle(cells)
    values = records.clean_accident(
        occurred_on=cells.date("occurred_on"),
        with_casualties=cells.bool("with_casualties"),
        settled=cells.bool("settled", default=False),
        description=cells.text("description"),
    )
    return Draft(values, refs, unique=((vin, values["occurred_on"], values["description"]),))


def _insurance(cells: Cells) -> Draft:
    vin, refs = _on_vehicle(cells)
    values = records.clean_insurance(
        policy_number=cells.required("policy_number"),
        valid_from=cells.date("valid_from"),
        valid_until=cells.date("valid_until"),
    )
    if insurer := cells.text("insurer_uscc"):
        refs["insurer"] = Ref("organisation", key(insurer), "insurer_uscc")
    return Draft(values, refs, unique=((vin, values["policy_number"]),))


def _tax(cells: Cells) -> Draft:
    vin, refs = _on_vehicle(cells)
    values = records.clean_tax(year=cells.required("year"), status=cells.required("status"))
    return Draft(values, refs, unique=((vin, values["year"]),))


def _modification(cells: Cells) -> Draft:
    vin, refs = _on_vehicle(cells)
    values = records.clean_modification(
        decided_on=cells.date("decided_on"), description=cells.required("description")
    )
    return Draft(values, refs, unique=((vin, values["decided_on"], values["description"]),))


def _encumbrance(cells: Cells) -> Draft:
    vin, refs = _on_vehicle(cells)
    values = records.clean_encumbrance(
        kind=cells.required("kind"),
        authority=cells.required("authority"),
        started_on=cells.date("started_on"),
        released_on=cells.date("released_on", required=False),
    )
    return Draft(
        values, refs, unique=((vin, values["kind"], values["authority"], values["started_on"]),)
    )


def _same_record(*lookups: str, column: str = "vin") -> tuple[Unique, ...]:
    return (Unique(("vehicle__vin", *lookups), errors.DUPLICATE_RECORD, column, "vehicle_office"),)


VIN = C("vin", "VIN of a vehicle already in the registry (17 characters)", required=True)
DATE = "year-month-day, e.g. 2024-03-01"
TIME = "year-month-day hour:minute, office time, e.g. 2024-03-01 14:30"
BOOL = "yes/no (also true/false, 1/0, 是/否)"

KINDS: dict[str, Kind] = {
    k.name: k
    for k in [
        Kind(
            "people",
            Person,
            "People (owners, citizens).",
            (
                C("name", "full name, 1–60 characters", required=True),
                C(
                    "id_number",
                    "18-character resident ID number, or the document number",
                    required=True,
                ),
                C(
                    "id_type",
                    "resident_id (default), military, hk_macao_permit, taiwan_permit, hmt_residence, foreign_permanent, passport",
                ),
                C("phone", "mobile (13812345678) or landline (0574-87654321)"),
                C("address", "up to 200 characters"),
            ),
            _person,
            (Unique(("id_number", "id_type"), errors.DUPLICATE_PERSON, "id_number"),),
            registered=True,
        ),
        Kind(
            "organisations",
            Organisation,
            "Organisations: dealers, scrapyards, driving schools, service points, insurers….",
            (
                C("name", "1–120 characters", required=True),
                C("uscc", "18-character unified social credit code", required=True),
                C(
                    "kind",
                    "dealer, scrapyard, driving_school, service_point, inspection_station, insurer, other",
                    required=True,
                ),
                C("address", "up to 200 characters"),
                C("phone", "mobile or landline"),
                C("latitude", "-90 to 90, with longitude"),
                C("longitude", "-180 to 180, with latitude"),
            ),
            _organisation,
            (Unique(("uscc",), errors.DUPLICATE_ORGANISATION, "uscc"),),
            registered=True,
        ),
        Kind(
            "vehicles",
            Vehicle,
            "Vehicles already registered; the owner is a person or an organisation already imported.",
            (
                C("vin", "17 characters, no I/O/Q, check digit in position 9", required=True),
                C("engine_number", "1–30 letters, digits or hyphens", required=True),
                C("make", "1–60 characters, e.g. 大众", required=True),
                C("model", "1–60 characters, e.g. 朗逸", required=True),
                C(
                    "vehicle_type",
                    "vehicle type code, e.g. K33 (small car), K39 (minivan), H11 (truck)",
                    required=True,
                ),
                C("seats", "1–99", required=True),
                C("manufacture_date", DATE, required=True),
                C("owner_id_number", "the owner's ID number (a person), or leave empty"),
                C("owner_uscc", "the owner's credit code (an organisation), or leave empty"),
                C("use_nature", "use nature code, A (non-operating, default), B…Z"),
                C("energy_type", "fuel (default), bev, phev, fcev"),
                C("first_registration_date", DATE),
                C("plate_kind", "plate kind code, e.g. 02 (small car), 52 (small new-energy)"),
                C("plate_number", "e.g. 浙B12345 or 浙BD12345"),
                C("inspection_valid_until", DATE),
                C(
                    "status",
                    "registered (default), mortgaged, seized, stolen, scrap_standard, deregistered",
                ),
            ),
            _vehicle,
            (
                Unique(("vin",), errors.DUPLICATE_VIN, "vin", "global"),
                Unique(("plate_number",), errors.PLATE_IN_USE, "plate_number", "global", True),
            ),
            registered=True,
        ),
        Kind(
            "violations",
            Violation,
            "Traffic violations (unprocessed ones block services).",
            (
                VIN,
                C("occurred_at", TIME, required=True),
                C("code", "violation code, e.g. 1625", required=True),
                C("description", "1–200 characters", required=True),
                C("points", "0–12 (default 0)"),
                C("fine_yuan", "0–1000000 (default 0)"),
                C("processed", BOOL + "; default no"),
                C("processed_at", TIME),
            ),
            _violation,
            _same_record("occurred_at", "code"),
        ),
        Kind(
            "accidents",
            Accident,
            "Accidents, with or without casualties.",
            (
                VIN,
                C("occurred_on", DATE, required=True),
                C("with_casualties", BOOL, required=True),
                C("settled", BOOL + "; default no"),
                C("description", "up to 200 characters"),
            ),
            _accident,
            _same_record("occurred_on", "description"),
        ),
        Kind(
            "insurance",
            InsurancePolicy,
            "Compulsory traffic insurance (交强险) periods.",
            (
                VIN,
                C("policy_number", "1–40 letters, digits or hyphens", required=True),
                C("valid_from", DATE, required=True),
                C("valid_until", DATE, required=True),
                C("insurer_uscc", "the insurer's credit code, if it is an imported organisation"),
            ),
            _insurance,
            _same_record("policy_number"),
        ),
        Kind(
            "taxes",
            VehicleTax,
            "Vehicle and vessel tax (车船税), one row per vehicle and year.",
            (
                VIN,
                C("year", "e.g. 2025", required=True),
                C("status", "paid, exempt, unpaid", required=True),
            ),
            _tax,
            _same_record("year"),
        ),
        Kind(
            "modifications",
            ModificationPenalty,
            "Penalties for illegal modification (非法改装).",
            (
                VIN,
                C("decided_on", DATE, required=True),
                C("description", "1–200 characters", required=True),
            ),
            _modification,
            _same_record("decided_on", "description"),
        ),
        Kind(
            "encumbrances",
            Encumbrance,
            "Seizures, mortgages and pledges; an open seizure or mortgage sets the vehicle's status.",
            (
                VIN,
                C("kind", "seizure, mortgage, pledge", required=True),
                C("authority", "court, bank…, 1–120 characters", required=True),
                C("started_on", DATE, required=True),
                C("released_on", DATE + "; empty while it lasts"),
            ),
            _encumbrance,
            _same_record("kind", "authority", "started_on"),
        ),
    ]
}
