"""How long a login lasts (accounts.session_limits): a working day from the login for staff
and partner agents, however busy; two idle hours for citizens."""

from __future__ import annotations

import datetime as dt

import pytest

from cheguan.accounts import session_limits
from cheguan.audit.models import AuditEvent
from cheguan.core.roles import Role
from tests.accounts.conftest import START

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)
MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def at_work(clock):
    clock.set_now(START)
    return clock


def logged_in(client, user) -> bool:
    """One API request with the session: is the user still logged in?"""
    return client.get("/api/accounts/me").status_code == 200


def logouts() -> list[dict]:
    return [e.data for e in AuditEvent.objects.filter(action="accounts.logged_out")]


@pytest.mark.parametrize("role", [Role.CLERK, Role.SUPERVISOR, Role.DEALER_AGENT, Role.ADMIN])
def test_staff_and_partners_are_logged_out_a_working_day_after_logging_in(
    make, client, at_work, role
):
    user = make.user(role)
    client.force_login(user)
    seen = []
    for _ in range(9):  # busy all day: a request every hour does not extend it
        at_work.advance(HOUR)
        seen.append(logged_in(client, user))
    at_work.advance(59 * MINUTE)
    seen.append(logged_in(client, user))  # 9 h 59 min after the login
    at_work.advance(2 * MINUTE)

    assert seen == [True] * 10
    assert not logged_in(client, user)  # 10 h 01 min
    assert logouts() == [{"reason": "working_day"}]


def test_the_working_day_is_a_setting(make, client, at_work, settings):
    settings.CHEGUAN_STAFF_SESSION_HOURS = 1.5
    clerk = make.user(Role.CLERK)
    client.force_login(clerk)

    at_work.advance(89 * MINUTE)
    still = logged_in(client, clerk)
    at_work.advance(2 * MINUTE)

    assert still and not logged_in(client, clerk)


def test_citizens_stay_logged_in_while_active(make, client, at_work):
    citizen = make.user(Role.CITIZEN)
    client.force_login(citizen)
    seen = []
    for _ in range(12):  # a request every 1 h 50 min, for 22 hours
        at_work.advance(110 * MINUTE)
        seen.append(logged_in(client, citizen))

    assert seen == [True] * 12
    assert logouts() == []


def test_citizens_are_logged_out_after_two_idle_hours(make, client, at_work):
    citizen = make.user(Role.CITIZEN)
    client.force_login(citizen)
    at_work.advance(HOUR)
    active = logged_in(client, citizen)

    at_work.advance(2 * HOUR + MINUTE)

    assert active and not logged_in(client, citizen)
    assert logouts() == [{"reason": "idle"}]


def test_the_idle_limit_is_a_setting(make, client, at_work, settings):
    settings.CHEGUAN_CITIZEN_IDLE_MINUTES = 15
    citizen = make.user(Role.CITIZEN)
    client.force_login(citizen)

    at_work.advance(14 * MINUTE)
    still = logged_in(client, citizen)
    at_work.advance(16 * MINUTE)

    assert still and not logged_in(client, citizen)


def test_the_page_after_the_end_asks_to_log_in_again_and_says_why(make, client, at_work):
    clerk = make.user(Role.CLERK)
    client.force_login(clerk)
    at_work.advance(11 * HOUR)

    page = client.get("/", follow=True, HTTP_ACCEPT_LANGUAGE="en")

    assert "Your session ended 10 hours after you logged in" in page.content.decode()
    assert client.get("/registry/people/")["Location"].startswith("/accounts/login/")


def test_a_session_without_the_login_stamp_counts_as_ended(make, client, at_work):
    clerk = make.user(Role.CLERK)
    client.force_login(clerk)
    session = client.session
    del session[session_limits.LOGIN_AT]
    session.save()

    assert not logged_in(client, clerk)


def test_the_session_itself_expires_with_the_limit(make, client, at_work):
    clerk = make.user(Role.CLERK)
    citizen = make.user(Role.CITIZEN)

    client.force_login(clerk)
    staff_age = client.session.get_expiry_age()
    client.force_login(citizen)
    citizen_age = client.session.get_expiry_age()

    assert (staff_age, citizen_age) == (10 * 3600, 2 * 3600)
