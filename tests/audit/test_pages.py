"""The audit trail pages: scoped to the office or the organisation, filtered, paginated."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import transaction

from cheguan.audit import services as audit
from cheguan.audit.models import AuditEvent
from cheguan.core.actor import Actor
from cheguan.core.roles import Role

pytestmark = pytest.mark.django_db

URL = "/audit/"


def record(actor, action, at=None, clock=None, **kw):
    if at is not None:
        clock.set_now(at)
    with transaction.atomic():
        return audit.record(actor=Actor(user=actor), action=action, **kw)


@pytest.fixture
def trail(make, clock):
    """Events of two partners of this office, a clerk of it, and a clerk of another office."""
    other_office = make.office(code="330100", prefix="浙A", name="杭州市车管所")
    clerk = make.user(Role.CLERK, username="clerk_li")
    elsewhere = make.user(Role.CLERK, office=other_office)
    dealer_a = make.user(Role.DEALER_AGENT)
    dealer_b = make.user(Role.DEALER_AGENT)
    citizen = make.person(name="王建国")
    day = dt.datetime(2026, 3, 2, 10, 0)
    return {
        "clerk": clerk,
        "dealer_a": dealer_a,
        "dealer_b": dealer_b,
        "clerk_event": record(
            clerk,
            "registry.person_revealed",
            day,
            clock,
            subject=citizen,
            data={"id_number": citizen.id_number},
        ),
        "assist_event": record(clerk, "accounts.assisted_session_opened", day, clock),
        "a_event": record(dealer_a, "registry.vehicle_sold", day + dt.timedelta(days=1), clock),
        "b_event": record(dealer_b, "registry.vehicle_sold", day + dt.timedelta(days=2), clock),
        "elsewhere_event": record(elsewhere, "registry.person_revealed", day, clock),
    }


LATER = dt.datetime(2026, 3, 5, 9, 0)  # after every event of the trail fixture


def login(client, make, role, **kw):
    user = make.user(role, **kw)
    client.force_login(user)
    return user


def login_of(user) -> int:
    """The viewer's own login: itself an event of the trail (accounts.signals)."""
    return AuditEvent.objects.get(action="accounts.logged_in", actor=user).pk


def shown_ids(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-event-id="(\d+)"', response.content.decode())]


def test_supervisor_sees_the_whole_office_trail_newest_first(client, make, trail, clock):
    clock.set_now(LATER)
    supervisor = login(client, make, Role.SUPERVISOR)
    r = client.get(URL)
    assert r.status_code == 200
    assert shown_ids(r) == [
        login_of(supervisor),
        trail["b_event"].pk,
        trail["a_event"].pk,
        trail["assist_event"].pk,
        trail["clerk_event"].pk,
    ]
    html = r.content.decode()
    assert "330203********" in html  # the revealed ID number, masked
    assert trail["clerk_event"].data["id_number"] in html


def test_the_row_shows_masked_on_behalf_of_and_organisation(client, make, trail, clock):
    citizen = make.person(name="李秀英")
    clerk = trail["clerk"]
    with transaction.atomic():
        audit.record(
            actor=Actor(user=clerk, on_behalf_of=citizen), action="accounts.assisted_thing"
        )
    login(client, make, Role.SUPERVISOR)
    html = client.get(URL).content.decode()
    assert "李*英" in html
    assert "李秀英" not in html
    assert trail["dealer_a"].organisation.name in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"action": "accounts.assisted"}, ["assist_event"]),
        ({"action": "registry.vehicle_sold"}, ["b_event", "a_event"]),
        ({"actor": "CLERK_LI"}, ["assist_event", "clerk_event"]),
        ({"date_from": "2026-03-03", "date_to": "2026-03-03"}, ["a_event"]),
        ({"date_from": "2026-03-04"}, ["b_event"]),
        ({"subject_type": "registry.person"}, ["clerk_event"]),
    ],
)
def test_supervisor_filters_the_trail(client, make, trail, params, expected):
    login(client, make, Role.SUPERVISOR)
    r = client.get(URL, params)
    assert r.status_code == 200
    assert shown_ids(r) == [trail[name].pk for name in expected]


def test_supervisor_filters_by_organisation_and_subject_id(client, make, trail):
    login(client, make, Role.SUPERVISOR)
    org = trail["dealer_b"].organisation_id
    assert shown_ids(client.get(URL, {"organisation": org})) == [trail["b_event"].pk]
    subject_id = trail["clerk_event"].subject_id
    assert shown_ids(client.get(URL, {"subject_id": subject_id})) == [trail["clerk_event"].pk]


def test_a_bad_date_is_shown_beside_its_field_with_the_expected_format(client, make, trail):
    login(client, make, Role.SUPERVISOR)
    r = client.get(URL, {"date_from": "3/2/2026"}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400
    assert r.context["form"].errors == {
        "date_from": ["Enter a date as YYYY-MM-DD, for example 2026-03-01."]
    }
    assert 'id="id_date_from_error"' in r.content.decode()


def test_an_end_date_before_the_start_date_is_refused(client, make, trail):
    login(client, make, Role.SUPERVISOR)
    r = client.get(URL, {"date_from": "2026-03-05", "date_to": "2026-03-01"})
    assert r.status_code == 400
    assert list(r.context["form"].errors) == ["date_to"]


def test_the_htmx_filter_answers_with_the_trail_fragment_only(client, make, trail, clock):
    clock.set_now(LATER)
    supervisor = login(client, make, Role.SUPERVISOR)
    r = client.get(URL, {"action": "accounts."}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="trail")
    html = r.content.decode()
    assert r.status_code == 200
    assert html.lstrip().startswith('<div id="trail">')
    assert "<html" not in html
    assert shown_ids(r) == [login_of(supervisor), trail["assist_event"].pk]


def test_the_htmx_pager_answers_with_the_results_fragment(client, make, trail):
    login(client, make, Role.SUPERVISOR)
    r = client.get(URL, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="trail-results")
    assert r.content.decode().lstrip().startswith('<section id="trail-results"')


def test_the_older_events_link_walks_every_event_once(client, make, clock, monkeypatch):
    from cheguan.audit import queries

    monkeypatch.setattr(queries, "PAGE_SIZE", 3)
    clerk = make.user(Role.CLERK)
    start = dt.datetime(2026, 3, 2, 9, 0)
    events = [
        record(clerk, "registry.tested", start + dt.timedelta(minutes=i % 3), clock)
        for i in range(7)
    ]
    login(client, make, Role.SUPERVISOR)
    seen, url, pages = [], URL + "?action=registry.", 0
    while url:
        html = client.get(url).content.decode()
        seen += [int(pk) for pk in re.findall(r'data-event-id="(\d+)"', html)]
        pages += 1
        link = re.search(r'<p class="pager"><a class="button" href="([^"]+)"', html)
        url = URL + link.group(1).replace("&amp;", "&") if link else ""
    newest_first = sorted(events, key=lambda e: (e.occurred_at, e.pk), reverse=True)
    assert seen == [e.pk for e in newest_first]
    assert pages == 3


def test_a_small_page_size_walks_every_event_once(make, clock):
    from cheguan.audit import queries

    clerk = make.user(Role.CLERK)
    supervisor = make.user(Role.SUPERVISOR)
    start = dt.datetime(2026, 3, 2, 9, 0)
    events = [
        record(clerk, "registry.tested", start + dt.timedelta(minutes=i % 3), clock)
        for i in range(7)
    ]
    seen, cursor = [], ""
    while True:
        page = queries.trail_page(
            Actor(user=supervisor), queries.TrailFilters(), cursor=cursor, limit=3
        )
        seen += [e.pk for e in page.events]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    expected = sorted(events, key=lambda e: (e.occurred_at, e.pk), reverse=True)
    assert seen == [e.pk for e in expected]


def test_a_forged_cursor_is_an_error_not_a_crash(client, make, trail):
    login(client, make, Role.SUPERVISOR)
    r = client.get(URL, {"cursor": "not-a-cursor"}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400
    assert "The page cursor is not valid" in r.content.decode()


def test_a_partner_sees_only_its_own_organisation(client, trail, clock):
    clock.set_now(LATER)
    client.force_login(trail["dealer_a"])
    own = [login_of(trail["dealer_a"]), trail["a_event"].pk]
    r = client.get(URL)
    assert r.status_code == 200
    assert shown_ids(r) == own
    assert "organisation" not in r.context["form"].fields
    # Asking for another organisation's events finds nothing.
    other = trail["dealer_b"].organisation_id
    assert shown_ids(client.get(URL, {"organisation": other})) == own


def test_admin_sees_the_office_trail(client, make, trail):
    login(client, make, Role.ADMIN)
    assert len(shown_ids(client.get(URL))) == 5  # the 4 of the office, and the admin's login


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.CLERK, Role.INSPECTOR, Role.EXAMINER])
def test_other_roles_get_the_permission_error_page(client, make, trail, role):
    login(client, make, role)
    before = AuditEvent.objects.count()
    r = client.get(URL)
    assert r.status_code == 403
    assert "core.permission_denied" in r.content.decode()
    assert AuditEvent.objects.count() == before  # reading records nothing


def test_anonymous_visitors_are_sent_to_log_in(client):
    r = client.get(URL)
    assert r.status_code == 302
    assert r["Location"].startswith("/accounts/login/")


def test_a_nul_character_in_a_filter_is_refused_not_a_crash(client, make, trail):
    """Refused at the door (cheguan.core.input_guard) before the page's form sees it."""
    login(client, make, Role.SUPERVISOR)
    r = client.get(URL, {"action": "registry\x00"})
    assert r.status_code == 400
    assert "core.nul_character" in r.content.decode()
    assert "<code>action</code>" in r.content.decode()
