"""A clerk opens an assisted session (帮办) for a citizen over 60, then ends it."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from cheguan.accounts.models import AssistedSession
from cheguan.audit.models import AuditEvent
from cheguan.core.roles import Role
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_clerk_assists_an_elderly_citizen(ui):
    clerk = factories.user(Role.CLERK)
    elder = factories.person(name="张秀英", birth=dt.date(1950, 5, 5))
    assert elder.is_elderly
    page = ui.page

    ui.login(clerk, factories.PASSWORD)
    ui.click_and_wait(page.locator('main a[href="/accounts/assisted/"]'))
    page.fill("#id_number", elder.id_number)
    page.check('input[name="consent_method"][value="signed"]')
    ui.click_and_wait(page.locator("main form button[type=submit]"))

    banner = page.locator(".assisted-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("张*英")
    expect(banner).not_to_contain_text("张秀英")
    session = AssistedSession.objects.get(agent=clerk)
    assert (session.citizen_id, session.consent_method, session.ended_at) == (
        elder.pk,
        "signed",
        None,
    )

    # The banner follows the clerk to the home page, then ends the session.
    ui.goto("/")
    expect(page.locator(".assisted-banner")).to_be_visible()
    ui.click_and_wait(page.locator(".assisted-banner button[type=submit]"))
    expect(page.locator(".assisted-banner")).to_have_count(0)
    session.refresh_from_db()
    assert session.ended_at is not None and session.end_reason == "by_clerk"
    actions = list(
        AuditEvent.objects.filter(subject_type="accounts.assistedsession")
        .order_by("seq")
        .values_list("action", "actor_id", "on_behalf_of_id")
    )
    assert actions == [
        ("accounts.assisted_session_opened", clerk.pk, elder.pk),
        ("accounts.assisted_session_ended", clerk.pk, elder.pk),
    ]
