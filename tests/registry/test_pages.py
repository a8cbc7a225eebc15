"""Registry pages: my vehicles (elder mode), person search (htmx), the audited reveal,
vehicle records, and the partner's organisation page."""

from __future__ import annotations

import datetime as dt

import pytest

from cheguan.accounts.services import open_assisted_session
from cheguan.audit.models import AuditEvent
from cheguan.core.actor import Actor
from cheguan.registry import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def browse(client):
    """A client reading the pages in English (the msgids), logged in as ``user``."""

    def login(user, *, elder: bool = False):
        client.force_login(user)
        client.cookies["cheguan_language"] = "en"
        client.cookies["cheguan_elder"] = "1" if elder else "0"
        return client

    return login


def text(response) -> str:
    return response.content.decode()


def test_my_vehicles_shows_the_citizens_cars_masked_with_what_blocks_them(browse, city):
    services.record_violation(
        actor=Actor(user=city.clerk),
        vehicle=city.elder_car,
        occurred_at=dt.datetime(2026, 2, 1, 8, 30, tzinfo=dt.UTC),
        code="1625",
        description="闯红灯",
    )
    r = browse(city.citizen).get("/registry/my/vehicles/")
    assert r.status_code == 200
    html = text(r)
    assert "Vehicles registered to 王*国." in html
    assert "浙B12345" in html
    # every thing to sort out, and no "normal" above them (registry.status_words)
    assert "3 things to sort out first:" in html
    assert "1 traffic violation not yet dealt with: deal with it online or at any window." in html
    assert "No compulsory insurance (交强险) valid today on record." in html
    assert "No vehicle tax (车船税) paid or exempt for 2026 on record." in html
    assert "Normal" not in html
    assert city.elder.id_number not in html
    assert city.elder_car.vin in html  # standard mode shows the secondary facts


def test_my_vehicles_in_elder_mode_keeps_to_plain_words_and_big_buttons(browse, city):
    html = text(browse(city.citizen, elder=True).get("/registry/my/vehicles/"))
    assert '<body class="elder"' in html
    # the whole card is the one tap target, named by the plate and the state
    card = f'href="/registry/vehicles/{city.elder_car.pk}/"'
    assert html.count('<a class="card vehicle-card') == 1 and card in html
    labels = (
        f'aria-labelledby="vehicle-{city.elder_car.pk}-plate vehicle-{city.elder_car.pk}-state"'
    )
    assert labels in html
    assert city.elder_car.vin not in html


def test_my_vehicles_is_for_citizens_and_assisted_sessions(browse, client, city):
    r = browse(city.clerk).get("/registry/my/vehicles/")
    assert r.status_code == 403
    client.logout()
    assert client.get("/registry/my/vehicles/").status_code == 302  # to the login page


def test_person_search_page_and_its_htmx_fragment(browse, city):
    c = browse(city.clerk)
    form = c.get("/registry/people/")
    assert 'method="post"' in text(form) and 'name="csrfmiddlewaretoken"' in text(form)
    page = c.post("/registry/people/", {"q": "王"})
    assert page.status_code == 200
    assert "<html" in text(page) and "王*国" in text(page)
    fragment = c.post("/registry/people/", {"q": "王"}, headers={"HX-Request": "true"})
    assert "<html" not in text(fragment)
    assert "1 person found" in text(fragment)
    assert "王*国" in text(fragment) and city.elder.id_number not in text(fragment)
    nobody = c.post("/registry/people/", {"q": "欧阳"}, headers={"HX-Request": "true"})
    assert "Nobody at this office matches." in text(nobody)


def test_person_search_by_id_number_is_a_post_and_a_url_with_it_is_refused(browse, city):
    c = browse(city.clerk)
    found = c.post("/registry/people/", {"q": city.elder.id_number})
    refused = c.get("/registry/people/", {"q": city.elder.id_number})

    assert "王*国" in text(found)
    assert refused.status_code == 400
    assert "王*国" not in text(refused) and "person found" not in text(refused)
    assert "are not accepted in the address (URL)" in text(refused)


def test_person_search_is_not_for_partners(browse, city):
    assert browse(city.dealer_a).get("/registry/people/").status_code == 403


def test_person_detail_is_masked_and_offers_the_reveal_only_to_those_allowed(browse, city):
    clerk_view = text(browse(city.clerk).get(f"/registry/people/{city.elder.pk}/"))
    assert "138****5678" in clerk_view and "13812345678" not in clerk_view
    assert city.elder.masked_id_number in clerk_view
    assert "Show full ID and phone" in clerk_view
    assert "浙B12345" in clerk_view  # their vehicle
    inspector_view = text(browse(city.inspector).get(f"/registry/people/{city.elder.pk}/"))
    assert "Show full ID and phone" not in inspector_view


def test_reveal_button_shows_full_values_once_and_records_it(browse, city):
    c = browse(city.clerk)
    r = c.post(f"/registry/people/{city.elder.pk}/reveal/", {"reason": "call back"})
    assert r.status_code == 200
    assert r["Cache-Control"] == "no-store"
    assert city.elder.id_number in text(r) and "13812345678" in text(r)
    event = AuditEvent.objects.get(action="registry.personal_data_revealed")
    assert event.data["reason"] == "call back"
    again = text(c.get(f"/registry/people/{city.elder.pk}/"))
    assert city.elder.id_number not in again


def test_reveal_is_refused_to_an_inspector(browse, city):
    r = browse(city.inspector).post(f"/registry/people/{city.elder.pk}/reveal/")
    assert r.status_code == 403
    assert city.elder.id_number not in text(r)
    assert not AuditEvent.objects.filter(action="registry.personal_data_revealed").exists()


def test_a_too_long_reveal_reason_is_explained_beside_the_field(browse, city):
    r = browse(city.clerk).post(f"/registry/people/{city.elder.pk}/reveal/", {"reason": "x" * 201})
    assert r.status_code == 400
    assert 'id="reason-error"' in text(r)
    assert "Enter 0 to 200 characters" in text(r)
    assert city.elder.id_number not in text(r)


def test_vehicle_detail_lists_its_records(browse, city):
    services.record_encumbrance(
        actor=Actor(user=city.clerk),
        vehicle=city.elder_car,
        kind="seizure",
        authority="海曙区人民法院",
        started_on=dt.date(2026, 3, 1),
    )
    html = text(browse(city.citizen).get(f"/registry/vehicles/{city.elder_car.pk}/"))
    assert "Seized by an authority." in html
    assert "海曙区人民法院" in html and "Not released" in html
    # the seizure is the status; it is not counted again as a thing to sort out
    assert "seizure or mortgage not released" not in html


def test_a_partner_sees_its_own_vehicles_and_organisation_only(browse, city):
    c = browse(city.dealer_a)
    assert c.get(f"/registry/vehicles/{city.a_car.pk}/").status_code == 200
    assert c.get(f"/registry/vehicles/{city.b_car.pk}/").status_code == 404
    own = c.get("/registry/organisation/")
    assert own.status_code == 302
    assert own["Location"] == f"/registry/organisations/{city.dealer_a.organisation_id}/"
    page = c.get(own["Location"])
    assert city.dealer_a.organisation.name in text(page)
    assert "Change the authorisation" not in text(page)
    assert c.get(f"/registry/organisations/{city.dealer_b.organisation_id}/").status_code == 404


def test_a_supervisor_changes_an_authorisation_on_the_page(browse, city):
    org = city.dealer_a.organisation
    c = browse(city.supervisor)
    url = f"/registry/organisations/{org.pk}/authorisation/"
    wrong = c.post(url, {"to_status": "granted", "services": "new_registration"})
    assert wrong.status_code == 400
    assert 'id="to_status-error"' in text(wrong)
    assert "it can change to: Applied." in text(wrong)
    assert c.post(url, {"to_status": "applied"}).status_code == 302
    bad_date = c.post(url, {"to_status": "granted", "valid_from": "2026-13-01"})
    assert 'id="valid_from-error"' in text(bad_date)
    assert "A date is written year-month-day, e.g. 2024-03-01." in text(bad_date)
    ok = c.post(
        url, {"to_status": "granted", "valid_from": "2026-03-01", "services": "new_registration"}
    )
    assert ok.status_code == 302
    org.refresh_from_db()
    assert (org.authorisation_status, org.authorised_services) == ("granted", ["new_registration"])


def test_a_clerk_in_an_assisted_session_sees_the_citizens_vehicles_page(browse, city):
    open_assisted_session(
        actor=Actor(user=city.clerk), id_number=city.elder.id_number, consent_method="signed"
    )
    html = text(browse(city.clerk, elder=True).get("/registry/my/vehicles/"))
    assert "<h1>王*国&#x27;s vehicles</h1>" in html and "My vehicles" not in html
    assert "浙B12345" in html and city.young_car.vin not in html
