"""Plates owns plate-number selection (docs/adr/0013-owned-services.md): a selection is
started here — the service, the page reachable from /plates/ and the apply list (elder
mode, English, the help desk's assisted session) and ``POST /api/plates/selections`` —
and then draws exactly as before. The generic apply page sends a person here."""

from __future__ import annotations

import pytest

from cheguan.accounts.services import open_assisted_session
from cheguan.audit.models import AuditEvent
from cheguan.cases import services as cases
from cheguan.cases.models import Case, CaseStatus
from cheguan.core.actor import Actor
from cheguan.core.errors import DomainError
from cheguan.core.roles import Role
from cheguan.plates import errors, services
from cheguan.plates.models import Draw

JSON = "application/json"


def test_a_citizen_starts_a_selection_for_her_car_and_draws_as_before(plates, make):
    plates.release()
    car = make.vehicle(owner=plates.person)

    started = services.start_selection(actor=plates.citizen, vehicle=car)
    drawn = services.draw_numbers(actor=plates.citizen, case=started.case)

    case = started.case
    assert started.created
    assert (case.service.code, case.service.owner) == ("plate_selection", "plates")
    assert (case.status, case.channel, case.vehicle, case.applicant_person) == (
        CaseStatus.DRAFT,
        "online",
        car,
        plates.person,
    )
    event = AuditEvent.objects.get(action="plates.selection_started")
    assert event.data == {
        "case": case.number,
        "channel": "online",
        "vehicle": car.pk,
        "plate_type": "02",
    }
    assert len(drawn.numbers) == 20


def test_starting_again_for_the_same_car_returns_its_open_selection(plates, make):
    car = make.vehicle(owner=plates.person)
    first = services.start_selection(actor=plates.citizen, vehicle=car)

    again = services.start_selection(actor=plates.citizen, vehicle=car)

    assert (again.case, again.created) == (first.case, False)
    assert Case.objects.count() == 1
    cases.withdraw_case(actor=plates.citizen, case=first.case)
    assert services.start_selection(actor=plates.citizen, vehicle=car).created


def test_a_new_car_not_registered_yet_names_its_type_when_it_draws(plates):
    plates.release()
    case = services.start_selection(actor=plates.citizen).case

    with pytest.raises(DomainError) as no_type:
        services.draw_numbers(actor=plates.citizen, case=case)
    drawn = services.draw_numbers(actor=plates.citizen, case=case, plate_type="02")

    assert case.vehicle is None
    assert no_type.value.error == errors.PLATE_TYPE_NEEDED
    assert drawn.draw.pool.plate_type == "02"


def test_a_trailer_or_a_wrong_type_is_refused_before_any_case_is_opened(plates, make):
    trailer = make.vehicle(owner=plates.person, vehicle_type="G11", plate_kind="15")
    car = make.vehicle(owner=plates.person)

    with pytest.raises(DomainError) as not_pooled:
        services.start_selection(actor=plates.citizen, vehicle=trailer)
    with pytest.raises(DomainError) as wrong_type:
        services.start_selection(actor=plates.citizen, vehicle=car, plate_type="52")
    with pytest.raises(DomainError) as coach:
        services.start_selection(actor=plates.citizen, plate_type="16")

    assert not_pooled.value.error == errors.NOT_IN_POOL
    assert wrong_type.value.error == errors.WRONG_VEHICLE_TYPE
    assert coach.value.error == errors.NOT_IN_POOL
    assert not Case.objects.exists()


def test_a_dealer_starts_one_for_its_customer_and_the_clerk_at_the_window_for_a_citizen(
    plates, make
):
    dealer = make.user(Role.DEALER_AGENT)

    for_customer = services.start_selection(
        actor=Actor(user=dealer), applicant_person=plates.person
    ).case
    at_window = services.start_selection(actor=plates.clerk, applicant_person=plates.person).case

    assert (for_customer.channel, for_customer.created_by) == ("dealer", dealer)
    assert (at_window.channel, at_window.applicant_person) == ("window", plates.person)


# --- the pages ---------------------------------------------------------------------------------


def test_the_plates_home_and_the_apply_list_lead_to_the_start_page(client, plates):
    client.force_login(plates.citizen_user)

    home = client.get("/plates/").content.decode()
    listing = client.get("/cases/apply/").content.decode()
    generic = client.get("/cases/apply/plate_selection/")

    assert 'href="/plates/start/"' in home
    assert 'href="/plates/start/"' in listing
    assert (generic.status_code, generic["Location"]) == (302, "/plates/start/")


def test_a_citizen_starts_on_the_page_in_elder_mode_and_lands_on_the_draw_page(
    client, plates, make
):
    plates.release()
    car = make.vehicle(owner=plates.person, plate_number="浙B12345")
    client.force_login(plates.citizen_user)
    client.cookies["cheguan_elder"] = "1"

    page = client.get("/plates/start/")
    started = client.post("/plates/start/", {"vehicle": str(car.pk)})

    html = page.content.decode()
    assert page.status_code == 200
    assert 'class="elder"' in html
    assert f'value="{car.pk}"' in html and 'value="new"' in html
    case = Case.objects.get()
    assert (started.status_code, started["Location"]) == (302, f"/plates/cases/{case.number}/")
    assert case.vehicle == car
    assert client.get(started["Location"]).status_code == 200


def test_the_start_page_in_english_and_a_choice_that_is_not_hers(client, plates, make):
    stranger_car = make.vehicle(owner=make.person(name="李四"))
    client.force_login(plates.citizen_user)

    page = client.get("/plates/start/", HTTP_ACCEPT_LANGUAGE="en")
    refused = client.post("/plates/start/", {"vehicle": str(stranger_car.pk)})

    assert "Start choosing a plate number" in page.content.decode()
    assert refused.status_code == 400
    assert 'id="vehicle-error"' in refused.content.decode()
    assert not Case.objects.exists()


def test_a_new_car_is_started_on_the_page(client, plates):
    client.force_login(plates.citizen_user)

    started = client.post("/plates/start/", {"vehicle": "new"})

    case = Case.objects.get()
    assert started["Location"] == f"/plates/cases/{case.number}/"
    assert case.vehicle is None


def test_the_help_desk_starts_one_for_the_citizen_in_an_assisted_session(client, plates):
    open_assisted_session(
        actor=plates.clerk, id_number=plates.person.id_number, consent_method="signed"
    )
    client.force_login(plates.clerk.user)

    started = client.post("/plates/start/", {"vehicle": "new"})

    case = Case.objects.get()
    assert started.status_code == 302
    assert (case.channel, case.applicant_person, case.assisted_by) == (
        "assisted",
        plates.person,
        plates.clerk.user,
    )


def test_staff_acting_for_nobody_cannot_use_the_citizens_start_page(client, plates):
    client.force_login(plates.clerk.user)
    assert client.get("/plates/start/").status_code == 403


# --- the API -----------------------------------------------------------------------------------


def test_the_api_starts_a_selection_then_draws_on_it(client, plates, make):
    plates.release()
    car = make.vehicle(owner=plates.person)
    client.force_login(plates.citizen_user)

    started = client.post("/api/plates/selections", {"vehicle_id": car.pk}, content_type=JSON)
    again = client.post("/api/plates/selections", {"vehicle_id": car.pk}, content_type=JSON)
    number = started.json()["case"]
    drawn = client.post(f"/api/plates/cases/{number}/draws", {}, content_type=JSON)

    assert started.status_code == 201
    body = started.json()
    assert (body["service"], body["case_status"], body["plate_type"]) == (
        "plate_selection",
        "draft",
        "02",
    )
    assert (again.status_code, again.json()["case"]) == (200, number)
    assert drawn.status_code == 201
    assert Draw.objects.get().case.number == number


def test_the_api_finds_nothing_outside_the_callers_scope_and_opens_nothing(client, plates, make):
    stranger_car = make.vehicle(owner=make.person(name="李四"))
    client.force_login(plates.citizen_user)

    answer = client.post(
        "/api/plates/selections", {"vehicle_id": stranger_car.pk}, content_type=JSON
    )
    wrong = client.post("/api/plates/selections", {"plate_type": "16"}, content_type=JSON)

    assert (answer.status_code, answer.json()["code"]) == (404, "core.not_found")
    assert (wrong.status_code, wrong.json()["code"]) == (409, errors.NOT_IN_POOL.code)
    assert not Case.objects.exists()


def test_the_generic_api_sends_a_selection_here(client, plates):
    client.force_login(plates.citizen_user)

    answer = client.post("/api/cases/open", {"service_code": "plate_selection"}, content_type=JSON)

    body = answer.json()
    assert (answer.status_code, body["code"]) == (409, "cases.owned_service")
    assert "/plates/start/" in body["message"]
    assert not Case.objects.exists()
