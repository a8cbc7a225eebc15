"""What a clerk records about a vehicle over the API: each kind's happy path and its coded
refusals, the scoping (another office's or a partner's ids are 404) and the role check."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from cheguan.audit.models import AuditEvent
from cheguan.registry import errors
from cheguan.registry.models import (
    Accident,
    Encumbrance,
    InsurancePolicy,
    ModificationPenalty,
    VehicleTax,
    Violation,
)
from tests.helpers import as_, error
from tests.registry.api_calls import API

pytestmark = pytest.mark.django_db


def post(client, user, path: str, body: dict | None = None):
    return as_(client, user).post(
        f"{API}{path}", json.dumps(body or {}), content_type="application/json"
    )


def events(action: str) -> list[dict]:
    return list(AuditEvent.objects.filter(action=action).values_list("data", flat=True))


VIOLATION = {
    "occurred_at": "2026-02-01 08:30",
    "code": "1625",
    "description": "闯红灯",
    "points": 6,
    "fine_yuan": 200,
}


# --- violations ----------------------------------------------------------------------------


def test_a_clerk_records_a_violation_and_then_its_processing(client, city):
    car = city.young_car
    response = post(client, city.clerk, f"/vehicles/{car.pk}/violations", VIOLATION)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["code"] == "1625" and body["points"] == 6 and body["processed"] is False
    assert body["occurred_at"].startswith("2026-02-01T08:30")
    assert [e["vehicle_id"] for e in events("registry.violation_recorded")] == [car.pk]
    blocked = as_(client, city.clerk).get(f"{API}/vehicles/{car.pk}").json()
    assert blocked["records"]["unprocessed_violations"] == 1

    done = post(client, city.clerk, f"/violations/{body['id']}/process")
    assert done.status_code == 200, done.content
    assert done.json()["processed"] is True and done.json()["processed_at"] is not None
    assert len(events("registry.violation_processed")) == 1
    free = as_(client, city.clerk).get(f"{API}/vehicles/{car.pk}").json()
    assert free["records"]["unprocessed_violations"] == 0


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"occurred_at": "2026-04-01 08:00"}, errors.DATE_IN_FUTURE, "occurred_at"),
        ({"occurred_at": "yesterday"}, errors.INVALID_DATETIME, "occurred_at"),
        ({"code": "红灯"}, errors.INVALID_RECORD_CODE, "code"),
        ({"description": ""}, errors.INVALID_TEXT, "description"),
        ({"points": 13}, errors.INVALID_WHOLE_NUMBER, "points"),
    ],
)
def test_a_violation_is_refused_with_a_coded_reason(client, city, change, code, field):
    path = f"/vehicles/{city.young_car.pk}/violations"
    body = error(post(client, city.clerk, path, {**VIOLATION, **change}), 400)
    assert (body["code"], body["field"]) == (code.code, field)
    assert not Violation.objects.exists()


# --- accidents, insurance, tax, penalties --------------------------------------------------


def test_a_clerk_records_an_accident(client, city):
    body = {"occurred_on": "2026-02-20", "with_casualties": True, "description": "追尾"}
    response = post(client, city.clerk, f"/vehicles/{city.young_car.pk}/accidents", body)
    assert response.status_code == 201, response.content
    assert response.json()["with_casualties"] is True and response.json()["settled"] is False
    assert Accident.objects.get().vehicle == city.young_car
    assert len(events("registry.accident_recorded")) == 1


def test_an_accident_in_the_future_is_refused(client, city):
    body = {"occurred_on": "2026-03-03", "with_casualties": False}
    answer = error(post(client, city.clerk, f"/vehicles/{city.young_car.pk}/accidents", body), 400)
    assert answer["code"] == errors.DATE_IN_FUTURE.code
    assert not Accident.objects.exists()


def test_a_clerk_records_an_insurance_policy(client, city):
    body = {"policy_number": "PDAA2026", "valid_from": "2026-01-01", "valid_until": "2026-12-31"}
    response = post(client, city.clerk, f"/vehicles/{city.young_car.pk}/insurance", body)
    assert response.status_code == 201, response.content
    assert response.json()["policy_number"] == "PDAA2026"
    car = as_(client, city.clerk).get(f"{API}/vehicles/{city.young_car.pk}").json()
    assert car["records"]["insurance_valid_today"] is True
    assert len(events("registry.insurance_recorded")) == 1


def test_an_insurance_policy_ending_before_it_starts_is_refused(client, city):
    body = {"policy_number": "PDAA2026", "valid_from": "2026-12-31", "valid_until": "2026-01-01"}
    path = f"/vehicles/{city.young_car.pk}/insurance"
    answer = error(post(client, city.clerk, path, body), 400)
    assert (answer["code"], answer["field"]) == (errors.INVALID_DATES.code, "valid_until")
    assert not InsurancePolicy.objects.exists()


def test_the_tax_status_of_a_year_is_set_and_replaced(client, city):
    path = f"/vehicles/{city.young_car.pk}/tax"
    first = post(client, city.clerk, path, {"year": 2026, "status": "unpaid"})
    assert first.status_code == 200, first.content
    second = post(client, city.clerk, path, {"year": 2026, "status": "paid"})
    assert second.json() == {"id": first.json()["id"], "year": 2026, "status": "paid"}
    assert list(VehicleTax.objects.values_list("year", "status")) == [(2026, "paid")]
    assert len(events("registry.tax_recorded")) == 2


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"year": 2026, "status": "late"}, errors.INVALID_CHOICE, "status"),
        ({"year": 1900, "status": "paid"}, errors.INVALID_WHOLE_NUMBER, "year"),
    ],
)
def test_a_tax_status_is_refused_with_a_coded_reason(client, city, body, code, field):
    answer = error(post(client, city.clerk, f"/vehicles/{city.young_car.pk}/tax", body), 400)
    assert (answer["code"], answer["field"]) == (code.code, field)
    assert not VehicleTax.objects.exists()


def test_a_clerk_records_a_modification_penalty(client, city):
    body = {"decided_on": "2026-02-10", "description": "加装外置行李架"}
    path = f"/vehicles/{city.young_car.pk}/modification-penalties"
    response = post(client, city.clerk, path, body)
    assert response.status_code == 201, response.content
    assert response.json()["description"] == "加装外置行李架"
    assert ModificationPenalty.objects.count() == 1
    assert len(events("registry.modification_penalty_recorded")) == 1


def test_a_modification_penalty_needs_a_description(client, city):
    path = f"/vehicles/{city.young_car.pk}/modification-penalties"
    answer = error(
        post(client, city.clerk, path, {"decided_on": "2026-02-10", "description": " "}), 400
    )
    assert (answer["code"], answer["field"]) == (errors.INVALID_TEXT.code, "description")
    assert not ModificationPenalty.objects.exists()


# --- encumbrances ----------------------------------------------------------------------------


def test_a_seizure_is_recorded_and_released_and_the_status_follows(client, city):
    car = city.young_car
    body = {"kind": "seizure", "authority": "宁波市中级人民法院", "started_on": "2026-02-01"}
    response = post(client, city.clerk, f"/vehicles/{car.pk}/encumbrances", body)
    assert response.status_code == 201, response.content
    encumbrance_id = response.json()["id"]
    assert as_(client, city.clerk).get(f"{API}/vehicles/{car.pk}").json()["status"] == "seized"

    released = post(client, city.clerk, f"/encumbrances/{encumbrance_id}/release", {})
    assert released.status_code == 200, released.content
    assert released.json()["released_on"] == "2026-03-02"  # today
    assert as_(client, city.clerk).get(f"{API}/vehicles/{car.pk}").json()["status"] == "registered"

    again = error(post(client, city.clerk, f"/encumbrances/{encumbrance_id}/release", {}), 409)
    assert again["code"] == errors.ENCUMBRANCE_ALREADY_RELEASED.code
    assert len(events("registry.encumbrance_released")) == 1


def test_an_encumbrance_of_an_unknown_kind_or_released_before_it_began_is_refused(client, city):
    car = city.young_car
    bad = {"kind": "lien", "authority": "某银行", "started_on": "2026-02-01"}
    answer = error(post(client, city.clerk, f"/vehicles/{car.pk}/encumbrances", bad), 400)
    assert (answer["code"], answer["field"]) == (errors.INVALID_CHOICE.code, "kind")
    good = {**bad, "kind": "mortgage"}
    encumbrance_id = post(client, city.clerk, f"/vehicles/{car.pk}/encumbrances", good).json()["id"]
    early = {"released_on": "2026-01-01"}
    answer = error(post(client, city.clerk, f"/encumbrances/{encumbrance_id}/release", early), 400)
    assert (answer["code"], answer["field"]) == (errors.INVALID_DATES.code, "released_on")
    assert Encumbrance.objects.get().released_on is None


# --- who may ---------------------------------------------------------------------------------


def _every_write(city, violation: Violation, encumbrance: Encumbrance) -> list[tuple[str, dict]]:
    car = city.young_car.pk
    return [
        (f"/vehicles/{car}/violations", VIOLATION),
        (f"/vehicles/{car}/accidents", {"occurred_on": "2026-02-20", "with_casualties": False}),
        (
            f"/vehicles/{car}/insurance",
            {"policy_number": "P1", "valid_from": "2026-01-01", "valid_until": "2026-12-31"},
        ),
        (f"/vehicles/{car}/tax", {"year": 2026, "status": "paid"}),
        (
            f"/vehicles/{car}/modification-penalties",
            {"decided_on": "2026-02-10", "description": "改装"},
        ),
        (
            f"/vehicles/{car}/encumbrances",
            {"kind": "seizure", "authority": "法院", "started_on": "2026-02-01"},
        ),
        (f"/violations/{violation.pk}/process", {}),
        (f"/encumbrances/{encumbrance.pk}/release", {}),
    ]


@pytest.fixture
def existing(city):
    violation = Violation.objects.create(
        vehicle=city.young_car,
        occurred_at=dt.datetime(2026, 2, 1, 0, 30, tzinfo=dt.UTC),
        code="1625",
        description="闯红灯",
    )
    encumbrance = Encumbrance.objects.create(
        vehicle=city.young_car, kind="mortgage", authority="某银行", started_on=dt.date(2026, 1, 5)
    )
    return violation, encumbrance


@pytest.mark.parametrize("who", ["far_clerk", "dealer_b"])
def test_another_office_or_a_partner_gets_not_found_and_nothing_changes(
    client, city, existing, who
):
    for path, body in _every_write(city, *existing):
        error(post(client, getattr(city, who), path, body), 404)
    assert not AuditEvent.objects.filter(action__startswith="registry.").exists()
    assert not Violation.objects.filter(processed=True).exists()
    assert not Encumbrance.objects.filter(released_on__isnull=False).exists()


def test_whoever_sees_the_vehicle_without_the_capability_is_refused(client, city, make):
    """The owner (a citizen) sees their car but records nothing on it: 403."""
    owner = make.user("citizen", person=city.young)
    violation = Violation.objects.create(
        vehicle=city.young_car,
        occurred_at=dt.datetime(2026, 2, 1, 0, 30, tzinfo=dt.UTC),
        code="1",
        description="x",
    )
    encumbrance = Encumbrance.objects.create(
        vehicle=city.young_car, kind="mortgage", authority="某银行", started_on=dt.date(2026, 1, 5)
    )
    for path, body in _every_write(city, violation, encumbrance):
        assert error(post(client, owner, path, body), 403)["code"] == "core.permission_denied"
    assert Violation.objects.count() == 1 and not Violation.objects.get().processed
    assert not AuditEvent.objects.filter(action__startswith="registry.").exists()
