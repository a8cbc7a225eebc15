"""Idempotency-Key with two live requests for the same key, staged with real threads.

Each request runs in its own thread with its own database connection (Django's test client,
one per thread). A request is paused at a chosen point — inside its view, with its
transaction open, or between its claim and its transaction — while the repeat runs.

On SQLite the test database is in memory with a shared cache, where a second connection
gets "database table is locked" at once instead of waiting on the busy timeout as Cheguan's
real (file, WAL) database does; the threads therefore use a file copy of it, copied back
afterwards (:func:`_threads_on_a_file`, as in ``tests/plates/test_draw_concurrency.py``).
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time

import pytest
from django.db import connection
from django.test import Client

from cheguan.accounts import services
from cheguan.accounts.models import ApiToken
from cheguan.core import idempotency
from cheguan.core.roles import Role

TOKENS = "/api/accounts/tokens"
WAIT = 30  # seconds before a stuck thread fails the test (never reached when it works)

pytestmark = pytest.mark.django_db(transaction=True)


@contextlib.contextmanager
def _threads_on_a_file(directory):
    """On SQLite's in-memory test database: connections opened meanwhile (the threads') use
    a file copy of it, whose contents are copied back afterwards. The main thread must not
    use the database inside the block. Nothing to do on PostgreSQL."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    connection.ensure_connection()
    memory = connection.connection
    path = directory / "threads.sqlite3"
    with contextlib.closing(sqlite3.connect(path)) as disk:
        memory.backup(disk)
        disk.execute("PRAGMA journal_mode=WAL")
    shared = connection.settings_dict  # what every thread's connection is built from
    name = shared["NAME"]
    shared["NAME"] = str(path)
    try:
        yield
    finally:
        shared["NAME"] = name
        with contextlib.closing(sqlite3.connect(path)) as disk:
            disk.backup(memory)


def _in_thread(name: str, fn, outcome: dict) -> threading.Thread:
    def run():
        try:
            outcome[name] = fn()
        except BaseException as exc:  # inspected by the test
            outcome[name] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run, name=name)
    thread.start()
    return thread


def _create(client: Client, key: str = "same-key"):
    return client.post(
        TOKENS, {"name": "ERP"}, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
    )


@pytest.fixture
def two_clients(make):
    """Two connections of one partner (the same sender, so the same key space)."""
    user = make.user(Role.DEALER_AGENT)
    clients = Client(), Client()
    for c in clients:
        c.force_login(user)
    return user, clients


@pytest.fixture
def first_held_in_its_view(monkeypatch):
    """The request made in the thread named "first" stops inside its handler, its token
    written and its transaction open, until ``release`` is set."""
    inside, release = threading.Event(), threading.Event()
    real = services.create_api_token

    def held(**kw):
        created = real(**kw)
        if threading.current_thread().name == "first":
            inside.set()
            assert release.wait(WAIT)
        return created

    monkeypatch.setattr(services, "create_api_token", held)
    yield inside, release
    release.set()


@pytest.mark.pg_only(reason="row locks: SKIP LOCKED tells a running request from a dead one")
def test_a_repeat_while_the_first_holds_its_record_is_409_at_once(
    two_clients, first_held_in_its_view
):
    user, (a, b) = two_clients
    inside, release = first_held_in_its_view
    outcome: dict = {}

    first = _in_thread("first", lambda: _create(a), outcome)
    assert inside.wait(WAIT)
    repeat = _in_thread("repeat", lambda: _create(b), outcome)
    repeat.join(WAIT)
    assert not repeat.is_alive(), "the repeat waited for the first instead of answering"
    release.set()
    first.join(WAIT)
    after = _create(b)

    r = outcome["repeat"]
    assert (r.status_code, r.json()["code"]) == (409, "core.idempotency_in_progress")
    assert outcome["first"].status_code == 201
    assert after.content == outcome["first"].content and after["Idempotent-Replayed"] == "true"
    assert ApiToken.objects.filter(user=user).count() == 1


def test_on_sqlite_a_repeat_while_the_first_runs_waits_for_it_and_gets_its_answer(
    two_clients, first_held_in_its_view, tmp_path
):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL answers 409 at once: the test above")
    user, (a, b) = two_clients
    inside, release = first_held_in_its_view
    outcome: dict = {}

    with _threads_on_a_file(tmp_path):
        first = _in_thread("first", lambda: _create(a), outcome)
        assert inside.wait(WAIT)
        repeat = _in_thread("repeat", lambda: _create(b), outcome)
        time.sleep(0.3)  # let the repeat reach the write lock (it gets the same answer if not)
        release.set()
        first.join(WAIT)
        repeat.join(WAIT)

    assert outcome["first"].status_code == 201
    assert outcome["repeat"].status_code == 201, outcome["repeat"].content
    assert outcome["repeat"].content == outcome["first"].content
    assert outcome["repeat"]["Idempotent-Replayed"] == "true"
    assert ApiToken.objects.filter(user=user).count() == 1


def test_a_repeat_between_the_first_claim_and_its_transaction_runs_it_once_for_both(
    two_clients, monkeypatch, tmp_path
):
    """The first request has inserted its claim but not yet locked it: the record is free
    and unfinished, so the repeat runs the write. The first then finds the record completed
    under the lock and replays that answer instead of running the write again."""
    user, (a, b) = two_clients
    claimed, proceed = threading.Event(), threading.Event()
    real_claim = idempotency._claim

    def paused_after_claim(**kw):
        record = real_claim(**kw)
        if threading.current_thread().name == "first":
            claimed.set()
            assert proceed.wait(WAIT)
        return record

    monkeypatch.setattr(idempotency, "_claim", paused_after_claim)
    outcome: dict = {}

    with _threads_on_a_file(tmp_path):
        first = _in_thread("first", lambda: _create(a), outcome)
        assert claimed.wait(WAIT)
        repeat = _in_thread("repeat", lambda: _create(b), outcome)
        repeat.join(WAIT)
        proceed.set()
        first.join(WAIT)

    ran, replayed = outcome["repeat"], outcome["first"]
    assert ran.status_code == 201 and "Idempotent-Replayed" not in ran
    assert replayed.status_code == 201 and replayed["Idempotent-Replayed"] == "true"
    assert replayed.content == ran.content
    assert ApiToken.objects.filter(user=user).count() == 1
