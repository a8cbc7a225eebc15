"""二十选一 in the browser: a 65-year-old citizen in elder mode goes from her home page to
plate numbers, starts a selection there for a new car (plates owns the service, ADR 0013),
draws, sees twenty big numbers and the time running down, picks one, confirms, and sees
the number held for her case; the public draw log then lists the draw with her name
masked."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from cheguan.cases.catalogue import seed_catalogue
from cheguan.cases.models import Case
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.roles import Role
from cheguan.plates import services
from cheguan.plates.models import Draw, DrawStatus, NumberState, PlateNumber
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ELDER_TARGET_PX = 60


def test_an_elderly_citizen_draws_picks_and_sees_her_number_held(ui):
    clock.set_now(dt.datetime(2026, 5, 11, 10, 0))  # a Monday
    office = factories.office()
    seed_catalogue(office)
    admin = factories.user(Role.ADMIN)
    services.release_segment(
        actor=Actor(user=admin), office=office, plate_type="02", first="A0000", last="A0999"
    )
    elder = factories.person(name="李秀英", birth=dt.date(1961, 2, 1))
    assert elder.age == 65
    user = factories.user(Role.CITIZEN, person=elder, elder_mode=True)
    page = ui.page

    ui.login(user, factories.PASSWORD)
    ui.goto("/")
    assert ui.is_elder()
    ui.click_and_wait(page.locator("main a[href='/plates/']"))
    start = page.locator("main a[href='/plates/start/']")
    box = start.bounding_box()
    assert box["width"] >= ELDER_TARGET_PX and box["height"] >= ELDER_TARGET_PX, box
    ui.click_and_wait(start)
    page.check("input[name='vehicle'][value='new']")
    ui.click_and_wait(page.locator("#start-selection"))
    case = Case.objects.get()
    assert (case.service.code, case.channel, case.applicant_person) == (
        "plate_selection",
        "online",
        elder,
    )
    assert ui.path() == f"/plates/cases/{case.number}/"
    page.check("#type-02")
    ui.click_and_wait(page.locator("#draw"))

    buttons = page.locator("main ul.plate-grid button")
    expect(buttons).to_have_count(20)
    for i in range(20):
        box = buttons.nth(i).bounding_box()
        assert box["width"] >= ELDER_TARGET_PX and box["height"] >= ELDER_TARGET_PX, box
    expect(buttons.first).to_have_text(re.compile(r"^浙B·A\d{4}$"))
    countdown = page.locator("#countdown")
    expect(countdown).to_be_visible()
    expect(countdown).to_have_attribute("role", "timer")
    # The script runs: the time left changes (how far it has run depends on the machine's load).
    shown = countdown.inner_text()
    expect(countdown).not_to_have_text(shown, timeout=5_000)
    expect(countdown).to_have_text(re.compile(r"^[0-4]:[0-5]\d$"))
    expect(page.locator("#draw-again")).to_contain_text("4")

    chosen = buttons.nth(7).inner_text()
    ui.click_and_wait(buttons.nth(7))
    expect(page.locator("#chosen")).to_have_text(chosen)
    ui.click_and_wait(page.locator("#keep"))

    held = page.locator("#held")
    expect(held).to_be_visible()
    expect(held.locator(".plate")).to_have_text(chosen)
    expect(held).to_contain_text("2026-05-14")
    number = chosen.replace("·", "")
    plate = PlateNumber.objects.get(number=number)
    assert (plate.state, plate.case_id) == (NumberState.HELD, case.pk)
    draw = Draw.objects.get(case=case)
    assert (draw.status, draw.picked) == (DrawStatus.PICKED, number)

    ui.click_and_wait(page.locator("main a[href^='/plates/draws/']"))
    entry = page.locator(f"main article[data-draw-id='{draw.pk}']")
    expect(entry.locator(".applicant")).to_have_text("李*英")
    expect(entry).to_contain_text(draw.seed)
    expect(entry).to_contain_text(chosen)
    expect(page.locator("main")).not_to_contain_text("李秀英")
    expect(page.locator("#replay code")).to_have_text("cheguan plates verify-draws 2026-05-11")


def test_an_admin_releases_a_segment_and_sees_the_pool(ui):
    clock.set_now(dt.datetime(2026, 5, 11, 10, 0))
    factories.office()
    admin = factories.user(Role.ADMIN)
    page = ui.page

    ui.login(admin, factories.PASSWORD)
    ui.goto("/")
    ui.click_and_wait(page.locator("main a[href='/plates/segments/']"))
    page.select_option("#plate-type", "52")
    page.fill("#first", "D00000")
    page.fill("#last", "D00999")
    ui.click_and_wait(page.locator("main form[action='/plates/segments/'] button[type=submit]"))

    expect(page.locator("main .messages")).to_contain_text("1000")
    expect(page.locator("main tr[data-plate-type='52']")).to_contain_text("1000")
    expect(page.locator("main tbody tr[data-segment-id]")).to_contain_text("浙BD00000 – 浙BD00999")
    assert PlateNumber.objects.filter(state=NumberState.FREE).count() == 1000

    page.fill("#first", "D00500")
    page.fill("#last", "D01500")
    ui.click_and_wait(page.locator("main form[action='/plates/segments/'] button[type=submit]"))
    expect(page.locator("#first-error")).to_be_visible()
    expect(page.locator("#first")).to_have_attribute("aria-invalid", "true")
    assert PlateNumber.objects.count() == 1000
