"""保留原号牌 (MVR Art 44, 45): keeping the number that leaves a vehicle, using it for a new
case, and its return to the pool when the two years pass."""

from __future__ import annotations

import datetime as dt

import pytest

from cheguan.audit.models import AuditEvent
from cheguan.core import clock
from cheguan.core.errors import DomainError, ValidationErrors
from cheguan.plates import errors, services
from cheguan.plates.models import EventKind, NumberEvent, NumberState, PlateNumber
from cheguan.registry.models import Accident, Violation
from cheguan.registry.services.deregistration import deregister_vehicle
from tests.helpers import codes

YEAR = dt.timedelta(days=365)


def give_number(plates, car) -> PlateNumber:
    """The car's owner draws, picks and the clerk registers: the number is assigned now."""
    case = plates.case(vehicle=car)
    result = services.draw_numbers(actor=plates.citizen, case=case)
    services.pick_number(actor=plates.citizen, draw=result.draw, number=result.numbers[0])
    return services.assign_held_number(actor=plates.clerk, case=case, vehicle=car)


def transfer_away(plates, make, car) -> PlateNumber:
    """The car is sold: the buyer's transfer case gets a new number; the old one retires."""
    buyer = make.person(name="李四")
    case = plates.case(
        actor=plates.clerk, service_code="transfer", applicant_person=buyer, vehicle=car
    )
    result = services.draw_numbers(actor=plates.clerk, case=case)
    services.pick_number(actor=plates.clerk, draw=result.draw, number=result.numbers[0])
    return services.assign_held_number(actor=plates.clerk, case=case, vehicle=car)


@pytest.fixture
def car(plates, make):
    plates.release()
    return make.vehicle(owner=plates.person, plate_number=None)


@pytest.fixture
def sold(plates, make, car):
    """A number used for 400 days, then retired when the car was sold (2027-06-15)."""
    old = give_number(plates, car)
    clock.advance(400 * dt.timedelta(days=1))
    transfer_away(plates, make, car)
    old.refresh_from_db()
    assert old.state == NumberState.RETIRED
    return old


def test_the_former_owner_keeps_the_number_within_two_years_of_the_transfer(plates, sold, car):
    sold_on = clock.today()
    clock.advance(300 * dt.timedelta(days=1))

    plate = services.retain_number(actor=plates.citizen, vehicle=car)

    plate.refresh_from_db()
    assert plate.state == NumberState.RETAINED
    assert plate.retained_for == plates.person
    assert plate.retained_until == sold_on.replace(year=sold_on.year + 2)
    assert plate.vehicle is None
    assert NumberEvent.objects.filter(number=plate).last().kind == EventKind.RETAINED
    event = AuditEvent.objects.get(action="plates.retained")
    assert event.data["business_on"] == sold_on.isoformat()
    with pytest.raises(DomainError) as again:
        services.retain_number(actor=plates.citizen, vehicle=car)
    assert again.value.error == errors.ALREADY_RETAINED


def test_asking_more_than_two_years_after_the_transfer_is_refused(plates, sold, car):
    sold_on = clock.today()
    clock.set_now(clock.now().replace(year=clock.now().year + 2) + dt.timedelta(days=1))

    with pytest.raises(DomainError) as refused:
        services.retain_number(actor=plates.citizen, vehicle=car)

    assert refused.value.error == errors.RETENTION_TOO_LATE
    assert refused.value.params["deadline"] == sold_on.replace(year=sold_on.year + 2).isoformat()
    assert PlateNumber.objects.get(pk=sold.pk).state == NumberState.RETIRED


def test_asking_on_the_last_day_of_the_two_years_is_accepted(plates, sold, car):
    clock.set_now(clock.now().replace(year=clock.now().year + 2, hour=23, minute=59))

    plate = services.retain_number(actor=plates.citizen, vehicle=car)

    assert plate.state == NumberState.RETAINED


def test_a_number_used_less_than_a_year_cannot_be_kept(plates, make, car):
    give_number(plates, car)
    clock.advance(300 * dt.timedelta(days=1))
    old = PlateNumber.objects.get(vehicle=car)
    transfer_away(plates, make, car)

    with pytest.raises(DomainError) as refused:
        services.retain_number(actor=plates.citizen, vehicle=car)

    assert refused.value.error == errors.RETENTION_USE_TOO_SHORT
    assert PlateNumber.objects.get(pk=old.pk).state == NumberState.RETIRED


def test_unsettled_violations_and_accidents_are_each_reported(plates, sold, car):
    Violation.objects.create(
        vehicle=car, occurred_at=clock.now(), code="1345", description="超速", points=3
    )
    Accident.objects.create(vehicle=car, occurred_on=clock.today(), settled=False)
    Accident.objects.create(vehicle=car, occurred_on=clock.today(), settled=True)

    with pytest.raises(ValidationErrors) as refused:
        services.retain_number(actor=plates.citizen, vehicle=car)

    assert codes(refused) == [errors.VIOLATIONS_UNSETTLED.code, errors.ACCIDENTS_UNSETTLED.code]
    assert [e.params["count"] for e in refused.value.errors] == [1, 1]
    Violation.objects.update(processed=True, processed_at=clock.now())
    Accident.objects.update(settled=True)
    assert services.retain_number(actor=plates.citizen, vehicle=car).state == "retained"


def test_every_failing_condition_is_listed(plates, make, car):
    give_number(plates, car)
    clock.advance(100 * dt.timedelta(days=1))
    transfer_away(plates, make, car)
    Violation.objects.create(vehicle=car, occurred_at=clock.now(), code="1345", description="超速")
    clock.advance(3 * YEAR)

    with pytest.raises(ValidationErrors) as refused:
        services.retain_number(actor=plates.citizen, vehicle=car)

    assert codes(refused) == [
        errors.RETENTION_TOO_LATE.code,
        errors.RETENTION_USE_TOO_SHORT.code,
        errors.VIOLATIONS_UNSETTLED.code,
    ]


def test_a_number_still_on_a_vehicle_that_stays_cannot_be_kept(plates, car):
    give_number(plates, car)
    clock.advance(2 * YEAR)

    with pytest.raises(DomainError) as refused:
        services.retain_number(actor=plates.citizen, vehicle=car)

    assert refused.value.error == errors.RETENTION_STILL_IN_USE


def test_during_an_open_transfer_the_number_is_kept_at_once_and_leaves_the_vehicle(
    plates, make, car
):
    plate = give_number(plates, car)
    clock.advance(2 * YEAR)
    buyer = make.person(name="李四")
    plates.case(actor=plates.clerk, service_code="transfer", applicant_person=buyer, vehicle=car)

    kept = services.retain_number(actor=plates.clerk, vehicle=car)

    car.refresh_from_db()
    assert kept.pk == plate.pk and kept.state == NumberState.RETAINED
    assert kept.retained_until == clock.today().replace(year=clock.today().year + 2)
    assert car.plate_number is None
    assert AuditEvent.objects.get(action="plates.retained").actor == plates.clerk.user


def test_a_deregistered_vehicles_number_retires_and_can_be_kept(plates, car):
    plate = give_number(plates, car)
    clock.advance(2 * YEAR)
    deregister_vehicle(actor=plates.clerk, vehicle=car, reason="已报废回收")
    plate.refresh_from_db()
    assert plate.state == NumberState.RETIRED and plate.vehicle is None
    retired = AuditEvent.objects.get(action="plates.number_retired")
    assert retired.actor == plates.clerk.user and retired.subject_id == str(plate.pk)
    assert retired.data == {"number": plate.number, "vehicle": car.pk}
    deregistered_on = clock.today()
    clock.advance(YEAR)

    kept = services.retain_number(actor=plates.citizen, vehicle=car)

    assert kept.retained_until == deregistered_on.replace(year=deregistered_on.year + 2)


def test_only_the_owner_or_a_clerk_of_the_office_may_ask(plates, sold, car):
    stranger = plates.another_citizen()

    with pytest.raises(DomainError) as refused:
        services.retain_number(actor=stranger, vehicle=car)

    assert refused.value.code == "core.not_found"


def test_a_spouse_keeps_the_number_when_the_marriage_has_lasted_a_year(plates, make, sold, car):
    spouse = make.person(name="王丽")
    married = clock.today() - dt.timedelta(days=400)

    plate = services.retain_number(
        actor=plates.clerk, vehicle=car, on_behalf_spouse=spouse, married_on=married
    )

    assert plate.retained_for == spouse
    event = AuditEvent.objects.get(action="plates.retained")
    assert event.data["married_on"] == married.isoformat()
    assert event.data["spouse_of"] == plates.person.pk


def test_a_spouse_married_less_than_a_year_cannot_keep_the_number(plates, make, sold, car):
    spouse = make.person(name="王丽")
    married = clock.today() - dt.timedelta(days=200)

    with pytest.raises(DomainError) as refused:
        services.retain_number(
            actor=plates.clerk, vehicle=car, on_behalf_spouse=spouse, married_on=married
        )

    assert refused.value.error == errors.MARRIAGE_TOO_SHORT
    assert refused.value.params["from_date"] == married.replace(year=married.year + 1).isoformat()
    for bad in (None, "2020-01-01", clock.today() + dt.timedelta(days=1)):
        with pytest.raises(DomainError) as no_date:
            services.retain_number(
                actor=plates.clerk, vehicle=car, on_behalf_spouse=spouse, married_on=bad
            )
        assert no_date.value.error == errors.MARRIAGE_DATE_REQUIRED


def test_a_spouse_retention_is_made_at_the_window_not_online(plates, make, sold, car):
    spouse = make.person(name="王丽")

    with pytest.raises(DomainError) as refused:
        services.retain_number(
            actor=plates.citizen,
            vehicle=car,
            on_behalf_spouse=spouse,
            married_on=dt.date(2010, 1, 1),
        )

    assert refused.value.error == errors.SPOUSE_AT_WINDOW


# --- using a kept number ---------------------------------------------------------------------


def test_a_kept_number_is_held_for_the_owners_new_registration(plates, make, sold, car):
    services.retain_number(actor=plates.citizen, vehicle=car)
    new_car = make.vehicle(owner=plates.person, plate_number=None)
    case = plates.case(vehicle=new_car)

    plate = services.use_retained(actor=plates.citizen, case=case, number=sold.number)

    assert plate.state == NumberState.HELD and plate.case == case
    assert clock.local_date(plate.until) > plate.retained_until  # held to the retention's end
    registered = services.assign_held_number(actor=plates.clerk, case=case, vehicle=new_car)
    new_car.refresh_from_db()
    assert registered.pk == sold.pk and new_car.plate_number == sold.number


def test_someone_else_cannot_use_a_kept_number(plates, sold, car):
    services.retain_number(actor=plates.citizen, vehicle=car)
    other = plates.another_citizen()

    with pytest.raises(DomainError) as refused:
        services.use_retained(actor=other, case=plates.case(actor=other), number=sold.number)

    assert refused.value.error == errors.NOT_RETAINED


def test_a_kept_number_of_another_plate_type_does_not_fit_the_new_car(plates, make, sold, car):
    services.retain_number(actor=plates.citizen, vehicle=car)
    electric = make.vehicle(owner=plates.person, plate_number=None, energy_type="bev")

    with pytest.raises(DomainError) as refused:
        services.use_retained(
            actor=plates.citizen, case=plates.case(vehicle=electric), number=sold.number
        )

    assert refused.value.error == errors.WRONG_VEHICLE_TYPE


def test_using_a_kept_number_after_the_two_years_is_refused(plates, sold, car):
    kept = services.retain_number(actor=plates.citizen, vehicle=car)
    clock.set_now(clock.now().replace(year=clock.now().year + 2) + dt.timedelta(days=2))
    assert clock.today() > kept.retained_until

    with pytest.raises(DomainError) as refused:
        services.use_retained(actor=plates.citizen, case=plates.case(), number=sold.number)

    assert refused.value.error == errors.RETENTION_LAPSED
    assert "2" in refused.value.message_in("en") and "ended" in refused.value.message_in("en")


def test_a_kept_number_returns_to_the_pool_when_the_two_years_pass(plates, sold, car):
    kept = services.retain_number(actor=plates.citizen, vehicle=car)
    clock.set_now(clock.now().replace(year=clock.now().year + 2))
    assert clock.today() == kept.retained_until

    assert services.sweep()["retained"] == 0  # the last day of the retention
    clock.advance(dt.timedelta(days=1))
    done = services.sweep()

    assert done["retained"] == 1
    plate = PlateNumber.objects.get(pk=kept.pk)
    assert plate.state == NumberState.FREE
    assert plate.retained_for is None and plate.retained_until is None
    assert plate.slot is not None
    assert NumberEvent.objects.filter(number=plate).last().kind == EventKind.RETURNED
    with pytest.raises(DomainError) as refused:
        services.use_retained(actor=plates.citizen, case=plates.case(), number=kept.number)
    assert refused.value.error == errors.NOT_RETAINED


def test_the_buyer_cannot_keep_the_number_the_transfer_took_off(plates, sold, car):
    from cheguan.cases.models import Case

    buyer = Case.objects.get(service__code="transfer", vehicle=car).applicant_person
    # A transfer service that records the new owner leaves the buyer as the registered owner.
    type(car).objects.filter(pk=car.pk).update(owner_person=buyer)
    car.refresh_from_db()

    with pytest.raises(DomainError) as refused:
        services.retain_number(actor=plates.clerk, vehicle=car)

    assert refused.value.error == errors.NOT_FORMER_OWNER
    assert PlateNumber.objects.get(pk=sold.pk).state == NumberState.RETIRED


def test_a_kept_number_held_for_one_case_moves_to_another_case_of_the_same_person(
    plates, sold, car
):
    services.retain_number(actor=plates.citizen, vehicle=car)
    first, second = plates.case(), plates.case()
    services.use_retained(actor=plates.citizen, case=first, number=sold.number)

    plate = services.use_retained(actor=plates.citizen, case=second, number=sold.number)

    assert plate.case == second and plate.state == NumberState.HELD
    assert not PlateNumber.objects.filter(case=first, state=NumberState.HELD).exists()
    assert AuditEvent.objects.filter(action="plates.held").last().data["moved_from"] == (
        first.number
    )
