"""What the office learns, recorded at the window in the browser: on a vehicle's page a
clerk opens the violation form, records a violation the traffic police reported (a date in
the future is refused beside its field first), sees it block, and records it processed."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from cheguan.core import clock
from cheguan.core.roles import Role
from cheguan.registry.models import Violation
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_clerk_records_a_violation_and_then_that_it_is_processed(ui):
    clock.set_now(dt.datetime(2026, 5, 11, 10, 0))
    car = factories.vehicle(owner=factories.person())
    clerk = factories.user(Role.CLERK)
    page = ui.page
    ui.login(clerk, factories.PASSWORD)
    ui.goto(f"/registry/vehicles/{car.pk}/")

    page.locator("#record-violation summary").click()
    page.fill("#violation-occurred_at", "2026-06-01T08:30")
    page.fill("#violation-code", "1625")
    page.fill("#violation-description", "驾驶机动车违反道路交通信号灯通行")
    page.fill("#violation-points", "6")
    page.fill("#violation-fine_yuan", "200")
    ui.click_and_wait(page.locator("#record-violation-submit"))
    expect(page.locator("#violation-occurred_at-error")).to_contain_text("不能晚于今天")
    assert not Violation.objects.exists()

    page.fill("#violation-occurred_at", "2026-05-01T08:30")
    ui.click_and_wait(page.locator("#record-violation-submit"))
    expect(page.locator("main .messages")).to_contain_text("违法记录已登记")
    violation = Violation.objects.get(vehicle=car)
    assert (violation.code, violation.points, violation.processed) == ("1625", 6, False)
    expect(page.locator("main")).to_contain_text("驾驶机动车违反道路交通信号灯通行")

    ui.click_and_wait(page.locator(f"#process-{violation.pk}"))
    expect(page.locator("main .messages")).to_contain_text("不再影响办理业务")
    expect(page.locator(f"#process-{violation.pk}")).to_have_count(0)
    violation.refresh_from_db()
    assert violation.processed
