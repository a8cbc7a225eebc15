"""号牌号码互换 (MVR Art 20): two of one owner's vehicles exchange their numbers."""

from __future__ import annotations

import datetime as dt

import pytest

from cheguan.audit.models import AuditEvent
from cheguan.cases.models import CaseStatus
from cheguan.core import clock
from cheguan.core.errors import DomainError, ValidationErrors
from cheguan.plates import errors, services
from cheguan.plates.models import EventKind, NumberEvent, NumberState, PlateNumber, Swap
from cheguan.registry.models import Accident, Violation
from tests.helpers import codes


def give_number(plates, car) -> PlateNumber:
    case = plates.case(vehicle=car)
    result = services.draw_numbers(actor=plates.citizen, case=case)
    services.pick_number(actor=plates.citizen, draw=result.draw, number=result.numbers[0])
    return services.assign_held_number(actor=plates.clerk, case=case, vehicle=car)


@pytest.fixture
def two_cars(plates, make):
    plates.release()
    first = make.vehicle(owner=plates.person, plate_number=None)
    second = make.vehicle(owner=plates.person, plate_number=None)
    give_number(plates, first)
    give_number(plates, second)
    first.refresh_from_db()
    second.refresh_from_db()
    return first, second


def test_two_cars_of_one_owner_exchange_their_numbers(plates, two_cars):
    a, b = two_cars
    number_a, number_b = a.plate_number, b.plate_number
    case = plates.case()

    swap = services.swap_numbers(actor=plates.citizen, case=case, vehicle_a=a, vehicle_b=b)

    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.plate_number, b.plate_number) == (number_b, number_a)
    plate_a = PlateNumber.objects.get(number=number_a)
    plate_b = PlateNumber.objects.get(number=number_b)
    assert (plate_a.state, plate_a.vehicle, plate_a.last_vehicle) == (NumberState.ASSIGNED, b, b)
    assert (plate_b.state, plate_b.vehicle, plate_b.last_vehicle) == (NumberState.ASSIGNED, a, a)
    assert (swap.number_a, swap.number_b, swap.case) == (number_a, number_b, case)
    for plate in (plate_a, plate_b):
        last = NumberEvent.objects.filter(number=plate).last()
        assert (last.kind, last.state, last.case) == (EventKind.SWAPPED, NumberState.ASSIGNED, case)
    event = AuditEvent.objects.get(action="plates.swapped")
    assert event.data["number_a"] == number_a and event.data["number_b"] == number_b
    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED  # the exchange is the selection's outcome


def test_a_second_swap_within_a_year_is_refused_and_allowed_after(plates, two_cars):
    a, b = two_cars
    services.swap_numbers(actor=plates.citizen, case=plates.case(), vehicle_a=a, vehicle_b=b)
    swapped_on = clock.today()
    clock.set_now(clock.now().replace(year=clock.now().year + 1) - dt.timedelta(days=1))

    with pytest.raises(ValidationErrors) as refused:
        services.swap_numbers(actor=plates.citizen, case=plates.case(), vehicle_a=b, vehicle_b=a)

    assert codes(refused) == [errors.SWAP_TOO_SOON.code] * 2
    next_day = swapped_on.replace(year=swapped_on.year + 1)
    assert refused.value.errors[0].params["next"] == next_day.isoformat()
    assert Swap.objects.count() == 1
    clock.advance(dt.timedelta(days=1))
    services.swap_numbers(actor=plates.citizen, case=plates.case(), vehicle_a=b, vehicle_b=a)
    assert Swap.objects.count() == 2


def test_a_third_car_swapped_within_the_year_blocks_its_next_swap(plates, make, two_cars):
    a, b = two_cars
    c = make.vehicle(owner=plates.person, plate_number=None)
    give_number(plates, c)
    c.refresh_from_db()
    services.swap_numbers(actor=plates.citizen, case=plates.case(), vehicle_a=a, vehicle_b=b)

    with pytest.raises(DomainError) as refused:
        services.swap_numbers(actor=plates.citizen, case=plates.case(), vehicle_a=c, vehicle_b=b)

    assert codes(refused) == [errors.SWAP_TOO_SOON.code]
    assert "once a year" in refused.value.message_in("en")


def test_an_operating_vehicle_cannot_swap(plates, two_cars):
    a, b = two_cars
    type(b).objects.filter(pk=b.pk).update(use_nature="D")  # 出租客运, a taxi
    b.refresh_from_db()

    with pytest.raises(DomainError) as refused:
        services.swap_numbers(actor=plates.citizen, case=plates.case(), vehicle_a=a, vehicle_b=b)

    assert refused.value.error == errors.SWAP_OPERATING
    assert "出租客运" in refused.value.message_in("zh-hans")
    # the code table's name, not its code, in either language
    assert "D 出租客运" not in refused.value.message_in("zh-hans")
    assert "Taxi" in refused.value.message_in("en")
    assert not Swap.objects.exists()


def test_vehicles_with_different_plate_types_cannot_swap(plates, make, two_cars):
    a, _b = two_cars
    plates.release(first="D00000", last="D00099", plate_type="52")
    electric = make.vehicle(owner=plates.person, plate_number=None, energy_type="bev")
    give_number(plates, electric)
    electric.refresh_from_db()
    number_a = a.plate_number

    with pytest.raises(DomainError) as refused:
        services.swap_numbers(
            actor=plates.citizen, case=plates.case(), vehicle_a=a, vehicle_b=electric
        )

    assert refused.value.error == errors.SWAP_DIFFERENT_TYPES
    a.refresh_from_db()
    assert a.plate_number == number_a


def test_every_failing_condition_is_listed(plates, make, two_cars):
    a, b = two_cars
    type(a).objects.filter(pk=a.pk).update(use_nature="F")
    a.refresh_from_db()
    Violation.objects.create(vehicle=b, occurred_at=clock.now(), code="1345", description="超速")
    Accident.objects.create(vehicle=a, occurred_on=clock.today())
    someone_else = make.vehicle(owner=make.person(name="赵六"))

    with pytest.raises(ValidationErrors) as refused:
        services.swap_numbers(
            actor=plates.citizen, case=plates.case(), vehicle_a=a, vehicle_b=someone_else
        )

    assert codes(refused) == [
        errors.SWAP_OPERATING.code,
        errors.ACCIDENTS_UNSETTLED.code,
        errors.SWAP_NOT_OWNER.code,
        errors.SWAP_NO_NUMBER.code,  # its number predates the pool
    ]
    with pytest.raises(ValidationErrors) as again:
        services.swap_numbers(actor=plates.citizen, case=plates.case(), vehicle_a=a, vehicle_b=b)
    assert codes(again) == [
        errors.SWAP_OPERATING.code,
        errors.ACCIDENTS_UNSETTLED.code,
        errors.VIOLATIONS_UNSETTLED.code,
    ]


def test_a_vehicle_cannot_swap_with_itself(plates, two_cars):
    a, _b = two_cars

    with pytest.raises(DomainError) as refused:
        services.swap_numbers(actor=plates.citizen, case=plates.case(), vehicle_a=a, vehicle_b=a)

    assert refused.value.error == errors.SWAP_SAME_VEHICLE


def test_a_swap_is_made_in_a_plate_selection_case_of_the_owner(plates, two_cars):
    a, b = two_cars
    other = plates.another_citizen()

    with pytest.raises(DomainError) as not_theirs:
        services.swap_numbers(actor=other, case=plates.case(), vehicle_a=a, vehicle_b=b)
    with pytest.raises(DomainError) as wrong_case:
        services.swap_numbers(
            actor=plates.citizen,
            case=plates.case(service_code="contact_change"),
            vehicle_a=a,
            vehicle_b=b,
        )
    with pytest.raises(ValidationErrors) as their_case:
        services.swap_numbers(actor=other, case=plates.case(actor=other), vehicle_a=a, vehicle_b=b)

    assert not_theirs.value.code == "core.not_found"
    assert wrong_case.value.error == errors.NOT_A_SWAP_CASE
    assert codes(their_case) == [errors.SWAP_NOT_OWNER.code] * 2


def test_a_clerk_swaps_at_the_window(plates, two_cars):
    a, b = two_cars
    case = plates.case(actor=plates.clerk, applicant_person=plates.person)

    services.swap_numbers(actor=plates.clerk, case=case, vehicle_a=a, vehicle_b=b)

    assert AuditEvent.objects.get(action="plates.swapped").actor == plates.clerk.user
