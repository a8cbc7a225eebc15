"""Elder mode (关怀模式): switched on the home page or in the header, remembered."""

from __future__ import annotations

import pytest

from cheguan.core.roles import Role
from cheguan.web.middleware import ELDER_COOKIE

pytestmark = pytest.mark.django_db


def body_class(response) -> str:
    html = response.content.decode()
    start = html.index("<body")
    return html[start : html.index(">", start)]


def test_switching_on_sets_the_cookie_saves_the_profile_and_returns(client, make):
    user = make.user(Role.CITIZEN)
    client.force_login(user)
    r = client.post("/settings/elder-mode/", {"elder_mode": "1", "next": "/"})
    assert (r.status_code, r["Location"]) == (302, "/")
    assert r.cookies[ELDER_COOKIE].value == "1"
    user.refresh_from_db()
    assert user.elder_mode is True
    assert 'class="elder"' in body_class(client.get("/"))


def test_the_profile_setting_follows_the_user_to_a_new_device(client, make):
    user = make.user(Role.CITIZEN, elder_mode=True)
    client.force_login(user)
    assert 'class="elder"' in body_class(client.get("/"))


def test_switching_off_is_remembered_too(client, make):
    user = make.user(Role.CITIZEN, elder_mode=True)
    client.force_login(user)
    client.post("/settings/elder-mode/", {"elder_mode": "0", "next": "/"})
    user.refresh_from_db()
    assert user.elder_mode is False
    assert 'class=""' in body_class(client.get("/"))


def test_an_anonymous_visitor_is_remembered_by_cookie(client):
    client.post("/settings/elder-mode/", {"elder_mode": "1", "next": "/"})
    assert 'class="elder"' in body_class(client.get("/"))


def test_the_return_address_must_be_on_this_site(client):
    r = client.post("/settings/elder-mode/", {"elder_mode": "1", "next": "https://evil.example/"})
    assert r["Location"] == "/"


def test_the_switch_is_in_the_header_of_every_page(client, make):
    client.force_login(make.user(Role.SUPERVISOR))
    html = client.get("/audit/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    header = html[html.index('<header class="site">') : html.index("</header>")]
    assert 'action="/settings/elder-mode/"' in header
    assert 'name="elder_mode" value="1"' in header


def test_the_profile_change_is_a_recorded_write_and_a_repeat_records_nothing(client, make):
    from cheguan.audit.models import AuditEvent

    user = make.user(Role.CITIZEN)
    client.force_login(user)
    client.post("/settings/elder-mode/", {"elder_mode": "1", "next": "/"})
    client.post("/settings/elder-mode/", {"elder_mode": "1", "next": "/"})
    events = list(AuditEvent.objects.filter(action="web.elder_mode_set"))
    assert [(e.actor_id, e.subject_id, e.data) for e in events] == [
        (user.pk, str(user.pk), {"on": True})
    ]
