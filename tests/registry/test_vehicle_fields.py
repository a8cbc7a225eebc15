"""The plate number and inspection validity other apps move through the registry
(registry.services.vehicle_fields): the registry's own invariants, only those fields
written, and never outside the caller's transaction."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from cheguan.core.actor import Actor
from cheguan.core.errors import DomainError
from cheguan.registry import services
from cheguan.registry.models import Vehicle, VehicleStatus


@pytest.fixture
def actor(city):
    return Actor(user=city.clerk)


def test_a_number_goes_on_a_vehicle_with_its_kind_and_the_old_number_is_returned(city, actor):
    car = city.elder_car

    with transaction.atomic():
        previous = services.put_plate_number(
            actor=actor, vehicle=car, number="浙BD12345", plate_kind="52"
        )

    assert previous == "浙B12345"
    car.refresh_from_db()
    assert (car.plate_number, car.plate_kind) == ("浙BD12345", "52")


def test_only_the_named_fields_are_written(city, actor):
    car = city.elder_car
    Vehicle.objects.filter(pk=car.pk).update(make="丰田")  # someone else's write meanwhile

    with transaction.atomic():
        services.put_plate_number(actor=actor, vehicle=car, number="浙B99999")
        services.extend_inspection_validity(
            actor=actor, vehicle=car, valid_until=dt.date(2028, 3, 1)
        )

    car.refresh_from_db()
    assert (car.make, car.plate_number) == ("丰田", "浙B99999")
    assert car.inspection_valid_until == dt.date(2028, 3, 1)


@pytest.mark.django_db(transaction=True)
def test_the_writes_run_only_inside_the_use_cases_transaction(city, actor):
    with pytest.raises(RuntimeError):
        services.put_plate_number(actor=actor, vehicle=city.young_car, number="浙B99999")
    with pytest.raises(RuntimeError):
        services.take_plate_number_off(actor=actor, vehicle=city.young_car)
    with pytest.raises(RuntimeError):
        services.exchange_plate_numbers(actor=actor, a=city.young_car, b=city.elder_car)
    with pytest.raises(RuntimeError):
        services.extend_inspection_validity(
            actor=actor, vehicle=city.young_car, valid_until=dt.date(2030, 1, 1)
        )
    city.young_car.refresh_from_db()
    assert city.young_car.inspection_valid_until is None


def test_a_number_on_another_active_vehicle_is_refused(city, actor):
    with pytest.raises(DomainError) as refused, transaction.atomic():
        services.put_plate_number(actor=actor, vehicle=city.young_car, number="浙B12345")

    assert refused.value.error == services.PLATE_IN_USE


def test_a_deregistered_vehicles_old_number_may_go_on_another_vehicle(city, actor):
    Vehicle.objects.filter(pk=city.elder_car.pk).update(status=VehicleStatus.DEREGISTERED)

    with transaction.atomic():
        services.put_plate_number(actor=actor, vehicle=city.young_car, number="浙B12345")

    city.young_car.refresh_from_db()
    assert city.young_car.plate_number == "浙B12345"


def test_a_deregistered_vehicle_gets_no_number_and_no_validity(city, actor):
    car = city.elder_car
    Vehicle.objects.filter(pk=car.pk).update(status=VehicleStatus.DEREGISTERED)
    car.refresh_from_db()

    with pytest.raises(DomainError) as number, transaction.atomic():
        services.put_plate_number(actor=actor, vehicle=car, number="浙B99999")
    with pytest.raises(DomainError) as validity, transaction.atomic():
        services.extend_inspection_validity(
            actor=actor, vehicle=car, valid_until=dt.date(2030, 1, 1)
        )

    assert number.value.error == validity.value.error == services.VEHICLE_DEREGISTERED
    car.refresh_from_db()
    assert (car.plate_number, car.inspection_valid_until) == ("浙B12345", None)


def test_a_registered_number_rule_is_run_on_the_vehicle_it_would_go_on(city, actor):
    asked = []

    def refuse_odd(number, vehicle_id):
        asked.append((number, vehicle_id))
        if number.endswith("1"):
            raise services.INVALID_PLATE(field="plate_number")

    services.register_number_rule("test.refuse_odd", refuse_odd)
    try:
        with pytest.raises(DomainError) as refused, transaction.atomic():
            services.put_plate_number(actor=actor, vehicle=city.young_car, number="浙B99991")
        with transaction.atomic():
            services.put_plate_number(actor=actor, vehicle=city.young_car, number="浙B99990")
    finally:
        del services.vehicles.NUMBER_RULES["test.refuse_odd"]

    assert refused.value.error == services.INVALID_PLATE
    assert asked == [("浙B99991", city.young_car.pk), ("浙B99990", city.young_car.pk)]


def test_the_number_comes_off_a_vehicle_in_any_status(city, actor):
    car = city.elder_car
    Vehicle.objects.filter(pk=car.pk).update(status=VehicleStatus.DEREGISTERED)
    car.refresh_from_db()

    with transaction.atomic():
        previous = services.take_plate_number_off(actor=actor, vehicle=car)

    assert previous == "浙B12345"
    car.refresh_from_db()
    assert car.plate_number is None


def test_two_vehicles_exchange_their_numbers(city, actor):
    a, b = city.elder_car, city.young_car
    number_b = b.plate_number

    with transaction.atomic():
        services.exchange_plate_numbers(actor=actor, a=a, b=b)

    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.plate_number, b.plate_number) == (number_b, "浙B12345")


def test_a_vehicle_without_a_number_has_nothing_to_exchange(city, actor):
    Vehicle.objects.filter(pk=city.young_car.pk).update(plate_number=None)
    city.young_car.refresh_from_db()

    with pytest.raises(DomainError) as refused, transaction.atomic():
        services.exchange_plate_numbers(actor=actor, a=city.elder_car, b=city.young_car)

    assert refused.value.error == services.NO_PLATE_NUMBER
    assert refused.value.field == "vehicle_b"
    city.elder_car.refresh_from_db()
    assert city.elder_car.plate_number == "浙B12345"


def test_the_inspection_validity_only_moves_forward(city, actor):
    car = city.elder_car
    with transaction.atomic():
        first = services.extend_inspection_validity(
            actor=actor, vehicle=car, valid_until=dt.date(2028, 3, 1)
        )
        same = services.extend_inspection_validity(
            actor=actor, vehicle=car, valid_until=dt.date(2028, 3, 1)
        )

    with pytest.raises(DomainError) as refused, transaction.atomic():
        services.extend_inspection_validity(
            actor=actor, vehicle=car, valid_until=dt.date(2027, 3, 1)
        )

    assert (first, same) == (None, dt.date(2028, 3, 1))
    assert refused.value.error == services.VALIDITY_BACKWARDS
    car.refresh_from_db()
    assert car.inspection_valid_until == dt.date(2028, 3, 1)


def test_the_database_refuses_one_number_on_two_active_vehicles_whatever_writes_it(city):
    """The partial unique index vehicle_plate_unique_while_active (SQLite and PostgreSQL)
    holds the rule for a writer that skips the services, and for concurrent ones."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Vehicle.objects.filter(pk=city.young_car.pk).update(plate_number="浙B12345")

    Vehicle.objects.filter(pk=city.elder_car.pk).update(status=VehicleStatus.DEREGISTERED)
    Vehicle.objects.filter(pk=city.young_car.pk).update(plate_number="浙B12345")
    assert Vehicle.objects.filter(plate_number="浙B12345").count() == 2
