"""Owned services and what the records prove, in the browser (docs/adr/0013-owned-services.md):
a citizen who picks 免检车辆申领检验标志 in the generic apply list lands on the mark page, not
on a generic form; a citizen applying for a generic service sees her identity as 已联网核验
instead of an upload slot, and submits with nothing to upload."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from cheguan.cases.catalogue import seed_catalogue
from cheguan.cases.models import Case, CaseStatus
from cheguan.core import clock
from cheguan.core.roles import Role
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def citizen():
    clock.set_now(dt.datetime(2026, 5, 11, 10, 0))  # a Monday
    office = factories.office()
    seed_catalogue(office)
    owner = factories.person(name="王建国", birth=dt.date(1955, 4, 8))
    factories.vehicle(owner=owner, plate_number="浙B12345")
    return factories.user(Role.CITIZEN, person=owner)


def test_the_exempt_mark_in_the_apply_list_leads_to_the_mark_page(ui, citizen):
    page = ui.page
    ui.login(citizen, factories.PASSWORD)
    ui.goto("/cases/my/")
    ui.click_and_wait(page.locator("main a[href='/cases/apply/']"))

    item = page.locator("main li[data-service='inspection_mark_exempt']")
    expect(item.locator(".owner-route")).to_be_visible()
    ui.click_and_wait(item.get_by_role("link", name="免检车辆申领检验标志"))

    assert ui.path() == "/inspection/"
    expect(page.locator("h1")).to_have_text("检验合格标志")
    expect(page.locator("main")).to_contain_text("浙B12345")
    assert not Case.objects.exists()


def test_a_generic_application_shows_identity_verified_and_asks_no_upload(ui, citizen):
    page = ui.page
    ui.login(citizen, factories.PASSWORD)
    ui.goto("/cases/apply/")
    ui.click_and_wait(page.locator("main a[href='/cases/apply/contact_change/']"))
    page.check("input[name='vehicle'][value='']")
    ui.click_and_wait(page.locator("main form button[type=submit]"))

    case = Case.objects.get()
    assert ui.path() == f"/cases/{case.number}/"
    identity = page.locator("main tr", has_text="申请人身份证明")
    expect(identity).to_contain_text("已联网核验")
    expect(page.locator("main a[href*='/documents/']")).to_have_count(0)
    expect(page.locator("#missing-h")).to_have_count(0)
    ui.click_and_wait(page.locator(f"main form[action='/cases/{case.number}/submit/'] button"))

    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    assert case.documents.get().status == "verified_by_data"
    expect(page.locator("main tr", has_text="申请人身份证明")).to_contain_text("已联网核验")
