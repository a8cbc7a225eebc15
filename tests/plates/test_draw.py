"""二十选一: the draw, the pick, quotas, expiry and the replayable log."""

import datetime as dt

import pytest
from django.db import transaction

from cheguan.audit.models import AuditEvent
from cheguan.cases.models import CaseStatus
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import DomainError
from cheguan.core.roles import Role
from cheguan.plates import errors, services
from cheguan.plates.models import Draw, DrawStatus, NumberState, PlateNumber
from cheguan.plates.queries.replay import check_draw, verify_draws
from cheguan.plates.rules import OFFERED, slot_stream
from cheguan.registry import services as registry
from cheguan.registry.models import Vehicle


def states():
    return {s: PlateNumber.objects.filter(state=s).count() for s in NumberState.values}


def test_a_draw_offers_twenty_distinct_free_numbers_and_holds_them_for_the_applicant(plates):
    plates.release()
    case = plates.case()

    result = services.draw_numbers(actor=plates.citizen, case=case, plate_type="02")

    assert len(result.numbers) == 20 == len(set(result.numbers))
    offered = PlateNumber.objects.filter(number__in=result.numbers)
    assert {n.state for n in offered} == {NumberState.OFFERED}
    assert {n.draw_id for n in offered} == {result.draw.pk}
    assert all(n.until == clock.now() + dt.timedelta(minutes=5) for n in offered)
    assert result.draws_left == 4
    assert states()[NumberState.FREE] == 980


def test_picking_holds_one_number_for_the_case_and_returns_the_other_nineteen(plates):
    plates.release()
    case = plates.case()
    result = services.draw_numbers(actor=plates.citizen, case=case, plate_type="02")

    plate = services.pick_number(actor=plates.citizen, draw=result.draw, number=result.numbers[7])

    plate.refresh_from_db()
    assert plate.state == NumberState.HELD and plate.case == case
    # held to the end of the third working day after Monday 2026-05-11: Thursday 05-14
    assert clock.local_date(plate.until) == dt.date(2026, 5, 15)
    assert states() == {
        **states(),
        NumberState.FREE: 999,
        NumberState.OFFERED: 0,
        NumberState.HELD: 1,
    }
    draw = Draw.objects.get(pk=result.draw.pk)
    assert draw.status == DrawStatus.PICKED and draw.picked == result.numbers[7]


def test_a_number_not_offered_to_you_cannot_be_picked(plates):
    plates.release()
    mine = services.draw_numbers(actor=plates.citizen, case=plates.case(), plate_type="02")
    other = plates.another_citizen()
    theirs = services.draw_numbers(actor=other, case=plates.case(actor=other), plate_type="02")

    with pytest.raises(DomainError) as refused:
        services.pick_number(actor=plates.citizen, draw=mine.draw, number=theirs.numbers[0])

    assert refused.value.error == errors.NOT_OFFERED
    assert PlateNumber.objects.get(number=theirs.numbers[0]).state == NumberState.OFFERED


def test_someone_else_cannot_pick_from_your_draw(plates):
    plates.release()
    mine = services.draw_numbers(actor=plates.citizen, case=plates.case(), plate_type="02")

    with pytest.raises(DomainError) as refused:
        services.pick_number(actor=plates.another_citizen(), draw=mine.draw, number=mine.numbers[0])

    assert refused.value.code == "core.not_found"


def test_a_pick_after_the_offer_expired_is_refused_and_the_numbers_go_back(plates):
    plates.release()
    result = services.draw_numbers(actor=plates.citizen, case=plates.case(), plate_type="02")
    clock.advance(dt.timedelta(minutes=5, seconds=1))

    with pytest.raises(DomainError) as refused:
        services.pick_number(actor=plates.citizen, draw=result.draw, number=result.numbers[0])

    assert refused.value.error == errors.OFFER_EXPIRED
    assert states()[NumberState.FREE] == 1000
    assert Draw.objects.get(pk=result.draw.pk).status == DrawStatus.EXPIRED


def test_drawing_again_returns_the_previous_numbers_and_counts_against_the_quota(plates):
    plates.release()
    case = plates.case()
    first = services.draw_numbers(actor=plates.citizen, case=case, plate_type="02")

    second = services.draw_numbers(actor=plates.citizen, case=case, plate_type="02")

    assert Draw.objects.get(pk=first.draw.pk).status == DrawStatus.REPLACED
    assert PlateNumber.objects.filter(state=NumberState.OFFERED).count() == 20
    assert set(
        PlateNumber.objects.filter(state=NumberState.OFFERED).values_list("draw", flat=True)
    ) == {second.draw.pk}
    assert second.draws_left == 3


def test_the_sixth_draw_of_a_case_is_refused(plates):
    plates.release()
    case = plates.case()
    for _ in range(5):
        services.draw_numbers(actor=plates.citizen, case=case, plate_type="02")

    with pytest.raises(DomainError) as refused:
        services.draw_numbers(actor=plates.citizen, case=case, plate_type="02")

    assert refused.value.error == errors.QUOTA_USED
    assert Draw.objects.filter(case=case).count() == 5


def test_a_case_that_holds_a_number_cannot_draw_again(plates):
    plates.release()
    case = plates.case()
    result = services.draw_numbers(actor=plates.citizen, case=case, plate_type="02")
    services.pick_number(actor=plates.citizen, draw=result.draw, number=result.numbers[0])

    with pytest.raises(DomainError) as refused:
        services.draw_numbers(actor=plates.citizen, case=case, plate_type="02")

    assert refused.value.error == errors.ALREADY_HOLDING


def test_a_case_that_needs_no_plate_cannot_draw(plates):
    plates.release()
    case = plates.case(service_code="contact_change")

    with pytest.raises(DomainError) as refused:
        services.draw_numbers(actor=plates.citizen, case=case, plate_type="02")

    assert refused.value.error == errors.NOT_A_PLATE_CASE


def test_a_new_energy_car_is_offered_green_numbers_only(plates, make):
    plates.release()
    plates.release(first="D00000", last="D00099", plate_type="52")
    car = make.vehicle(owner=plates.person, energy_type="bev", vehicle_type="K33")
    case = plates.case(service_code="plate_selection", vehicle=car)

    result = services.draw_numbers(actor=plates.citizen, case=case)

    assert all(n.startswith("浙BD") and len(n) == 8 for n in result.numbers)
    with pytest.raises(DomainError) as refused:
        services.draw_numbers(actor=plates.citizen, case=case, plate_type="02")
    assert refused.value.error == errors.WRONG_VEHICLE_TYPE


def test_a_small_pool_offers_what_it_has_and_an_empty_one_says_so(plates):
    plates.release(first="A0000", last="A0004")
    result = services.draw_numbers(actor=plates.citizen, case=plates.case(), plate_type="02")
    assert sorted(result.numbers) == [f"浙BA000{i}" for i in range(5)]

    other = plates.another_citizen()
    with pytest.raises(DomainError) as refused:
        services.draw_numbers(actor=other, case=plates.case(actor=other), plate_type="02")
    assert refused.value.error == errors.POOL_EMPTY


def test_lapsed_offers_are_taken_over_by_the_next_draw(plates):
    plates.release(first="A0000", last="A0019")
    first = services.draw_numbers(actor=plates.citizen, case=plates.case(), plate_type="02")
    clock.advance(dt.timedelta(minutes=6))
    other = plates.another_citizen()

    second = services.draw_numbers(actor=other, case=plates.case(actor=other), plate_type="02")

    assert sorted(second.numbers) == sorted(first.numbers)
    assert Draw.objects.get(pk=first.draw.pk).status == DrawStatus.EXPIRED


def test_the_sweep_returns_lapsed_holds_and_three_lapses_bar_online_selection(plates):
    plates.release()
    for _ in range(3):
        case = plates.case()
        result = services.draw_numbers(actor=plates.citizen, case=case, plate_type="02")
        services.pick_number(actor=plates.citizen, draw=result.draw, number=result.numbers[0])
        clock.advance(dt.timedelta(days=8))
        done = services.sweep()
        assert done["holds"] == 1
        from cheguan.cases import services as cases

        cases.withdraw_case(actor=plates.citizen, case=case)

    with pytest.raises(DomainError) as barred:
        services.draw_numbers(actor=plates.citizen, case=plates.case(), plate_type="02")
    assert barred.value.error == errors.BANNED_ONLINE
    assert states()[NumberState.FREE] == 1000


def test_the_seed_reproduces_the_candidate_slots_and_every_draw_replays(plates):
    plates.release()
    for _ in range(3):
        actor = plates.another_citizen()
        services.draw_numbers(actor=actor, case=plates.case(actor=actor), plate_type="02")
    draw = Draw.objects.order_by("pk").last()

    stream = slot_stream(bytes.fromhex(draw.seed), draw.pool_size)
    assert [c[0] for c in draw.candidates] == [next(stream) for _ in draw.candidates]
    assert [c[1] for c in draw.candidates if c[2] == OFFERED] == draw.numbers
    checks = verify_draws(clock.today())
    assert len(checks) == 3 and all(c.ok for c in checks), [c.problems for c in checks]


def test_a_tampered_log_does_not_replay(plates):
    plates.release()
    result = services.draw_numbers(actor=plates.citizen, case=plates.case(), plate_type="02")
    draw = Draw.objects.get(pk=result.draw.pk)
    other_free = PlateNumber.objects.filter(state=NumberState.FREE).first().number

    draw.numbers = [other_free, *draw.numbers[1:]]
    draw.candidates[0][1] = other_free
    draw.save()

    assert not check_draw(draw).ok
    draw.refresh_from_db()
    draw.seed = "00" * 32
    problems = check_draw(draw).problems
    assert problems[0] == "the seed is not the one the day's committed seed gives this draw"
    assert any("but the seed gives slot" in p for p in problems)


def test_the_held_number_goes_on_the_vehicle_when_the_clerk_completes_registration(plates, make):
    plates.release()
    car = make.vehicle(owner=plates.person, plate_number=None, vehicle_type="K33")
    case = plates.case(vehicle=car)
    result = services.draw_numbers(actor=plates.citizen, case=case)
    services.pick_number(actor=plates.citizen, draw=result.draw, number=result.numbers[3])

    plate = services.assign_held_number(actor=plates.clerk, case=case, vehicle=car)

    car.refresh_from_db()
    assert car.plate_number == result.numbers[3] and car.plate_kind == "02"
    assert plate.state == NumberState.ASSIGNED and plate.vehicle == car
    assert AuditEvent.objects.filter(action="plates.assigned").count() == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED and case.closed_at == clock.now()
    assert AuditEvent.objects.filter(action="cases.completed", subject_id=str(case.pk)).exists()
    with pytest.raises(DomainError) as again:
        services.assign_held_number(actor=plates.clerk, case=case, vehicle=car)
    assert again.value.error == errors.NO_HELD_NUMBER


def test_a_citizen_cannot_assign_a_number_to_a_vehicle(plates, make):
    plates.release()
    car = make.vehicle(owner=plates.person, plate_number=None)
    case = plates.case(vehicle=car)
    result = services.draw_numbers(actor=plates.citizen, case=case)
    services.pick_number(actor=plates.citizen, draw=result.draw, number=result.numbers[0])

    with pytest.raises(DomainError) as refused:
        services.assign_held_number(actor=plates.citizen, case=case, vehicle=car)

    assert refused.value.code == "core.permission_denied"


def test_a_pool_number_cannot_be_put_on_a_vehicle_by_the_registry_unless_selected(plates, make):
    """No back door: the registry runs the pool's rule (plates.apps) when it puts a number
    on a vehicle, so a free pool number is refused until a selection binds it."""
    plates.release()
    free = PlateNumber.objects.filter(state=NumberState.FREE).first().number
    car = make.vehicle(owner=plates.person, plate_number=None)

    with pytest.raises(DomainError) as refused, transaction.atomic():
        registry.put_plate_number(actor=plates.clerk, vehicle=car, number=free)

    assert refused.value.error == errors.NUMBER_NOT_SELECTED
    car.refresh_from_db()
    assert car.plate_number is None


def test_a_pool_number_cannot_be_typed_in_when_the_registry_records_a_vehicle(plates, make):
    plates.release()
    free = PlateNumber.objects.filter(state=NumberState.FREE).first().number
    data = registry.VehicleData(
        vin="LSVAU218XN2183294",
        engine_number="E1234567",
        make="大众",
        model="帕萨特",
        vehicle_type="K33",
        seats=5,
        manufacture_date=dt.date(2020, 1, 1),
        plate_number=free,
    )

    with pytest.raises(DomainError) as refused:
        registry.register_vehicle(
            actor=plates.clerk, office=plates.office, data=data, owner_person=plates.person
        )

    assert refused.value.error == errors.NUMBER_NOT_SELECTED
    assert not Vehicle.objects.filter(plate_number=free).exists()


def test_releasing_a_segment_leaves_out_numbers_already_on_vehicles_and_overlaps_are_refused(
    plates, make
):
    make.vehicle(owner=plates.person, plate_number="浙BA0007")

    release = plates.release(first="A0000", last="A0099")

    assert (release.released, release.in_use) == (99, 1)
    assert not PlateNumber.objects.filter(number="浙BA0007").exists()
    assert sorted(PlateNumber.objects.values_list("slot", flat=True)) == list(range(1, 100))
    with pytest.raises(DomainError) as overlap:
        plates.release(first="A0000", last="A0199")
    assert overlap.value.error == errors.ALREADY_RELEASED
    assert PlateNumber.objects.count() == 99
    assert AuditEvent.objects.filter(action="plates.segment_released").count() == 1


def test_only_an_admin_of_the_office_releases_segments(plates):
    with pytest.raises(DomainError) as refused:
        services.release_segment(
            actor=plates.clerk, office=plates.office, plate_type="02", first="A0000", last="A0009"
        )
    assert refused.value.code == "core.permission_denied"


def test_compaction_renumbers_drawable_numbers_and_old_draws_still_replay(plates, make):
    plates.release(first="A0000", last="A0099")
    case = plates.case()
    result = services.draw_numbers(actor=plates.citizen, case=case, plate_type="02")
    services.pick_number(actor=plates.citizen, draw=result.draw, number=result.numbers[0])
    car = make.vehicle(owner=plates.person, plate_number=None, vehicle_type="K33")
    case2 = plates.case(vehicle=car)
    picked = services.draw_numbers(actor=plates.citizen, case=case2)
    services.pick_number(actor=plates.citizen, draw=picked.draw, number=picked.numbers[0])
    services.assign_held_number(actor=plates.clerk, case=case2, vehicle=car)
    pool = PlateNumber.objects.first().pool

    size = services.compact_pool(actor=plates.admin, pool=pool)

    pool.refresh_from_db()
    assert (size, pool.size, pool.version) == (99, 99, 2)
    assert PlateNumber.objects.get(number=picked.numbers[0]).slot is None
    assert sorted(PlateNumber.objects.exclude(slot=None).values_list("slot", flat=True)) == list(
        range(1, 100)
    )
    assert all(c.ok for c in verify_draws(clock.today())), [
        c.problems for c in verify_draws(clock.today())
    ]


def test_a_number_that_left_its_vehicle_returns_to_the_pool_when_nobody_kept_it_for_two_years(
    plates, make
):
    plates.release(first="A0000", last="A0009")
    car = make.vehicle(owner=plates.person, plate_number=None, vehicle_type="K33")
    case = plates.case(vehicle=car)
    result = services.draw_numbers(actor=plates.citizen, case=case)
    services.pick_number(actor=plates.citizen, draw=result.draw, number=result.numbers[0])
    services.assign_held_number(actor=plates.clerk, case=case, vehicle=car)
    second = plates.case(vehicle=car)
    again = services.draw_numbers(actor=plates.citizen, case=second)
    services.pick_number(actor=plates.citizen, draw=again.draw, number=again.numbers[0])
    services.assign_held_number(actor=plates.clerk, case=second, vehicle=car)  # a new number
    old = PlateNumber.objects.get(number=result.numbers[0])
    assert old.state == NumberState.RETIRED

    clock.advance(dt.timedelta(days=365 * 2 - 2))
    assert services.sweep()["retained"] == 0
    clock.advance(dt.timedelta(days=4))
    assert services.sweep()["retained"] == 1

    old.refresh_from_db()
    assert old.state == NumberState.FREE and old.slot is not None


def test_a_pick_is_refused_when_the_case_came_to_hold_a_number_another_way(plates):
    plates.release()
    case = plates.case()
    first = services.draw_numbers(actor=plates.citizen, case=case, plate_type="02")
    stale = Draw.objects.get(pk=first.draw.pk)
    services.pick_number(actor=plates.citizen, draw=first.draw, number=first.numbers[0])
    Draw.objects.filter(pk=stale.pk).update(status=DrawStatus.OPEN)  # as if left open

    with pytest.raises(DomainError) as refused:
        services.pick_number(actor=plates.citizen, draw=stale, number=first.numbers[1])

    assert refused.value.error == errors.ALREADY_HOLDING
    assert PlateNumber.objects.filter(state=NumberState.HELD).count() == 1


def test_a_transfer_case_holding_a_number_is_left_for_its_clerk_to_complete(plates, make):
    plates.release()
    car = make.vehicle(owner=plates.person, plate_number=None, vehicle_type="K33")
    buyer = make.person(name="李四")
    case = plates.case(
        actor=plates.clerk, service_code="transfer", applicant_person=buyer, vehicle=car
    )
    result = services.draw_numbers(actor=plates.clerk, case=case)
    services.pick_number(actor=plates.clerk, draw=result.draw, number=result.numbers[0])

    services.assign_held_number(actor=plates.clerk, case=case, vehicle=car)

    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT  # plates does not own the transfer


def test_a_dealers_selection_completes_when_the_clerk_registers_the_car(plates, make):
    plates.release()
    dealer = make.partner(office_obj=plates.office)
    agent = Actor(user=make.user(Role.DEALER_AGENT, organisation=dealer))
    car = make.vehicle(owner=dealer, plate_number=None, vehicle_type="K33")
    case = services.start_selection(actor=agent, applicant_organisation=dealer, vehicle=car).case
    result = services.draw_numbers(actor=agent, case=case)
    services.pick_number(actor=agent, draw=result.draw, number=result.numbers[0])

    services.assign_held_number(actor=plates.clerk, case=case, vehicle=car)

    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED
