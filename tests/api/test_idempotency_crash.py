"""Idempotency-Key across a worker that dies mid-request: gunicorn, PostgreSQL, a real kill.

The app runs in a real gunicorn (one worker) on the test database, through
``tests/api/crash_once_wsgi.py``, which kills its worker process once with ``os._exit``
while it creates an API token: before the request's transaction commits, or after it
commits and before the answer is sent. gunicorn starts a new worker and the client retries
the same POST with the same key. Whatever the moment of the crash, the retry gets one
coherent outcome at once (never ``core.idempotency_in_progress``): the stored answer of the
write that committed, or a first run of the write that never happened.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from cheguan.accounts import services
from cheguan.accounts.models import ApiToken
from cheguan.core.actor import Actor
from cheguan.core.models import IdempotencyRecord
from cheguan.core.roles import Role

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
TOKENS = "/api/accounts/tokens"
BOOT_SECONDS = 15


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _test_database_url() -> str:
    db = settings.DATABASES["default"]  # inside the test: the test database's name
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )


def _send(url: str, *, secret: str, key: str, name: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(  # noqa: S310 (our own server, http)
        url + TOKENS,
        data=json.dumps({"name": name}).encode(),
        method="POST",
        headers={
            "Authorization": f"Bearer {secret}",
            "Content-Type": "application/json",
            "Idempotency-Key": key,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=BOOT_SECONDS) as r:  # noqa: S310
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


@pytest.fixture
def crashing_server(tmp_path):
    """Start gunicorn on ``crash_once_wsgi`` with the crash moment given; stop it after."""
    started: list[subprocess.Popen] = []

    def start(moment: str) -> str:
        port = _free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("CHEGUAN_")}
        env.update(
            DATABASE_URL=_test_database_url(),
            CHEGUAN_VAR=str(tmp_path),
            CHEGUAN_TEST_CRASH=moment,
            CHEGUAN_TEST_CRASH_FLAG=str(tmp_path / "crashed"),
        )
        log = tmp_path / "gunicorn.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [
                    str(GUNICORN),
                    "tests.api.crash_once_wsgi:application",
                    "--config",
                    str(ROOT / "gunicorn.conf.py"),  # production's (it preloads the app)
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "1",
                    "--no-control-socket",  # gunicorn 27's default is one path per user
                ],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        started.append(process)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + BOOT_SECONDS
        while True:
            try:
                urllib.request.urlopen(url + "/api/accounts/me", timeout=2).close()  # noqa: S310
                return url
            except urllib.error.HTTPError:  # 401 (no credentials): it answers
                return url
            except (OSError, http.client.HTTPException):
                if process.poll() is not None or time.monotonic() > deadline:
                    tail = log.read_text(errors="replace")[-3000:]
                    raise RuntimeError(f"gunicorn did not start:\n{tail}") from None
                time.sleep(0.1)

    yield start
    for process in started:
        process.send_signal(signal.SIGTERM)  # the master stops its worker and exits
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # its own session: the master and its worker
            process.wait(timeout=5)


def _first_attempt_dies(url: str, **request) -> None:
    with pytest.raises((OSError, http.client.HTTPException)):  # the connection closes, no answer
        _send(url, **request)


@pytest.fixture
def partner_secret(make) -> tuple[object, str]:
    user = make.user(Role.DEALER_AGENT)
    _token, secret = services.create_api_token(actor=Actor(user=user), name="auth")
    return user, secret


@pytest.mark.pg_only(reason="a real server process on the test database")
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_after_commit_leaves_the_answer_and_the_retry_gets_it(
    crashing_server, partner_secret
):
    user, secret = partner_secret
    url = crashing_server("after_commit")
    request = {"secret": secret, "key": "crash-after-commit", "name": "ERP"}

    _first_attempt_dies(url, **request)
    committed = ApiToken.objects.get(user=user, name="ERP")  # the write did commit
    assert IdempotencyRecord.objects.get().completed  # and its answer with it
    status, headers, body = _send(url, **request)
    again = _send(url, **request)

    assert status == 201, body
    answer = json.loads(body)
    assert (answer["id"], answer["prefix"]) == (committed.pk, committed.prefix)
    assert answer["secret"].startswith(f"cg_{committed.prefix}_")
    assert headers["Idempotent-Replayed"] == "true"
    assert again[0] == 201 and again[2] == body
    assert ApiToken.objects.filter(user=user, name="ERP").count() == 1


@pytest.mark.pg_only(reason="a real server process on the test database")
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_before_commit_leaves_nothing_and_the_retry_runs_once(
    crashing_server, partner_secret
):
    user, secret = partner_secret
    url = crashing_server("before_commit")
    request = {"secret": secret, "key": "crash-before-commit", "name": "ERP"}

    _first_attempt_dies(url, **request)
    assert not ApiToken.objects.filter(user=user, name="ERP").exists()  # nothing committed
    assert IdempotencyRecord.objects.filter(completed=False).count() == 1  # only the claim
    status, headers, body = _send(url, **request)
    again = _send(url, **request)

    assert status == 201, body
    assert "Idempotent-Replayed" not in headers
    created = ApiToken.objects.get(user=user, name="ERP")
    assert json.loads(body)["id"] == created.pk
    assert again[0] == 201 and again[2] == body and again[1]["Idempotent-Replayed"] == "true"
