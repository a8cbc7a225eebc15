"""Registry services: vehicles, and the records that block services (and drive status)."""

from __future__ import annotations

import datetime as dt

import pytest

from cheguan.audit.models import AuditEvent
from cheguan.core.actor import Actor
from cheguan.core.errors import PERMISSION_DENIED
from cheguan.registry import queries, services
from cheguan.registry.models import AuthorisationStatus, Encumbrance, VehicleStatus
from cheguan.registry.validators import INVALID_DATES
from tests.helpers import events, raises

pytestmark = pytest.mark.django_db

G, A, S, R = (
    AuthorisationStatus.GRANTED,
    AuthorisationStatus.APPLIED,
    AuthorisationStatus.SUSPENDED,
    AuthorisationStatus.REVOKED,
)


# --- vehicles ----------------------------------------------------------------------------


def vehicle_data(**kw):
    values = {
        "vin": "LSVAU218XN2183294",
        "engine_number": "EA211-123456",
        "make": "大众",
        "model": "朗逸",
        "vehicle_type": "K33",
        "seats": 5,
        "manufacture_date": dt.date(2022, 5, 1),
        "first_registration_date": dt.date(2022, 6, 1),
        "plate_number": "浙B8K2Q5",
    } | kw
    return services.VehicleData(**values)


def test_recording_a_vehicle_normalises_and_audits(city):
    vehicle = services.register_vehicle(
        actor=Actor(user=city.clerk),
        office=city.office,
        data=vehicle_data(vin="lsvau218xn2183294", plate_number="浙b·8k2q5"),
        owner_person=city.young,
    )
    assert (vehicle.vin, vehicle.plate_number) == ("LSVAU218XN2183294", "浙B8K2Q5")
    [event] = events("registry.vehicle_recorded")
    assert event.data == {"vin": "LSVAU218XN2183294", "plate_number": "浙B8K2Q5"}


def test_a_plate_used_by_another_active_vehicle_is_refused(city):
    raises(
        services.PLATE_IN_USE,
        services.register_vehicle,
        actor=Actor(user=city.clerk),
        office=city.office,
        data=vehicle_data(plate_number="浙B12345"),
        owner_person=city.young,
    )


def test_a_vehicle_needs_exactly_one_owner(city):
    raises(
        services.OWNER_REQUIRED,
        services.register_vehicle,
        actor=Actor(user=city.clerk),
        office=city.office,
        data=vehicle_data(),
        owner_person=city.young,
        owner_organisation=city.dealer_a.organisation,
    )


def test_a_vehicle_made_in_the_future_is_refused(city):
    err = raises(
        INVALID_DATES,
        services.register_vehicle,
        actor=Actor(user=city.clerk),
        office=city.office,
        data=vehicle_data(manufacture_date=dt.date(2026, 4, 1), first_registration_date=None),
        owner_person=city.young,
    )
    assert err.field == "manufacture_date"


# --- records that block services ----------------------------------------------------------


def clerk(city):
    return Actor(user=city.clerk)


def test_violations_block_until_processed(city):
    v = services.record_violation(
        actor=clerk(city),
        vehicle=city.elder_car,
        occurred_at=dt.datetime(2026, 2, 1, 8, 30, tzinfo=dt.UTC),
        code="1625",
        description="闯红灯",
        points=6,
        fine_yuan=200,
    )
    assert queries.blocking_summary(city.elder_car).unprocessed_violations == 1
    services.process_violation(actor=clerk(city), violation=v)
    v.refresh_from_db()
    assert v.processed is True and v.processed_at is not None
    assert queries.blocking_summary(city.elder_car).unprocessed_violations == 0
    assert [e.action for e in AuditEvent.objects.order_by("id")] == [
        "registry.violation_recorded",
        "registry.violation_processed",
    ]


def test_a_violation_in_the_future_is_refused(city):
    raises(
        services.DATE_IN_FUTURE,
        services.record_violation,
        actor=clerk(city),
        vehicle=city.elder_car,
        occurred_at=dt.datetime(2026, 3, 3, 8, 30, tzinfo=dt.UTC),
        code="1625",
        description="闯红灯",
    )


def test_seizure_and_mortgage_drive_the_vehicle_status(city):
    car = city.elder_car
    mortgage = services.record_encumbrance(
        actor=clerk(city),
        vehicle=car,
        kind="mortgage",
        authority="宁波银行",
        started_on=dt.date(2025, 1, 1),
    )
    assert car.status == VehicleStatus.MORTGAGED
    seizure = services.record_encumbrance(
        actor=clerk(city),
        vehicle=car,
        kind="seizure",
        authority="海曙区法院",
        started_on=dt.date(2026, 3, 1),
    )
    car.refresh_from_db()
    assert car.status == VehicleStatus.SEIZED
    services.release_encumbrance(actor=clerk(city), encumbrance=seizure)
    car.refresh_from_db()
    assert car.status == VehicleStatus.MORTGAGED
    services.release_encumbrance(
        actor=clerk(city), encumbrance=mortgage, released_on=dt.date(2026, 3, 2)
    )
    car.refresh_from_db()
    assert car.status == VehicleStatus.REGISTERED
    statuses = [
        (e.data["status_from"], e.data["status_to"])
        for e in AuditEvent.objects.filter(action__startswith="registry.encumbrance_").order_by(
            "id"
        )
    ]
    assert statuses == [
        ("registered", "mortgaged"),
        ("mortgaged", "seized"),
        ("seized", "mortgaged"),
        ("mortgaged", "registered"),
    ]


def test_a_stolen_vehicle_keeps_its_status_when_seized(city):
    car = city.young_car
    car.status = VehicleStatus.STOLEN
    car.save()
    services.record_encumbrance(
        actor=clerk(city),
        vehicle=car,
        kind="seizure",
        authority="法院",
        started_on=dt.date(2026, 3, 1),
    )
    car.refresh_from_db()
    assert car.status == VehicleStatus.STOLEN


def test_an_encumbrance_is_released_only_once(city):
    e = services.record_encumbrance(
        actor=clerk(city),
        vehicle=city.elder_car,
        kind="pledge",
        authority="典当行",
        started_on=dt.date(2026, 1, 1),
    )
    services.release_encumbrance(actor=clerk(city), encumbrance=e)
    err = raises(
        services.ALREADY_RELEASED, services.release_encumbrance, actor=clerk(city), encumbrance=e
    )
    assert err.message_in("en") == "This encumbrance was already released on 2026-03-02."
    assert Encumbrance.objects.get(pk=e.pk).released_on == dt.date(2026, 3, 2)


def test_tax_for_a_year_is_replaced_not_duplicated(city):
    services.set_vehicle_tax(actor=clerk(city), vehicle=city.elder_car, year=2026, status="unpaid")
    services.set_vehicle_tax(actor=clerk(city), vehicle=city.elder_car, year="2026", status="paid")
    assert list(city.elder_car.taxes.values_list("year", "status")) == [(2026, "paid")]
    assert queries.blocking_summary(city.elder_car).tax_status_this_year == "paid"


def test_insurance_period_must_be_ordered_and_counts_when_valid_today(city):
    raises(
        INVALID_DATES,
        services.record_insurance,
        actor=clerk(city),
        vehicle=city.elder_car,
        policy_number="PDAA2026",
        valid_from=dt.date(2026, 3, 1),
        valid_until=dt.date(2025, 3, 1),
    )
    assert queries.blocking_summary(city.elder_car).insurance_valid_today is False
    services.record_insurance(
        actor=clerk(city),
        vehicle=city.elder_car,
        policy_number="pdaa2026-0001",
        valid_from=dt.date(2025, 3, 3),
        valid_until=dt.date(2026, 3, 2),
    )
    assert queries.blocking_summary(city.elder_car).insurance_valid_today is True


def test_accidents_and_modifications_are_recorded(city):
    services.record_accident(
        actor=clerk(city),
        vehicle=city.elder_car,
        occurred_on=dt.date(2025, 8, 8),
        with_casualties=True,
    )
    services.record_modification_penalty(
        actor=clerk(city),
        vehicle=city.elder_car,
        decided_on=dt.date(2025, 9, 9),
        description="加装尾翼",
    )
    summary = queries.blocking_summary(city.elder_car)
    assert summary.casualty_accidents == 1
    assert [e.action for e in AuditEvent.objects.order_by("id")] == [
        "registry.accident_recorded",
        "registry.modification_penalty_recorded",
    ]


def test_a_citizen_may_not_record_blocking_records(city):
    raises(
        PERMISSION_DENIED,
        services.record_accident,
        actor=Actor(user=city.citizen),
        vehicle=city.elder_car,
        occurred_on=dt.date(2025, 8, 8),
        with_casualties=False,
    )


def test_blocking_summary_is_computed_for_a_whole_list_in_one_query(
    city, django_assert_num_queries
):
    services.record_violation(
        actor=clerk(city),
        vehicle=city.young_car,
        occurred_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        code="1345",
        description="超速",
        points=3,
    )
    with django_assert_num_queries(1):
        rows = {
            v.pk: queries.blocking_summary(v)
            for v in queries.with_blocking_summary(queries.vehicles_for(clerk(city)))
        }
    assert rows[city.young_car.pk].unprocessed_violations == 1
    assert rows[city.elder_car.pk].unprocessed_violations == 0
    assert rows[city.elder_car.pk].blocks_services is True  # no insurance on record
