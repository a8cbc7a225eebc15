"""The registry API for vehicles and organisations: scoping (404 outside it, 403 for roles
without it), blocking records, writes, authorisation; and hostile input."""

from __future__ import annotations

import datetime as dt

import pytest

from cheguan.accounts.services import open_assisted_session
from cheguan.core.actor import Actor
from cheguan.registry import services
from cheguan.registry.models import Vehicle
from tests.factories import resident_id, uscc
from tests.helpers import as_, error
from tests.registry.api_calls import API, ids

pytestmark = pytest.mark.django_db


# --- vehicles ----------------------------------------------------------------------------


def test_a_citizen_lists_their_own_vehicles_masked(client, city):
    body = as_(client, city.citizen).get(f"{API}/my/vehicles").json()
    assert [v["id"] for v in body["items"]] == [city.elder_car.pk]
    item = body["items"][0]
    assert item["owner"] == {"kind": "person", "id": city.elder.pk, "name": "王*国"}
    assert item["plate_number"] == "浙B12345"
    assert item["records"] == {
        "unprocessed_violations": 0,
        "casualty_accidents": 0,
        "insurance_valid_today": False,
        "tax_status_this_year": None,
        "open_encumbrances": 0,
        "blocks_services": True,
    }


def test_a_clerk_in_an_assisted_session_sees_the_citizens_vehicles(client, city):
    open_assisted_session(
        actor=Actor(user=city.clerk), id_number=city.young.id_number, consent_method="signed"
    )
    assert ids(as_(client, city.clerk).get(f"{API}/my/vehicles")) == [city.young_car.pk]


def test_my_vehicles_needs_a_citizen(client, city):
    error(as_(client, city.clerk).get(f"{API}/my/vehicles"), 403)
    error(as_(client, city.dealer_a).get(f"{API}/my/vehicles"), 403)


def test_vehicle_lists_are_scoped_to_the_caller(client, city):
    everyone = sorted([city.elder_car.pk, city.young_car.pk, city.a_car.pk, city.b_car.pk])
    assert ids(as_(client, city.clerk).get(f"{API}/vehicles")) == everyone
    assert ids(as_(client, city.dealer_a).get(f"{API}/vehicles")) == [city.a_car.pk]
    assert ids(as_(client, city.citizen).get(f"{API}/vehicles")) == [city.elder_car.pk]
    assert ids(as_(client, city.far_clerk).get(f"{API}/vehicles")) == []
    error(as_(client, city.examiner).get(f"{API}/vehicles"), 403)


def test_vehicles_are_found_by_vin_or_plate(client, city):
    as_(client, city.clerk)
    assert ids(client.get(f"{API}/vehicles", {"vin": city.young_car.vin.lower()})) == [
        city.young_car.pk
    ]
    assert ids(client.get(f"{API}/vehicles", {"plate_number": "浙b12345"})) == [city.elder_car.pk]


def test_another_partners_vehicle_is_not_found(client, city):
    as_(client, city.dealer_a)
    assert client.get(f"{API}/vehicles/{city.a_car.pk}").status_code == 200
    assert error(client.get(f"{API}/vehicles/{city.b_car.pk}"), 404)["code"] == "core.not_found"
    error(client.get(f"{API}/vehicles/{city.elder_car.pk}"), 404)


def test_vehicle_detail_lists_its_records_and_their_summary(client, city):
    clerk = Actor(user=city.clerk)
    services.record_violation(
        actor=clerk,
        vehicle=city.elder_car,
        occurred_at=dt.datetime(2026, 2, 1, 8, 30, tzinfo=dt.UTC),
        code="1625",
        description="闯红灯",
        points=6,
        fine_yuan=200,
    )
    services.record_accident(
        actor=clerk, vehicle=city.elder_car, occurred_on=dt.date(2025, 5, 5), with_casualties=True
    )
    services.record_insurance(
        actor=clerk,
        vehicle=city.elder_car,
        policy_number="PDAA2025",
        valid_from=dt.date(2025, 6, 1),
        valid_until=dt.date(2026, 5, 31),
    )
    services.set_vehicle_tax(actor=clerk, vehicle=city.elder_car, year=2026, status="paid")
    services.record_encumbrance(
        actor=clerk,
        vehicle=city.elder_car,
        kind="mortgage",
        authority="宁波银行",
        started_on=dt.date(2024, 1, 1),
    )
    body = as_(client, city.citizen).get(f"{API}/vehicles/{city.elder_car.pk}").json()
    assert body["status"] == "mortgaged"
    assert body["records"] == {
        "unprocessed_violations": 1,
        "casualty_accidents": 1,
        "insurance_valid_today": True,
        "tax_status_this_year": "paid",
        "open_encumbrances": 1,
        "blocks_services": True,
    }
    assert [(v["code"], v["processed"]) for v in body["violations"]] == [("1625", False)]
    assert [a["with_casualties"] for a in body["accidents"]] == [True]
    assert [p["policy_number"] for p in body["insurance"]] == ["PDAA2025"]
    assert [(t["year"], t["status"]) for t in body["taxes"]] == [(2026, "paid")]
    assert [(e["kind"], e["released_on"]) for e in body["encumbrances"]] == [("mortgage", None)]
    assert body["modifications"] == []


def vehicle_payload(**kw) -> dict:
    return {
        "vin": "LSVAU218XN2183294",
        "engine_number": "EA211123456",
        "make": "大众",
        "model": "朗逸",
        "vehicle_type": "K33",
        "seats": 5,
        "manufacture_date": "2022-05-01",
        "plate_number": "浙B8K2Q5",
    } | kw


def test_a_clerk_records_a_vehicle_for_a_person_of_the_office(client, city):
    r = as_(client, city.clerk).post(
        f"{API}/vehicles",
        vehicle_payload(owner_person_id=city.young.pk),
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["owner"] == {"kind": "person", "id": city.young.pk, "name": "李*红"}
    assert Vehicle.objects.get(vin="LSVAU218XN2183294").owner_person == city.young


def test_recording_a_vehicle_for_an_owner_out_of_scope_is_not_found(client, city, make):
    stranger = make.person(office_obj=city.elsewhere, name="赵钱孙")
    r = as_(client, city.clerk).post(
        f"{API}/vehicles",
        vehicle_payload(owner_person_id=stranger.pk),
        content_type="application/json",
    )
    error(r, 404)
    assert not Vehicle.objects.filter(vin="LSVAU218XN2183294").exists()


def test_recording_a_vehicle_with_a_bad_vin_or_no_owner_is_refused(client, city):
    as_(client, city.clerk)
    r = client.post(
        f"{API}/vehicles",
        vehicle_payload(vin="LSVAU2180N2183294", owner_person_id=city.young.pk),
        content_type="application/json",
    )
    assert error(r, 400)["code"] == "registry.invalid_vin"
    r = client.post(f"{API}/vehicles", vehicle_payload(), content_type="application/json")
    assert error(r, 400)["code"] == "registry.owner_required"


def test_a_partner_may_not_record_vehicles(client, city):
    r = as_(client, city.dealer_a).post(
        f"{API}/vehicles",
        vehicle_payload(owner_organisation_id=city.dealer_a.organisation_id),
        content_type="application/json",
    )
    error(r, 403)


# --- organisations ---------------------------------------------------------------------


def test_a_partner_sees_only_its_own_organisation(client, city):
    as_(client, city.dealer_a)
    own = city.dealer_a.organisation_id
    assert ids(client.get(f"{API}/organisations")) == [own]
    assert client.get(f"{API}/organisations/{own}").json()["id"] == own
    error(client.get(f"{API}/organisations/{city.dealer_b.organisation_id}"), 404)


def test_staff_list_the_offices_organisations_by_kind(client, city, make):
    school = make.organisation(kind="driving_school")
    as_(client, city.inspector)
    assert ids(client.get(f"{API}/organisations", {"kind": "driving_school"})) == [school.pk]
    assert len(ids(client.get(f"{API}/organisations"))) == 3
    error(as_(client, city.citizen).get(f"{API}/organisations"), 403)


def test_a_supervisor_registers_an_organisation(client, city):
    r = as_(client, city.supervisor).post(
        f"{API}/organisations",
        {
            "name": "宁波某二手车市场",
            "uscc": uscc(9000),
            "kind": "dealer",
            "latitude": 29.8683,
            "longitude": 121.544,
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["authorisation_status"], body["authorised_today"]) == ("none", False)
    assert (body["latitude"], body["longitude"]) == ("29.868300", "121.544000")


def test_an_organisation_with_a_bad_uscc_is_refused(client, city):
    r = as_(client, city.supervisor).post(
        f"{API}/organisations",
        {"name": "某公司", "uscc": "9135020OM000100Y43", "kind": "dealer"},
        content_type="application/json",
    )
    assert error(r, 400)["field"] == "uscc"


def test_a_supervisor_grants_an_authorisation_through_the_api(client, city):
    org = city.dealer_a.organisation
    as_(client, city.supervisor)
    url = f"{API}/organisations/{org.pk}/authorisation"
    client.post(url, {"to_status": "applied"}, content_type="application/json")
    r = client.post(
        url,
        {"to_status": "granted", "valid_until": "2028-12-31", "services": ["new_registration"]},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["authorisation_status"], body["authorised_from"], body["authorised_until"]) == (
        "granted",
        "2026-03-02",
        "2028-12-31",
    )
    assert body["authorised_today"] is True


def test_an_illegal_authorisation_change_is_a_conflict(client, city):
    org = city.dealer_a.organisation
    r = as_(client, city.supervisor).post(
        f"{API}/organisations/{org.pk}/authorisation",
        {"to_status": "suspended"},
        content_type="application/json",
    )
    body = error(r, 409)
    assert (body["code"], body["field"]) == ("registry.illegal_authorisation_change", "to_status")


def test_a_partner_cannot_change_authorisations(client, city):
    as_(client, city.dealer_b)  # authorised, so its writes reach the endpoint
    own = f"{API}/organisations/{city.dealer_b.organisation_id}/authorisation"
    other = f"{API}/organisations/{city.dealer_a.organisation_id}/authorisation"
    error(client.post(own, {"to_status": "applied"}, content_type="application/json"), 403)
    error(client.post(other, {"to_status": "applied"}, content_type="application/json"), 404)


HOSTILE = ["\ud800", "a\x01b", "𠀀" * 300, "1e400"]


@pytest.mark.parametrize("value", HOSTILE, ids=["lone surrogate", "control", "long", "huge"])
def test_hostile_text_never_yields_a_server_error(client, city, value):
    as_(client, city.admin)
    org = city.dealer_a.organisation_id
    posts = [
        ("/people", {"name": value, "id_number": value, "phone": value, "address": value}),
        (
            "/people",
            {"name": "周桂英", "id_number": resident_id(dt.date(1980, 1, 1)), "address": value},
        ),
        ("/organisations", {"name": value, "uscc": value, "kind": value, "latitude": 1e308}),
        (f"/organisations/{org}/authorisation", {"to_status": "applied", "services": [value]}),
        (f"/organisations/{org}/authorisation", {"to_status": value, "reason": value}),
        (f"/people/{city.elder.pk}/reveal", {"reason": value}),
        (
            "/vehicles",
            vehicle_payload(make=value, plate_number=value, owner_person_id=city.young.pk),
        ),
    ]
    for path, body in posts:
        r = client.post(API + path, body, content_type="application/json")
        assert r.status_code < 500, (path, r.status_code, r.content[:200])
    for body in ({"q": value}, {"id_number": value}):
        r = client.post(f"{API}/people/search", body, content_type="application/json")
        assert r.status_code in {200, 422}, (body, r.status_code, r.content[:200])
    if value != "\ud800":  # a lone surrogate cannot travel in a URL
        for path, key in [("/vehicles", "vin"), ("/organisations", "kind")]:
            assert client.get(API + path, {key: value}).status_code in {200, 422}
