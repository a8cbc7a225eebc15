"""The demo city: documented counts, valid identifiers, every blocking record, idempotent."""

import datetime as dt
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Max
from stdnum.cn import ric

from cheguan.accounts.models import User
from cheguan.audit.models import AuditEvent
from cheguan.audit.services import verify
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.roles import Role
from cheguan.demo import data
from cheguan.demo.services import seed_demo
from cheguan.demo.vehicles import build_city
from cheguan.registry.models import (
    Accident,
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

MODELS = [
    Office,
    Person,
    Organisation,
    Vehicle,
    Violation,
    Accident,
    InsurancePolicy,
    VehicleTax,
    ModificationPenalty,
    Encumbrance,
    User,
    AuditEvent,
]


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker):
    """Seed once for the whole module, inside a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        result = seed_demo(actor=Actor.system())
        yield result
        transaction.set_rollback(True)


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in MODELS}


def test_seeds_the_documented_counts(city, db):
    assert city.created is True
    assert Person.objects.count() == data.PEOPLE == 200
    assert Vehicle.objects.count() == data.VEHICLES == 300
    elderly = sum(p.is_elderly for p in Person.objects.all())
    assert elderly / 200 >= 0.25
    kinds = Counter(Organisation.objects.values_list("kind", flat=True))
    assert kinds == {
        "dealer": 3,
        "scrapyard": 2,
        "driving_school": 2,
        "service_point": 2,
        "inspection_station": 1,
        "insurer": 1,
        "other": 1,
    }
    office = Office.objects.get()
    assert (office.code, office.plate_prefix, office.region) == ("330200", "浙B", "浙江省宁波市")
    assert office.name == "宁波市公安局交通警察局车辆管理所"


def test_every_identifier_passes_the_registry_validators(city, db):
    for person in Person.objects.all():
        parsed = parse_resident_id(person.id_number)
        assert (parsed.birth_date, parsed.sex) == (person.birth_date, person.sex)
        assert person.id_number[:4] == "3302"
        assert validate_phone(person.phone) == person.phone
    for org in Organisation.objects.all():
        code = parse_uscc(org.uscc)
        assert code.checksum_ok and not org.uscc_checksum_warning
    for vin, plate in Vehicle.objects.values_list("vin", "plate_number"):
        assert validate_vin(vin) == vin
        assert validate_plate_number_basic(plate) == plate
        assert plate.startswith("浙B")


def test_older_citizens_carry_county_codes_newer_than_their_birth_year(city, db):
    """python-stdnum would refuse these valid numbers; our validator accepts them."""
    refused_by_stdnum = []
    for person in Person.objects.filter(birth_date__year__lt=1983):
        with pytest.raises(ric.InvalidComponent):
            ric.validate(person.id_number)
        refused_by_stdnum.append(person)
    assert len(refused_by_stdnum) >= 40
    assert {p.id_number[:6] for p in refused_by_stdnum} >= {"330212", "330213"}


def test_plate_numbers_and_vins_are_unique(city, db):
    plates = list(Vehicle.objects.values_list("plate_number", flat=True))
    vins = list(Vehicle.objects.values_list("vin", flat=True))
    assert len(set(plates)) == len(plates) == 300
    assert len(set(vins)) == 300
    people = list(Person.objects.values_list("id_number", flat=True))
    assert len(set(people)) == 200


def test_new_energy_vehicles_have_green_plates(city, db):
    for v in Vehicle.objects.filter(energy_type__in=["bev", "phev"]):
        serial = v.plate_number[2:]
        assert len(serial) == 6
        letter = "D" if v.energy_type == "bev" else "F"
        assert serial[0] == letter or serial[5] == letter
        assert v.plate_kind in {"51", "52"}
    assert Vehicle.objects.filter(energy_type="bev").count() >= 20
    assert Vehicle.objects.filter(energy_type="phev").count() >= 5


def test_vehicles_have_mixed_types_ages_and_use(city, db):
    types = Counter(Vehicle.objects.values_list("vehicle_type", flat=True))
    assert types["K33"] + types["K31"] + types["K32"] > 200
    assert types["K39"] + types["K49"] >= 5
    assert types["K11"] >= 1
    assert sum(n for t, n in types.items() if t.startswith("H")) >= 3
    years = {d.year for d in Vehicle.objects.values_list("first_registration_date", flat=True)}
    assert min(years) <= 2009 and max(years) >= 2025
    uses = Counter(Vehicle.objects.values_list("use_nature", flat=True))
    assert uses["A"] > 250


def test_every_vehicle_has_insurance_and_tax_records(city, db):
    assert not Vehicle.objects.filter(insurance_policies__isnull=True).exists()
    assert not Vehicle.objects.filter(taxes__isnull=True).exists()


def test_each_kind_of_blocking_record_exists(city, db):
    today = clock.today()
    latest = Vehicle.objects.annotate(cover=Max("insurance_policies__valid_until"))
    assert latest.filter(cover__lt=today).exists(), "lapsed compulsory insurance"
    assert Violation.objects.filter(processed=False).exists()
    assert Accident.objects.filter(with_casualties=True).exists()
    assert Encumbrance.objects.filter(kind="seizure", released_on__isnull=True).exists()
    assert Encumbrance.objects.filter(kind="mortgage", released_on__isnull=True).exists()
    assert VehicleTax.objects.filter(status="unpaid").exists()
    assert ModificationPenalty.objects.exists()
    assert Vehicle.objects.filter(status="seized").exists()
    assert Vehicle.objects.filter(status="mortgaged").exists()
    due_soon = Vehicle.objects.filter(
        inspection_valid_until__gte=today, inspection_valid_until__lte=today + dt.timedelta(90)
    )
    assert due_soon.count() >= 20


def test_one_documented_account_per_role_with_the_documented_password(city, db, settings):
    # The module fixture seeded with the production hasher (Argon2), before any test
    # swapped in a fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    for role in Role.values:
        assert User.objects.filter(username=role, role=role).exists(), role
    assert User.objects.filter(role=Role.CLERK).count() >= 3
    assert User.objects.filter(role=Role.EXAMINER).count() >= 3
    assert User.objects.get(username="clerk").check_password(data.DEMO_PASSWORD)
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser


def test_partner_accounts_belong_to_authorised_organisations_of_their_kind(city, db):
    kinds = {
        "dealer_agent": "dealer",
        "scrapyard_agent": "scrapyard",
        "driving_school_agent": "driving_school",
        "service_point_agent": "service_point",
    }
    for username, kind in kinds.items():
        org = User.objects.get(username=username).organisation
        assert org.kind == kind
        assert org.is_authorised_on(clock.today())
        assert org.latitude is not None and 29 < org.latitude < 31


def test_the_citizen_account_is_an_elderly_owner_with_an_open_violation(city, db):
    person = User.objects.get(username="citizen").person
    assert person.is_elderly
    vehicles = list(person.vehicles.all())
    assert len(vehicles) == 3
    assert any(v.violations.filter(processed=False).exists() for v in vehicles)
    assert any(v.energy_type == "bev" for v in vehicles)


def test_seeding_records_one_audit_event_and_the_chain_verifies(city, db):
    events = AuditEvent.objects.filter(action="demo.seeded")
    assert events.count() == 1
    assert events.get().data["vehicles"] == 300
    assert verify().ok


def test_a_second_run_creates_nothing(city, db):
    before = counts()
    again = seed_demo(actor=Actor.system())
    assert again.created is False
    assert counts() == before


def test_the_command_says_the_city_is_already_loaded_and_prints_the_accounts(city, db, capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "nothing changed" in out
    assert data.DEMO_PASSWORD in out
    for role in Role.values:
        assert role in out


def test_identity_data_does_not_depend_on_the_day():
    now = dt.datetime(2026, 11, 25, 9, tzinfo=dt.UTC)
    first = build_city(now.date(), now)
    later = build_city(now.date() + dt.timedelta(days=400), now + dt.timedelta(days=400))
    assert [p.id_number for p in first.people] == [p.id_number for p in later.people]
    assert [(v.vin, v.plate_number) for v in first.vehicles] == [
        (v.vin, v.plate_number) for v in later.vehicles
    ]
    assert first.people[0].name == "张国平"
