"""Debugging is off unless asked for, and then Cheguan refuses to start on the development
key, a weak key or empty hosts; with a real key and hosts, Django's deploy check is clean.

Each case starts a real process (the WSGI import gunicorn does, ``cheguan runserver`` or
``cheguan check``) with a clean environment, because settings are read once at start-up.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CHEGUAN = Path(sys.executable).with_name("cheguan")
GOOD_KEY = "k3y-for-tests-" + "x" * 40
DEV_KEY_MESSAGE = "CHEGUAN_SECRET_KEY is the development key"
WEAK_KEY_MESSAGE = "CHEGUAN_SECRET_KEY is too weak"
HOSTS_MESSAGE = "CHEGUAN_ALLOWED_HOSTS is empty"
PRODUCTION = {"CHEGUAN_SECRET_KEY": GOOD_KEY, "CHEGUAN_ALLOWED_HOSTS": "cheguan.example.org"}


def run(
    args: list[str], tmp_path: Path, debug: str | None = "0", **env: str
) -> subprocess.CompletedProcess:
    """``args`` in a clean environment: no CHEGUAN_* variable, no DATABASE_URL, nothing the
    test run sets for itself (its settings module, async safety off), then
    ``CHEGUAN_DEBUG=debug`` (None: unset)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CHEGUAN_")}
    for name in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        clean.pop(name, None)
    clean["CHEGUAN_VAR"] = str(tmp_path)
    if debug is not None:
        clean["CHEGUAN_DEBUG"] = debug
    clean.update(env)
    return subprocess.run(
        args, env=clean, capture_output=True, text=True, timeout=60, check=False, cwd=tmp_path
    )


def import_wsgi(tmp_path: Path, debug: str | None = "0", **env: str):
    return run([sys.executable, "-c", "import cheguan.wsgi"], tmp_path, debug, **env)


def test_wsgi_refuses_the_development_key(tmp_path):
    result = import_wsgi(tmp_path, CHEGUAN_ALLOWED_HOSTS="cheguan.example.org")
    assert result.returncode != 0
    assert DEV_KEY_MESSAGE in result.stderr
    assert HOSTS_MESSAGE not in result.stderr


def test_wsgi_refuses_empty_allowed_hosts(tmp_path):
    result = import_wsgi(tmp_path, CHEGUAN_SECRET_KEY=GOOD_KEY)
    assert result.returncode != 0
    assert HOSTS_MESSAGE in result.stderr
    assert DEV_KEY_MESSAGE not in result.stderr


def test_runserver_refuses_with_debug_off_and_the_defaults(tmp_path):
    result = run([str(CHEGUAN), "runserver", "--noreload", "127.0.0.1:0"], tmp_path)
    assert result.returncode != 0
    assert DEV_KEY_MESSAGE in result.stderr
    assert HOSTS_MESSAGE in result.stderr
    assert "Starting development server" not in result.stdout


def test_wsgi_starts_with_a_real_key_and_hosts(tmp_path):
    result = import_wsgi(
        tmp_path, CHEGUAN_SECRET_KEY=GOOD_KEY, CHEGUAN_ALLOWED_HOSTS="cheguan.example.org"
    )
    assert result.returncode == 0, result.stderr


def test_debug_mode_starts_on_the_development_defaults(tmp_path):
    result = import_wsgi(tmp_path, debug="1")
    assert result.returncode == 0, result.stderr


def test_debugging_is_off_unless_asked_for(tmp_path):
    """No CHEGUAN_DEBUG at all: production rules, so the development defaults are refused."""
    result = import_wsgi(tmp_path, debug=None)
    assert result.returncode != 0
    assert DEV_KEY_MESSAGE in result.stderr and HOSTS_MESSAGE in result.stderr


@pytest.mark.parametrize(
    "key",
    ["a" * 32, "abcd" * 20, "k3y-for-tests-x"],
    ids=["32 × a", "80 characters, 4 different", "short"],
)
def test_a_weak_secret_key_is_refused_like_the_development_key(tmp_path, key):
    result = import_wsgi(tmp_path, CHEGUAN_SECRET_KEY=key, CHEGUAN_ALLOWED_HOSTS="x.org")
    assert result.returncode != 0
    assert WEAK_KEY_MESSAGE in result.stderr


def test_cheguan_check_reports_a_weak_key_as_an_error(tmp_path):
    result = run(
        [str(CHEGUAN), "check"], tmp_path, CHEGUAN_SECRET_KEY="a" * 32, CHEGUAN_ALLOWED_HOSTS="x"
    )
    assert result.returncode != 0
    assert "cheguan.E001" in result.stderr and WEAK_KEY_MESSAGE in result.stderr


def test_the_deploy_check_is_clean_in_production(tmp_path):
    """HSTS, the HTTPS redirect, secure cookies: `cheguan check --deploy` has nothing to say."""
    result = run(
        [str(CHEGUAN), "check", "--deploy", "--fail-level", "WARNING"], tmp_path, **PRODUCTION
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_send_hsts_and_redirect_to_https(tmp_path):
    script = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.DEBUG, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE]))"
    )
    result = run(
        [sys.executable, "-c", script],
        tmp_path,
        DJANGO_SETTINGS_MODULE="cheguan.settings",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [False, 31_536_000, True, True, True, True]
