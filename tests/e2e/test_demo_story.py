"""The demo's own story in the browser (issue 10 §2), on a seeded demo city: ``citizen``, over
60, turns on elder mode on a phone and gets the mark for his ready car online in at most 4
screens, and sees a link to sort out each reason on the refused one; the clerk helps 王秀英
at the help desk (assisted session) get hers."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cheguan.accounts.models import User
from cheguan.core.actor import Actor
from cheguan.demo import data
from cheguan.demo.services import seed_demo
from cheguan.inspection.models import InspectionMark
from cheguan.registry.models import Vehicle

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def demo():
    seed_demo(actor=Actor.system(), history_cases=0)
    person = User.objects.get(username="citizen").person
    refused, ready, station = Vehicle.objects.filter(owner_person=person).order_by("pk")
    return {"refused": refused, "ready": ready, "station": station}


def _login(ui, username: str) -> None:
    ui.goto("/accounts/login/")
    ui.page.fill("#id_username", username)
    ui.page.fill("#id_password", data.DEMO_PASSWORD)
    ui.click_and_wait(ui.page.locator("main form button[type=submit]"))
    assert not ui.path().startswith("/accounts/login/"), "login failed"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_citizen_in_elder_mode_gets_the_mark_online_in_at_most_four_screens(ui, demo, language):
    page, car = ui.page, demo["ready"]
    page.set_viewport_size(PHONE)
    page.context.add_cookies([{"name": "cheguan_language", "value": language, "url": ui.base_url}])
    _login(ui, "citizen")
    assert page.locator("html").get_attribute("lang").lower().startswith(language[:2])
    ui.click_and_wait(page.locator("header form.elder-entry button.elder-switch"))
    assert ui.is_elder()
    screens = [ui.path()]  # 1: where the login lands, now in elder mode
    target = page.locator(f'main a[href="/inspection/vehicle/{car.pk}/"]')
    if target.count() == 0:
        ui.click_and_wait(page.locator('main a[href="/inspection/"]').first)
        screens.append(ui.path())
    ui.click_and_wait(page.locator(f'main a[href="/inspection/vehicle/{car.pk}/"]').first)
    screens.append(ui.path())
    button = page.locator("#get-mark")
    box = button.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"]
    ui.click_and_wait(button)
    screens.append(ui.path())
    mark = InspectionMark.objects.get(vehicle=car, case__isnull=False)
    assert ui.path() == f"/inspection/marks/{mark.serial}/" or mark.serial in ui.path()
    assert len(screens) <= 4, screens


def test_the_refused_car_links_each_reason_to_where_it_is_sorted_out(ui, demo):
    page, car = ui.page, demo["refused"]
    page.set_viewport_size(PHONE)
    _login(ui, "citizen")
    ui.goto(f"/inspection/vehicle/{car.pk}/")
    violations = page.locator('main li[data-code="inspection.unprocessed_violations"] a')
    insurance = page.locator('main li[data-code="inspection.insurance_not_valid"] a')
    expect(violations).to_have_attribute("href", "https://gab.122.gov.cn/")
    expect(insurance).to_have_attribute("href", f"/inspection/vehicle/{car.pk}/proof/")
    ui.click_and_wait(insurance)
    expect(page.locator("#proof-first")).to_be_visible()
    expect(page.locator('main li[data-code="inspection.unprocessed_violations"]')).to_be_visible()


def test_the_clerk_helps_wang_xiuying_get_her_mark(ui, demo):
    page = ui.page
    car = Vehicle.objects.get(owner_person__id_number=data.ASSISTED_CITIZEN_ID)
    _login(ui, "clerk")
    ui.goto("/inspection/desk/")
    page.fill("#q", data.ASSISTED_CITIZEN_ID)
    ui.click_and_wait(page.locator("main form#find button[type=submit]"))
    expect(page.locator("main")).to_contain_text("王*英")
    page.check('input[name="consent_method"][value="signed"]')
    ui.click_and_wait(page.locator("main form#start button[type=submit]"))
    expect(page.locator(".assisted-banner")).to_be_visible()
    ui.click_and_wait(page.locator(f'main a[href="/inspection/vehicle/{car.pk}/"]'))
    ui.click_and_wait(page.locator("#get-mark"))
    mark = InspectionMark.objects.get(vehicle=car, case__isnull=False)
    assert mark.case.channel == "assisted"
    assert mark.serial in ui.path()
