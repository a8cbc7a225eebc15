"""Idempotency-Key on API POSTs, tried on a real creating endpoint: POST /api/accounts/tokens."""

import datetime as dt
import json
import threading
import urllib.error
import urllib.request
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.http import StreamingHttpResponse
from django.test import Client

from cheguan.accounts import services
from cheguan.accounts.models import ApiToken
from cheguan.accounts.services import TOKEN_NAME_REQUIRED
from cheguan.core.actor import Actor
from cheguan.core.idempotency import IdempotencyMiddleware
from cheguan.core.models import IdempotencyRecord
from cheguan.core.roles import Role
from cheguan.core.tasks import purge_old_idempotency_records

TOKENS = "/api/accounts/tokens"
T0 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def partner(make, client):
    user = make.user(Role.DEALER_AGENT)
    client.force_login(user)
    return user


def _create(client, name="ERP", key="key-1", **extra):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(TOKENS, {"name": name}, content_type="application/json", **headers, **extra)


def _created(partner) -> int:
    return ApiToken.objects.filter(user=partner).count()


@pytest.mark.django_db
def test_a_repeat_returns_the_first_answer_byte_for_byte_and_creates_nothing(partner, client):
    first = _create(client)
    again = _create(client)
    third = _create(client)

    assert first.status_code == again.status_code == third.status_code == 201
    assert again.content == first.content == third.content
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert _created(partner) == 1


@pytest.mark.django_db
def test_the_same_key_with_a_different_body_is_refused(partner, client):
    _create(client, name="ERP")

    r = _create(client, name="other", HTTP_ACCEPT_LANGUAGE="en")

    assert r.status_code == 422
    assert r.json()["code"] == "core.idempotency_key_reused"
    assert _created(partner) == 1


@pytest.mark.django_db
def test_a_4xx_answer_is_replayed_too(partner, client):
    first = _create(client, name="   ")
    again = _create(client, name="   ")

    assert first.status_code == again.status_code == 400
    assert again.content == first.content and again["Idempotent-Replayed"] == "true"


@pytest.mark.django_db
def test_keys_are_scoped_per_sender(partner, make, client):
    other = Client()
    other.force_login(make.user(Role.DEALER_AGENT))
    _token, secret = services.create_api_token(actor=Actor(user=partner), name="system")
    partner_system = Client()

    mine = _create(client)
    theirs = _create(other)
    by_token = _create(partner_system, HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert mine.status_code == theirs.status_code == by_token.status_code == 201
    assert len({mine.json()["id"], theirs.json()["id"], by_token.json()["id"]}) == 3


@pytest.mark.django_db
def test_a_server_error_leaves_no_record_so_the_retry_runs(partner, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(partner)
    real = services.create_api_token
    calls = []

    def fails_once(**kw):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database went away")
        return real(**kw)

    monkeypatch.setattr(services, "create_api_token", fails_once)

    failed = _create(client)
    assert failed.status_code == 500
    assert not IdempotencyRecord.objects.exists()
    retried = _create(client)

    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried
    assert _created(partner) == 1


@pytest.mark.django_db
def test_a_repeat_while_the_first_is_running_is_409_in_progress(partner, client, monkeypatch):
    real = services.create_api_token
    seen = {}

    def with_impatient_retry(**kw):
        seen["retry"] = _create(client)  # arrives while the first is still inside its handler
        return real(**kw)

    monkeypatch.setattr(services, "create_api_token", with_impatient_retry)

    first = _create(client)

    assert first.status_code == 201
    assert (seen["retry"].status_code, seen["retry"].json()["code"]) == (
        409,
        "core.idempotency_in_progress",
    )
    assert _created(partner) == 1


@pytest.mark.django_db
def test_authentication_and_csrf_failures_are_not_stored(partner):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(partner)
    browser.get("/")  # a page with a form sets the CSRF cookie

    refused = _create(browser)
    accepted = _create(browser, HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value)
    bad_token = _create(Client(), HTTP_AUTHORIZATION="Bearer cg_12345678_nope")

    assert (refused.status_code, accepted.status_code, bad_token.status_code) == (403, 201, 401)
    assert IdempotencyRecord.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "x" * 256, "with space", "键"])
def test_a_malformed_key_is_refused(partner, client, key):
    r = _create(client, key=key)

    assert (r.status_code, r.json()["code"]) == (422, "core.idempotency_key_invalid")
    assert _created(partner) == 0


@pytest.mark.django_db
def test_the_stored_answer_keeps_no_secret_readable(partner, client):
    r = _create(client, key="k-secret")

    record = IdempotencyRecord.objects.get()
    secret = r.json()["secret"].encode()
    assert secret not in bytes(record.response_body)
    assert b"k-secret" not in record.key.encode() and len(record.key) == 64


@pytest.mark.django_db
def test_an_answer_is_kept_for_24_hours_then_forgotten(partner, client, clock):
    clock.set_now(T0)
    first = _create(client)
    clock.set_now(T0 + dt.timedelta(hours=23))
    assert _create(client).content == first.content

    clock.set_now(T0 + dt.timedelta(hours=25))
    assert purge_old_idempotency_records.enqueue().return_value == 1
    fresh = _create(client)

    assert fresh.status_code == 201 and fresh.json()["id"] != first.json()["id"]


@pytest.mark.django_db
def test_an_unfinished_record_no_request_holds_is_taken_over_at_once(partner, client, clock):
    # What a worker killed inside its transaction leaves: the committed claim, nothing else
    # (its token and its answer were rolled back with the transaction).
    clock.set_now(T0)
    _create(client)
    ApiToken.objects.filter(user=partner).delete()
    IdempotencyRecord.objects.update(completed=False, status_code=None, response_body=None)

    clock.set_now(T0 + dt.timedelta(seconds=1))
    retried = _create(client)
    again = _create(client)

    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried
    assert again.content == retried.content and again["Idempotent-Replayed"] == "true"
    assert _created(partner) == 1 and IdempotencyRecord.objects.get().completed


@pytest.mark.django_db
def test_a_server_error_after_the_write_rolls_it_back_so_the_retry_creates_it_once(
    partner, monkeypatch
):
    client = Client(raise_request_exception=False)
    client.force_login(partner)
    real = services.create_api_token
    calls = []

    def fails_after_writing(**kw):
        created = real(**kw)
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the worker broke after the token was written")
        return created

    monkeypatch.setattr(services, "create_api_token", fails_after_writing)

    failed = _create(client)
    assert failed.status_code == 500
    assert _created(partner) == 0 and not IdempotencyRecord.objects.exists()
    retried = _create(client)

    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried
    assert _created(partner) == 1


@pytest.mark.django_db
def test_a_domain_error_rolls_back_its_own_service_and_is_stored_as_the_answer(
    partner, client, monkeypatch
):
    real = services.create_api_token

    @transaction.atomic
    def refuses_after_writing(**kw):
        real(**kw)
        raise TOKEN_NAME_REQUIRED(field="name")

    monkeypatch.setattr(services, "create_api_token", refuses_after_writing)

    first = _create(client)
    again = _create(client)

    assert (first.status_code, first.json()["code"]) == (400, TOKEN_NAME_REQUIRED.code)
    assert again.content == first.content and again["Idempotent-Replayed"] == "true"
    assert _created(partner) == 0 and IdempotencyRecord.objects.get().completed


@pytest.mark.django_db
def test_the_same_key_with_a_different_body_is_refused_while_the_first_runs(
    partner, client, monkeypatch
):
    real = services.create_api_token
    seen = {}

    def with_another_body(**kw):
        seen["other"] = _create(client, name="other")  # while the first is in its handler
        return real(**kw)

    monkeypatch.setattr(services, "create_api_token", with_another_body)

    first = _create(client, name="ERP")

    assert first.status_code == 201
    assert (seen["other"].status_code, seen["other"].json()["code"]) == (
        422,
        "core.idempotency_key_reused",
    )
    assert _created(partner) == 1


@pytest.mark.django_db(transaction=True)
def test_on_commit_side_effects_run_once_after_the_answer_is_stored(partner, client, monkeypatch):
    real = services.create_api_token
    seen: list[bool] = []

    def with_a_side_effect(**kw):
        created = real(**kw)
        transaction.on_commit(
            lambda: seen.append(IdempotencyRecord.objects.get().completed)  # a fresh read
        )
        return created

    monkeypatch.setattr(services, "create_api_token", with_a_side_effect)

    _create(client)
    _create(client)

    assert seen == [True]  # once, and only after the answer was committed with the token


@pytest.mark.django_db
def test_a_streaming_answer_keeps_its_work_but_is_not_stored(partner, rf):
    def streams_after_writing(request):
        services.create_api_token(actor=Actor(user=partner), name="stream")
        return StreamingHttpResponse(iter([b"a", b"b"]), status=201)

    middleware = IdempotencyMiddleware(streams_after_writing)

    def post():
        return middleware(rf.post(TOKENS, b"{}", "application/json", HTTP_IDEMPOTENCY_KEY="s"))

    first, again = post(), post()

    assert b"".join(first.streaming_content) == b"ab" and again.status_code == 201
    assert ApiToken.objects.filter(name="stream").count() == 2  # it cannot be replayed: re-run
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.django_db
def test_gets_and_posts_without_a_key_are_untouched(partner, client):
    _create(client, key=None)
    _create(client, key=None)
    client.get("/api/accounts/tokens", HTTP_IDEMPOTENCY_KEY="k")

    assert _created(partner) == 2 and not IdempotencyRecord.objects.exists()


# --- real concurrent clients (PostgreSQL) ----------------------------------------------------


@pytest.mark.pg_only
@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_repeats_create_exactly_one_token(make, live_server):
    user = make.user(Role.DEALER_AGENT)
    _token, secret = services.create_api_token(actor=Actor(user=user), name="auth")
    body = json.dumps({"name": "raced"}).encode()
    start = threading.Barrier(8)
    answers: list[tuple[int, bytes]] = []
    lock = threading.Lock()

    def send():
        request = urllib.request.Request(  # noqa: S310 (our live server, http)
            live_server.url + TOKENS,
            data=body,
            method="POST",
            headers={
                "Authorization": f"Bearer {secret}",
                "Content-Type": "application/json",
                "Idempotency-Key": "race-1",
            },
        )
        start.wait()
        try:
            with urllib.request.urlopen(request, timeout=30) as r:  # noqa: S310 (our live server)
                answer = (r.status, r.read())
        except urllib.error.HTTPError as e:
            answer = (e.code, e.read())
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=send) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    statuses = sorted(status for status, _ in answers)
    created = [content for status, content in answers if status == 201]
    assert len(answers) == 8 and set(statuses) <= {201, 409}, statuses
    assert len(set(created)) == 1  # the first answer, and replays of it byte for byte
    for status, content in answers:
        if status == 409:
            assert json.loads(content)["code"] == "core.idempotency_in_progress"
    assert ApiToken.objects.filter(user=user, name="raced").count() == 1
