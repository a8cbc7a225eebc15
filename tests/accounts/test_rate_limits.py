"""Request rates (django-ratelimit over Django's cache): the API per account and per client
address, and the login form per user name and per address.

The rates are tiny settings overrides; the library's clock is frozen at a fixed instant so
no test can straddle a window's end, and every test starts with an empty cache
(tests/conftest.py).
"""

from __future__ import annotations

import types

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django_ratelimit import core as ratelimit_core

from cheguan.accounts import services
from cheguan.core.actor import Actor
from cheguan.core.rate_limits import RATE_LIMITED
from cheguan.core.roles import Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NOW = 1_800_000_000  # the rate windows' clock, frozen


@pytest.fixture(autouse=True)
def frozen_windows(monkeypatch):
    monkeypatch.setattr(ratelimit_core, "time", types.SimpleNamespace(time=lambda: NOW))


def rates(settings, **values):
    settings.CHEGUAN_RATE_LIMITS = values


def window_end(key_value: str, period: int) -> int:
    return ratelimit_core._get_window(key_value, period)


def me(client, **extra):
    return client.get("/api/accounts/me", **extra)


def assert_rate_limited(response, *, period: int = 60):
    body = response.json()
    assert response.status_code == 429, body
    assert body["code"] == RATE_LIMITED.code
    assert body["field"] is None
    retry = int(response["Retry-After"])
    assert 1 <= retry <= period
    return retry


# --- the API ----------------------------------------------------------------------------------


def test_an_account_over_its_api_rate_gets_429_with_retry_after(settings, make):
    rates(settings, API_PER_ACCOUNT="3/m", API_PER_ADDRESS="100/m")
    user, other = make.user(Role.CLERK), make.user(Role.CLERK)
    client, bystander = Client(), Client()
    client.force_login(user)
    bystander.force_login(other)

    answers = [me(client).status_code for _ in range(3)]
    refused = me(client, HTTP_ACCEPT_LANGUAGE="en")

    assert answers == [200, 200, 200]
    retry = assert_rate_limited(refused)
    assert retry == window_end(f"user:{user.pk}", 60) - NOW
    assert refused.json()["message"] == (
        f"Too many requests (API calls for this account: at most 3 per minute); "
        f"try again in {retry} second{'s' if retry > 1 else ''}."
    )
    assert "请求过于频繁" in me(client).json()["message"]  # Chinese by default
    # Per account: another user at the same address is not held back.
    assert me(bystander).status_code == 200


def test_a_token_is_counted_as_one_account_from_any_address(settings, make):
    rates(settings, API_PER_ACCOUNT="2/m", API_PER_ADDRESS="100/m")
    user = make.user(Role.DEALER_AGENT)
    _token, secret = services.create_api_token(actor=Actor(user=user), name="dms")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    client = Client()

    first = me(client, REMOTE_ADDR="10.0.0.1", **auth)
    second = me(client, REMOTE_ADDR="10.0.0.2", **auth)
    third = me(client, REMOTE_ADDR="10.0.0.3", **auth)

    assert (first.status_code, second.status_code) == (200, 200)
    assert_rate_limited(third)


def test_an_address_over_its_api_rate_gets_429_whoever_calls(settings, make):
    rates(settings, API_PER_ACCOUNT="100/m", API_PER_ADDRESS="3/m")
    clients = []
    for _ in range(4):
        c = Client(REMOTE_ADDR="192.0.2.7")
        c.force_login(make.user(Role.CLERK))
        clients.append(c)
    elsewhere = Client(REMOTE_ADDR="192.0.2.8")
    elsewhere.force_login(make.user(Role.CLERK))

    answers = [me(c).status_code for c in clients[:3]]
    refused = me(clients[3])
    anonymous = Client(REMOTE_ADDR="192.0.2.7").get("/api/plates/draws")

    assert answers == [200, 200, 200]
    assert_rate_limited(refused)
    assert_rate_limited(anonymous)  # anonymous calls count by address
    assert me(elsewhere).status_code == 200


def test_behind_a_proxy_the_address_comes_from_its_header(settings, make):
    rates(settings, API_PER_ACCOUNT="100/m", API_PER_ADDRESS="2/m")
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    proxy = Client(REMOTE_ADDR="127.0.0.1")
    draws = "/api/plates/draws"

    one = [proxy.get(draws, HTTP_X_REAL_IP="203.0.113.1").status_code for _ in range(3)]
    other = proxy.get(draws, HTTP_X_REAL_IP="203.0.113.2")
    # No header (a misconfigured proxy): not counted by address, and never a server error.
    unknown = [proxy.get(draws).status_code for _ in range(3)]

    assert one == [200, 200, 429]
    assert other.status_code == 200
    assert unknown == [200, 200, 200]


def test_a_refused_request_reaches_no_handler_and_stores_no_idempotent_answer(settings, make):
    from cheguan.core.models import IdempotencyRecord

    rates(settings, API_PER_ACCOUNT="1/m", API_PER_ADDRESS="100/m")
    user = make.user(Role.DEALER_AGENT)
    client = Client()
    client.force_login(user)
    assert me(client).status_code == 200

    refused = client.post(
        "/api/accounts/tokens",
        {"name": "dms"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )

    assert_rate_limited(refused)
    assert user.api_tokens.count() == 0
    assert IdempotencyRecord.objects.count() == 0


def test_rate_limiting_can_be_switched_off(settings, make):
    rates(settings, API_PER_ACCOUNT="1/m", API_PER_ADDRESS="1/m")
    settings.RATELIMIT_ENABLE = False
    client = Client()
    client.force_login(make.user(Role.CLERK))

    assert [me(client).status_code for _ in range(3)] == [200, 200, 200]


# --- the login form -----------------------------------------------------------------------


def login(client, username, password=PASSWORD, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


def test_login_attempts_per_user_name_are_limited_before_the_password_is_checked(settings, make):
    rates(settings, LOGIN_PER_USERNAME="3/h", LOGIN_PER_ADDRESS="100/h")
    user = make.user(Role.CITIZEN)
    client = Client()

    answers = [
        login(client, user.username.upper(), "wrong", REMOTE_ADDR=f"10.1.0.{i}").status_code
        for i in range(3)
    ]
    refused = login(client, user.username, REMOTE_ADDR="10.1.0.9", HTTP_ACCEPT_LANGUAGE="en")

    assert answers == [200, 200, 200]
    assert refused.status_code == 429
    retry = int(refused["Retry-After"])
    assert retry == window_end(f"name:{user.username}", 3600) - NOW
    html = refused.content.decode()
    assert "login attempts for this user name: at most 3 per hour" in html
    assert f'value="{user.username}"' in html
    assert "_auth_user_id" not in client.session  # the right password did not get in
    # The refused attempt was not checked: axes saw only the three wrong ones.
    assert sum(AccessAttempt.objects.values_list("failures_since_start", flat=True)) == 3


def test_login_attempts_per_address_are_limited_across_user_names(settings, make):
    rates(settings, LOGIN_PER_USERNAME="100/h", LOGIN_PER_ADDRESS="3/h")
    users = [make.user(Role.CITIZEN) for _ in range(4)]
    client = Client(REMOTE_ADDR="198.51.100.4")

    answers = [login(client, u.username, "wrong").status_code for u in users[:3]]
    refused = login(client, users[3].username)
    elsewhere = login(Client(REMOTE_ADDR="198.51.100.5"), users[3].username)

    assert answers == [200, 200, 200]
    assert refused.status_code == 429
    assert "登录尝试" in refused.content.decode()  # the message, in Chinese by default
    assert elsewhere.status_code == 302


def test_the_login_page_itself_is_not_counted(settings, client):
    rates(settings, LOGIN_PER_USERNAME="1/h", LOGIN_PER_ADDRESS="1/h")

    assert [client.get("/accounts/login/").status_code for _ in range(3)] == [200, 200, 200]


# --- the cache they are counted in ----------------------------------------------------------


@pytest.mark.parametrize(
    ("backend", "debug", "expected"),
    [
        ("django.core.cache.backends.locmem.LocMemCache", True, []),
        ("django.core.cache.backends.locmem.LocMemCache", False, []),
        ("django.core.cache.backends.redis.RedisCache", False, []),
        ("django.core.cache.backends.dummy.DummyCache", True, ["cheguan.E012"]),
        ("django.core.cache.backends.db.DatabaseCache", False, ["cheguan.E012"]),
    ],
)
def test_the_cache_check_says_what_the_configured_cache_means(settings, backend, debug, expected):
    from cheguan.core.rate_limits import check_rate_limit_cache

    settings.CACHES = {"default": {"BACKEND": backend}}
    settings.DEBUG = debug

    assert [p.id for p in check_rate_limit_cache(None)] == expected
