"""A citizen logs in, sees their vehicles masked, switches to elder mode, then to English."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from cheguan.core.roles import Role
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_citizen_home_elder_mode_and_english(ui):
    owner = factories.person(name="王建国", birth=dt.date(1955, 4, 8))
    citizen = factories.user(Role.CITIZEN, person=owner)
    car = factories.vehicle(owner=owner, plate_number="浙B12345")
    factories.vehicle(owner=owner, plate_number="浙B54321", status="mortgaged")
    page = ui.page

    ui.goto("/")
    ui.login(citizen, factories.PASSWORD)

    # The home page: one card per vehicle, the owner's name and the VIN masked.
    cards = page.locator("a.vehicle-card")
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text("浙B12345")
    expect(page.locator("main")).to_contain_text("王*国")
    expect(page.locator("main")).not_to_contain_text("王建国")
    expect(page.locator("code.masked").first).to_have_text("*" * 11 + car.vin[-6:])
    expect(page.locator("main")).not_to_contain_text(car.vin)
    expect(page.locator('main a[href="/registry/my/vehicles/"]')).to_be_visible()

    # Elder mode, from the switch on the home page.
    switch = page.locator('main button[name="elder_mode"][value="1"]')
    expect(switch).to_be_visible()
    ui.click_and_wait(switch)
    assert ui.is_elder()
    font_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    line_height = page.evaluate("parseFloat(getComputedStyle(document.body).lineHeight)")
    assert font_size >= 18
    assert line_height / font_size >= 1.3
    for button in [
        page.locator('main button[name="elder_mode"]'),
        page.locator('main a[href="/registry/my/vehicles/"]'),
        page.locator('header button[name="language"]'),
    ]:
        box = button.bounding_box()
        assert box["width"] >= 60 and box["height"] >= 60, box
    # Remembered: a new page load is still in elder mode.
    ui.goto("/")
    assert ui.is_elder()

    # English, from the header.
    ui.click_and_wait(page.locator('header button[name="language"][value="en"]'))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("My services")
    assert ui.is_elder()
