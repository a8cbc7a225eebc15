"""GET /api/audit/events (scoped, filtered) and GET /api/audit/verify (supervisors, admin)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from cheguan.audit import services as audit
from cheguan.audit.models import AuditEvent
from cheguan.core.actor import Actor
from cheguan.core.roles import Role

pytestmark = pytest.mark.django_db

EVENTS = "/api/audit/events"
VERIFY = "/api/audit/verify"


def record(user, action, **kw):
    with transaction.atomic():
        return audit.record(actor=Actor(user=user), action=action, **kw)


@pytest.fixture
def trail(make, clock):
    clock.set_now(dt.datetime(2026, 3, 2, 10, 0))
    other_office = make.office(code="330100", prefix="浙A", name="杭州市车管所")
    clerk = make.user(Role.CLERK, username="clerk_wang")
    dealer_a = make.user(Role.DEALER_AGENT)
    dealer_b = make.user(Role.DEALER_AGENT)
    person = make.person()
    events = {
        "clerk": record(
            clerk, "registry.person_revealed", subject=person, data={"phone": person.phone}
        ),
    }
    clock.advance(dt.timedelta(days=1))
    events["a"] = record(dealer_a, "registry.vehicle_sold")
    clock.advance(dt.timedelta(days=1))
    events["b"] = record(dealer_b, "registry.vehicle_sold")
    events["elsewhere"] = record(
        make.user(Role.CLERK, office=other_office), "registry.person_revealed"
    )
    return {"dealer_a": dealer_a, "dealer_b": dealer_b, **events}


def ids(response) -> list[int]:
    return [item["id"] for item in response.json()["items"]]


def log_in_later(client, clock, user) -> int:
    """Log in after every event of the trail; the login is itself an event (accounts.signals)."""
    clock.set_now(dt.datetime(2026, 3, 5, 9, 0))
    client.force_login(user)
    return AuditEvent.objects.get(action="accounts.logged_in", actor=user).pk


def test_supervisor_lists_the_office_events_newest_first(client, make, trail, clock):
    login = log_in_later(client, clock, make.user(Role.SUPERVISOR))
    r = client.get(EVENTS)
    assert r.status_code == 200
    assert ids(r) == [login, trail["b"].pk, trail["a"].pk, trail["clerk"].pk]
    revealed = r.json()["items"][-1]
    assert revealed["data"] == {"phone": "138****5678"}
    assert revealed["actor"] == "clerk_wang"
    assert revealed["action"] == "registry.person_revealed"
    assert revealed["subject_type"] == "registry.person"
    assert r.json()["next_cursor"] is None


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"action": "registry.vehicle"}, ["b", "a"]),
        ({"actor": "clerk_wang"}, ["clerk"]),
        ({"date_from": "2026-03-03", "date_to": "2026-03-03"}, ["a"]),
        ({"subject_type": "registry.person"}, ["clerk"]),
    ],
)
def test_filters(client, make, trail, params, expected):
    client.force_login(make.user(Role.SUPERVISOR))
    assert ids(client.get(EVENTS, params)) == [trail[k].pk for k in expected]


def test_filter_by_organisation(client, make, trail):
    client.force_login(make.user(Role.SUPERVISOR))
    r = client.get(EVENTS, {"organisation": trail["dealer_a"].organisation_id})
    assert ids(r) == [trail["a"].pk]


def test_the_cursor_pages_through_every_event(client, make, trail, clock):
    login = log_in_later(client, clock, make.user(Role.SUPERVISOR))
    first = client.get(EVENTS, {"limit": 2}).json()
    second = client.get(EVENTS, {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [i["id"] for i in first["items"] + second["items"]] == [
        login,
        trail["b"].pk,
        trail["a"].pk,
        trail["clerk"].pk,
    ]
    assert second["next_cursor"] is None


def test_a_partner_token_lists_only_its_own_organisation(client, trail):
    from cheguan.accounts.services import create_api_token

    _token, secret = create_api_token(actor=Actor(user=trail["dealer_a"]), name="dms")
    r = client.get(EVENTS, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert r.status_code == 200
    # Its own sale, and the creation of its token.
    assert [i["action"] for i in r.json()["items"]] == [
        "accounts.api_token_created",
        "registry.vehicle_sold",
    ]
    other = trail["dealer_b"].organisation_id
    assert (
        client.get(EVENTS, {"organisation": other}, HTTP_AUTHORIZATION=f"Bearer {secret}").json()[
            "items"
        ]
        == []
    )


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.CLERK, Role.INSPECTOR, Role.EXAMINER])
def test_other_roles_may_not_read_the_trail(client, make, trail, role):
    client.force_login(make.user(role))
    r = client.get(EVENTS)
    assert (r.status_code, r.json()["code"]) == (403, "core.permission_denied")


def test_anonymous_callers_must_log_in(client, trail):
    r = client.get(EVENTS)
    assert (r.status_code, r.json()["code"]) == (401, "core.not_authenticated")


@pytest.mark.parametrize(
    ("params", "code", "status"),
    [
        ({"cursor": "x"}, "audit.invalid_cursor", 400),
        ({"date_from": "2026-03-05", "date_to": "2026-03-01"}, "audit.invalid_date_range", 400),
        ({"date_from": "yesterday"}, "core.invalid_input", 422),
        ({"limit": 0}, "core.invalid_input", 422),
        ({"organisation": -1}, "core.invalid_input", 422),
    ],
)
def test_bad_parameters_are_4xx_with_a_code(client, make, trail, params, code, status):
    client.force_login(make.user(Role.SUPERVISOR))
    r = client.get(EVENTS, params)
    assert (r.status_code, r.json()["code"]) == (status, code)


def test_verify_reports_an_intact_office_trail(client, make, trail):
    client.force_login(make.user(Role.SUPERVISOR))
    r = client.get(VERIFY)
    assert r.status_code == 200
    # The office's registry stream, the two dealers' streams and the office's accounts
    # stream (the supervisor's login); not the other office's.
    assert r.json() == {
        "ok": True,
        "events_checked": 4,
        "streams_checked": 4,
        "first_break": None,
    }


def test_verify_names_the_first_broken_event(client, make, trail):
    AuditEvent.objects.filter(pk=trail["a"].pk).update(action="registry.vehicle_kept")
    client.force_login(make.user(Role.ADMIN))
    body = client.get(VERIFY).json()
    assert body["ok"] is False
    assert body["first_break"] == {
        "stream": trail["a"].stream,
        "seq": 1,
        "event_id": trail["a"].pk,
        "reason": "content does not match its hash",
    }


@pytest.mark.parametrize("role", [Role.DEALER_AGENT, Role.CITIZEN, Role.CLERK])
def test_verify_is_for_supervisors_and_administrators(client, make, trail, role):
    client.force_login(make.user(role))
    r = client.get(VERIFY)
    assert (r.status_code, r.json()["code"]) == (403, "core.permission_denied")


def test_an_administrator_without_an_office_sees_and_verifies_every_office(client, make, trail):
    admin = make.user(Role.ADMIN, office=None)
    client.force_login(admin)
    # The four events of two offices, and the admin's own login (in no office's stream).
    assert len(ids(client.get(EVENTS))) == 5
    body = client.get(VERIFY).json()
    assert (body["ok"], body["events_checked"], body["streams_checked"]) == (True, 5, 5)


def test_control_characters_in_filters_are_refused_not_a_crash(client, make, trail):
    """Refused at the door (cheguan.core.input_guard): a query holds no control character."""
    client.force_login(make.user(Role.SUPERVISOR))
    r = client.get(EVENTS, {"action": "registry.vehicle\x07", "actor": "\x1b", "subject_id": "\t"})
    assert r.status_code == 422
    assert (r.json()["code"], r.json()["field"]) == ("core.control_character", "action")
