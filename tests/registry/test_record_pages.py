"""The "records" section of a vehicle's page: a clerk records what the office learns, one
small form per kind; a refusal comes back beside its field, in words."""

from __future__ import annotations

import datetime as dt

import pytest

from cheguan.audit.models import AuditEvent
from cheguan.core.actor import Actor
from cheguan.registry import services
from cheguan.registry.models import (
    Accident,
    Encumbrance,
    InsurancePolicy,
    ModificationPenalty,
    VehicleTax,
    Violation,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk_page(client, city):
    client.force_login(city.clerk)
    client.cookies["cheguan_language"] = "en"
    return client


def page(client, vehicle) -> str:
    response = client.get(f"/registry/vehicles/{vehicle.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def submit(client, vehicle, segment: str, data: dict):
    return client.post(f"/registry/vehicles/{vehicle.pk}/{segment}/", data)


def done(response, vehicle) -> None:
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == f"/registry/vehicles/{vehicle.pk}/"


def test_a_clerk_sees_one_form_per_kind_with_words_for_the_choices(clerk_page, city):
    html = page(clerk_page, city.young_car)
    for kind in ("violation", "accident", "insurance", "tax", "modification", "encumbrance"):
        assert f'id="record-{kind}"' in html
    assert "Record what the office learns" in html
    assert ">Unpaid</option>" in html and ">Mortgage (抵押)</option>" in html


def test_the_owner_sees_the_records_but_no_forms(client, city):
    client.force_login(city.citizen)
    html = page(client, city.elder_car)
    assert 'id="records"' not in html and "record-violation" not in html


def test_the_violation_form_records_it_and_the_page_offers_to_process_it(clerk_page, city):
    car = city.young_car
    data = {"occurred_at": "2026-02-01T08:30", "code": "1625", "description": "闯红灯"}
    done(submit(clerk_page, car, "violations", {**data, "points": "6", "fine_yuan": "200"}), car)
    violation = Violation.objects.get(vehicle=car)
    assert (violation.points, violation.fine_yuan, violation.processed) == (6, 200, False)
    html = page(clerk_page, car)
    assert "The violation is recorded." in html
    assert f'id="process-{violation.pk}"' in html

    response = clerk_page.post(f"/registry/violations/{violation.pk}/process/")
    done(response, car)
    violation.refresh_from_db()
    assert violation.processed
    assert f'id="process-{violation.pk}"' not in page(clerk_page, car)


def test_a_refused_violation_comes_back_with_the_reason_beside_the_field(clerk_page, city):
    data = {"occurred_at": "2026-04-01T08:30", "code": "1625", "description": "闯红灯"}
    response = submit(clerk_page, city.young_car, "violations", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="violation-occurred_at-error"' in html
    assert "This date cannot be later than today." in html
    assert 'value="1625"' in html  # what the clerk typed is kept
    assert '<details id="record-violation" open>' in html
    assert not Violation.objects.exists()


def test_the_accident_form(clerk_page, city):
    car = city.young_car
    data = {"occurred_on": "2026-02-20", "with_casualties": "1", "description": "追尾"}
    done(submit(clerk_page, car, "accidents", data), car)
    accident = Accident.objects.get(vehicle=car)
    assert accident.with_casualties and not accident.settled
    response = submit(clerk_page, car, "accidents", {"occurred_on": "20 Feb"})
    assert response.status_code == 400
    assert 'id="accident-occurred_on-error"' in response.content.decode()


def test_the_insurance_form(clerk_page, city):
    car = city.young_car
    data = {"policy_number": "PDAA2026", "valid_from": "2026-01-01", "valid_until": "2026-12-31"}
    done(submit(clerk_page, car, "insurance", data), car)
    assert InsurancePolicy.objects.get(vehicle=car).policy_number == "PDAA2026"
    response = submit(clerk_page, car, "insurance", {**data, "valid_until": "2025-12-31"})
    assert response.status_code == 400
    assert 'id="insurance-valid_until-error"' in response.content.decode()


def test_the_tax_form(clerk_page, city):
    car = city.young_car
    done(submit(clerk_page, car, "tax", {"year": "2026", "status": "exempt"}), car)
    assert VehicleTax.objects.get(vehicle=car).status == "exempt"
    response = submit(clerk_page, car, "tax", {"year": "2026", "status": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="tax-status-error"' in html and "is not one of the allowed values" in html


def test_the_modification_penalty_form(clerk_page, city):
    car = city.young_car
    data = {"decided_on": "2026-02-10", "description": "加装外置行李架"}
    done(submit(clerk_page, car, "modification-penalties", data), car)
    assert ModificationPenalty.objects.get(vehicle=car).description == "加装外置行李架"
    response = submit(clerk_page, car, "modification-penalties", {**data, "description": ""})
    assert response.status_code == 400
    assert 'id="modification-description-error"' in response.content.decode()


def test_the_encumbrance_form_and_its_release(clerk_page, city):
    car = city.young_car
    data = {"kind": "seizure", "authority": "宁波市中级人民法院", "started_on": "2026-02-01"}
    done(submit(clerk_page, car, "encumbrances", data), car)
    encumbrance = Encumbrance.objects.get(vehicle=car)
    car.refresh_from_db()
    assert car.status == "seized"
    assert f'id="release-{encumbrance.pk}"' in page(clerk_page, car)

    release = f"/registry/encumbrances/{encumbrance.pk}/release/"
    early = clerk_page.post(release, {"released_on": "2026-01-01"})
    assert early.status_code == 400
    assert f'id="released_on-{encumbrance.pk}-error"' in early.content.decode()
    done(clerk_page.post(release, {"released_on": ""}), car)
    encumbrance.refresh_from_db()
    car.refresh_from_db()
    assert (encumbrance.released_on, car.status) == (dt.date(2026, 3, 2), "registered")


def test_another_offices_clerk_finds_neither_the_vehicle_nor_its_records(client, city):
    violation = services.record_violation(
        actor=Actor(user=city.clerk),
        vehicle=city.young_car,
        occurred_at=dt.datetime(2026, 2, 1, 0, 30, tzinfo=dt.UTC),
        code="1625",
        description="闯红灯",
    )
    client.force_login(city.far_clerk)
    data = {"kind": "seizure", "authority": "法院", "started_on": "2026-02-01"}
    assert submit(client, city.young_car, "encumbrances", data).status_code == 404
    assert client.post(f"/registry/violations/{violation.pk}/process/").status_code == 404
    violation.refresh_from_db()
    assert not violation.processed and not Encumbrance.objects.exists()
    assert AuditEvent.objects.filter(action="registry.violation_processed").count() == 0
