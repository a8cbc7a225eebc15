"""An elderly citizen (65) at the window: the clerk, in an assisted session, applies for
replacement plates with only the essential documents and accepts the case under 容缺; the
next day the citizen, in elder mode, uploads the promised documents online; the clerk
completes the case; the citizen rates it with the five large buttons. Every page is
axe-checked (the ``ui`` fixture)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from cheguan.cases.catalogue import seed_catalogue
from cheguan.cases.models import Case, CaseStatus, CommitmentStatus, Rating, RongqueCommitment
from cheguan.core import clock
from cheguan.core.roles import Role
from tests import factories
from tests.helpers import PDF

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = dt.datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def calendar(db):
    """The working-day calendar (restored after flushes by tests/conftest.py)."""


def upload(ui, requirement: str, name: str) -> None:
    page = ui.page
    ui.click_and_wait(page.locator(f'main a[href$="requirement={requirement}"]'))
    page.set_input_files(
        "#file", files=[{"name": name, "mimeType": "application/pdf", "buffer": PDF}]
    )
    ui.click_and_wait(page.locator("main form button[type=submit]"))


def log_out(ui) -> None:
    ui.click_and_wait(ui.page.locator("header.site form[action='/accounts/logout/'] button"))


def test_an_elderly_citizen_gets_a_rongque_case_done_and_rates_it(ui, calendar):
    clock.set_now(MONDAY)
    office = factories.office()
    seed_catalogue(office)
    clerk = factories.user(Role.CLERK, office=office)
    elder = factories.person(name="张秀英", birth=dt.date(1961, 5, 5))
    citizen = factories.user(Role.CITIZEN, person=elder)
    car = factories.vehicle(owner=elder, plate_number="浙B8K123")
    assert elder.age == 65
    page = ui.page

    # --- Monday at the window: the clerk assists her --------------------------------------
    ui.login(clerk, factories.PASSWORD)
    ui.goto("/accounts/assisted/")
    page.fill("#id_number", elder.id_number)
    page.check('input[name="consent_method"][value="signed"]')
    ui.click_and_wait(page.locator("main form button[type=submit]"))
    expect(page.locator(".assisted-banner")).to_contain_text("张*英")

    ui.goto("/cases/apply/")
    ui.click_and_wait(page.locator('main a[href="/cases/apply/plate_replacement/"]'))
    expect(page.locator(f'input[name="vehicle"][value="{car.pk}"]')).to_be_checked()
    ui.click_and_wait(page.locator("main form button[type=submit]"))
    case = Case.objects.get()
    assert ui.path() == f"/cases/{case.number}/"
    assert (case.channel, case.applicant_person_id) == ("assisted", elder.pk)

    upload(ui, "vehicle_licence", "行驶证.pdf")  # the essential document she brought
    ui.click_and_wait(page.locator(f'main form[action="/cases/{case.number}/submit/"] button'))
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED

    ui.click_and_wait(page.locator(f'main a[href="/cases/console/{case.number}/"]'))
    days = page.locator("#rongque_days")
    expect(days).to_have_value("5")
    expect(days).to_have_attribute("max", "13")
    page.check('input[name="rongque"]')
    ui.click_and_wait(
        page.locator(f'main form[action="/cases/console/{case.number}/accept/"] button')
    )
    commitment = RongqueCommitment.objects.get(case=case)
    assert (commitment.deadline, commitment.status) == (dt.date(2026, 11, 30), "open")
    printed = page.request.get(ui.url(f"/cases/{case.number}/commitment.pdf"))
    assert printed.ok and printed.body().startswith(b"%PDF")

    page.fill("#ticket_number", "A023")
    page.select_option("#kind", "hall_ticket")
    ui.click_and_wait(
        page.locator(f'main form[action="/cases/console/{case.number}/visit/"] button')
    )
    ui.click_and_wait(page.locator(".assisted-banner button[type=submit]"))
    log_out(ui)

    # --- Tuesday at home: she supplies the promised documents in elder mode ---------------
    clock.set_now(MONDAY + dt.timedelta(days=1))
    ui.login(citizen, factories.PASSWORD)
    ui.click_and_wait(page.locator("header.site button.elder-switch"))
    assert ui.is_elder()
    ui.goto("/cases/my/")
    ui.click_and_wait(page.locator(f'main a[href="/cases/{case.number}/"]'))
    expect(page.locator("main")).to_contain_text("2026-11-30")
    upload(ui, "loss_statement", "情况说明.pdf")
    upload(ui, "damaged_plate", "号牌照片.pdf")
    expect(page.locator("main")).not_to_contain_text("2026-11-30")  # nothing is owed now
    log_out(ui)

    # --- The clerk completes it from the queue ----------------------------------------------
    ui.login(clerk, factories.PASSWORD)
    ui.goto("/cases/console/")
    ui.click_and_wait(page.locator(f'#queue a[href="/cases/console/{case.number}/"]'))
    ui.click_and_wait(
        page.locator(f'main form[action="/cases/console/{case.number}/complete/"] button')
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED and case.is_one_visit
    assert RongqueCommitment.objects.get(case=case).status == CommitmentStatus.FULFILLED
    log_out(ui)

    # --- She rates it with the large buttons ------------------------------------------------
    ui.login(citizen, factories.PASSWORD)
    assert ui.is_elder()  # remembered
    ui.goto(f"/cases/{case.number}/")
    ui.click_and_wait(page.locator(f'main a[href="/cases/{case.number}/rate/"]'))
    buttons = page.locator("button.rating-choice")
    expect(buttons).to_have_count(5)
    for i in range(5):
        box = buttons.nth(i).bounding_box()
        assert box["width"] >= 60 and box["height"] >= 60, box
    ui.click_and_wait(page.locator('button.rating-choice[value="5"]'))
    expect(page.locator("select")).to_have_count(0)  # one step per page: no dimensions
    ui.click_and_wait(page.locator("main form button[type=submit]"))
    assert ui.path() == f"/cases/{case.number}/"
    rating = Rating.objects.get(case=case)
    assert (rating.score, rating.channel, rating.rated_by_id) == (5, "online", citizen.pk)
