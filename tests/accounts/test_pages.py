"""Account pages: log in (with lockout), log out, change password, the help desk."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import check_password

from cheguan.accounts.models import AssistedSession, AssistedSessionEnd
from cheguan.audit.models import AuditEvent
from cheguan.core.roles import Role
from tests.accounts.conftest import START
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, username, password=PASSWORD, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


# --- log in, lockout ------------------------------------------------------------------------


def test_the_login_page_renders_in_chinese_by_default_and_in_english(client):
    zh = client.get("/accounts/login/")
    en = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")

    assert zh.status_code == en.status_code == 200
    assert 'name="username"' in zh.content.decode()
    assert "Log in" in en.content.decode()


def test_logging_in_goes_home_and_a_wrong_password_says_what_to_check(make, client):
    user = make.user(Role.CITIZEN)

    wrong = _login(client, user.username, "not-it", HTTP_ACCEPT_LANGUAGE="en")
    right = _login(client, user.username)

    assert wrong.status_code == 200
    assert "after 5 failures the account is locked for 30 minutes" in wrong.content.decode()
    assert right.status_code == 302 and right["Location"] == "/"
    assert client.get("/api/accounts/me").json()["username"] == user.username


def test_an_empty_user_name_is_flagged_beside_the_field(client):
    r = client.post("/accounts/login/", {"username": "", "password": "x"})

    html = r.content.decode()
    assert 'aria-invalid="true" aria-describedby="id_username-error"' in html
    assert 'id="id_username-error"' in html


def test_five_wrong_passwords_lock_the_user_name_for_30_minutes(make, client):
    user = make.user(Role.CITIZEN)
    bystander = make.user(Role.CITIZEN)

    answers = [_login(client, user.username, "wrong").status_code for _ in range(5)]
    locked = _login(client, user.username, HTTP_ACCEPT_LANGUAGE="en")

    assert answers == [200, 200, 200, 200, 429]
    assert locked.status_code == 429
    assert "This account is locked for 30 minutes" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # Per user name, not per address: another citizen at the same kiosk still gets in.
    assert _login(client, bystander.username).status_code == 302


def test_the_lock_lifts_after_30_minutes(make, client):
    user = make.user(Role.CITIZEN)
    for _ in range(5):
        _login(client, user.username, "wrong")
    assert _login(client, user.username).status_code == 429

    # axes reads Django's clock, not ours: age the recorded failures instead.
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=31))

    assert _login(client, user.username).status_code == 302


def test_argon2_hashes_new_passwords(settings, make):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]

    user = make.user(Role.CITIZEN)

    assert user.password.startswith("argon2$")


# --- log out, password ------------------------------------------------------------------------


def test_logging_out_ends_the_clerks_assisted_session(desk, client):
    client.force_login(desk.clerk)
    client.post(
        "/accounts/assisted/",
        {"id_number": desk.citizen.id_number, "consent_method": "signed", "scope": "cases"},
    )

    r = client.post("/accounts/logout/")

    assert r.status_code == 302
    session = AssistedSession.objects.get()
    assert session.end_reason == AssistedSessionEnd.BY_CLERK
    assert client.get("/api/accounts/me").status_code == 401


def test_changing_the_password_is_audited_and_keeps_the_session(make, client):
    user = make.user(Role.CITIZEN)
    client.force_login(user)

    r = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "quiet-harbour-7421",
            "new_password2": "quiet-harbour-7421",
        },
    )

    assert (r.status_code, r["Location"]) == (302, "/accounts/password/done/")
    user.refresh_from_db()
    assert check_password("quiet-harbour-7421", user.password)
    event = AuditEvent.objects.get(action="accounts.password_changed")
    assert (event.actor, event.on_behalf_of, event.data) == (user, None, {})
    assert client.get("/api/accounts/me").status_code == 200


def test_a_wrong_old_password_is_shown_beside_the_field(make, client):
    user = make.user(Role.CITIZEN)
    client.force_login(user)

    r = client.post(
        "/accounts/password/",
        {"old_password": "nope", "new_password1": "a-b-c-d-1234", "new_password2": "a-b-c-d-1234"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert r.status_code == 200
    assert 'id="id_old_password-error"' in r.content.decode()
    assert not AuditEvent.objects.filter(action="accounts.password_changed").exists()


# --- the help desk ------------------------------------------------------------------------------


def test_the_clerk_lands_on_the_citizen_page_after_opening(desk, client):
    client.force_login(desk.clerk)

    r = client.post(
        "/accounts/assisted/",
        {"id_number": desk.citizen.id_number, "consent_method": "signed", "scope": "cases"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    html = r.content.decode()
    assert r.redirect_chain == [("/accounts/assisted/current/", 302)]
    assert "王*国" in html and desk.citizen.masked_id_number in html
    assert desk.citizen.id_number not in html and "王建国" not in html
    assert "68 years" in html and "Yes: offer elder mode and priority service" in html
    assert 'href="/registry/my/vehicles/"' in html
    assert 'action="/accounts/assisted/end/"' in html


def test_a_younger_citizen_is_not_flagged_elderly(desk, make, client):
    young = make.person(office_obj=desk.office, birth=dt.date(1990, 6, 1))
    client.force_login(desk.clerk)
    client.post(
        "/accounts/assisted/",
        {"id_number": young.id_number, "consent_method": "signed", "scope": "cases"},
    )

    html = client.get("/accounts/assisted/current/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "36 years" in html and "Yes: offer elder mode" not in html


def test_errors_are_shown_beside_the_fields(desk, client):
    client.force_login(desk.clerk)

    r = client.post("/accounts/assisted/", {"id_number": "", "consent_method": ""})

    html = r.content.decode()
    assert r.status_code == 400
    assert 'id="id_number-error"' in html and 'id="consent_method-error"' in html
    assert "同意方式" in html
    assert not AssistedSession.objects.exists()


def test_the_citizen_page_without_a_session_sends_the_clerk_to_start_one(desk, client):
    client.force_login(desk.clerk)

    r = client.get("/accounts/assisted/current/")

    assert (r.status_code, r["Location"]) == (302, "/accounts/assisted/")


def test_after_idling_out_the_start_page_says_so(desk, client, clock):
    client.force_login(desk.clerk)
    client.post(
        "/accounts/assisted/",
        {"id_number": desk.citizen.id_number, "consent_method": "signed", "scope": "cases"},
    )
    clock.set_now(START + dt.timedelta(minutes=45))

    html = client.get("/accounts/assisted/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "ended at 10:30 after 30 minutes without activity" in html
    assert "Assisted service: you are acting for" not in html


def test_ending_from_the_page_returns_to_the_start_page(desk, client):
    client.force_login(desk.clerk)
    client.post(
        "/accounts/assisted/",
        {"id_number": desk.citizen.id_number, "consent_method": "signed", "scope": "cases"},
    )

    r = client.post("/accounts/assisted/end/")

    assert (r.status_code, r["Location"]) == (302, "/accounts/assisted/")
    assert AssistedSession.objects.get().end_reason == AssistedSessionEnd.BY_CLERK


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.SUPERVISOR, Role.SCRAPYARD_AGENT])
def test_the_help_desk_is_refused_to_other_roles(make, client, role):
    client.force_login(make.user(role))

    start = client.get("/accounts/assisted/")
    current = client.get("/accounts/assisted/current/")

    assert start.status_code == current.status_code == 403
    assert "core.permission_denied" in start.content.decode()


def test_the_help_desk_asks_anonymous_visitors_to_log_in(client):
    r = client.get("/accounts/assisted/")

    assert (r.status_code, r["Location"]) == (302, "/accounts/login/?next=/accounts/assisted/")
