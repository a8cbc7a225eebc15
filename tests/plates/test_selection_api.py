"""二十选一 over the API: draw, pick, the case's selection state, the public draw log, the
admin's segments and the clerk's assignment — who may, who may not, and the error shape."""

from __future__ import annotations

import datetime as dt

import pytest

from cheguan.accounts.services import open_assisted_session
from cheguan.audit.models import AuditEvent
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.roles import Role
from cheguan.plates import services
from cheguan.plates.models import (
    ComposeCheck,
    Draw,
    DrawStatus,
    NumberState,
    PlateNumber,
    Segment,
    SelectionBan,
)

JSON = "application/json"
DRAW_KEYS = {"draw_id", "numbers", "display", "expires_at", "draws_left"}


def _at(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def post(client, path, body=None, **headers):
    return client.post(path, body or {}, content_type=JSON, **headers)


def draw_via_api(client, case, plate_type="02", **headers):
    return post(
        client, f"/api/plates/cases/{case.number}/draws", {"plate_type": plate_type}, **headers
    )


def assert_error(response, status: int, code: str):
    body = response.json()
    assert response.status_code == status, body
    assert body["code"] == code
    assert body["message"]


# --- draw and pick ---------------------------------------------------------------------------


def test_a_citizen_draws_twenty_numbers_for_their_case(client, plates):
    plates.release()
    case = plates.case()
    client.force_login(plates.citizen_user)

    response = draw_via_api(client, case)

    body = response.json()
    assert response.status_code == 201
    assert set(body) == DRAW_KEYS
    assert len(body["numbers"]) == 20 == len(set(body["numbers"]))
    assert all(n.startswith("浙BA") and len(n) == 7 for n in body["numbers"])
    assert body["display"] == [f"{n[:2]}·{n[2:]}" for n in body["numbers"]]
    assert _at(body["expires_at"]) == clock.now() + dt.timedelta(minutes=5)
    assert body["draws_left"] == 4
    draw = Draw.objects.get(pk=body["draw_id"])
    assert (draw.case, draw.numbers) == (case, body["numbers"])


def test_the_plate_type_may_be_left_out_when_the_case_has_a_vehicle(client, plates, make):
    plates.release(first="D00000", last="D00099", plate_type="52")
    car = make.vehicle(owner=plates.person, energy_type="bev", vehicle_type="K33")
    case = plates.case(vehicle=car)
    client.force_login(plates.citizen_user)

    response = post(client, f"/api/plates/cases/{case.number}/draws")

    assert response.status_code == 201
    assert all(n.startswith("浙BD") for n in response.json()["numbers"])


def test_picking_holds_the_number_for_the_case(client, plates):
    plates.release()
    case = plates.case()
    client.force_login(plates.citizen_user)
    drawn = draw_via_api(client, case).json()
    chosen = drawn["numbers"][3]

    response = post(client, f"/api/plates/draws/{drawn['draw_id']}/pick", {"number": chosen})

    body = response.json()
    assert response.status_code == 200
    assert body == {
        "number": chosen,
        "display": f"浙B·{chosen[2:]}",
        "held_until": body["held_until"],
        "case": case.number,
    }
    # the end of the third working day after Monday 2026-05-11 is Thursday's midnight
    assert clock.local_date(_at(body["held_until"])) == dt.date(2026, 5, 15)
    plate = PlateNumber.objects.get(number=chosen)
    assert (plate.state, plate.case) == (NumberState.HELD, case)
    assert PlateNumber.objects.filter(state=NumberState.OFFERED).count() == 0


def test_a_pick_accepts_the_number_as_printed(client, plates):
    plates.release()
    case = plates.case()
    client.force_login(plates.citizen_user)
    drawn = draw_via_api(client, case).json()

    response = post(
        client, f"/api/plates/draws/{drawn['draw_id']}/pick", {"number": drawn["display"][0]}
    )

    assert response.status_code == 200
    assert response.json()["number"] == drawn["numbers"][0]


def test_a_number_the_draw_did_not_offer_is_refused_in_english_when_asked(client, plates):
    plates.release()
    case = plates.case()
    client.force_login(plates.citizen_user)
    drawn = draw_via_api(client, case).json()
    other = PlateNumber.objects.filter(state=NumberState.FREE).first().number

    response = post(
        client,
        f"/api/plates/draws/{drawn['draw_id']}/pick",
        {"number": other},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert_error(response, 409, "plates.not_offered")
    assert response.json()["field"] == "number"
    assert response.json()["message"].startswith(f"{other} is not one of the numbers")


def test_a_pick_after_the_offer_expired_is_refused_and_says_draws_left(client, plates):
    plates.release()
    case = plates.case()
    client.force_login(plates.citizen_user)
    drawn = draw_via_api(client, case).json()
    clock.advance(dt.timedelta(minutes=5, seconds=1))

    response = post(
        client, f"/api/plates/draws/{drawn['draw_id']}/pick", {"number": drawn["numbers"][0]}
    )

    assert_error(response, 409, "plates.offer_expired")
    assert "还剩4次" in response.json()["message"]
    assert PlateNumber.objects.filter(state=NumberState.FREE).count() == 1000


def test_the_sixth_draw_is_refused_with_the_quota(client, plates):
    plates.release()
    case = plates.case()
    client.force_login(plates.citizen_user)
    left = [draw_via_api(client, case).json()["draws_left"] for _ in range(5)]

    response = draw_via_api(client, case)

    assert left == [4, 3, 2, 1, 0]
    assert_error(response, 409, "plates.draw_quota_used")


def test_a_case_that_needs_no_plate_cannot_draw(client, plates):
    plates.release()
    case = plates.case(service_code="contact_change")
    client.force_login(plates.citizen_user)

    assert_error(draw_via_api(client, case), 409, "plates.case_needs_no_plate")


def test_a_case_without_a_vehicle_must_name_the_plate_type(client, plates):
    plates.release()
    case = plates.case()
    client.force_login(plates.citizen_user)

    response = draw_via_api(client, case, plate_type="")

    assert_error(response, 400, "plates.plate_type_needed")
    assert response.json()["field"] == "plate_type"


def test_a_repeated_draw_with_the_same_idempotency_key_draws_once(client, plates):
    plates.release()
    case = plates.case()
    client.force_login(plates.citizen_user)

    first = draw_via_api(client, case, HTTP_IDEMPOTENCY_KEY="draw-1")
    again = draw_via_api(client, case, HTTP_IDEMPOTENCY_KEY="draw-1")

    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Draw.objects.filter(case=case).count() == 1


# --- who may -----------------------------------------------------------------------------------


def test_another_citizen_finds_neither_the_case_nor_its_draw(client, plates):
    plates.release()
    case = plates.case()
    result = services.draw_numbers(actor=plates.citizen, case=case, plate_type="02")
    client.force_login(plates.another_citizen().user)

    selection = client.get(f"/api/plates/cases/{case.number}/selection")
    drawn = draw_via_api(client, case)
    picked = post(client, f"/api/plates/draws/{result.draw.pk}/pick", {"number": result.numbers[0]})

    for response in (selection, drawn, picked):
        assert_error(response, 404, "core.not_found")
    assert Draw.objects.filter(case=case).count() == 1
    assert PlateNumber.objects.get(number=result.numbers[0]).state == NumberState.OFFERED


def test_without_logging_in_nothing_is_drawn(client, plates):
    plates.release()
    case = plates.case()

    assert_error(draw_via_api(client, case), 401, "core.not_authenticated")
    assert_error(
        client.get(f"/api/plates/cases/{case.number}/selection"), 401, "core.not_authenticated"
    )
    assert not Draw.objects.exists()


def test_a_clerk_assisting_the_citizen_draws_and_the_audit_names_both(client, plates):
    plates.release()
    case = plates.case()
    clerk = plates.clerk.user
    open_assisted_session(
        actor=plates.clerk, id_number=plates.person.id_number, consent_method="signed"
    )
    client.force_login(clerk)

    response = draw_via_api(client, case)

    assert response.status_code == 201
    event = AuditEvent.objects.get(action="plates.drawn")
    assert (event.actor_id, event.on_behalf_of_id) == (clerk.pk, plates.person.pk)


def test_a_dealer_draws_and_picks_for_its_customers_case_and_another_dealer_cannot(
    client, plates, make
):
    plates.release()
    dealer = make.user(Role.DEALER_AGENT)
    case = plates.case(actor=Actor(user=dealer), applicant_person=plates.person)
    rival = make.user(Role.DEALER_AGENT)

    client.force_login(rival)
    refused = draw_via_api(client, case)
    client.force_login(dealer)
    drawn = draw_via_api(client, case)
    picked = post(
        client,
        f"/api/plates/draws/{drawn.json()['draw_id']}/pick",
        {"number": drawn.json()["numbers"][0]},
    )

    assert_error(refused, 404, "core.not_found")
    assert drawn.status_code == 201
    assert picked.status_code == 200
    assert picked.json()["case"] == case.number


def test_a_citizen_barred_from_online_selection_is_refused_with_the_date(client, plates):
    plates.release()
    case = plates.case()
    SelectionBan.objects.create(
        person=plates.person,
        office=plates.office,
        starts_at=clock.now(),
        ends_at=clock.now() + dt.timedelta(days=730),
        expired_holds=3,
    )
    client.force_login(plates.citizen_user)

    response = draw_via_api(client, case)

    assert_error(response, 403, "plates.banned_online")
    assert "2028-05-10" in response.json()["message"]


# --- the selection state ---------------------------------------------------------------------


def test_the_selection_state_follows_the_case_from_draw_to_hold(client, plates):
    plates.release()
    case = plates.case()
    client.force_login(plates.citizen_user)
    url = f"/api/plates/cases/{case.number}/selection"

    before = client.get(url).json()
    drawn = draw_via_api(client, case).json()
    clock.advance(dt.timedelta(seconds=61))
    during = client.get(url).json()
    post(client, f"/api/plates/draws/{drawn['draw_id']}/pick", {"number": drawn["numbers"][5]})
    after = client.get(url).json()

    assert before == {
        "case": case.number,
        "service": "plate_selection",
        "case_status": "draft",
        "case_open": True,
        "may_select": True,
        "plate_type": None,
        "plate_type_name": None,
        "needs_plate_type": True,
        "draws_per_case": 5,
        "draws_used": 0,
        "draws_left": 5,
        "open_draw": None,
        "held": None,
        "assigned": None,
        "compose_checks_per_case": 20,
        "compose_checks_used": 0,
        "compose_checks_left": 20,
        "barred_online": False,
        "barred_until": None,
        "actions": ["draw", "compose", "hold_composed", "use_kept", "swap"],
    }
    assert during["actions"] == ["draw", "pick", "compose", "hold_composed", "use_kept", "swap"]
    assert after["actions"] == ["swap"]
    assert (during["draws_used"], during["draws_left"], during["plate_type"]) == (1, 4, "02")
    assert during["open_draw"]["draw_id"] == drawn["draw_id"]
    assert during["open_draw"]["numbers"] == drawn["numbers"]
    assert during["open_draw"]["seconds_left"] == 239
    assert during["held"] is None
    assert after["open_draw"] is None
    assert after["held"]["number"] == drawn["numbers"][5]
    assert after["held"]["display"] == drawn["display"][5]
    assert clock.local_date(_at(after["held"]["until"])) == dt.date(2026, 5, 15)


def test_the_selection_state_counts_compose_checks_and_shows_a_ban(client, plates):
    case = plates.case()
    for _ in range(3):
        ComposeCheck.objects.create(
            case=case, checked_at=clock.now(), checked_by=plates.citizen_user
        )
    ends = clock.now() + dt.timedelta(days=730)
    SelectionBan.objects.create(
        person=plates.person,
        office=plates.office,
        starts_at=clock.now(),
        ends_at=ends,
        expired_holds=3,
    )
    client.force_login(plates.citizen_user)

    body = client.get(f"/api/plates/cases/{case.number}/selection").json()

    assert (body["compose_checks_used"], body["compose_checks_left"]) == (3, 17)
    assert body["barred_online"] is True
    assert _at(body["barred_until"]) == ends


def test_an_expired_offer_is_not_shown_as_open(client, plates):
    plates.release()
    case = plates.case()
    client.force_login(plates.citizen_user)
    draw_via_api(client, case)
    clock.advance(dt.timedelta(minutes=6))

    body = client.get(f"/api/plates/cases/{case.number}/selection").json()

    assert body["open_draw"] is None
    assert body["draws_left"] == 4


# --- the public draw log ---------------------------------------------------------------------


def test_anyone_reads_the_days_draws_with_the_applicants_masked(client, plates):
    plates.release()
    case = plates.case()
    result = services.draw_numbers(actor=plates.citizen, case=case, plate_type="02")
    services.pick_number(actor=plates.citizen, draw=result.draw, number=result.numbers[2])

    response = client.get("/api/plates/draws?date=2026-05-11")

    body = response.json()
    assert response.status_code == 200
    assert (body["date"], body["total"], body["office"]) == ("2026-05-11", 1, None)
    assert body["verify"] == "cheguan plates verify-draws 2026-05-11"
    entry = body["draws"][0]
    draw = Draw.objects.get(pk=result.draw.pk)
    assert entry == {
        "draw_id": draw.pk,
        "drawn_at": entry["drawn_at"],
        "office": "浙B",
        "plate_type": "02",
        "plate_type_name": entry["plate_type_name"],
        "applicant": "王*国",
        "seed": draw.seed,
        "committed": True,
        "pool_version": 1,
        "pool_size": 1000,
        "candidates": len(draw.candidates),
        "numbers": result.numbers,
        "picked": result.numbers[2],
        "status": DrawStatus.PICKED,
        "expires_at": entry["expires_at"],
    }
    assert _at(entry["drawn_at"]) == clock.now()
    assert plates.person.name == "王建国"
    assert "王建国" not in response.content.decode()
    assert plates.person.id_number not in response.content.decode()


def test_the_draw_log_pages_and_filters_by_day_and_office(client, plates):
    plates.release()
    for _ in range(3):
        other = plates.another_citizen()
        services.draw_numbers(actor=other, case=plates.case(actor=other), plate_type="02")
    ids = list(Draw.objects.order_by("drawn_at", "pk").values_list("pk", flat=True))

    second = client.get("/api/plates/draws?date=2026-05-11&limit=1&offset=1").json()
    other_day = client.get("/api/plates/draws?date=2026-05-10").json()
    by_office = client.get("/api/plates/draws?date=2026-05-11&office=330200").json()
    too_many = client.get("/api/plates/draws?date=2026-05-11&limit=201")
    unknown_office = client.get("/api/plates/draws?date=2026-05-11&office=999999")
    bad_date = client.get("/api/plates/draws?date=2026-13-01")

    assert (second["total"], second["limit"], second["offset"]) == (3, 1, 1)
    assert [d["draw_id"] for d in second["draws"]] == [ids[1]]
    assert (other_day["total"], other_day["draws"]) == (0, [])
    assert (by_office["total"], by_office["office"]) == (3, "330200")
    assert_error(too_many, 422, "core.invalid_input")
    assert_error(unknown_office, 404, "core.not_found")
    assert_error(bad_date, 422, "core.invalid_input")


# --- the pool (admin) ------------------------------------------------------------------------


def test_an_admin_releases_a_segment_and_lists_it(client, plates):
    client.force_login(plates.admin.user)

    released = post(
        client, "/api/plates/segments", {"plate_type": "02", "first": "B0000", "last": "B0099"}
    )
    listed = client.get("/api/plates/segments")

    body = released.json()
    assert released.status_code == 201
    assert (body["released"], body["blocked"]) == (100, 0)
    segment = body["segment"]
    assert (segment["first"], segment["last"], segment["count"]) == ("浙BB0000", "浙BB0099", 100)
    assert segment["plate_type"] == "02"
    assert _at(segment["random_only_until"]) == clock.now() + dt.timedelta(days=7)
    assert [s["id"] for s in listed.json()] == [segment["id"]]
    assert PlateNumber.objects.filter(state=NumberState.FREE).count() == 100
    assert AuditEvent.objects.filter(action="plates.segment_released").count() == 1


def test_an_overlapping_or_malformed_segment_is_refused_whole(client, plates):
    plates.release(first="A0000", last="A0099")
    client.force_login(plates.admin.user)

    overlap = post(
        client, "/api/plates/segments", {"plate_type": "02", "first": "A0050", "last": "A0150"}
    )
    malformed = post(
        client, "/api/plates/segments", {"plate_type": "02", "first": "AI000", "last": "A0999"}
    )

    assert_error(overlap, 409, "plates.already_released")
    assert_error(malformed, 400, "plates.bad_range")
    assert Segment.objects.count() == 1
    assert PlateNumber.objects.count() == 100


@pytest.mark.parametrize("role", [Role.CLERK, Role.CITIZEN, Role.SUPERVISOR, Role.DEALER_AGENT])
def test_only_an_admin_manages_the_pool(client, plates, make, role):
    client.force_login(make.user(role))

    released = post(
        client, "/api/plates/segments", {"plate_type": "02", "first": "B0000", "last": "B0009"}
    )
    listed = client.get("/api/plates/segments")

    assert_error(released, 403, "core.permission_denied")
    assert_error(listed, 403, "core.permission_denied")
    assert not Segment.objects.exists()


# --- binding the held number at registration (clerk) ---------------------------------------------


def _held_case(plates, make):
    plates.release()
    car = make.vehicle(owner=plates.person, plate_number="", vehicle_type="K33")
    case = plates.case(vehicle=car)
    result = services.draw_numbers(actor=plates.citizen, case=case)
    plate = services.pick_number(actor=plates.citizen, draw=result.draw, number=result.numbers[0])
    return case, car, plate


def test_a_clerk_puts_the_held_number_on_the_vehicle(client, plates, make):
    case, car, plate = _held_case(plates, make)
    client.force_login(plates.clerk.user)

    response = post(client, f"/api/plates/cases/{case.number}/assign", {"vehicle_id": car.pk})

    body = response.json()
    assert response.status_code == 200
    assert (body["number"], body["case"], body["vehicle_id"]) == (plate.number, case.number, car.pk)
    assert _at(body["assigned_at"]) == clock.now()
    car.refresh_from_db()
    assert car.plate_number == plate.number
    assert PlateNumber.objects.get(number=plate.number).state == NumberState.ASSIGNED
    assert AuditEvent.objects.filter(action="plates.assigned").count() == 1
    state = client.get(f"/api/plates/cases/{case.number}/selection").json()
    assert (state["held"], state["assigned"]["number"]) == (None, plate.number)


def test_the_citizen_cannot_assign_and_a_clerk_of_another_office_finds_nothing(
    client, plates, make
):
    case, car, plate = _held_case(plates, make)
    elsewhere = make.office(code="330100", prefix="浙A", name="杭州市车管所")
    outsider = make.user(Role.CLERK, office=elsewhere)

    client.force_login(plates.citizen_user)
    by_citizen = post(client, f"/api/plates/cases/{case.number}/assign", {"vehicle_id": car.pk})
    client.force_login(outsider)
    by_outsider = post(client, f"/api/plates/cases/{case.number}/assign", {"vehicle_id": car.pk})
    client.force_login(plates.clerk.user)
    no_vehicle = post(client, f"/api/plates/cases/{case.number}/assign", {"vehicle_id": 10**9})

    assert_error(by_citizen, 403, "core.permission_denied")
    assert_error(by_outsider, 404, "core.not_found")
    assert_error(no_vehicle, 404, "core.not_found")
    assert no_vehicle.json()["field"] == "vehicle_id"
    assert PlateNumber.objects.get(number=plate.number).state == NumberState.HELD


def test_a_case_without_a_held_number_has_nothing_to_assign(client, plates, make):
    plates.release()
    car = make.vehicle(owner=plates.person, plate_number="", vehicle_type="K33")
    case = plates.case(vehicle=car)
    client.force_login(plates.clerk.user)

    response = post(client, f"/api/plates/cases/{case.number}/assign", {"vehicle_id": car.pk})

    assert_error(response, 409, "plates.no_held_number")


def test_a_plate_type_that_names_no_type_is_refused_not_a_server_error(client, plates, make):
    plates.release()
    car = make.vehicle(owner=plates.person, vehicle_type="K33")
    case = plates.case(vehicle=car)
    client.force_login(plates.citizen_user)
    drawn = draw_via_api(client, case, plate_type="zz")
    client.force_login(plates.admin.user)
    released = post(
        client, "/api/plates/segments", {"plate_type": "", "first": "B0000", "last": "B0009"}
    )

    assert_error(drawn, 400, "plates.unknown_type")
    assert_error(released, 400, "plates.unknown_type")
    assert drawn.json()["field"] == released.json()["field"] == "plate_type"
