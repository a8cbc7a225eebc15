"""With CHEGUAN_DEBUG=0, Cheguan refuses to start on the development key or empty hosts.

Each case starts a real process (the WSGI import gunicorn does, or ``cheguan runserver``)
with a clean environment, because settings are read once at start-up.
"""

import os
import subprocess
import sys
from pathlib import Path

CHEGUAN = Path(sys.executable).with_name("cheguan")
GOOD_KEY = "k3y-for-tests-" + "x" * 40
DEV_KEY_MESSAGE = "CHEGUAN_SECRET_KEY is the development key"
HOSTS_MESSAGE = "CHEGUAN_ALLOWED_HOSTS is empty"


def run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CHEGUAN_")}
    clean.pop("DATABASE_URL", None)
    clean.update({"CHEGUAN_VAR": str(tmp_path), "CHEGUAN_DEBUG": "0", **env})
    return subprocess.run(
        args, env=clean, capture_output=True, text=True, timeout=60, check=False, cwd=tmp_path
    )


def import_wsgi(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    return run([sys.executable, "-c", "import cheguan.wsgi"], tmp_path, **env)


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
    result = import_wsgi(tmp_path, CHEGUAN_DEBUG="1")
    assert result.returncode == 0, result.stderr
