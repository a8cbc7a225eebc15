"""注销登记 at the window in the browser: on a vehicle's page a clerk follows the deregister
link, is asked the reason, chooses "exported" and deregisters it; the vehicle's page then
offers it no more."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from cheguan.core import clock
from cheguan.core.roles import Role
from cheguan.registry.models import VehicleStatus
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_clerk_deregisters_an_exported_vehicle_with_the_reason(ui):
    clock.set_now(dt.datetime(2026, 5, 11, 10, 0))
    car = factories.vehicle(owner=factories.person())
    clerk = factories.user(Role.CLERK)
    page = ui.page
    ui.login(clerk, factories.PASSWORD)
    ui.goto(f"/registry/vehicles/{car.pk}/")
    ui.click_and_wait(page.locator("#deregister-link"))
    ui.click_and_wait(page.locator("#deregister"))
    expect(page.locator("#errors li[data-field='reason']")).to_be_visible()
    page.check("#reason-export")
    page.fill("#note", "出口证明 2026-001")
    ui.click_and_wait(page.locator("#deregister"))

    assert ui.path() == f"/registry/vehicles/{car.pk}/"
    expect(page.locator("main .messages")).to_contain_text("已注销")
    expect(page.locator("#deregister-link")).to_have_count(0)
    car.refresh_from_db()
    assert car.status == VehicleStatus.DEREGISTERED
