"""/api/accounts/: me, assisted sessions, API tokens."""

import datetime as dt

import pytest
from django.test import Client

from cheguan.accounts.models import ApiToken, AssistedSession
from cheguan.audit.models import AuditEvent
from cheguan.core.roles import Role
from tests.accounts.conftest import START, api_json

pytestmark = pytest.mark.django_db


def _bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _post(client, path, body=None, **extra):
    return client.post(path, body or {}, content_type="application/json", **extra)


def _new_token(client, name="dealer ERP") -> dict:
    r = _post(client, "/api/accounts/tokens", {"name": name})
    assert r.status_code == 201, r.content
    return r.json()


# --- me ---------------------------------------------------------------------------------------


def test_me_for_a_citizen_shows_their_own_record_masked(make, client):
    user = make.user(Role.CITIZEN)
    client.force_login(user)

    body = api_json(client.get("/api/accounts/me"))

    person = user.person
    assert body["role"] == "citizen" and body["organisation"] is None
    assert body["office"] == {"code": "330200", "name": "宁波市车管所", "plate_prefix": "浙B"}
    assert body["person"]["masked_id_number"] == person.masked_id_number
    assert person.id_number not in str(body) and person.name not in str(body)
    assert body["assisted_session"] is None and body["elder_mode"] is False


def test_me_for_a_partner_names_the_organisation(make, client):
    user = make.user(Role.DEALER_AGENT)
    client.force_login(user)

    body = api_json(client.get("/api/accounts/me"))

    org = user.organisation
    assert body["organisation"] == {"id": org.pk, "name": org.name, "kind": "dealer"}
    assert body["person"] is None


def test_me_for_an_assisting_clerk_shows_the_citizen_masked(desk, client):
    client.force_login(desk.clerk)
    _post(
        client,
        "/api/accounts/assisted-sessions",
        {"id_number": desk.citizen.id_number, "consent_method": "signed"},
    )

    body = api_json(client.get("/api/accounts/me"))

    session = body["assisted_session"]
    assert session["citizen"] == {
        "masked_name": "王*国",
        "masked_id_number": desk.citizen.masked_id_number,
        "age": 68,
        "elderly": True,
    }
    assert session["consent_method"] == "signed" and session["ended_at"] is None
    assert desk.citizen.id_number not in str(body)


def test_me_without_login_is_401_not_authenticated(client):
    r = client.get("/api/accounts/me")

    assert r.status_code == 401
    assert r.json()["code"] == "core.not_authenticated"
    assert r["WWW-Authenticate"] == 'Bearer realm="cheguan"'


# --- assisted sessions --------------------------------------------------------------------------


def test_a_clerk_opens_reads_and_ends_an_assisted_session(desk, client, clock):
    client.force_login(desk.clerk)

    opened = _post(
        client,
        "/api/accounts/assisted-sessions",
        {"id_number": desk.citizen.id_number, "consent_method": "signed", "consent_note": "表12"},
    )
    clock.set_now(START + dt.timedelta(minutes=3))
    current = client.get("/api/accounts/assisted-sessions/current")
    ended = _post(client, "/api/accounts/assisted-sessions/end")
    after = client.get("/api/accounts/assisted-sessions/current")

    assert opened.status_code == 201 and current.status_code == 200 and ended.status_code == 200
    assert opened.json()["id"] == current.json()["id"] == ended.json()["id"]
    assert current.json()["last_activity_at"] == "2026-11-23T02:03:00Z"
    assert ended.json()["end_reason"] == "by_clerk"
    assert (after.status_code, after.json()["code"]) == (404, "accounts.no_assisted_session")


def test_opening_without_consent_is_refused_beside_the_field(desk, client):
    client.force_login(desk.clerk)

    r = _post(client, "/api/accounts/assisted-sessions", {"id_number": desk.citizen.id_number})

    assert r.status_code == 400
    assert r.json() == {
        "code": "accounts.consent_required",
        "message": "开始帮办前必须记录群众的同意方式，可选：群众在窗口屏幕上点选同意；"
        "口头同意，由另一名窗口工作人员见证；在同意书上签字。",
        "field": "consent_method",
    }
    assert not AssistedSession.objects.exists()


def test_opening_for_a_person_of_another_office_is_not_found(desk, make, other_office, client):
    stranger = make.person(office_obj=other_office)
    client.force_login(desk.clerk)

    r = _post(
        client,
        "/api/accounts/assisted-sessions",
        {"id_number": stranger.id_number, "consent_method": "signed"},
    )

    assert (r.status_code, r.json()["code"], r.json()["field"]) == (
        404,
        "accounts.citizen_not_found",
        "id_number",
    )


@pytest.mark.parametrize(
    "role",
    [Role.CITIZEN, Role.SUPERVISOR, Role.SCRAPYARD_AGENT, Role.DRIVING_SCHOOL_AGENT, Role.ADMIN],
)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/accounts/assisted-sessions"),
        ("post", "/api/accounts/assisted-sessions/confirm"),
        ("post", "/api/accounts/assisted-sessions/end"),
        ("get", "/api/accounts/assisted-sessions/current"),
    ],
)
def test_assisted_endpoints_are_for_those_who_act_for_citizens(
    desk, make, client, role, method, path
):
    client.force_login(make.user(role))
    body = {"id_number": desk.citizen.id_number, "consent_method": "signed", "code": "123456"}

    r = _post(client, path, body) if method == "post" else client.get(path)

    assert (r.status_code, r.json()["code"]) == (403, "core.permission_denied")


# --- API tokens ------------------------------------------------------------------------------


def test_a_new_token_shows_its_secret_once_and_only_its_hash_is_kept(make, client):
    client.force_login(make.user(Role.DEALER_AGENT))

    created = _new_token(client)
    listed = api_json(client.get("/api/accounts/tokens"))

    secret = created["secret"]
    assert secret.startswith(f"cg_{created['prefix']}_") and len(secret) > 40
    assert listed == [{k: v for k, v in created.items() if k != "secret"}]
    row = ApiToken.objects.get()
    assert secret not in str(row.__dict__) and secret.split("_", 2)[2] not in row.secret_hash
    event = AuditEvent.objects.get(action="accounts.api_token_created")
    assert event.data == {"token_name": "dealer ERP", "prefix": created["prefix"]}


def test_a_bearer_token_authenticates_without_a_session_or_csrf(make, client):
    user = make.user(Role.SCRAPYARD_AGENT)
    client.force_login(user)
    secret = _new_token(client)["secret"]
    partner_system = Client(enforce_csrf_checks=True)

    me = partner_system.get("/api/accounts/me", **_bearer(secret))
    created = _post(partner_system, "/api/accounts/tokens", {"name": "second"}, **_bearer(secret))

    assert me.status_code == 200 and me.json()["username"] == user.username
    assert created.status_code == 201
    assert ApiToken.objects.get(pk=created.json()["id"]).user == user


def test_a_session_post_without_csrf_token_is_refused(make):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(make.user(Role.DEALER_AGENT))

    r = _post(browser, "/api/accounts/tokens", {"name": "x"})

    assert (r.status_code, r.json()["code"]) == (403, "core.csrf_failed")
    assert not ApiToken.objects.exists()


def test_a_revoked_token_stops_working_at_once(make, client):
    client.force_login(make.user(Role.DEALER_AGENT))
    token = _new_token(client)
    partner_system = Client()
    assert partner_system.get("/api/accounts/me", **_bearer(token["secret"])).status_code == 200

    revoked = _post(client, f"/api/accounts/tokens/{token['id']}/revoke")
    after = partner_system.get("/api/accounts/me", **_bearer(token["secret"]))

    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    assert (after.status_code, after.json()["code"]) == (401, "core.not_authenticated")
    assert AuditEvent.objects.filter(action="accounts.api_token_revoked").count() == 1


def test_a_token_can_revoke_itself_and_revoking_twice_changes_nothing(make, client):
    client.force_login(make.user(Role.DEALER_AGENT))
    token = _new_token(client)
    path = f"/api/accounts/tokens/{token['id']}/revoke"

    first = _post(Client(), path, **_bearer(token["secret"]))
    second = _post(client, path)

    assert first.status_code == 200 and second.status_code == 200
    assert first.json()["revoked_at"] == second.json()["revoked_at"]
    assert AuditEvent.objects.filter(action="accounts.api_token_revoked").count() == 1


def test_another_users_token_is_not_found_and_keeps_working(make, client):
    owner_client = Client()
    owner_client.force_login(make.user(Role.DEALER_AGENT))
    token = _new_token(owner_client)
    client.force_login(make.user(Role.DEALER_AGENT))

    r = _post(client, f"/api/accounts/tokens/{token['id']}/revoke")

    assert (r.status_code, r.json()["code"]) == (404, "core.not_found")
    assert api_json(client.get("/api/accounts/tokens")) == []
    assert Client().get("/api/accounts/me", **_bearer(token["secret"])).status_code == 200


@pytest.mark.parametrize(
    "secret",
    ["", "cg_", "cg_zzzzzzzz_abc", "cg_0000000_x", "nonsense", "cg_12345678_" + "a" * 43],
)
def test_a_malformed_or_unknown_token_is_401(make, secret):
    r = Client().get("/api/accounts/me", **_bearer(secret))

    assert (r.status_code, r.json()["code"]) == (401, "core.not_authenticated")


def test_the_token_of_a_deactivated_user_stops_working(make, client):
    user = make.user(Role.DEALER_AGENT)
    client.force_login(user)
    secret = _new_token(client)["secret"]
    user.is_active = False
    user.save()

    r = Client().get("/api/accounts/me", **_bearer(secret))

    assert r.status_code == 401


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.CLERK, Role.SUPERVISOR, Role.INSPECTOR])
def test_tokens_are_for_partner_systems_and_admins_only(make, client, role):
    client.force_login(make.user(role))

    created = _post(client, "/api/accounts/tokens", {"name": "x"})
    listed = client.get("/api/accounts/tokens")

    assert (created.status_code, created.json()["code"]) == (403, "core.permission_denied")
    assert listed.status_code == 403
    assert not ApiToken.objects.exists()


def test_a_blank_token_name_is_refused_with_what_is_expected(make, client):
    client.force_login(make.user(Role.ADMIN))

    r = _post(client, "/api/accounts/tokens", {"name": "   "}, HTTP_ACCEPT_LANGUAGE="en")

    assert r.status_code == 400
    assert r.json() == {
        "code": "accounts.token_name_required",
        "message": "Give the token a name of 1 to 60 characters, e.g. the system that uses it.",
        "field": "name",
    }
