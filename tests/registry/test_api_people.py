"""The registry API for people: masked lists and details, scoping, writes, the reveal."""

from __future__ import annotations

import datetime as dt

import pytest

from cheguan.audit.models import AuditEvent
from cheguan.registry.models import Person
from tests.factories import resident_id
from tests.helpers import as_, error
from tests.registry.api_calls import API, ids

pytestmark = pytest.mark.django_db


# --- people ------------------------------------------------------------------------------


def search(client, **body):
    return client.post(f"{API}/people/search", body, content_type="application/json")


def test_people_are_listed_masked_with_age_and_elderly_flag(client, city):
    r = search(as_(client, city.clerk), id_number=city.elder.id_number)
    assert r.json() == {
        "count": 1,
        "limit": 50,
        "offset": 0,
        "items": [
            {
                "id": city.elder.pk,
                "office": "330200",
                "id_type": "resident_id",
                "masked_name": "王*国",
                "masked_id_number": city.elder.id_number[:6]
                + "********"
                + city.elder.id_number[-4:],
                "masked_phone": "138****5678",
                "masked_address": "宁波市海曙区…",
                "sex": "M",
                "age": 76,
                "elderly": True,
            }
        ],
    }
    assert city.elder.id_number not in r.content.decode()
    assert "13812345678" not in r.content.decode()


def test_people_search_by_name_prefix_or_exact_id_number(client, city):
    as_(client, city.clerk)
    assert ids(search(client, q="李")) == [city.young.pk]
    assert ids(search(client, q=city.elder.id_number.lower())) == [city.elder.pk]
    assert ids(search(client, q=city.elder.id_number[:10])) == []


def test_people_search_pages_and_checks_its_body(client, city):
    as_(client, city.clerk)
    first = search(client, q="", limit=1).json()
    second = search(client, limit=1, offset=1).json()
    assert (first["count"], len(first["items"]), len(second["items"])) == (2, 1, 1)
    assert error(search(client, limit=0), 422)["field"] == "limit"
    assert error(search(client, id_number="3" * 31), 422)["field"] == "id_number"
    assert error(search(client, q="王" * 61), 422)["field"] == "q"


@pytest.mark.parametrize("key", ["id_number", "q"])
def test_an_id_number_in_the_url_is_refused_not_searched(client, city, key):
    r = as_(client, city.clerk).get(f"{API}/people", {key: city.elder.id_number})
    body = error(r, 400)
    assert (body["code"], body["field"]) == ("core.personal_data_in_url", key)
    assert "POST" in body["message"]


@pytest.mark.parametrize("role", ["citizen", "dealer_b", "examiner"])
def test_roles_without_the_registry_may_not_search_people(client, city, role):
    body = error(search(as_(client, getattr(city, role)), q="王"), 403)
    assert body["code"] == "core.permission_denied"


def test_people_list_pages_with_limit_and_offset(client, city):
    as_(client, city.clerk)
    first = client.get(f"{API}/people", {"limit": 1}).json()
    second = client.get(f"{API}/people", {"limit": 1, "offset": 1}).json()
    assert (first["count"], len(first["items"]), len(second["items"])) == (2, 1, 1)
    assert first["items"][0]["id"] != second["items"][0]["id"]
    assert error(client.get(f"{API}/people", {"limit": 0}), 422)["field"] == "limit"
    assert error(client.get(f"{API}/people", {"limit": 201}), 422)["field"] == "limit"
    assert error(client.get(f"{API}/people", {"offset": -1}), 422)["field"] == "offset"


def test_people_of_another_office_are_not_listed(client, city, make):
    make.person(office_obj=city.elsewhere, name="赵钱孙")
    assert ids(as_(client, city.far_clerk).get(f"{API}/people")) == [
        Person.objects.get(name="赵钱孙").pk
    ]


@pytest.mark.parametrize("role", ["citizen", "dealer_a", "examiner"])
def test_roles_without_the_registry_may_not_list_people(client, city, role):
    body = error(as_(client, getattr(city, role)).get(f"{API}/people"), 403)
    assert body["code"] == "core.permission_denied"


def test_anonymous_callers_are_asked_to_log_in(client, city):
    assert error(client.get(f"{API}/people"), 401)["code"] == "core.not_authenticated"


def test_a_citizen_sees_their_own_record_and_nobody_elses(client, city):
    as_(client, city.citizen)
    assert client.get(f"{API}/people/{city.elder.pk}").json()["masked_name"] == "王*国"
    assert error(client.get(f"{API}/people/{city.young.pk}"), 404)["code"] == "core.not_found"


@pytest.mark.parametrize("role", ["dealer_a", "far_clerk"])
def test_a_person_outside_the_scope_is_not_found(client, city, role):
    error(as_(client, getattr(city, role)).get(f"{API}/people/{city.elder.pk}"), 404)


def test_an_id_beyond_any_row_is_not_found_or_refused_never_a_500(client, city):
    as_(client, city.clerk)
    error(client.get(f"{API}/people/{2**63 - 1}"), 404)
    error(client.get(f"{API}/people/{2**64}"), 422)
    error(client.get(f"{API}/people/0"), 422)


def test_a_clerk_registers_a_person(client, city):
    number = resident_id(dt.date(1949, 10, 1), address="330205", sex="F")
    r = as_(client, city.clerk).post(
        f"{API}/people",
        {"name": "周桂英", "id_number": number, "phone": "0574-87654321"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["masked_name"], body["masked_phone"], body["elderly"]) == (
        "周*英",
        "057******4321",
        True,
    )
    assert Person.objects.get(pk=body["id"]).id_number == number


def test_registering_with_a_bad_id_number_says_what_was_expected(client, city):
    r = as_(client, city.clerk).post(
        f"{API}/people",
        {"name": "周桂英", "id_number": "33020519491001002"},
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )
    body = error(r, 400)
    assert body["code"] == "registry.invalid_id_number"
    assert body["field"] == "id_number"
    assert body["message"].startswith("A resident ID number has 18 characters")


def test_registering_a_duplicate_is_a_conflict(client, city):
    r = as_(client, city.clerk).post(
        f"{API}/people",
        {"name": "王建国", "id_number": city.elder.id_number},
        content_type="application/json",
    )
    assert error(r, 409)["code"] == "registry.duplicate_person"


def test_a_supervisor_may_not_register_people(client, city):
    r = as_(client, city.supervisor).post(
        f"{API}/people",
        {"name": "周桂英", "id_number": resident_id(dt.date(1980, 1, 1))},
        content_type="application/json",
    )
    error(r, 403)


def test_a_repeated_create_with_the_same_idempotency_key_creates_one_person(client, city):
    as_(client, city.clerk)
    payload = {"name": "周桂英", "id_number": resident_id(dt.date(1980, 1, 1))}
    first = client.post(
        f"{API}/people", payload, content_type="application/json", headers={"Idempotency-Key": "k1"}
    )
    again = client.post(
        f"{API}/people", payload, content_type="application/json", headers={"Idempotency-Key": "k1"}
    )
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    assert Person.objects.filter(name="周桂英").count() == 1


def test_reveal_gives_full_values_once_and_is_audited(client, city):
    r = as_(client, city.clerk).post(
        f"{API}/people/{city.elder.pk}/reveal",
        {"reason": "phone call back"},
        content_type="application/json",
    )
    assert r.status_code == 200
    assert r.json() == {
        "id": city.elder.pk,
        "name": "王建国",
        "id_number": city.elder.id_number,
        "phone": "13812345678",
    }
    assert r["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action="registry.personal_data_revealed")
    assert (event.actor_id, event.subject_id) == (city.clerk.pk, str(city.elder.pk))


def test_reveal_is_refused_to_an_inspector_and_hidden_from_a_partner(client, city):
    url = f"{API}/people/{city.elder.pk}/reveal"
    error(as_(client, city.inspector).post(url, {}, content_type="application/json"), 403)
    error(as_(client, city.dealer_b).post(url, {}, content_type="application/json"), 404)
    assert not AuditEvent.objects.filter(action="registry.personal_data_revealed").exists()
