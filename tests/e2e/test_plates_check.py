"""Plate pages in the browser: a person who is not logged in switches to elder mode, checks
a mistyped number on the public page and reads every reason, then corrects it; an admin
blocks a combination on the blocklist page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cheguan.core.roles import Role
from cheguan.plates.models import BlockedPattern
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_person_checks_an_invalid_number_and_sees_every_reason(ui):
    factories.office()
    page = ui.page

    ui.goto("/plates/check/")
    ui.click_and_wait(page.locator("header button.elder-switch"))
    assert ui.is_elder()
    page.select_option("#plate-type", "02")
    page.fill("#plate-number", "沪a i234a")
    ui.click_and_wait(page.locator("main form button[type=submit]"))

    reasons = page.locator("main ol.reasons li")
    expect(reasons).to_have_count(4)
    expect(reasons.nth(0)).to_have_attribute("data-code", "plates.wrong_province")
    expect(reasons.nth(0)).to_contain_text("号牌第1个字应为省份简称“浙”")
    expect(reasons.nth(1)).to_have_attribute("data-code", "plates.wrong_authority")
    expect(reasons.nth(2)).to_have_attribute("data-code", "plates.letter_i_or_o")
    expect(reasons.nth(2)).to_contain_text("请核对是否应为数字1或0")
    expect(reasons.nth(3)).to_have_attribute("data-code", "plates.last_must_be_digit")
    expect(page.locator("main [role=status]")).to_contain_text("4")
    expect(page.locator("#plate-number")).to_have_value("沪a i234a")  # kept for correcting

    page.fill("#plate-number", "浙B·A1234")
    ui.click_and_wait(page.locator("main form button[type=submit]"))

    expect(page.locator("main section.result")).to_have_attribute("data-valid", "true")
    expect(page.locator("main h2")).to_have_text("浙B·A1234")
    expect(page.locator("main ol.reasons li")).to_have_count(0)


def test_an_admin_blocks_three_identical_digits_on_the_blocklist_page(ui):
    admin = factories.user(Role.ADMIN)
    page = ui.page

    ui.login(admin, factories.PASSWORD)
    ui.goto("/plates/blocklist/")
    page.fill("#pattern", r"(\d)\1\1")
    page.fill("#reason", "三个相同数字留作拍卖")
    page.check("#scope-all")
    ui.click_and_wait(page.locator("main form[action='/plates/blocklist/'] button[type=submit]"))

    row = BlockedPattern.objects.get()
    expect(page.locator(f"main tr[data-pattern-id='{row.pk}']")).to_contain_text("三个相同数字")
    assert (row.pattern, row.scope, row.active) == (r"(\d)\1\1", "all", True)
