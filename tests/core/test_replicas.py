"""Read replicas against a real streaming replica of the PostgreSQL test server.

The test makes the replica itself: ``pg_basebackup -R`` of the server the tests run on into
a temporary directory, started with ``pg_ctl`` on a free port (as the ``postgres`` user when
the tests run as root), stopped and removed afterwards. The app runs in a real gunicorn with
``CHEGUAN_REPLICA_URLS`` pointing at it. To tell which server answered, the replica's WAL
replay is paused: a mark issued on the primary after that is on the primary only.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from cheguan.accounts import services as accounts
from cheguan.core.actor import Actor
from cheguan.core.roles import Role
from cheguan.inspection.models import InspectionMark

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
BOOT_SECONDS = 20
HOT_STANDBY_LIMITS = (
    "max_connections",
    "max_worker_processes",
    "max_wal_senders",
    "max_prepared_transactions",
    "max_locks_per_transaction",
)

pytestmark = [
    pytest.mark.pg_only(reason="a streaming replica of the PostgreSQL test server"),
    pytest.mark.django_db(transaction=True),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _primary() -> dict:
    return settings.DATABASES["default"]


def _url(port: int | str, name: str) -> str:
    db = _primary()
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{port}/{name}"


def _as_server_user(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its tools as ``postgres`` when we are root."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


def _bindir() -> Path:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        major = int(cursor.fetchone()[0]) // 10000
    for candidate in (
        Path(f"/usr/lib/postgresql/{major}/bin"),
        Path(shutil.which("pg_ctl") or "").parent,
    ):
        if (candidate / "pg_ctl").exists() and (candidate / "pg_basebackup").exists():
            return candidate
    raise RuntimeError(f"PostgreSQL {major}'s pg_ctl and pg_basebackup are not installed")


class Replica:
    def __init__(self) -> None:
        self.bindir = _bindir()
        self.port = _free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="cheguan-replica-"))
        self.data = self.dir / "data"
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.dir, user.pw_uid, user.pw_gid)
        db = _primary()
        subprocess.run(
            _as_server_user(
                [
                    str(self.bindir / "pg_basebackup"),
                    "-h", db["HOST"] or "127.0.0.1",
                    "-p", str(db["PORT"] or 5432),
                    "-U", db["USER"],
                    "-D", str(self.data),
                    "-R",  # standby.signal + primary_conninfo: a streaming replica
                    "-X", "stream",
                    "-c", "fast",
                ]
            ),
            check=True,
            capture_output=True,
            timeout=120,
        )  # fmt: skip
        # Debian keeps the configuration outside the data directory: give the copy its own,
        # with the limits a hot standby must not set below its primary's.
        with connection.cursor() as cursor:
            limits = ""
            for name in HOT_STANDBY_LIMITS:
                cursor.execute(f"SHOW {name}")
                limits += f"{name} = {cursor.fetchone()[0]}\n"
        for name, text in {
            "postgresql.conf": (
                f"port = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.dir}'\nhot_standby = on\n{limits}"
            ),
            "pg_hba.conf": "local all all trust\nhost all all 127.0.0.1/32 trust\n",
            "pg_ident.conf": "",
        }.items():
            (self.data / name).write_text(text)
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            for path in self.data.iterdir():
                os.chown(path, user.pw_uid, user.pw_gid)
        self.log = self.dir / "replica.log"
        self.start()

    def _ctl(self, *args: str) -> None:
        subprocess.run(
            _as_server_user([str(self.bindir / "pg_ctl"), "-D", str(self.data), *args]),
            check=True,
            capture_output=True,
            timeout=60,
        )

    def start(self) -> None:
        self._ctl("-l", str(self.log), "-w", "start")

    def stop(self) -> None:
        self._ctl("-m", "fast", "-w", "stop")

    def sql(self, statement: str):
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=_primary()["USER"], dbname=_primary()["NAME"],
            autocommit=True,
        ) as c:  # fmt: skip
            return c.execute(statement).fetchall()

    def catch_up(self) -> None:
        """Resume replay and wait until the replica has replayed what the primary wrote."""
        self.sql("SELECT pg_wal_replay_resume()")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()")
            target = cursor.fetchone()[0]
        deadline = time.monotonic() + 30
        while not self.sql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")[0][0]:
            assert time.monotonic() < deadline, "the replica did not catch up in 30 s"
            time.sleep(0.1)

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # stopped by the test
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def replica(django_db_setup, django_db_blocker):
    """One replica for the module (a base backup takes a while); each test leaves it running."""
    if connection.vendor != "postgresql":  # set up before the pg_only mark can skip the test
        pytest.skip("needs PostgreSQL: a streaming replica of the PostgreSQL test server")
    with django_db_blocker.unblock():
        made = Replica()
        made.catch_up()  # it has the test database, tables and all
    yield made
    made.remove()


@pytest.fixture
def server(replica, tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHEGUAN_")}
    env.update(
        DATABASE_URL=_url(_primary()["PORT"] or 5432, _primary()["NAME"]),
        CHEGUAN_REPLICA_URLS=_url(replica.port, _primary()["NAME"]),
        CHEGUAN_REPLICA_RETRY_SECONDS="1",
        CHEGUAN_VAR=str(tmp_path),
    )
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                str(GUNICORN), "cheguan.wsgi:application",
                "--config", str(ROOT / "gunicorn.conf.py"),
                "--bind", f"127.0.0.1:{port}",
                "--workers", "1",
                "--no-control-socket",
            ],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + BOOT_SECONDS
    while True:
        try:
            _get(url, "/api/inspection/verify?serial=NONE")
            break
        except (OSError, http.client.HTTPException):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start:\n{log.read_text()[-3000:]}") from None
            time.sleep(0.2)
    yield url, log
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def _get(url: str, path: str, cookie: str = "") -> dict:
    headers = {"X-Forwarded-Proto": "https"}  # gunicorn trusts it from 127.0.0.1
    if cookie:
        headers["Cookie"] = cookie
    request = urllib.request.Request(url + path, headers=headers)  # noqa: S310 (our server)
    with urllib.request.urlopen(request, timeout=10) as r:  # noqa: S310
        return json.loads(r.read())


def _mark(make, serial: str) -> InspectionMark:
    office = make.office()
    vehicle = make.vehicle(owner=make.person(), plate_number=f"浙B{serial[-5:]}")
    return InspectionMark.objects.create(
        serial=serial,
        vehicle=vehicle,
        plate_number=vehicle.plate_number,
        vehicle_type="K33",
        valid_until=dt.datetime.now(dt.UTC).date() + dt.timedelta(days=300),
        office=office,
        issued_at=dt.datetime.now(dt.UTC),
    )


def _verdict(url: str, serial: str, cookie: str = "") -> str:
    return _get(url, f"/api/inspection/verify?serial={serial}", cookie)["status"]


def test_a_public_verify_reads_from_the_replica(replica, server, make):
    url, _log = server
    _mark(make, "330200R0001")
    replica.catch_up()
    assert _verdict(url, "330200R0001") == "valid"

    replica.sql("SELECT pg_wal_replay_pause()")
    _mark(make, "330200R0002")  # on the primary only, while the replica stands still

    assert _verdict(url, "330200R0002") == "unknown"  # the replica answered
    replica.catch_up()
    assert _verdict(url, "330200R0002") == "valid"


def test_a_client_that_wrote_reads_its_writes_from_the_primary(replica, server, make):
    url, _log = server
    user = make.user(Role.DEALER_AGENT)
    _token, secret = accounts.create_api_token(actor=Actor(user=user), name="auth")
    replica.catch_up()
    replica.sql("SELECT pg_wal_replay_pause()")
    _mark(make, "330200R0003")

    write = urllib.request.Request(  # noqa: S310
        url + "/api/accounts/tokens",
        data=json.dumps({"name": "ERP"}).encode(),
        method="POST",
        headers={
            "Authorization": f"Bearer {secret}",
            "Content-Type": "application/json",
            "X-Forwarded-Proto": "https",
        },
    )
    with urllib.request.urlopen(write, timeout=10) as r:  # noqa: S310
        assert r.status == 201
        pin = r.headers["Set-Cookie"].split(";")[0]
    assert pin.startswith("cheguan_primary=")

    assert _verdict(url, "330200R0003", cookie=pin) == "valid"  # pinned: the primary
    assert _verdict(url, "330200R0003") == "unknown"  # another client: the replica


def test_a_replica_that_is_down_falls_back_to_the_primary_with_a_log_line(replica, server, make):
    url, log = server
    replica.stop()
    _mark(make, "330200R0004")

    assert _verdict(url, "330200R0004") == "valid"
    assert "replica replica_0 unreachable" in log.read_text()

    replica.start()  # tried again after CHEGUAN_REPLICA_RETRY_SECONDS
    replica.catch_up()
    replica.sql("SELECT pg_wal_replay_pause()")
    _mark(make, "330200R0005")
    deadline = time.monotonic() + 10
    while _verdict(url, "330200R0005") == "valid":  # still the primary
        assert time.monotonic() < deadline, "the replica was not used again after it came back"
        time.sleep(0.5)
