"""Logins, failed logins and logouts are audit events (accounts.signals)."""

from __future__ import annotations

import json

import pytest

from cheguan.audit import services as audit
from cheguan.audit.models import AuditEvent
from cheguan.core.roles import Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, username, password=PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_a_login_is_recorded_in_the_users_office_stream(make, client):
    clerk = make.user(Role.CLERK, username="clerk_li")

    assert _login(client, "clerk_li").status_code == 302

    [event] = _events("accounts.logged_in")
    assert (event.actor_id, event.actor_label) == (clerk.pk, "clerk_li")
    assert (event.subject_type, event.subject_id) == ("accounts.user", str(clerk.pk))
    assert event.stream == f"office:{clerk.office_id}:accounts"
    assert audit.verify().ok


def test_a_partner_agents_login_goes_into_the_organisations_stream(make, client):
    agent = make.user(Role.DEALER_AGENT)

    _login(client, agent.username)

    [event] = _events("accounts.logged_in")
    assert event.stream == f"org:{agent.organisation_id}"


def test_a_citizens_login_goes_into_their_offices_stream(make, client):
    citizen = make.user(Role.CITIZEN)

    _login(client, citizen.username)

    [event] = _events("accounts.logged_in")
    assert event.stream == f"office:{citizen.person.office_id}:accounts"


def test_logging_out_is_recorded_as_by_the_user(make, client):
    clerk = make.user(Role.CLERK)
    _login(client, clerk.username)

    assert client.post("/accounts/logout/").status_code == 302

    [event] = _events("accounts.logged_out")
    assert (event.actor_id, event.data) == (clerk.pk, {"reason": "by_user"})


def test_logging_out_when_not_logged_in_records_nothing(client):
    client.post("/accounts/logout/")
    assert not AuditEvent.objects.exists()


def test_a_wrong_password_is_recorded_without_the_password(make, client):
    clerk = make.user(Role.CLERK, username="clerk_zhao")

    _login(client, "clerk_zhao", "Secret-Guess-42")

    [event] = _events("accounts.login_failed")
    assert (event.actor_id, event.actor_label) == (None, "anonymous")
    assert (event.subject_type, event.subject_id) == ("accounts.user", str(clerk.pk))
    assert event.stream == f"office:{clerk.office_id}:accounts"
    assert event.data == {"user_name": "clerk_zhao", "locked_out": False}
    assert "Secret-Guess-42" not in json.dumps(event.data) + str(event.__dict__)
    assert not _events("accounts.logged_in")


def test_a_partner_accounts_failed_login_is_in_the_organisations_stream(make, client):
    agent = make.user(Role.SCRAPYARD_AGENT)

    _login(client, agent.username, "wrong")

    [event] = _events("accounts.login_failed")
    assert event.stream == f"org:{agent.organisation_id}"


def test_an_unknown_user_name_that_is_an_id_number_is_masked_and_belongs_to_no_office(client):
    _login(client, "330213195209039160", "wrong")
    _login(client, "13812345678", "wrong")

    first, second = _events("accounts.login_failed")
    assert first.data == {"user_name": "330213********9160", "locked_out": False}
    assert second.data == {"user_name": "138****5678", "locked_out": False}
    assert (first.stream, first.subject_type, first.subject_id) == ("office:0:accounts", "", "")
    everything = json.dumps([first.data, second.data, first.actor_label])
    assert "330213195209039160" not in everything and "13812345678" not in everything


def test_each_failure_says_whether_the_user_name_is_now_locked(make, client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    user = make.user(Role.CITIZEN)

    statuses = [_login(client, user.username, "wrong").status_code for _ in range(3)]

    assert statuses == [200, 429, 429]
    locked = [e.data["locked_out"] for e in _events("accounts.login_failed")]
    assert locked == [False, True, True]
