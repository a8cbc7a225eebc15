"""补领检验标志 in the browser: an elderly owner whose mark is lost opens it from her mark's
page, reports it lost and gets a new mark; the lost mark's code then shows as revoked."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from cheguan.cases.catalogue import seed_catalogue
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.roles import Role
from cheguan.inspection import services
from cheguan.inspection.models import InspectionMark
from cheguan.registry.models import InsurancePolicy, VehicleTax
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def test_an_elderly_owner_reports_her_mark_lost_and_gets_it_again(ui):
    clock.set_now(dt.datetime(2026, 5, 11, 10, 0))
    seed_catalogue(factories.office())
    elder = factories.person(name="王秀英", birth=dt.date(1958, 9, 3))
    user = factories.user(Role.CITIZEN, person=elder, elder_mode=True)
    car = factories.vehicle(
        owner=elder,
        first_registration_date=dt.date(2022, 7, 1),
        inspection_valid_until=dt.date(2026, 7, 1),
    )
    InsurancePolicy.objects.create(
        vehicle=car,
        policy_number="PDZA2026001",
        valid_from=dt.date(2026, 1, 1),
        valid_until=dt.date(2026, 12, 31),
    )
    VehicleTax.objects.create(vehicle=car, year=2026, status="paid")
    lost = services.apply_for_mark(actor=Actor(user=user), vehicle=car).mark
    page = ui.page
    page.set_viewport_size(PHONE)

    ui.login(user, factories.PASSWORD)
    ui.goto(f"/inspection/mark/{lost.serial}/")
    ui.click_and_wait(page.locator("#reissue-link"))
    expect(page.locator("main h1")).to_have_text("补领我的检验合格标志")
    button = page.locator("#reissue").bounding_box()
    assert button["y"] + button["height"] <= PHONE["height"] and button["height"] >= 60, button
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    ui.click_and_wait(page.locator("#reissue"))

    new = InspectionMark.objects.get(reissue_of=lost)
    assert ui.path() == f"/inspection/mark/{new.serial}/"
    expect(page.locator("main")).to_contain_text(new.serial)
    lost.refresh_from_db()
    assert lost.revoked_at is not None and new.valid_until == lost.valid_until
