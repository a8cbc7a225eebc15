"""The hole issue 10 found, closed: under 申请办理业务 → 免检车辆申领检验标志 the generic case path
opened a mark application for any vehicle — 15 years old, with an unprocessed violation —
a clerk submitted, accepted and completed it in seconds, the citizen read "已办结，欢迎评价",
no mark existed and the one-visit figure counted a success. The mark is inspection's to
issue (docs/adr/0013-owned-services.md): the generic path sends the citizen to the mark
page, which refuses with the reasons, and no generic step can complete a mark case."""

from __future__ import annotations

import datetime as dt

import pytest

from cheguan.cases import figures
from cheguan.cases.models import Case, CaseMessage, CaseStatus
from cheguan.inspection import services
from cheguan.inspection.models import InspectionMark
from tests.helpers import pdf_upload

pytestmark = pytest.mark.django_db

JSON = "application/json"
CODE = "inspection_mark_exempt"


def figure(city) -> dict:
    period = figures.Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    rows = figures.one_visit_rate(office_id=city.office.pk, period=period)
    return {
        "completed": sum(r["completed"] for r in rows),
        "one_visit": sum(r["one_visit"] for r in rows),
    }


@pytest.fixture
def old_car(city):
    """15 years old (no longer exempt: it must be tested) with an unprocessed violation."""
    car = city.car(
        city.person,
        first_registration_date=dt.date(2011, 7, 1),
        inspection_valid_until=dt.date(2026, 7, 1),
    )
    city.violation(car)
    return car


def test_the_old_car_with_a_violation_gets_no_mark_through_the_generic_path(client, city, old_car):
    before = figure(city)
    client.force_login(city.citizen_user)

    listing = client.get("/cases/apply/").content.decode()
    applied = client.post(f"/cases/apply/{CODE}/", {"vehicle": str(old_car.pk)})
    opened = client.post(
        "/api/cases/open", {"service_code": CODE, "vehicle_id": old_car.pk}, content_type=JSON
    )
    mark_page = client.post(f"/inspection/vehicle/{old_car.pk}/apply/")

    assert f'href="/cases/apply/{CODE}/"' not in listing
    assert 'href="/inspection/"' in listing
    assert (applied.status_code, applied["Location"]) == (302, "/inspection/")
    assert (opened.status_code, opened.json()["code"]) == (409, "cases.owned_service")
    assert mark_page.status_code == 409  # the mark page refuses, with every reason
    assert "交通违法未处理" in mark_page.content.decode()
    assert not Case.objects.exists()
    assert not InspectionMark.objects.exists()
    assert not CaseMessage.objects.filter(text_zh__contains="已办结").exists()
    assert figure(city) == before


def test_a_mark_case_opened_before_the_fix_cannot_be_completed_at_the_console(
    client, city, old_car
):
    """A case left by the old hole (made here as it was made then) stays as it is."""
    from cheguan.core import clock

    case = Case.objects.create(
        office=city.office,
        number="2026051100000001",
        service=city.office.services.get(code=CODE),
        applicant_person=city.person,
        vehicle=old_car,
        channel="online",
        status=CaseStatus.SUBMITTED,
        created_at=clock.now(),
        submitted_at=clock.now(),
    )
    before = figure(city)
    client.force_login(city.clerk)

    accepted = client.post(f"/cases/console/{case.number}/accept/")
    forced = Case.objects.filter(pk=case.pk).update(status=CaseStatus.ACCEPTED)
    completed = client.post(f"/cases/console/{case.number}/complete/")
    api = client.post(f"/api/cases/{case.number}/complete")

    case.refresh_from_db()
    assert forced == 1
    assert (accepted.status_code, completed.status_code, api.status_code) == (409, 409, 409)
    assert case.status == CaseStatus.ACCEPTED and case.closed_at is None
    assert not InspectionMark.objects.exists()
    assert not case.messages.exists()
    assert figure(city) == before


def test_an_accepted_proof_check_is_completed_only_by_inspections_check(client, city):
    """Issue 4's note: the accepted proof-check case could be completed from the console
    without a mark. Now only the check issues the mark and completes the case."""
    city.without_tax()
    case = services.apply_with_proof(
        actor=city.citizen, vehicle=city.vehicle, documents={"vehicle_tax": pdf_upload()}
    ).case
    client.force_login(city.clerk)

    console = client.get(f"/cases/console/{case.number}/").content.decode()
    from_console = client.post(f"/cases/console/{case.number}/complete/")
    rejected_there = client.post(
        f"/cases/console/{case.number}/reject/", {"reasons": "材料不清楚不予办理"}
    )
    from_api = client.post(f"/api/cases/{case.number}/complete")
    case.refresh_from_db()
    still_waiting = case.status
    checks = client.get("/inspection/checks/").content.decode()
    issued = client.post(f"/inspection/checks/{case.number}/issue/")

    assert f'href="/inspection/checks/{case.number}/"' in console  # the owner's page
    assert f"/cases/console/{case.number}/complete/" not in console
    assert (from_console.status_code, rejected_there.status_code) == (409, 409)
    assert (from_api.status_code, from_api.json()["code"]) == (409, "cases.owned_service")
    assert still_waiting == CaseStatus.ACCEPTED
    assert case.number in checks
    assert issued.status_code == 302
    case.refresh_from_db()
    mark = InspectionMark.objects.get()
    assert (case.status, mark.case) == (CaseStatus.COMPLETED, case)


def test_the_citizens_case_page_of_a_mark_application_links_to_the_mark_page(client, city):
    city.without_tax()
    case = services.apply_with_proof(
        actor=city.citizen, vehicle=city.vehicle, documents={"vehicle_tax": pdf_upload()}
    ).case
    client.force_login(city.citizen_user)

    page = client.get(f"/cases/{case.number}/").content.decode()

    assert f'href="/inspection/vehicle/{city.vehicle.pk}/"' in page
    assert f"/cases/{case.number}/documents/" not in page
