"""Revoking a mark in the browser: a clerk learns the insurance certificate a mark was
issued on was false, opens the mark, writes the reason and revokes it; the mark's page
then says it is revoked."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from cheguan.audit.models import AuditEvent
from cheguan.cases.catalogue import seed_catalogue
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.roles import Role
from cheguan.inspection import services
from cheguan.registry.models import InsurancePolicy, VehicleTax
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

REASON = "交强险保单经核实为伪造"


def test_a_clerk_revokes_a_mark_issued_on_false_proof(ui):
    clock.set_now(dt.datetime(2026, 5, 11, 10, 0))
    office = factories.office()
    seed_catalogue(office)
    owner = factories.user(Role.CITIZEN)
    car = factories.vehicle(
        owner=owner.person,
        first_registration_date=dt.date(2022, 7, 1),
        inspection_valid_until=dt.date(2026, 7, 1),
    )
    InsurancePolicy.objects.create(
        vehicle=car,
        policy_number="PDZA2026002",
        valid_from=dt.date(2026, 1, 1),
        valid_until=dt.date(2026, 12, 31),
    )
    VehicleTax.objects.create(vehicle=car, year=2026, status="paid")
    mark = services.apply_for_mark(actor=Actor(user=owner), vehicle=car).mark
    clerk = factories.user(Role.CLERK, office=office)
    page = ui.page

    ui.login(clerk, factories.PASSWORD)
    ui.goto(f"/inspection/mark/{mark.serial}/")
    ui.click_and_wait(page.locator("#revoke-link"))
    expect(page.locator("main h1")).to_have_text("撤销检验合格标志")
    page.fill("#reason", "伪造")
    ui.click_and_wait(page.locator("#revoke"))
    expect(page.locator("#reason-error")).to_contain_text("至少4个字")
    page.fill("#reason", REASON)
    ui.click_and_wait(page.locator("#revoke"))

    assert ui.path() == f"/inspection/mark/{mark.serial}/"
    expect(page.locator("main [role=alert]").first).to_contain_text("此检验合格标志已被撤销")
    expect(page.locator("#revoke-link")).to_have_count(0)
    mark.refresh_from_db()
    assert mark.revoked_reason == REASON
    assert AuditEvent.objects.filter(action="inspection.mark_revoked").count() == 1
