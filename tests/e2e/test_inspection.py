"""Inspection marks in the browser: the seed story (a clerk helps a 65-year-old apply in an
assisted session, the mark is issued, the verify page from the QR URL says valid), and a
citizen with unprocessed violations who sees every reason, in elder mode."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from cheguan.audit.models import AuditEvent
from cheguan.cases.catalogue import seed_catalogue
from cheguan.core import clock
from cheguan.core.roles import Role
from cheguan.inspection.models import InspectionMark
from cheguan.registry.models import InsurancePolicy, VehicleTax, Violation
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _insured_car(owner):
    vehicle = factories.vehicle(
        owner=owner,
        first_registration_date=dt.date(2022, 7, 1),
        inspection_valid_until=dt.date(2026, 7, 1),
    )
    InsurancePolicy.objects.create(
        vehicle=vehicle,
        policy_number="PDZA2026001",
        valid_from=dt.date(2026, 1, 1),
        valid_until=dt.date(2026, 12, 31),
    )
    VehicleTax.objects.create(vehicle=vehicle, year=2026, status="paid")
    return vehicle


def test_clerk_helps_a_65_year_old_get_his_mark_and_the_qr_verifies(ui):
    clock.set_now(dt.datetime(2026, 5, 11, 10, 0))
    seed_catalogue(factories.office())
    clerk = factories.user(Role.CLERK)
    elder = factories.person(name="王建国", birth=dt.date(1961, 3, 1))
    assert elder.age == 65
    car = _insured_car(elder)
    page = ui.page

    ui.login(clerk, factories.PASSWORD)
    ui.goto("/inspection/desk/")
    page.fill("#q", elder.id_number)
    ui.click_and_wait(page.locator("main form#find button[type=submit]"))
    expect(page.locator("main")).to_contain_text("王*国")
    assert elder.id_number not in page.url  # the search was a POST
    page.check('input[name="consent_method"][value="signed"]')
    ui.click_and_wait(page.locator("main form#start button[type=submit]"))
    expect(page.locator(".assisted-banner")).to_be_visible()
    ui.click_and_wait(page.locator(f'main a[href="/inspection/vehicle/{car.pk}/"]'))
    ui.click_and_wait(page.locator("main form button[type=submit]"))

    mark = InspectionMark.objects.get(vehicle=car)
    expect(page.locator("main")).to_contain_text(mark.serial)
    expect(page.locator("main figure.qr svg")).to_be_visible()
    issued = AuditEvent.objects.get(action="inspection.mark_issued")
    assert (issued.actor_id, issued.on_behalf_of_id) == (clerk.pk, elder.pk)
    verify_url = page.locator("#verify-link").get_attribute("href")
    ui.click_and_wait(page.locator("#verify-link"))
    status = page.locator("main [data-status]")
    expect(status).to_have_attribute("data-status", "valid")
    expect(page.locator("main")).not_to_contain_text("王")
    assert "sig=" in verify_url


def test_citizen_with_violations_sees_every_reason_in_elder_mode(ui):
    clock.set_now(dt.datetime(2026, 5, 11, 10, 0))
    seed_catalogue(factories.office())
    user = factories.user(Role.CITIZEN, elder_mode=True)
    car = _insured_car(user.person)
    for code in ("1625", "1345"):
        Violation.objects.create(
            vehicle=car, occurred_at=clock.now(), code=code, description="违法", fine_yuan=200
        )
    VehicleTax.objects.filter(vehicle=car).delete()
    page = ui.page

    ui.login(user, factories.PASSWORD)
    ui.goto("/inspection/")
    assert ui.is_elder()
    ui.click_and_wait(page.locator(f'main a[href="/inspection/vehicle/{car.pk}/"]'))

    reasons = page.locator("main ol.reasons li")
    expect(reasons).to_have_count(2)
    expect(reasons.nth(0)).to_have_attribute("data-code", "inspection.unprocessed_violations")
    expect(reasons.nth(0)).to_contain_text("有2条交通违法未处理，请在网上或任一窗口处理")
    expect(reasons.nth(1)).to_have_attribute("data-code", "inspection.tax_not_paid")
    expect(page.locator("main form button[type=submit]")).to_have_count(0)


def test_elder_uploads_missing_tax_proof_and_a_clerk_issues_the_mark(ui, tmp_path):
    clock.set_now(dt.datetime(2026, 5, 11, 10, 0))
    seed_catalogue(factories.office())
    clerk = factories.user(Role.CLERK)
    user = factories.user(Role.CITIZEN, elder_mode=True)
    car = _insured_car(user.person)
    VehicleTax.objects.filter(vehicle=car).delete()
    proof = tmp_path / "tax.pdf"
    proof.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page = ui.page

    ui.login(user, factories.PASSWORD)
    ui.goto(f"/inspection/vehicle/{car.pk}/")
    assert ui.is_elder()
    expect(page.locator("main ol.reasons li")).to_have_attribute(
        "data-code", "inspection.tax_not_paid"
    )
    ui.click_and_wait(page.locator("#proof-link"))
    page.set_input_files("#file-vehicle_tax", str(proof))
    ui.click_and_wait(page.locator("main form button[type=submit]"))
    expect(page.locator("#pending")).to_contain_text("2026年5月12日")
    ui.click_and_wait(page.locator("header.site form[action='/accounts/logout/'] button"))

    ui.login(clerk, factories.PASSWORD)
    ui.goto("/inspection/desk/")
    ui.click_and_wait(page.locator("main a[href='/inspection/checks/']"))
    ui.click_and_wait(page.locator("main table a").first)
    expect(page.locator("main")).to_contain_text("tax.pdf")
    ui.click_and_wait(page.locator("#issue"))

    mark = InspectionMark.objects.get(vehicle=car)
    expect(page.locator("main")).to_contain_text(mark.serial)
    issued = AuditEvent.objects.get(action="inspection.mark_issued")
    assert (issued.actor_id, issued.data["proof_checked"]) == (clerk.pk, ["vehicle_tax"])
    ui.click_and_wait(page.locator("#verify-link"))
    expect(page.locator("main [data-status]")).to_have_attribute("data-status", "valid")
