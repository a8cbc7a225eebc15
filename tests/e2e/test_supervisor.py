"""A supervisor filters the audit trail by action and sees only matching rows."""

from __future__ import annotations

import pytest
from django.db import transaction
from playwright.sync_api import expect

from cheguan.audit import services as audit
from cheguan.core.actor import Actor
from cheguan.core.roles import Role
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_supervisor_filters_the_trail_by_action(ui):
    supervisor = factories.user(Role.SUPERVISOR)
    clerk = Actor(user=factories.user(Role.CLERK))
    dealer = Actor(user=factories.user(Role.DEALER_AGENT))
    with transaction.atomic():
        for _ in range(3):
            audit.record(
                actor=clerk, action="registry.person_revealed", data={"phone": "13812345678"}
            )
        audit.record(actor=dealer, action="registry.vehicle_sold")
        audit.record(actor=clerk, action="accounts.assisted_session_opened")
    page = ui.page

    ui.login(supervisor, factories.PASSWORD)
    ui.click_and_wait(page.locator('main a[href="/audit/"]').first)
    rows = page.locator("tr.event")
    expect(rows).to_have_count(6)  # the five above, and the supervisor's own login
    expect(page.locator("table.trail")).to_contain_text("138****5678")
    expect(page.locator("table.trail")).not_to_contain_text("13812345678")

    # Filter through htmx: the table is swapped in place, the URL follows.
    page.evaluate("window.sameDocument = true")
    page.fill("#id_action", "registry.person")
    page.locator("#trail form button[type=submit]").click()
    expect(rows).to_have_count(3)
    assert page.evaluate("window.sameDocument === true"), "the page was reloaded, not swapped"
    expect(page.locator("tr.event .staff-code code")).to_have_text(["registry.person_revealed"] * 3)
    assert "action=registry.person" in page.url
    ui.check()

    # The same filter as a plain page load (no htmx) gives the same rows.
    ui.goto("/audit/?action=accounts.")
    expect(page.locator("tr.event .staff-code code")).to_have_text(
        ["accounts.logged_in", "accounts.assisted_session_opened"]
    )
    # people read the actions in words; the code is the secondary line
    expect(page.locator("tr.event span.action")).to_have_text(["登录", "开始帮办"])
