"""The other ways to a number, through the API and the pages: 自编自选 (check and hold),
保留原号牌 (keep a scrapped car's number, a spouse's retention at the window, use a kept
number for a new car) and 号牌号码互换 — each reaching its service, and each refusing
another party's objects with "not found"."""

from __future__ import annotations

import datetime as dt

import pytest

from cheguan.core import clock
from cheguan.plates import errors, services
from cheguan.plates.models import ComposeCheck, NumberState, PlateNumber, Swap
from cheguan.registry.services.deregistration import deregister_vehicle

JSON = "application/json"
AFTER_RANDOM_ONLY = dt.timedelta(days=7, seconds=1)


def post(client, path, body=None):
    return client.post(path, body or {}, content_type=JSON)


def assert_error(response, status: int, code: str):
    body = response.json()
    assert response.status_code == status, body
    assert body["code"] == code
    assert body["message"]


def give_number(plates, car) -> PlateNumber:
    case = plates.case(vehicle=car)
    result = services.draw_numbers(actor=plates.citizen, case=case)
    services.pick_number(actor=plates.citizen, draw=result.draw, number=result.numbers[0])
    plate = services.assign_held_number(actor=plates.clerk, case=case, vehicle=car)
    car.refresh_from_db()
    return plate


@pytest.fixture
def composing(plates):
    plates.release()
    clock.advance(AFTER_RANDOM_ONLY)
    return plates.case()


# --- 自编自选 -----------------------------------------------------------------------------------


def test_a_citizen_checks_composed_numbers_and_holds_an_available_one(client, plates, composing):
    PlateNumber.objects.filter(number="浙BA0002").update(state=NumberState.RETIRED, slot=None)
    client.force_login(plates.citizen_user)
    base = f"/api/plates/cases/{composing.number}/compose"

    checked = post(
        client, f"{base}/checks", {"numbers": ["浙B·A0001", "浙BA0002"], "plate_type": "02"}
    )

    body = checked.json()
    assert checked.status_code == 201, body
    assert body["checks_left"] == 19
    first, second = body["results"]
    assert (first["number"], first["available"], first["problems"]) == ("浙BA0001", True, [])
    assert second["available"] is False
    assert second["problems"][0]["code"] == errors.COMPOSE_TAKEN.code
    assert second["problems"][0]["message"]
    assert client.get(base).json()["checks"][0]["check_id"] == body["check_id"]

    assert_error(
        post(client, f"{base}/hold", {"number": "浙BA0003"}), 409, "plates.compose_not_checked"
    )
    held = post(client, f"{base}/hold", {"number": "浙BA0001"})
    assert held.status_code == 200, held.json()
    assert held.json()["case"] == composing.number
    plate = PlateNumber.objects.get(number="浙BA0001")
    assert (plate.state, plate.case_id) == (NumberState.HELD, composing.pk)


def test_six_numbers_in_one_check_are_refused_over_the_api(client, plates, composing):
    client.force_login(plates.citizen_user)
    response = post(
        client,
        f"/api/plates/cases/{composing.number}/compose/checks",
        {"numbers": [f"浙BA000{i}" for i in range(6)], "plate_type": "02"},
    )
    assert response.json()["code"] == errors.COMPOSE_TOO_MANY.code
    assert ComposeCheck.objects.count() == 0


def test_another_citizen_cannot_compose_for_the_case(client, plates, composing):
    client.force_login(plates.another_citizen().user)
    response = post(
        client, f"/api/plates/cases/{composing.number}/compose/checks", {"numbers": ["浙BA0001"]}
    )
    assert_error(response, 404, "core.not_found")
    assert client.get(f"/plates/cases/{composing.number}/compose/").status_code == 404
    assert ComposeCheck.objects.count() == 0


def test_the_compose_page_checks_shows_each_answer_and_holds(client, plates, composing):
    client.force_login(plates.citizen_user)
    page = f"/plates/cases/{composing.number}/compose/"

    response = client.post(page, {"n1": "A0001", "n2": "ABC01", "plate_type": "02"})

    assert response.status_code == 302
    shown = client.get(page).content.decode()
    assert 'data-number="浙BA0001" data-available="yes"' in shown
    assert 'data-number="浙BABC01" data-available="no"' in shown
    assert f'data-code="{errors.TOO_MANY_LETTERS.code}"' in shown
    held = client.post(page + "hold/", {"number": "浙BA0001"})
    assert held.status_code == 302
    assert held["Location"] == f"/plates/cases/{composing.number}/"
    assert PlateNumber.objects.get(number="浙BA0001").case_id == composing.pk


def test_the_compose_page_shows_a_refusal_in_words(client, plates, composing):
    client.force_login(plates.citizen_user)
    response = client.post(f"/plates/cases/{composing.number}/compose/", {"plate_type": "02"})
    assert response.status_code == errors.COMPOSE_NO_NUMBERS.status
    assert f'data-code="{errors.COMPOSE_NO_NUMBERS.code}"' in response.content.decode()


# --- 保留原号牌 -------------------------------------------------------------------------------


@pytest.fixture
def scrapped(plates, make):
    """A car whose number was used for 400 days before the car was scrapped."""
    plates.release()
    car = make.vehicle(owner=plates.person, plate_number=None)
    plate = give_number(plates, car)
    clock.advance(dt.timedelta(days=400))
    deregister_vehicle(actor=plates.clerk, vehicle=car, reason="已报废回收")
    plate.refresh_from_db()
    assert plate.state == NumberState.RETIRED
    return car, plate


def test_an_owner_keeps_a_scrapped_cars_number_and_uses_it_for_a_new_car(
    client, plates, make, scrapped
):
    car, plate = scrapped
    client.force_login(plates.citizen_user)

    kept = post(client, f"/api/plates/vehicles/{car.pk}/keep")

    assert kept.status_code == 201, kept.json()
    assert kept.json()["number"] == plate.number
    assert [k["number"] for k in client.get("/api/plates/kept").json()] == [plate.number]
    new_car = make.vehicle(owner=plates.person, plate_number=None)
    case = plates.case(vehicle=new_car)
    used = post(client, f"/api/plates/cases/{case.number}/kept/use", {"number": plate.number})
    assert used.status_code == 200, used.json()
    plate.refresh_from_db()
    assert (plate.state, plate.case_id) == (NumberState.HELD, case.pk)


def test_another_citizen_cannot_keep_or_use_the_number(client, plates, scrapped):
    car, plate = scrapped
    other = plates.another_citizen()
    client.force_login(other.user)
    assert_error(post(client, f"/api/plates/vehicles/{car.pk}/keep"), 404, "core.not_found")
    assert client.post(f"/plates/keep/{car.pk}/").status_code == 404
    services.retain_number(actor=plates.citizen, vehicle=car)
    case = plates.case(actor=other)
    response = post(client, f"/api/plates/cases/{case.number}/kept/use", {"number": plate.number})
    assert_error(response, 409, errors.NOT_RETAINED.code)


def test_the_keep_page_lists_the_scrapped_car_and_keeps_its_number(client, plates, scrapped):
    car, plate = scrapped
    client.force_login(plates.citizen_user)
    assert f'data-vehicle-id="{car.pk}"' in client.get("/plates/keep/").content.decode()

    assert client.post(f"/plates/keep/{car.pk}/").status_code == 302

    plate.refresh_from_db()
    assert (plate.state, plate.retained_for_id) == (NumberState.RETAINED, plates.person.pk)
    page = client.get("/plates/keep/").content.decode()
    assert f'data-number="{plate.number}"' in page and f'data-vehicle-id="{car.pk}"' not in page


def test_a_clerk_keeps_the_number_for_the_owners_spouse(client, plates, make, scrapped):
    _car, plate = scrapped
    wife = make.person(name="李梅")
    client.force_login(plates.clerk.user)
    form = {"number": plate.display, "id_number": wife.id_number}

    short = client.post("/plates/keep/spouse/", {**form, "married_on": clock.today().isoformat()})
    assert short.status_code == 400
    assert '<li data-field="married_on">' in short.content.decode()
    plate.refresh_from_db()
    assert plate.state == NumberState.RETIRED

    done = client.post("/plates/keep/spouse/", {**form, "married_on": "2015-06-01"})
    assert done.status_code == 302
    plate.refresh_from_db()
    assert (plate.state, plate.retained_for_id) == (NumberState.RETAINED, wife.pk)


def test_a_citizen_cannot_use_the_spouse_page(client, plates):
    client.force_login(plates.citizen_user)
    assert client.get("/plates/keep/spouse/").status_code == 403


# --- 号牌号码互换 -------------------------------------------------------------------------------


@pytest.fixture
def two_cars(plates, make):
    plates.release()
    first = make.vehicle(owner=plates.person, plate_number=None)
    second = make.vehicle(owner=plates.person, plate_number=None)
    give_number(plates, first)
    give_number(plates, second)
    return first, second


def test_an_owner_swaps_two_cars_numbers_over_the_api(client, plates, two_cars):
    a, b = two_cars
    number_a, number_b = a.plate_number, b.plate_number
    client.force_login(plates.citizen_user)

    response = post(client, "/api/plates/swaps", {"vehicle_a_id": a.pk, "vehicle_b_id": b.pk})

    assert response.status_code == 201, response.json()
    assert (response.json()["vehicle_a_number"], response.json()["vehicle_b_number"]) == (
        number_b,
        number_a,
    )
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.plate_number, b.plate_number) == (number_b, number_a)


def test_a_stranger_cannot_swap_someone_elses_cars(client, plates, two_cars):
    a, b = two_cars
    client.force_login(plates.another_citizen().user)
    response = post(client, "/api/plates/swaps", {"vehicle_a_id": a.pk, "vehicle_b_id": b.pk})
    assert_error(response, 404, "core.not_found")
    assert Swap.objects.count() == 0


def test_the_swap_page_swaps_two_cars_and_refuses_one(client, plates, two_cars):
    a, b = two_cars
    number_a = a.plate_number
    client.force_login(plates.citizen_user)
    one = client.post("/plates/swap/", {"vehicle": [str(a.pk)]})
    assert f'data-code="{errors.SWAP_SAME_VEHICLE.code}"' in one.content.decode()

    assert client.post("/plates/swap/", {"vehicle": [str(a.pk), str(b.pk)]}).status_code == 302

    b.refresh_from_db()
    assert b.plate_number == number_a
