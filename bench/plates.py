"""Benchmark: 二十选一 draw + pick by 200 concurrent applicants, over HTTP, on PostgreSQL.

    .venv/bin/python bench/plates.py                          # pools of 10,000 and 1,000,000
    .venv/bin/python bench/plates.py --pools 10000 --rounds 1 --clients 50
    .venv/bin/python bench/plates.py --worker-class sync --workers 4

Creates a throwaway database (CHEGUAN_BENCH_PG, default postgres://postgres@127.0.0.1:5432)
with two offices, one pool of small-car numbers each: 10,000 released through
``release_segment`` (浙B·A0000–A9999) and 1,000,000 inserted set-based with
``generate_series`` — the same rows ``release_segment`` creates (free, slots dense 1..N, one
segment) without its per-batch Python. Per pool, ``clients × rounds`` citizens each get a
plate-selection case and a login session (made directly in the session table; citizens may
not hold API tokens), plus as many cases for the database floor.

Then gunicorn serves the app (the project's gunicorn.conf.py, production settings:
CHEGUAN_DEBUG=0, a random secret key) on a free port, and ``clients`` threads start together
and each does ``rounds`` times: POST /api/plates/cases/{case}/draws, then POST
/api/plates/draws/{id}/pick with one of the twenty numbers. Printed per pool: draws/s,
p50/p99 latency of the draw and the pick (client side: queueing included), the same from
gunicorn's access log (time inside the worker), duplicates (numbers offered to two open
draws at once, numbers held twice — from the number history and from what the clients were
shown; must be 0), and the database floor: the same statements the two service transactions
issue, sent with psycopg by as many client threads over as many connections as the app has.
Target: p99 < 250 ms at 200 concurrent clients; the draw's p50 at 1,000,000 within 2× of
10,000.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import queue
import random
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field

from _pg import ROOT, setup_django, throwaway_database

SECRET_KEY = secrets.token_urlsafe(48)
os.environ["CHEGUAN_SECRET_KEY"] = SECRET_KEY  # sessions made here must verify in gunicorn
CSRF = "benchcsrf" + secrets.token_hex(12)[:23]  # 32 characters: a CSRF secret
DATABASE = "cheguan_bench_plates"
ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # serial characters: no I, no O
FILL_SQL = """
INSERT INTO plates_platenumber (pool_id, segment_id, number, state, slot)
SELECT %(pool)s, %(segment)s,
       %(prefix)s || substr(%(alpha)s, (i / 34000) %% 34 + 1, 1)
                  || substr(%(alpha)s, (i / 1000) %% 34 + 1, 1) || lpad((i %% 1000)::text, 3, '0'),
       'free', i + 1
FROM generate_series(0, %(n)s - 1) AS i
"""


# --- building the city ------------------------------------------------------------------------


@dataclass
class Office:
    label: str
    pool_size: int
    office_id: int = 0
    pool_id: int = 0
    app_cases: list[tuple[str, str]] = field(default_factory=list)  # (case number, session key)
    warm_cases: list[tuple[str, str]] = field(default_factory=list)  # the same, for warming up
    floor_cases: list[tuple[int, int, int]] = field(default_factory=list)  # case, person, user
    built: str = ""


def _serial_range(n: int) -> tuple[str, str]:
    return "00000", f"{ALPHABET[(n - 1) // 34000]}{ALPHABET[((n - 1) // 1000) % 34]}999"


def build_office(
    spec: Office, code: str, prefix: str, name: str, cases: int, warm: int = 0
) -> None:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django.utils import timezone

    from cheguan.accounts import session_limits
    from cheguan.accounts.models import User
    from cheguan.cases.catalogue import seed_catalogue
    from cheguan.core import clock
    from cheguan.core.actor import Actor
    from cheguan.core.roles import Role
    from cheguan.plates import services
    from cheguan.plates.models import Pool, Segment
    from cheguan.registry.models import Office as OfficeRow
    from cheguan.registry.models import Person

    office = OfficeRow.objects.create(code=code, name=name, region=name, plate_prefix=prefix)
    seed_catalogue(office)
    spec.office_id = office.pk
    admin = User.objects.create(username=f"admin-{code}", role=Role.ADMIN, office=office)
    start = time.perf_counter()
    if spec.pool_size == 10_000:
        services.release_segment(
            actor=Actor(user=admin), office=office, plate_type="02", first="A0000", last="A9999"
        )
        pool = Pool.objects.get(office=office, plate_type="02")
        how = "release_segment"
    else:
        pool = Pool.objects.create(office=office, plate_type="02", size=spec.pool_size)
        now = clock.now()
        segment = Segment.objects.create(
            pool=pool,
            first_number=prefix + _serial_range(spec.pool_size)[0],
            last_number=prefix + _serial_range(spec.pool_size)[1],
            count=spec.pool_size,
            released_at=now,
            released_by=admin,
            random_only_until=now + dt.timedelta(days=7),
        )
        with connection.cursor() as cur:
            cur.execute(
                FILL_SQL,
                {
                    "pool": pool.pk,
                    "segment": segment.pk,
                    "prefix": prefix,
                    "alpha": ALPHABET,
                    "n": spec.pool_size,
                },
            )
        how = "generate_series"
    spec.pool_id = pool.pk
    spec.built = f"{spec.pool_size:,} numbers by {how} in {time.perf_counter() - start:.1f} s"

    # Citizens, their cases (through the service), and a session each for the app's share.
    people = Person.objects.bulk_create(
        Person(
            office=office,
            name=f"申请人{i}",
            id_type="passport",
            id_number=f"BENCH{code}{i:07d}",
            created_at=timezone.now(),
        )
        for i in range(2 * cases + warm)
    )
    users = User.objects.bulk_create(
        User(username=f"c{code}-{i}", role=Role.CITIZEN, person=p, password="!")  # noqa: S106 (unusable)
        for i, p in enumerate(people)
    )
    for i, user in enumerate(users):
        user.person = people[i]
        case = services.start_selection(actor=Actor(user=user)).case
        if i < cases + warm:
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "cheguan.accounts.backends.AccountBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session_limits.start(session, user)  # as a login stamps it (2 idle hours)
            session.save()
            (spec.app_cases if i < cases else spec.warm_cases).append(
                (case.number, session.session_key)
            )
        else:
            spec.floor_cases.append((case.pk, people[i].pk, user.pk))
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")


# --- measuring --------------------------------------------------------------------------------


@dataclass
class Run:
    draws: list[float] = field(default_factory=list)  # seconds
    picks: list[float] = field(default_factory=list)
    # per draw: (numbers, surely offered from, surely offered until, picked)
    offers: list[tuple[list[str], float, float, str]] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    seconds: float = 0.0


def _pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))] * 1000


def _race(clients: int, work: list[list], one, stagger: float = 0.0) -> Run:
    """``clients`` threads start together; thread i does ``one(run, item)`` for its items,
    after a random delay of up to ``stagger`` seconds (applicants who do not all arrive in
    the same instant)."""
    run = Run()
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)

    def client(items: list) -> None:
        local = Run()
        start.wait()
        if stagger:
            time.sleep(random.uniform(0, stagger))
        for item in items:
            try:
                one(local, item)
            except Exception as exc:  # counted, never hidden
                local.errors[f"{type(exc).__name__}: {str(exc)[:80]}"] += 1
        with lock:
            run.draws += local.draws
            run.picks += local.picks
            run.offers += local.offers
            run.errors.update(local.errors)

    threads = [threading.Thread(target=client, args=(items,)) for items in work]
    for t in threads:
        t.start()
    start.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    run.seconds = time.perf_counter() - began
    return run


def http_run(base: str, office: Office, clients: int, think: float = 0.0) -> Run:
    import requests

    def one(run: Run, item: tuple[str, str, requests.Session]) -> None:
        case_number, session_key, http = item
        http.cookies.set("sessionid", session_key)
        headers = {"X-CSRFToken": CSRF, **BEHIND_THE_PROXY, "Origin": proxied(base)}
        t0 = time.perf_counter()
        r = http.post(
            f"{base}/api/plates/cases/{case_number}/draws",
            json={"plate_type": "02"},
            headers=headers,
        )
        t1 = time.perf_counter()
        if r.status_code != 201:
            run.errors[f"draw {r.status_code} {r.text[:80]}"] += 1
            return
        run.draws.append(t1 - t0)
        body = r.json()
        choice = random.choice(body["numbers"])
        if think:
            time.sleep(random.expovariate(1 / think))
        t2 = time.perf_counter()
        r = http.post(
            f"{base}/api/plates/draws/{body['draw_id']}/pick",
            json={"number": choice},
            headers=headers,
        )
        t3 = time.perf_counter()
        if r.status_code != 200:
            run.errors[f"pick {r.status_code} {r.text[:80]}"] += 1
            return
        run.picks.append(t3 - t2)
        run.offers.append((body["numbers"], t1, t2, r.json()["number"]))
        if think:
            time.sleep(random.expovariate(1 / think))

    work: list[list] = [[] for _ in range(clients)]
    for i, (case_number, session_key) in enumerate(office.app_cases):
        work[i % clients].append((case_number, session_key))
    sessions = []
    for _items in work:
        http = requests.Session()
        http.cookies.set("csrftoken", CSRF)
        sessions.append(http)
    work = [[(*item, sessions[i]) for item in items] for i, items in enumerate(work)]
    return _race(clients, work, one, stagger=2 * think)


# --- the database floor: the service's two transactions in plain psycopg -----------------------


class Floor:
    """The statements ``draw_numbers`` and ``pick_number`` issue inside their transactions
    (captured from the ORM; see the module docstring), with the same slot stream. Not
    included: the request's own reads outside the transaction (session, user, person, the
    case by number), which are the app's share."""

    def __init__(self, url: str, connections: int, draw_size: int, offer_minutes: int):
        import psycopg

        self.pool: queue.Queue = queue.Queue()
        for _ in range(connections):
            self.pool.put(psycopg.connect(url, autocommit=False))
        self.draw_size = draw_size
        self.offer = dt.timedelta(minutes=offer_minutes)
        self.inside = Run()  # time inside the transaction, without waiting for a connection

    def close(self) -> None:
        while not self.pool.empty():
            self.pool.get().close()

    def draw(self, case_id: int, person_id: int, user_id: int) -> tuple[int, list[str]]:
        from psycopg.types.json import Jsonb

        from cheguan.plates.rules import MAX_CANDIDATES_PER_NUMBER, slot_stream

        conn = self.pool.get()
        began = time.perf_counter()
        try:
            with conn.transaction(), conn.cursor() as cur:
                now = dt.datetime.now(dt.UTC)
                cur.execute(
                    "SELECT c.id, c.office_id, c.status, s.code FROM cases_case c"
                    " JOIN cases_service s ON s.id = c.service_id"
                    " LEFT JOIN registry_vehicle v ON v.id = c.vehicle_id"
                    " WHERE c.id = %s FOR UPDATE OF c",
                    [case_id],
                )
                _case, office_id, _status, _code = cur.fetchone()
                cur.execute(
                    "SELECT id FROM plates_selectionban WHERE ends_at > %s AND lifted_at IS NULL"
                    " AND person_id = %s ORDER BY ends_at DESC LIMIT 1",
                    [now, person_id],
                )
                cur.execute(
                    "SELECT * FROM plates_platenumber WHERE case_id = %s AND state = 'held'"
                    " ORDER BY number LIMIT 1",
                    [case_id],
                )
                cur.execute("SELECT count(*) FROM plates_draw WHERE case_id = %s", [case_id])
                cur.execute(
                    "SELECT id FROM plates_pool WHERE office_id = %s AND plate_type = '02'"
                    " ORDER BY id LIMIT 1",
                    [office_id],
                )
                pool_id = cur.fetchone()[0]
                cur.execute(
                    "SELECT id FROM plates_draw WHERE case_id = %s AND status = 'open'"
                    " ORDER BY drawn_at DESC, id DESC",
                    [case_id],
                )
                cur.execute("SELECT pg_advisory_xact_lock_shared(20556, %s)", [pool_id])
                cur.execute("SELECT id, version, size FROM plates_pool WHERE id = %s", [pool_id])
                _pool, version, size = cur.fetchone()
                seed = secrets.token_bytes(32)
                cur.execute(
                    "INSERT INTO plates_draw (pool_id, case_id, applicant_person_id, drawn_by_id,"
                    " seed, pool_version, pool_size, candidates, numbers, drawn_at, expires_at,"
                    " status, picked, picked_at) VALUES (%s, %s, %s, %s, %s, %s, %s, '[]', '[]',"
                    " %s, %s, 'open', '', NULL) RETURNING id",
                    [pool_id, case_id, person_id, user_id, seed.hex(), version, size, now,
                     now + self.offer],
                )  # fmt: skip
                draw_id = cur.fetchone()[0]
                stream = slot_stream(seed, size)
                tried: set[int] = set()
                claimed: list[tuple[int, int, str]] = []  # id, slot, number
                candidates: list[list] = []
                limit = self.draw_size * MAX_CANDIDATES_PER_NUMBER
                while len(claimed) < self.draw_size and len(candidates) < limit:
                    slots = []
                    while len(slots) < self.draw_size - len(claimed):
                        slot = next(stream)
                        if slot in tried:
                            candidates.append([slot, "", "repeat"])
                            continue
                        tried.add(slot)
                        slots.append(slot)
                    cur.execute(
                        "SELECT id, number, state, slot, draw_id, case_id, until"
                        " FROM plates_platenumber WHERE (state = 'free' OR"
                        " (state IN ('offered', 'held') AND until < %s))"
                        " AND pool_id = %s AND slot = ANY(%s) ORDER BY number FOR UPDATE SKIP LOCKED",
                        [now, pool_id, slots],
                    )
                    got = {row[3]: (row[0], row[3], row[1]) for row in cur.fetchall()}
                    missing = [s for s in slots if s not in got]
                    if missing:
                        cur.execute(
                            "SELECT slot, number FROM plates_platenumber WHERE pool_id = %s"
                            " AND slot = ANY(%s) AND state <> 'free' FOR SHARE SKIP LOCKED",
                            [pool_id, missing],
                        )
                        taken = dict(cur.fetchall())
                        rest = [s for s in missing if s not in taken]
                        if rest:
                            cur.execute(
                                "SELECT slot, number, state FROM plates_platenumber"
                                " WHERE pool_id = %s AND slot = ANY(%s)",
                                [pool_id, rest],
                            )
                    for slot in slots:
                        if slot in got:
                            claimed.append(got[slot])
                            candidates.append([slot, got[slot][2], "offered"])
                        else:
                            candidates.append([slot, "", "taken"])
                ids = [c[0] for c in claimed]
                cur.execute(
                    "UPDATE plates_platenumber SET state = 'offered', draw_id = %s, case_id = NULL,"
                    " until = %s WHERE id = ANY(%s)",
                    [draw_id, now + self.offer, ids],
                )
                cur.execute(
                    "INSERT INTO plates_numberevent (number_id, kind, at, state, draw_id, case_id,"
                    " slot) SELECT * FROM unnest(%s::bigint[], %s::varchar[], %s::timestamptz[],"
                    " %s::varchar[], %s::bigint[], %s::bigint[], %s::integer[])",
                    [ids, ["offered"] * len(ids), [now] * len(ids), ["offered"] * len(ids),
                     [draw_id] * len(ids), [None] * len(ids), [c[1] for c in claimed]],
                )  # fmt: skip
                numbers = [c[2] for c in claimed]
                cur.execute(
                    "UPDATE plates_draw SET candidates = %s, numbers = %s WHERE id = %s",
                    [Jsonb(candidates), Jsonb(numbers), draw_id],
                )
            return draw_id, numbers
        finally:
            self.inside.draws.append(time.perf_counter() - began)
            self.pool.put(conn)

    def pick(self, case_id: int, draw_id: int, number: str) -> str:
        conn = self.pool.get()
        began = time.perf_counter()
        try:
            with conn.transaction(), conn.cursor() as cur:
                now = dt.datetime.now(dt.UTC)
                cur.execute(
                    "SELECT c.id FROM cases_case c JOIN cases_service s ON s.id = c.service_id"
                    " LEFT JOIN registry_vehicle v ON v.id = c.vehicle_id"
                    " WHERE c.id = %s FOR UPDATE OF c",
                    [case_id],
                )
                cur.execute("SELECT * FROM plates_draw WHERE id = %s FOR UPDATE", [draw_id])
                cur.execute("SELECT count(*) FROM plates_draw WHERE case_id = %s", [case_id])
                cur.execute(
                    "SELECT working_ordinal FROM workdays_calendarday WHERE date = %s LIMIT 21",
                    [now.date()],
                )
                ordinal = cur.fetchone()[0]
                cur.execute(
                    "SELECT date FROM workdays_calendarday WHERE is_working"
                    " AND working_ordinal = %s ORDER BY 1 LIMIT 1",
                    [ordinal + 3],
                )
                until = dt.datetime.combine(
                    cur.fetchone()[0] + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC
                )
                cur.execute(
                    "UPDATE plates_platenumber SET state = 'held', draw_id = NULL, case_id = %s,"
                    " until = %s WHERE draw_id = %s AND number = %s AND state = 'offered'",
                    [case_id, until, draw_id, number],
                )
                assert cur.rowcount == 1, "the floor's pick found its number taken"
                cur.execute("SELECT * FROM plates_platenumber WHERE number = %s", [number])
                row = cur.fetchone()
                cur.execute(
                    "INSERT INTO plates_numberevent (number_id, kind, at, state, draw_id, case_id,"
                    " slot) VALUES (%s, 'held', %s, 'held', %s, %s, %s) RETURNING id",
                    [row[0], now, draw_id, case_id, row[5]],
                )
                cur.execute(
                    "SELECT id, slot, draw_id FROM plates_platenumber WHERE draw_id = ANY(%s)"
                    " AND state = 'offered' ORDER BY number FOR UPDATE",
                    [[draw_id]],
                )
                rows = cur.fetchall()
                ids = [r[0] for r in rows]
                cur.execute(
                    "UPDATE plates_platenumber SET state = 'free', draw_id = NULL, until = NULL"
                    " WHERE id = ANY(%s)",
                    [ids],
                )
                cur.execute(
                    "INSERT INTO plates_numberevent (number_id, kind, at, state, draw_id, case_id,"
                    " slot) SELECT * FROM unnest(%s::bigint[], %s::varchar[], %s::timestamptz[],"
                    " %s::varchar[], %s::bigint[], %s::bigint[], %s::integer[])",
                    [ids, ["returned"] * len(ids), [now] * len(ids), ["free"] * len(ids),
                     [draw_id] * len(ids), [None] * len(ids), [r[1] for r in rows]],
                )  # fmt: skip
                cur.execute(
                    "UPDATE plates_draw SET status = 'picked' WHERE id = ANY(%s) AND status = 'open'",
                    [[draw_id]],
                )
                cur.execute(
                    "UPDATE plates_draw SET status = 'picked', picked = %s, picked_at = %s"
                    " WHERE id = %s",
                    [number, now, draw_id],
                )
            return number
        finally:
            self.inside.picks.append(time.perf_counter() - began)
            self.pool.put(conn)


def floor_run(floor: Floor, office: Office, clients: int, think: float = 0.0) -> Run:
    def one(run: Run, item: tuple[int, int, int]) -> None:
        case_id, person_id, user_id = item
        t0 = time.perf_counter()
        draw_id, numbers = floor.draw(case_id, person_id, user_id)
        t1 = time.perf_counter()
        run.draws.append(t1 - t0)
        choice = random.choice(numbers)
        if think:
            time.sleep(random.expovariate(1 / think))
        t2 = time.perf_counter()
        floor.pick(case_id, draw_id, choice)
        run.picks.append(time.perf_counter() - t2)
        run.offers.append((numbers, t1, t2, choice))
        if think:
            time.sleep(random.expovariate(1 / think))

    work: list[list] = [[] for _ in range(clients)]
    for i, item in enumerate(office.floor_cases):
        work[i % clients].append(item)
    return _race(clients, work, one, stagger=2 * think)


# --- duplicates -------------------------------------------------------------------------------


def duplicates_in_history(pool_id: int) -> tuple[int, int]:
    """(numbers offered while already offered or held, numbers held twice) over the pool's
    whole number history — the events are ordered as the row locks were taken."""
    from cheguan.plates.models import NumberEvent

    claim: dict[int, tuple[str, int]] = {}
    double_offers = double_holds = 0
    events = NumberEvent.objects.filter(number__pool_id=pool_id).order_by("pk")
    for pk, kind, draw_id, case_id in events.values_list(
        "number_id", "kind", "draw_id", "case_id"
    ).iterator(chunk_size=20_000):
        current = claim.get(pk)
        if kind == "offered":
            double_offers += current is not None
            claim[pk] = ("offer", draw_id)
        elif kind == "held":
            double_holds += current != ("offer", draw_id)
            claim[pk] = ("hold", case_id)
        elif kind == "returned":
            claim.pop(pk, None)
    return double_offers, double_holds


def duplicates_seen(run: Run) -> tuple[int, int]:
    """What the clients saw: pairs of draws that surely had the same number on offer at the
    same moment (between one's answer and its pick request), and numbers two clients hold."""
    spans: dict[str, list[tuple[float, float]]] = {}
    for numbers, shown, until, _picked in run.offers:
        for n in numbers:
            spans.setdefault(n, []).append((shown, until))
    overlaps = 0
    for windows in spans.values():
        windows.sort()
        reach = float("-inf")  # the latest "surely offered until" so far
        for shown, until in windows:
            overlaps += shown < reach
            reach = max(reach, until)
    picked = Counter(p for *_rest, p in run.offers)
    return overlaps, sum(1 for c in picked.values() if c > 1)


# --- gunicorn ---------------------------------------------------------------------------------


# gunicorn runs in production mode, which redirects plain HTTP to HTTPS: requests come as
# the reverse proxy sends them (HTTPS told by X-Forwarded-Proto, trusted from 127.0.0.1).
BEHIND_THE_PROXY = {"X-Forwarded-Proto": "https"}


def proxied(base: str) -> str:
    """The origin the browser saw: https, as the proxy serves it."""
    return base.replace("http://", "https://", 1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(url: str, port: int, args, log) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CHEGUAN_SECRET_KEY": SECRET_KEY,
        "CHEGUAN_DEBUG": "0",
        "CHEGUAN_ALLOWED_HOSTS": "127.0.0.1",
        "CHEGUAN_BIND": f"127.0.0.1:{port}",
        "CHEGUAN_WORKERS": str(args.workers),
    }
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "cheguan.wsgi",
        "-c",
        str(ROOT / "gunicorn.conf.py"),
        "--worker-class",
        args.worker_class,
        "--threads",
        str(args.threads),
    ]
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(  # noqa: S310 (our own server, http)
                urllib.request.Request(  # noqa: S310
                    f"http://127.0.0.1:{port}/api/plates/check?number=浙BA0000&type=02".replace(
                        "浙", "%E6%B5%99"
                    ),
                    headers=BEHIND_THE_PROXY,
                ),
                timeout=2,
            ) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.3)
        if proc.poll() is not None:
            raise SystemExit("gunicorn did not start; see its log")
    raise SystemExit("gunicorn did not answer in 60 s")


ACCESS = re.compile(
    r'"POST /api/plates/(cases/\d+/draws|draws/\d+/pick) HTTP/1.1" (\d+) \d+ (\d+)ms'
)


def server_times(log_path: str, skip: int) -> tuple[dict[str, list[float]], int]:
    """Time inside the worker per endpoint, from gunicorn's access log (``%(M)s``), for the
    lines after ``skip``."""
    times: dict[str, list[float]] = {"draw": [], "pick": []}
    with open(log_path, encoding="utf-8", errors="replace") as f:
        lines = f.readlines()
    for line in lines[skip:]:
        m = ACCESS.search(line)
        if m:
            kind = "draw" if m.group(1).endswith("draws") else "pick"
            times[kind].append(int(m.group(3)) / 1000)
    return times, len(lines)


# --- CPU accounting (independent of what else the machine is doing) ---------------------------


def _cpu(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


class CpuSampler(threading.Thread):
    """CPU seconds used during a phase by the gunicorn workers and by this database's
    PostgreSQL backends (found by their process titles), sampled every 0.2 s so that
    processes that end during the phase (recycled workers, connections closed after
    CONN_MAX_AGE) still count, and by this process (the clients, the floor's driver)."""

    def __init__(self, gunicorn_pid: int, database: str):
        super().__init__(daemon=True)
        # "postgres: 15/main: postgres <database> 127.0.0.1(port) idle" (with a cluster name)
        self.gunicorn_pid, self.title = gunicorn_pid, f" postgres {database} "
        self.first: dict[int, float] = {}
        self.last: dict[int, tuple[str, float]] = {}
        self.done = threading.Event()
        self.clients = _cpu(os.getpid())
        self.sample(initial=True)

    def sample(self, initial: bool = False) -> None:
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            pid = int(entry)
            try:
                with open(f"/proc/{pid}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    title = f.read().decode(errors="replace")
            except OSError:
                continue
            if ppid == self.gunicorn_pid:
                kind = "app"
            elif title.startswith("postgres:") and self.title in title:
                kind = "postgres"
            else:
                continue
            used = _cpu(pid)
            if initial:
                self.first[pid] = used
            self.last[pid] = (kind, used)

    def run(self) -> None:
        while not self.done.wait(0.2):
            self.sample()

    def stop(self, pairs: int) -> dict[str, float]:
        """Milliseconds of CPU per draw + pick."""
        self.done.set()
        self.join()
        self.sample()
        per = 1000 / max(pairs, 1)
        used = {"app": 0.0, "postgres": 0.0}
        for pid, (kind, value) in self.last.items():
            used[kind] += value - self.first.get(pid, 0.0)
        clients = _cpu(os.getpid()) - self.clients
        return {kind: value * per for kind, value in used.items()} | {"clients": clients * per}


def cpu_line(cpu: dict[str, float]) -> str:
    return (
        f"CPU per draw + pick: app workers {cpu['app']:5.1f} ms, PostgreSQL "
        f"{cpu['postgres']:5.1f} ms, client process {cpu['clients']:5.1f} ms"
    )


# --- main -------------------------------------------------------------------------------------


def report(label: str, run: Run, server: dict | None = None) -> dict:
    n = len(run.draws)
    out = {
        "draws": n,
        "draws_per_s": n / run.seconds if run.seconds else 0.0,
        "draw_p50": _pct(run.draws, 50),
        "draw_p99": _pct(run.draws, 99),
        "pick_p50": _pct(run.picks, 50),
        "pick_p99": _pct(run.picks, 99),
        "errors": dict(run.errors),
    }
    line = (
        f"  {label:<6} {n:>5} draws in {run.seconds:5.1f} s = {out['draws_per_s']:6.1f} draws/s"
        f" | draw p50 {out['draw_p50']:6.1f} ms p99 {out['draw_p99']:6.1f} ms"
        f" | pick p50 {out['pick_p50']:6.1f} ms p99 {out['pick_p99']:6.1f} ms"
    )
    print(line)
    if server:
        print(
            f"  {'':<6} inside gunicorn workers: draw p50 {_pct(server['draw'], 50):6.1f} ms"
            f" p99 {_pct(server['draw'], 99):6.1f} ms | pick p50 {_pct(server['pick'], 50):6.1f}"
            f" ms p99 {_pct(server['pick'], 99):6.1f} ms"
        )
    if run.errors:
        print(f"  {'':<6} ERRORS: {dict(run.errors)}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pools", default="10000,1000000", help="pool sizes, comma-separated")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3, help="draw + pick per client")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=1, help="threads per gthread worker")
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean seconds an applicant looks at the numbers before picking, and after "
        "(exponential), and clients arrive spread over twice that; 0: all clients start at "
        "once and send each next request at once",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    sizes = [int(s) for s in args.pools.split(",")]
    offices = [Office(f"{size:,}", size) for size in sizes]
    cases = args.clients * args.rounds
    with throwaway_database(DATABASE, keep=args.keep) as url:
        setup_django(url)
        from django.db import connection

        from cheguan.plates.conf import setting

        start = time.perf_counter()
        for i, office in enumerate(offices):
            code, prefix, name = f"33{i + 2:02d}00", f"浙{'BCDEFGHJ'[i]}", f"第{i + 1}车管所"
            build_office(office, code, prefix, name, cases, warm=4 * args.workers)
            print(f"pool {office.label}: {office.built}")
        print(
            f"PostgreSQL {connection.pg_version // 10000}; built in "
            f"{time.perf_counter() - start:.1f} s: {len(offices)} pools, "
            f"{2 * cases * len(offices):,} citizens with plate-selection cases"
        )
        connection.close()

        port = free_port()
        db_connections = args.workers * (args.threads if args.worker_class == "gthread" else 1)
        print(
            f"gunicorn: {args.workers} {args.worker_class} workers"
            + (f" × {args.threads} threads" if args.worker_class == "gthread" else "")
            + f" ({db_connections} database connections, CONN_MAX_AGE 60); "
            f"{args.clients} concurrent clients × {args.rounds} rounds of draw + pick"
            + (f", think time {args.think:g} s" if args.think else ", no think time")
            + f"; {os.cpu_count()} cores"
        )
        with tempfile.NamedTemporaryFile("w+", prefix="gunicorn-", suffix=".log") as log:
            proc = start_gunicorn(url, port, args, log)
            base = f"http://127.0.0.1:{port}"
            floor = Floor(url, db_connections, setting("DRAW_SIZE"), setting("OFFER_MINUTES"))
            results = {}
            try:
                # Warm up: every worker opens its database connection and runs a draw and a
                # pick once (Python's first call of a code path costs far more).
                for office in offices:
                    warm = Office(office.label, office.pool_size, app_cases=office.warm_cases)
                    http_run(base, warm, args.workers)
                for office in offices:
                    print(f"pool of {office.label} free numbers:")
                    _, seen = server_times(log.name, 0)
                    print(f"  load average before: {os.getloadavg()[0]:.1f}")
                    cpu = CpuSampler(proc.pid, DATABASE)
                    cpu.start()
                    app = http_run(base, office, args.clients, args.think)
                    app_cpu = cpu.stop(len(app.draws))
                    server, _ = server_times(log.name, seen)
                    app_figures = report("app", app, server)
                    print(f"  {'':<6} {cpu_line(app_cpu)}")
                    cpu = CpuSampler(proc.pid, DATABASE)
                    cpu.start()
                    db = floor_run(floor, office, args.clients, args.think)
                    floor_cpu = cpu.stop(len(db.draws))
                    floor_figures = report("floor", db)
                    inside = floor.inside
                    floor.inside = Run()
                    print(
                        f"  {'':<6} inside the transaction: draw p50 {_pct(inside.draws, 50):6.1f}"
                        f" ms p99 {_pct(inside.draws, 99):6.1f} ms | pick p50"
                        f" {_pct(inside.picks, 50):6.1f} ms p99 {_pct(inside.picks, 99):6.1f} ms"
                    )
                    print(f"  {'':<6} {cpu_line(floor_cpu)}")
                    floor_figures["inside_draw_p50"] = _pct(inside.draws, 50)
                    app_figures["inside_draw_p50"] = _pct(server["draw"], 50)
                    history = duplicates_in_history(office.pool_id)
                    seen_app, seen_floor = duplicates_seen(app), duplicates_seen(db)
                    print(
                        f"  duplicates: history {history[0]} offered twice, {history[1]} held "
                        f"twice; clients saw {seen_app[0] + seen_floor[0]} overlapping offers, "
                        f"{seen_app[1] + seen_floor[1]} numbers held twice"
                    )
                    app_figures["inside_pick_p50"] = _pct(server["pick"], 50)
                    floor_figures["inside_pick_p50"] = _pct(inside.picks, 50)
                    app_server = app_cpu["app"] + app_cpu["postgres"]
                    print(
                        "  app/floor: time inside (gunicorn worker / floor transaction) draw p50 "
                        f"{app_figures['inside_draw_p50'] / floor_figures['inside_draw_p50']:.1f}×,"
                        f" pick p50 "
                        f"{app_figures['inside_pick_p50'] / floor_figures['inside_pick_p50']:.1f}×;"
                        f" server CPU per draw + pick {app_server / floor_cpu['postgres']:.1f}×;"
                        f" throughput {floor_figures['draws_per_s'] / app_figures['draws_per_s']:.1f}×"
                    )
                    results[office.pool_size] = app_figures | {
                        "floor": floor_figures,
                        "duplicates": sum(history) + sum(seen_app) + sum(seen_floor),
                    }
            finally:
                floor.close()
                proc.terminate()
                proc.wait(timeout=30)
        if len(sizes) == 2:
            small, large = (results[s] for s in sorted(sizes))
            print(
                f"draw p50 at {max(sizes):,} / at {min(sizes):,} (target ≤ 2×): clients "
                f"{large['draw_p50'] / small['draw_p50']:.2f}×, inside gunicorn "
                f"{large['inside_draw_p50'] / small['inside_draw_p50']:.2f}×, floor transaction "
                f"{large['floor']['inside_draw_p50'] / small['floor']['inside_draw_p50']:.2f}×"
            )
        worst = max(max(r["draw_p99"], r["pick_p99"]) for r in results.values())
        dupes = sum(r["duplicates"] for r in results.values())
        print(f"worst p99 {worst:.0f} ms (target < 250 ms); duplicates {dupes} (must be 0)")
        print(json.dumps({"results": results}, default=str), file=sys.stderr)


if __name__ == "__main__":
    main()
