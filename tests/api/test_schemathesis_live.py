"""schemathesis against a live server over the committed OpenAPI document: no 5xx.

The server is pytest-django's ``live_server`` (a real HTTP server on this machine, in a
throwaway database); schemathesis runs as a separate process, authenticated with a real
bearer token of an administrator and, in a second pass, of a dealer agent. Its check
``not_a_server_error`` fails the run on any 5xx.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cheguan.accounts import services
from cheguan.accounts.actor import Actor
from cheguan.accounts.models import Role
from cheguan.cases.catalogue import seed_catalogue
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "docs" / "openapi.json"
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def _run(url: str, token: str, budget: int) -> subprocess.CompletedProcess:
    # One worker: pytest-django's in-memory SQLite (shared cache) answers two concurrent
    # writers with "table is locked" at once (Cheguan's real WAL file database waits), and
    # schemathesis 4.32's threaded generation crashed inside hypothesis once in our runs.
    # Concurrency is tested on PostgreSQL by the tests written for it.
    workers = "1"
    return subprocess.run(
        [
            str(SCHEMATHESIS),
            "run",
            str(SCHEMA),
            "--url",
            url,
            "-H",
            f"Authorization: Bearer {token}",
            # revoking its own token (a lucky id) would lock the fuzzer out mid-run
            "--exclude-path-regex",
            "/revoke$",
            "--checks",
            "not_a_server_error",
            "--max-examples",
            "25",
            "--max-time",
            str(budget),
            "--workers",
            workers,
            "--generation-deterministic",
            "--request-timeout",
            "20",
        ],
        capture_output=True,
        text=True,
        timeout=budget + 240,
        cwd=ROOT,
        env={**os.environ, "NO_COLOR": "1", "SCHEMATHESIS_HOOKS": ""},
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", [Role.ADMIN, Role.DEALER_AGENT])
def test_fuzzing_the_api_finds_no_server_error(live_server, role):
    office = factories.office()
    seed_catalogue(office)
    factories.vehicle(owner=factories.person())
    user = factories.user(role)
    _token, secret = services.create_api_token(actor=Actor(user=user), name="schemathesis")
    result = _run(f"{live_server.url}", secret, budget=45)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    tested = re.search(r"Tested: (\d+)", output)
    assert tested and int(tested.group(1)) >= 40, output[-3000:]
    assert re.search(r"(\d+) generated, \1 passed", output), output[-3000:]
