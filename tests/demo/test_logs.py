"""No ID number or phone number of the demo's people reaches a log, in a full run.

Two real servers, one after the other, on the demo city that ``make run`` loads:

1. ``scripts/run.sh`` (what ``make run`` runs): the development server with debugging on,
   which ``make run`` asks for itself (the environment here has no ``CHEGUAN_DEBUG``).
2. gunicorn with ``gunicorn.conf.py``, in production mode (debugging off, a real key,
   HTTPS behind a proxy that sends ``X-Forwarded-Proto``), on the same database.

Each is driven through HTTP with what could leak: failed logins with an ID number and a
phone number as user name, a login, the people search and the help desk (POSTs now), the
same searches put in the URL anyway (refused, but logged), unknown pages with an ID number
in the path, a query string with phone numbers, a reveal, a logout. Everything the servers
print (stdout and stderr, ``CHEGUAN_LOG_LEVEL=INFO``) is captured; no demo ID number or
phone number may be in it, while the masked forms must be (so the requests were logged).

Only the output from "Cheguan is starting" on counts for ``make run``: before it, it prints
the demo accounts, whose documentation names the demo citizen to look up at the help desk.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import pytest

from cheguan.core.masking import mask_id_number
from cheguan.demo.data import ASSISTED_CITIZEN_ID, DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SERVING = "Cheguan is starting at"
KEY = "k3y-for-the-log-test-" + "x" * 40
MASKED_ID = mask_id_number(ASSISTED_CITIZEN_ID)  # 330213********9160


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(var: Path, **extra: str) -> dict[str, str]:
    """No CHEGUAN_* variable, no DATABASE_URL (SQLite under ``var``), nothing of the test run."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHEGUAN_")}
    for name in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    return {**env, "CHEGUAN_VAR": str(var), "CHEGUAN_LOG_LEVEL": "INFO", **extra}


@contextmanager
def server(args: list[str], env: dict[str, str], port: int, log: Path, timeout: float = 180):
    """Start ``args`` in its own process group, wait until ``port`` answers, stop it after."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            args, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            deadline = time.monotonic() + timeout
            while True:
                assert process.poll() is None, log.read_text(errors="replace")[-3000:]
                with socket.socket() as probe:
                    if probe.connect_ex(("127.0.0.1", port)) == 0:
                        break
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
            yield process
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


class Browser:
    """Just enough of a browser: cookies (Secure ones too), CSRF, the proxy's HTTPS header."""

    def __init__(self, port: int, *, https: bool):
        self.port, self.https, self.cookies = port, https, {}
        self.origin = f"{'https' if https else 'http'}://127.0.0.1:{port}"

    def request(self, method: str, path: str, body: bytes | None = None, **headers: str):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        sent = {"Host": f"127.0.0.1:{self.port}", "Origin": self.origin, **headers}
        if self.https:
            sent["X-Forwarded-Proto"] = "https"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        conn.close()
        return response, text

    def get(self, path: str, **query: str):
        return self.request("GET", path + ("?" + urlencode(query) if query else ""))

    def form(self, path: str, **fields: str):
        fields = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **fields}
        return self.request(
            "POST",
            path,
            urlencode(fields).encode(),
            **{"Content-Type": "application/x-www-form-urlencoded"},
        )

    def api(self, path: str, payload: dict):
        return self.request(
            "POST",
            path,
            json.dumps(payload).encode(),
            **{"Content-Type": "application/json", "X-CSRFToken": self.cookies["csrftoken"]},
        )


def drive(browser: Browser, person: dict) -> list[tuple[str, int]]:
    """Every request that could leak, as a person at the office would make them."""
    id_number, mobile, landline = person["id_number"], person["mobile"], person["landline"]
    answers = []

    def answer(label, result, expect_in=None):
        response, text = result
        answers.append((label, response.status))
        if expect_in is not None:
            assert expect_in in text, (label, text[:500])

    answer("login page", browser.get("/accounts/login/"))
    answer(
        "ID number as user name", browser.form("/accounts/login/", username=id_number, password="x")
    )
    answer("phone as user name", browser.form("/accounts/login/", username=mobile, password="x"))
    answer("login", browser.form("/accounts/login/", username="clerk", password=DEMO_PASSWORD))
    answer("people search", browser.form("/registry/people/", q=id_number), expect_in=MASKED_ID)
    answer("people search in the URL", browser.get("/registry/people/", q=id_number))
    answer(
        "API search",
        browser.api("/api/registry/people/search", {"id_number": id_number}),
        expect_in='"count": 1',
    )
    answer("API search in the URL", browser.get("/api/registry/people", id_number=id_number))
    answer("API phone in the URL", browser.get("/api/registry/people", q=mobile))
    answer("help desk", browser.form("/inspection/desk/", q=id_number), expect_in=MASKED_ID)
    answer("help desk in the URL", browser.get("/inspection/desk/", q=id_number))
    answer("ID number in a path", browser.get(f"/registry/people/{id_number}/"))
    answer("unknown page", browser.get(f"/no-such-page/{id_number}/"))
    answer("phones in a query", browser.get("/", phone=mobile, tel=landline))
    answer(
        "reveal",
        browser.api(f"/api/registry/people/{person['pk']}/reveal", {"reason": "核对身份"}),
        expect_in=id_number,  # the full value travels to the clerk, and only there
    )
    answer("logout", browser.form("/accounts/logout/"))
    return answers


EXPECTED = [
    ("login page", 200),
    ("ID number as user name", 200),
    ("phone as user name", 200),
    ("login", 302),
    ("people search", 200),
    ("people search in the URL", 400),
    ("API search", 200),
    ("API search in the URL", 400),
    ("API phone in the URL", 400),
    ("help desk", 200),
    ("help desk in the URL", 400),
    ("ID number in a path", 404),
    ("unknown page", 404),
    ("phones in a query", 200),
    ("reveal", 200),
    ("logout", 302),
]


def personal_numbers(database: Path) -> list[str]:
    """Every ID number and phone number of the demo's people and organisations."""
    with sqlite3.connect(database) as db:
        people = db.execute("SELECT id_number, phone FROM registry_person").fetchall()
        phones = db.execute("SELECT phone FROM registry_organisation").fetchall()
    numbers = {value for row in people for value in row} | {row[0] for row in phones}
    return sorted(n for n in numbers if n)


def the_person(database: Path) -> dict:
    """The help desk's demo citizen, and a mobile and a landline number of the demo."""
    with sqlite3.connect(database) as db:
        pk = db.execute(
            "SELECT id FROM registry_person WHERE id_number = ?", [ASSISTED_CITIZEN_ID]
        ).fetchone()[0]
        phones = [row[0] for row in db.execute("SELECT phone FROM registry_person")]
    mobile = next(p for p in phones if re.fullmatch(r"1\d{10}", p))
    landline = next(p for p in phones if p.startswith("0"))
    return {"pk": pk, "id_number": ASSISTED_CITIZEN_ID, "mobile": mobile, "landline": landline}


@pytest.fixture(scope="module")
def full_run(tmp_path_factory):
    var = tmp_path_factory.mktemp("var")
    logs = tmp_path_factory.mktemp("logs")
    database = var / "cheguan.sqlite3"

    port = free_port()
    env = clean_env(var, CHEGUAN_RUN_ADDRESS=f"127.0.0.1:{port}")
    with server(["bash", str(ROOT / "scripts" / "run.sh")], env, port, logs / "make-run.log"):
        person = the_person(database)
        development = drive(Browser(port, https=False), person)
        debug_404 = Browser(port, https=False).get("/no-such-page/")[1]
    make_run = (logs / "make-run.log").read_text(errors="replace")

    production = clean_env(
        var,
        CHEGUAN_DEBUG="0",
        CHEGUAN_SECRET_KEY=KEY,
        CHEGUAN_ALLOWED_HOSTS="127.0.0.1",
        CHEGUAN_CSRF_TRUSTED_ORIGINS="",
    )
    collect = subprocess.run(
        [str(BIN / "cheguan"), "collectstatic", "--noinput"],
        env=production,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert collect.returncode == 0, collect.stderr
    port = free_port()
    production |= {"CHEGUAN_BIND": f"127.0.0.1:{port}", "CHEGUAN_WORKERS": "1"}
    gunicorn = [str(BIN / "gunicorn"), "cheguan.wsgi", "-c", str(ROOT / "gunicorn.conf.py")]
    with server(gunicorn, production, port, logs / "gunicorn.log"):
        served = drive(Browser(port, https=True), person)
        plain_http, _ = Browser(port, https=False).get("/")
        over_https, _ = Browser(port, https=True).get("/accounts/login/")
    return {
        "numbers": personal_numbers(database),
        "make_run": make_run,
        "serving": make_run.partition(SERVING)[2],
        "development": development,
        "debug_404": debug_404,
        "gunicorn": (logs / "gunicorn.log").read_text(errors="replace"),
        "served": served,
        "plain_http": plain_http,
        "over_https": over_https,
    }


def test_make_run_serves_the_demo_with_debugging_on(full_run):
    assert SERVING in full_run["make_run"]
    assert "Using the URLconf defined in" in full_run["debug_404"]  # Django's debug 404 page
    assert full_run["development"] == EXPECTED


def test_gunicorn_serves_in_production_mode_with_hsts(full_run):
    assert full_run["served"] == EXPECTED
    assert full_run["plain_http"].status == 301
    assert full_run["plain_http"].getheader("Location").startswith("https://127.0.0.1:")
    hsts = full_run["over_https"].getheader("Strict-Transport-Security")
    assert hsts == "max-age=31536000; includeSubDomains"


def test_the_requests_were_logged_masked(full_run):
    serving, gunicorn = full_run["serving"], full_run["gunicorn"]
    # runserver's access log keeps query strings: masked.
    assert f'"GET /api/registry/people?id_number={MASKED_ID} HTTP/1.1" 400' in serving
    assert f"Not Found: /no-such-page/{MASKED_ID}/" in serving
    # gunicorn's access log has paths only, masked; the application's own lines too.
    assert f'"GET /registry/people/{MASKED_ID}/ HTTP/1.1" 404' in gunicorn
    assert '"GET /api/registry/people HTTP/1.1" 400' in gunicorn
    assert f"Not Found: /registry/people/{MASKED_ID}/" in gunicorn


@pytest.mark.parametrize("server", ["serving", "gunicorn"])
def test_no_demo_id_number_or_phone_number_is_in_the_logs(full_run, server):
    output = full_run[server].upper()
    assert len(full_run["numbers"]) > 300  # 200 people's ID numbers and phones, and more
    leaked = [n for n in full_run["numbers"] if n.upper() in output]
    assert leaked == []
