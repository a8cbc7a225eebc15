"""schemathesis against a live server over the committed OpenAPI document.

The server is pytest-django's ``live_server`` (a real HTTP server on this machine, in a
throwaway database); schemathesis runs as a separate process, authenticated with a real
bearer token of an administrator and, in a second pass, of a dealer agent. It fails the run
on any 5xx (``not_a_server_error``), and on any answer the document does not promise: an
undocumented status or content type, a body that does not match its schema (so every error
is the ``{code, message, field}`` of ADR 0004), a wrong method that is not a 405 with an
``Allow`` header. CI runs it on SQLite and on PostgreSQL (``.ci/run`` runs the whole suite on
both); strings include NUL (schemathesis' default), which only PostgreSQL refuses to store.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cheguan.accounts import services
from cheguan.cases.catalogue import seed_catalogue
from cheguan.core.actor import Actor
from cheguan.core.roles import Role
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "docs" / "openapi.json"
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "unsupported_method",
]


def _run(url: str, token: str, budget: int) -> subprocess.CompletedProcess:
    # One worker: on SQLite pytest-django's in-memory database (shared cache) answers two
    # concurrent writers with "table is locked" at once; and with two worker threads
    # hypothesis' lambda descriptions call ast.parse concurrently, which CPython 3.11 does
    # not survive ("SystemError: AST constructor recursion depth mismatch", seen in CI).
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
            ",".join(CHECKS),
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
def test_fuzzing_the_api_finds_no_server_error(live_server, role, settings):
    # The fuzzer tests the API's answers, not its request rates (tests/accounts/
    # test_rate_limits.py does): at its speed the default rates would answer 429 throughout.
    settings.CHEGUAN_RATE_LIMITS = {"API_PER_ACCOUNT": "100000/m", "API_PER_ADDRESS": "100000/m"}
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
