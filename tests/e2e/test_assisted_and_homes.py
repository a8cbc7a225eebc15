"""Issue 10 §6–7 in a browser: a clerk starts assisted service at the inspection desk with
consent witnessed by a second clerk and the session shows what and how; starting one for
another citizen ends the first only after confirming; the window's paired screen opens the
finished case's rating by itself; every role's home leads to pages that answer."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from cheguan.accounts.models import AssistedSession
from cheguan.cases.catalogue import seed_catalogue
from cheguan.cases.models import Rating
from cheguan.core.roles import Role
from tests import factories
from tests.builders import CaseWorld
from tests.e2e.conftest import UI

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _language(ui, language: str) -> None:
    ui.page.context.add_cookies(
        [{"name": "cheguan_language", "value": language, "url": ui.base_url}]
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_witnessed_consent_at_the_desk_then_another_citizen_after_confirming(ui, language):
    _language(ui, language)
    office = factories.office()
    clerk = factories.user(Role.CLERK, office=office, display_name="窗口一")
    witness = factories.user(Role.CLERK, office=office, display_name="窗口二")
    elder = factories.person(office_obj=office, name="王秀英", birth=dt.date(1950, 5, 5))
    car = factories.vehicle(owner=elder, plate_number="浙B12345")
    other = factories.person(office_obj=office, name="李四")
    page = ui.page

    ui.login(clerk, factories.PASSWORD)
    ui.click_and_wait(page.locator('main a[href="/inspection/desk/"]'))
    page.fill("#q", elder.id_number)
    ui.click_and_wait(page.locator("#find button[type=submit]"))
    page.check("#consent-witnessed")
    page.fill("#witness_username", witness.username)
    page.fill("#witness_password", factories.PASSWORD)
    ui.click_and_wait(page.locator("#start button[type=submit]"))

    first = AssistedSession.objects.get(agent=clerk)
    assert (first.consent_method, first.witness_id, first.consent_vehicle_ids) == (
        "witnessed",
        witness.pk,
        [car.pk],
    )
    assert first.consent_scope == ["vehicles", "inspection"]
    ui.goto("/accounts/assisted/current/")
    facts = page.locator("main dl.facts")
    scope_word = "Apply for inspection marks" if language == "en" else "申领检验合格标志"
    expect(facts).to_contain_text(scope_word)
    expect(facts).to_contain_text("窗口二")
    expect(facts).to_contain_text("浙B12345")

    # The desk again, for the same citizen: no second consent is asked.
    ui.goto("/inspection/desk/")
    page.fill("#q", elder.id_number)
    ui.click_and_wait(page.locator("#find button[type=submit]"))
    expect(page.locator("#start")).to_have_count(0)

    # Another citizen: refused until the clerk confirms ending the first.
    page.fill("#q", other.id_number)
    ui.click_and_wait(page.locator("#find button[type=submit]"))
    page.check("#consent-witnessed")
    page.fill("#witness_username", witness.username)
    page.fill("#witness_password", factories.PASSWORD)
    ui.click_and_wait(page.locator("#start button[type=submit]"))
    expect(page.locator("#replace-error")).to_be_visible()
    first.refresh_from_db()
    assert first.is_open
    page.check("#replace")
    page.fill("#witness_password", factories.PASSWORD)
    ui.click_and_wait(page.locator("#start button[type=submit]"))
    first.refresh_from_db()
    assert first.end_reason == "replaced"
    assert AssistedSession.objects.get(agent=clerk, ended_at__isnull=True).citizen == other


def test_the_paired_screen_opens_the_finished_cases_rating_by_itself(ui, browser, clock):
    clock.set_now(dt.datetime(2026, 11, 23, 10, 0))
    world = CaseWorld()
    world.clerk.display_name = "张窗口"
    world.clerk.save()
    case = world.completed()
    screen_context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 360, "height": 740}
    )
    screen = UI(page=screen_context.new_page(), base_url=ui.base_url, axe=ui.axe)
    page = ui.page

    screen.goto("/cases/window/screen/")
    expect(screen.page.locator("header.site")).to_have_count(0)
    code = screen.page.locator(".pairing-code strong").inner_text()
    assert re.fullmatch(r"\d{6}", code)

    ui.login(world.clerk, factories.PASSWORD)
    ui.click_and_wait(page.locator('main a[href="/cases/window/pair/"]'))
    page.fill("#code", code)
    ui.click_and_wait(page.locator("main form button.big"))
    ui.goto(f"/cases/console/{case.number}/")
    ui.click_and_wait(page.locator(f'form[action="/cases/console/{case.number}/screen/"] button'))

    # The screen polls and reloads by itself: the case and the clerk are named.
    expect(screen.page.locator("main")).to_contain_text(case.number, timeout=15_000)
    expect(screen.page.locator("main")).to_contain_text("张窗口")
    expect(screen.page.locator("body")).to_have_class(re.compile(r"\belder\b"))
    screen.check()
    # Elder mode on a phone-sized screen: the first answer is on the first screen, no
    # sideways scroll.
    first = screen.page.locator('button[name="score"]').first.bounding_box()
    assert first["y"] + first["height"] <= 740
    assert screen.page.evaluate("document.documentElement.scrollWidth") <= 360
    screen.click_and_wait(screen.page.locator('button[name="score"][value="5"]'))
    rating = Rating.objects.get(case=case)
    assert (rating.score, rating.channel) == (5, "window_screen")
    screen_context.close()


ROLES = [r.value for r in Role]


@pytest.mark.parametrize("role", ROLES)
def test_every_link_on_a_roles_home_opens_a_page(ui, role):
    # Half the roles in English, half in Chinese (every link in both languages is in
    # tests/web/test_home_links.py).
    _language(ui, "en" if ROLES.index(role) % 2 else "zh-hans")
    seed_catalogue(factories.office())
    extra = {"is_staff": True, "is_superuser": True} if role == Role.ADMIN else {}
    user = factories.user(role, **extra)

    ui.login(user, factories.PASSWORD)
    ui.goto("/")
    links = ui.page.eval_on_selector_all(
        "main a[href^='/']", "els => [...new Set(els.map(e => e.getAttribute('href')))]"
    )
    assert len(links) >= 2, links
    failures = []
    for href in links:
        if href.startswith("/admin/") or href.startswith("/api/"):
            # Django's admin and the API docs are not our pages to axe-check.
            response = ui.page.request.get(ui.url(href))
            if response.status != 200:
                failures.append(f"{href}: {response.status}")
            continue
        response = ui.page.goto(ui.url(href))
        if response is None or response.status != 200:
            failures.append(f"{href}: {response.status if response else 'no response'}")
            continue
        ui.check()
    assert failures == []


def test_the_citizen_agrees_to_assisted_service_on_the_paired_screen(ui, browser):
    office = factories.office()
    clerk = factories.user(Role.CLERK, office=office, display_name="窗口三")
    elder = factories.person(office_obj=office, name="王秀英", birth=dt.date(1950, 5, 5))
    screen_context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 360, "height": 740}
    )
    screen = UI(page=screen_context.new_page(), base_url=ui.base_url, axe=ui.axe)
    page = ui.page
    screen.goto("/cases/window/screen/")
    code = screen.page.locator(".pairing-code strong").inner_text()

    ui.login(clerk, factories.PASSWORD)
    ui.goto("/cases/window/pair/")
    page.fill("#code", code)
    ui.click_and_wait(page.locator("main form button.big"))
    ui.goto("/accounts/assisted/")
    page.fill("#id_number", elder.id_number)
    page.uncheck("#scope-plates")
    page.check("#consent-screen_signed")
    ui.click_and_wait(page.locator("main form button.big"))
    assert ui.path() == "/accounts/assisted/waiting/"
    assert AssistedSession.objects.get(agent=clerk).confirmed_at is None

    # The screen shows what was asked and who asks, by itself; the citizen agrees there.
    expect(screen.page.locator("main")).to_contain_text("窗口三", timeout=15_000)
    expect(screen.page.locator(".consent-scope")).to_contain_text("申领检验合格标志")
    expect(screen.page.locator(".consent-scope")).not_to_contain_text("选择号牌号码")
    screen.check()
    agree = screen.page.locator('button[value="agree"]').bounding_box()
    assert agree["y"] + agree["height"] <= 740
    screen.click_and_wait(screen.page.locator('button[value="agree"]'))

    ui.click_and_wait(page.locator('main a[href="/accounts/assisted/waiting/"]'))
    assert ui.path() == "/accounts/assisted/current/"
    expect(page.locator("main dl.facts")).to_contain_text("群众在窗口屏幕上点选同意")
    assert AssistedSession.objects.get(agent=clerk).confirmed_at is not None
    screen_context.close()
