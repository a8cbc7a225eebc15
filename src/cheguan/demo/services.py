"""Load the demo city into the database: one transaction, bulk inserts, one audit event.

The rows come from ``demo.vehicles.build_city`` (deterministic); every identifier is
checked with the registry's own validators before anything is written, so the demo can
never hold a record that the registry itself would refuse.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from cheguan.accounts.models import User
from cheguan.audit.models import AuditEvent
from cheguan.audit.services import record
from cheguan.cases.catalogue import seed_catalogue
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import ErrorCode
from cheguan.core.roles import Role
from cheguan.demo import data
from cheguan.demo.build import City, VehicleRow
from cheguan.demo.history import build_history
from cheguan.demo.vehicles import STORY, build_city
from cheguan.plates.models import NumberState, PlateNumber
from cheguan.plates.services import release_segment
from cheguan.registry.models import (
    Accident,
    AuthorisationStatus,
    Encumbrance,
    InsurancePolicy,
    ModificationPenalty,
    Office,
    Organisation,
    Person,
    Vehicle,
    VehicleTax,
    Violation,
)
from cheguan.registry.services import validate_plate_number_basic
from cheguan.registry.validators import parse_resident_id, parse_uscc, validate_phone, validate_vin

SEEDED_ACTION = "demo.seeded"
STORY_ACTION = "demo.story_laid"  # data: {"day": the day the story is relative to}
HISTORY_ACTION = "demo.history_seeded"
STORY_RECORDS = ("violations", "accidents", "policies", "taxes", "penalties", "encumbrances")
VEHICLE_FIELDS = (
    "vin",
    "engine_number",
    "make",
    "model",
    "vehicle_type",
    "seats",
    "use_nature",
    "energy_type",
    "manufacture_date",
    "first_registration_date",
    "plate_kind",
    "plate_number",
    "status",
    "inspection_valid_until",
)

OFFICE_TAKEN = ErrorCode(
    "demo.office_taken",
    "已有代码为 {code} 或号牌前缀为 {prefix} 的车管所，且不是演示数据；演示城市只能装入不含该车管所的数据库。",
    "An office with code {code} or plate prefix {prefix} already exists and is not the demo; "
    "the demo city loads only into a database without that office.",
    409,
)
USERNAME_TAKEN = ErrorCode(
    "demo.username_taken",
    "用户名 {username} 已被使用；演示账号需要这些用户名空着。",
    "The user name {username} is already taken; the demo accounts need these names free.",
    409,
)


@dataclass(frozen=True)
class SeedResult:
    created: bool
    office: Office
    counts: dict[str, int]
    story_moved: bool = False  # an existing demo's story was laid again for today


def demo_office() -> Office | None:
    """The demo office, if ``seed_demo`` made it (the ``demo.seeded`` event is the marker)."""
    office = Office.objects.filter(code=data.OFFICE["code"]).first()
    if office is None:
        return None
    seeded = AuditEvent.objects.filter(
        action=SEEDED_ACTION, subject_type="registry.office", subject_id=str(office.pk)
    ).exists()
    return office if seeded else None


def database_is_empty() -> bool:
    return not Office.objects.exists() and not User.objects.exists()


@transaction.atomic
def seed_demo(*, actor: Actor, history_cases: int = data.HISTORY_CASES) -> SeedResult:
    """Create the demo city with a year of history, or, if it is already there, only lay
    the story again when the day has moved on since it was last laid."""
    existing = demo_office()
    if existing is not None:
        moved = lay_story_again(actor=actor, office=existing)
        return SeedResult(
            created=False, office=existing, counts=counts_for(existing), story_moved=moved
        )
    if (
        Office.objects.filter(code=data.OFFICE["code"]).exists()
        or Office.objects.filter(plate_prefix=data.OFFICE["plate_prefix"]).exists()
    ):
        raise OFFICE_TAKEN(code=data.OFFICE["code"], prefix=data.OFFICE["plate_prefix"])
    usernames = [a.username for a in (*data.ACCOUNTS, *data.EXTRA_ACCOUNTS)]
    taken = User.objects.filter(username__in=usernames).values_list("username", flat=True)
    if taken:
        raise USERNAME_TAKEN(field="username", username=sorted(taken)[0])

    now = clock.now()
    city = build_city(clock.today(), now)
    check_identifiers(city)
    office = Office.objects.create(**data.OFFICE)
    people = Person.objects.bulk_create(
        Person(office=office, created_at=now, **vars(p)) for p in city.people
    )
    orgs = Organisation.objects.bulk_create(
        Organisation(
            office=office,
            name=o.seed.name,
            uscc=o.uscc,
            kind=o.seed.kind,
            authorisation_status=(
                AuthorisationStatus.GRANTED if o.authorised_from else AuthorisationStatus.NONE
            ),
            authorised_from=o.authorised_from,
            authorised_until=o.authorised_until,
            authorised_services=list(o.seed.services),
            address=o.seed.address,
            latitude=o.seed.latitude,
            longitude=o.seed.longitude,
            phone=o.seed.phone,
            created_at=now,
        )
        for o in city.organisations
    )
    _save_vehicles(city, office, people, orgs, now)
    _save_users(city, office, people, orgs)
    seed_catalogue(office)  # the service catalogue (cases): the office edits it afterwards
    _release_plate_segments(office)
    history = {}
    if history_cases:  # 0: no history at all (tests that need only the city)
        history = build_history(
            office=office,
            today=clock.today(),
            story_people=[people[city.citizen_index].pk, people[city.assisted_index].pk],
            cases=history_cases,
        )
    counts = counts_for(office)
    record(
        actor=actor,
        action=SEEDED_ACTION,
        subject=office,
        office_id=office.pk,
        data={"seed": data.SEED, **counts},
    )
    if history:
        record(
            actor=actor, action=HISTORY_ACTION, subject=office, office_id=office.pk, data=history
        )
    _record_story(actor, office)
    return SeedResult(created=True, office=office, counts=counts)


def _record_story(actor: Actor, office: Office) -> None:
    record(
        actor=actor,
        action=STORY_ACTION,
        subject=office,
        office_id=office.pk,
        data={"day": clock.today().isoformat()},
    )


def story_day(office: Office) -> str | None:
    """The day the story was last laid for (ISO date), from its audit event."""
    last = (
        AuditEvent.objects.filter(
            action=STORY_ACTION, subject_type="registry.office", subject_id=str(office.pk)
        )
        .order_by("-occurred_at", "-id")
        .first()
    )
    return last.data.get("day") if last else None


@transaction.atomic
def lay_story_again(*, actor: Actor, office: Office) -> bool:
    """If the story was laid for an earlier day, lay its four cars again relative to today
    (registration, due date, insurance, tax, violations); the rest of the city and its
    history stay as they are. Returns whether anything changed."""
    if story_day(office) == clock.today().isoformat():
        return False
    city = build_city(clock.today(), clock.now())
    rows = [city.vehicles[car.index] for car in STORY]
    by_vin = {
        v.vin: v for v in Vehicle.objects.filter(office=office, vin__in=[r.vin for r in rows])
    }
    if len(by_vin) != len(rows):
        return False  # the story's cars were changed by hand: leave the database alone
    pairs = [(row, by_vin[row.vin]) for row in rows]
    for row, vehicle in pairs:
        for name in ("first_registration_date", "manufacture_date", "inspection_valid_until"):
            setattr(vehicle, name, getattr(row, name))
        vehicle.status = row.status
    Vehicle.objects.bulk_update(
        [v for _r, v in pairs],
        ["first_registration_date", "manufacture_date", "inspection_valid_until", "status"],
    )
    ids = [v.pk for _r, v in pairs]
    for model in (
        Violation,
        Accident,
        InsurancePolicy,
        VehicleTax,
        ModificationPenalty,
        Encumbrance,
    ):
        model.objects.filter(vehicle_id__in=ids).delete()
    insurer = Organisation.objects.filter(office=office, kind="insurer").order_by("pk").first()
    _save_records(pairs, insurer)
    _record_story(actor, office)
    return True


# The demo's number pool: small cars, small new-energy cars, large vehicles (二十选一).
DEMO_SEGMENTS = (("02", "A0000", "A4999"), ("52", "D00000", "D04999"), ("01", "G0000", "G0999"))


def _release_plate_segments(office: Office) -> None:
    admin = User.objects.filter(office=office, role=Role.ADMIN).order_by("pk").first()
    for plate_type, first, last in DEMO_SEGMENTS:
        release_segment(
            actor=Actor(user=admin), office=office, plate_type=plate_type, first=first, last=last
        )


def check_identifiers(city: City) -> None:
    """Every ID number, phone, USCC, VIN and plate passes the registry's validators."""
    for p in city.people:
        parse_resident_id(p.id_number)
        validate_phone(p.phone)
    for o in city.organisations:
        if not parse_uscc(o.uscc).checksum_ok:
            raise AssertionError(f"demo USCC {o.uscc} fails its checksum")
    for v in city.vehicles:
        validate_vin(v.vin)
        validate_plate_number_basic(v.plate_number)


def _save_vehicles(city: City, office: Office, people, orgs, now) -> None:
    insurer = next(o for o in orgs if o.kind == "insurer")
    rows = []
    for v in city.vehicles:
        fields = {k: getattr(v, k) for k in VEHICLE_FIELDS}
        rows.append(
            Vehicle(
                office=office,
                created_at=now,
                owner_person=people[v.owner_person] if v.owner_person is not None else None,
                owner_organisation=(
                    orgs[v.owner_organisation] if v.owner_organisation is not None else None
                ),
                **fields,
            )
        )
    vehicles = Vehicle.objects.bulk_create(rows)
    _save_records(list(zip(city.vehicles, vehicles, strict=True)), insurer)


def _save_records(pairs: list[tuple[VehicleRow, Vehicle]], insurer) -> None:
    Violation.objects.bulk_create(Violation(vehicle=m, **r) for v, m in pairs for r in v.violations)
    Accident.objects.bulk_create(Accident(vehicle=m, **r) for v, m in pairs for r in v.accidents)
    InsurancePolicy.objects.bulk_create(
        InsurancePolicy(vehicle=m, insurer=insurer, **r) for v, m in pairs for r in v.policies
    )
    VehicleTax.objects.bulk_create(VehicleTax(vehicle=m, **r) for v, m in pairs for r in v.taxes)
    ModificationPenalty.objects.bulk_create(
        ModificationPenalty(vehicle=m, **r) for v, m in pairs for r in v.penalties
    )
    Encumbrance.objects.bulk_create(
        Encumbrance(vehicle=m, **r) for v, m in pairs for r in v.encumbrances
    )


def _save_users(city: City, office: Office, people, orgs) -> None:
    password = make_password(data.DEMO_PASSWORD)  # hashed once: Argon2 is slow on purpose
    users = []
    for account in (*data.ACCOUNTS, *data.EXTRA_ACCOUNTS):
        user = User(
            username=account.username,
            role=account.role,
            password=password,
            display_name=account.display_name,
            is_staff=account.role == "admin",
            is_superuser=account.role == "admin",
        )
        if account.role == "citizen":
            user.person = people[city.citizen_index]
            user.display_name = user.person.masked_name
        else:
            user.office = office
        if account.organisation_kind:
            kind = [o for o in orgs if o.kind == account.organisation_kind]
            user.organisation = kind[account.organisation_index]
        users.append(user)
    User.objects.bulk_create(users)


def counts_for(office: Office) -> dict[str, int]:
    vehicles = Vehicle.objects.filter(office=office)
    return {
        "people": Person.objects.filter(office=office).count(),
        "organisations": Organisation.objects.filter(office=office).count(),
        "vehicles": vehicles.count(),
        "violations": Violation.objects.filter(vehicle__in=vehicles).count(),
        "users": User.objects.filter(username__in=[a.username for a in data.ACCOUNTS]).count()
        + User.objects.filter(username__in=[a.username for a in data.EXTRA_ACCOUNTS]).count(),
        "free_plate_numbers": PlateNumber.objects.filter(
            pool__office=office, state=NumberState.FREE
        ).count(),
    }
