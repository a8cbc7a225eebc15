"""Benchmark: a day at the office under load — a mixed workload, open-loop, on PostgreSQL.

How to run:

    .venv/bin/python bench/office_day.py                      # a city of 300,000 vehicles
    .venv/bin/python bench/office_day.py --quick              # 20,000 vehicles, short steps
    .venv/bin/python bench/office_day.py --vehicles 500000 --step-seconds 30 --keep

Needs PostgreSQL (CHEGUAN_BENCH_PG, default postgres://postgres@127.0.0.1:5432), pgbench,
and Redis on 127.0.0.1:6379 (database CHEGUAN_BENCH_REDIS_DB, default 11, flushed first).
Run it on a quiet machine: every figure is a rate on this box's cores.

Phases (one function each):

1. The city, in a throwaway database, set-based in SQL or bulk_create: owners (every one a
   citizen with a login), vehicles with insurance, tax, violations, accidents, penalties and
   seizures (bench/inspection.py's fill, validity spread over a year), a fleet of vehicles
   owned by partner organisations, a 100,000-number plate pool (bench/plates.py's fill), a
   year of cases (bench/cases.py's fill), clerks and supervisors, 40 dealers and 40 service
   points with two agents and an API token each. Then per-kind work queues: vehicles that may
   get a mark today, citizens with an open plate-selection case, submitted 即办 cases for the
   window, completed unrated cases for their applicants, issued marks to verify; and a
   login session for every user in a queue (made in the session table, as a login would).
2. Statements per kind: one transaction of each kind in-process (Django's test Client,
   CaptureQueriesContext), after one warm-up transaction of the same kind.
3. gunicorn with the project's gunicorn.conf.py and production settings (CHEGUAN_DEBUG=0, a
   strong random secret key, Redis for cache and sessions, requests as the reverse proxy sends
   them: X-Forwarded-Proto https from 127.0.0.1). The API rate limits are raised
   (CHEGUAN_RATE_LIMITS) because every virtual user comes from 127.0.0.1; the limiter still
   runs on every request.
4. The load generator, in its own process (forked per step): open-loop asyncio over raw
   HTTP/1.1 sockets. Transactions start at Poisson arrival times at the step's rate whether
   or not earlier ones finished; each request's latency is measured from when it was due
   (the first request of a transaction from its scheduled start, a follow-up request — the
   pick after a draw, the visit after an accept — from the moment the answer before it came).
   Rates step up until a step fails: p99 over all requests ≥ 300 ms or ≥ 1% errors. The
   highest rate that held is the result. Its CPU share (os.times of its process over the
   step's wall time) is printed per step. After the load: the write transactions answered
   2xx beside the audit events written meanwhile, by action.
5. Floors, with the same generator: the bare authenticated endpoint (GET /api/accounts/me,
   Bearer token) and a tiny public one (GET /api/plates/check, 2 queries), and eligibility,
   mark issuance and draw + pick alone; the database: pgbench select-only and TPC-B on a
   pgbench-initialised throwaway database, the mix's captured statements replayed by pgbench
   (each request's statements in BEGIN … ROLLBACK, weighted like the mix; a statement that
   fails on replay — a unique value the captured write already took, an id it made — is
   left out and counted), and bench/plates.py's raw-SQL draw + pick floor (closed loop, as
   many clients as workers). Ratios printed at the end. gunicorn's log stays in /tmp.

The mix (business transactions; shares of all transactions):

    eligibility (citizen, own vehicle, session)            15%   GET  /api/inspection/eligibility
    eligibility (clerk at the window, session)              6%   GET  /api/inspection/eligibility
    eligibility (clerk at the help desk acting for a        4%   GET  /api/inspection/eligibility
      citizen: an assisted session with signed consent)
    vehicle read (clerk, session)                          10%   GET  /api/registry/vehicles/{id}
    case read (clerk, session)                             10%   GET  /api/cases/{number}
    inspection mark issued (2/3 citizen online, 1/3 clerk) 15%   POST /api/inspection/apply
    plate draw + pick (citizen, session)                   10%   POST …/draws, POST …/pick
    window case: accept, visit, complete (clerk, session)  10%   POST …/accept, /visit, /complete
    partner reads: fleet list, own cases (Bearer token)     7%   GET  /api/registry/vehicles, /api/cases/my
    partner writes: a service point opens a case (token)   3%   POST /api/cases/open
    rating a completed case (citizen, session)              5%   POST /api/cases/{number}/rate
    public: verify a mark's QR code, the draw log           5%   GET  /api/inspection/verify, /api/plates/draws

Every write goes through the real endpoint and writes its audit event; non-2xx answers are
counted per kind and printed.

With ``--py-spy SECONDS``, after the mix: the mix again at the highest rate held while py-spy
samples every worker, and where their time went (bench/_pyspy.py).
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import datetime as dt
import json
import logging
import math
import multiprocessing
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import _cpu
import _pyspy
from _pg import PG, ROOT, setup_django, throwaway_database

SECRET_KEY = secrets.token_urlsafe(48)
os.environ["CHEGUAN_SECRET_KEY"] = SECRET_KEY  # sessions made here must verify in gunicorn
REDIS_DB = int(os.environ.get("CHEGUAN_BENCH_REDIS_DB", "11"))
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"
os.environ["CHEGUAN_REDIS_URL"] = REDIS_URL  # in-process too: the same cache and sessions
DATABASE = "cheguan_bench_office_day"
PGBENCH_DATABASE = "cheguan_bench_office_day_pgbench"
CSRF = "benchcsrf" + secrets.token_hex(12)[:23]  # 32 characters: a CSRF secret
P99_LIMIT_MS = 300.0
ERROR_LIMIT = 0.01
SAVEPOINT_COMMANDS = {"SAVEPOINT", "RELEASE", "ROLLBACK"}
OFFICE_CODE = "330200"
RATE_LIMITS = {"API_PER_ACCOUNT": "1000000/m", "API_PER_ADDRESS": "1000000/m"}

CITY_SQL = """
INSERT INTO registry_person (office_id, name, id_type, id_number, birth_date, sex, phone, address, created_at)
SELECT %(office)s, '车主' || i, 'passport', 'CITY' || lpad(i::text, 9, '0'),
       DATE '1950-01-01' + (i %% 20000), CASE WHEN i %% 2 = 0 THEN 'F' ELSE 'M' END, '', '', now()
FROM generate_series(1, %(people)s) AS i;

INSERT INTO registry_vehicle (office_id, vin, engine_number, make, model, vehicle_type, seats,
    use_nature, energy_type, manufacture_date, first_registration_date, status, owner_person_id,
    owner_organisation_id, plate_kind, plate_number, inspection_valid_until, created_at)
SELECT %(office)s, 'CITYVIN' || lpad(i::text, 10, '0'), 'E' || i, '大众', '帕萨特',
       (ARRAY['K33','K33','K33','K31','K43','K39','H31','K11'])[1 + (h %% 8)],
       CASE WHEN h %% 8 = 7 THEN 40 WHEN h %% 13 = 0 THEN 7 ELSE 5 END,
       CASE WHEN h %% 20 = 0 THEN 'F' ELSE 'A' END, 'fuel',
       reg - 30, reg,
       CASE WHEN h %% 500 = 0 THEN 'stolen' WHEN h %% 500 = 1 THEN 'scrap_standard' ELSE 'registered' END,
       CASE WHEN i %% 50 = 0 THEN NULL ELSE %(first_person)s + (i %% %(people)s) END,
       CASE WHEN i %% 50 = 0 THEN (%(fleets)s)[1 + (i / 50) %% array_length(%(fleets)s, 1)] END,
       '02', 'B' || lpad(i::text, 7, '0'),
       (DATE %(today)s + ((h %% 365) - 30)), now()
FROM (SELECT i, abs(hashtext(i::text)) AS h,
             (DATE %(today)s + ((abs(hashtext(i::text)) %% 365) - 30)
               - (((2 + 2 * (abs(hashtext(i::text)) %% 6)) || ' years')::interval))::date AS reg
      FROM generate_series(1, %(vehicles)s) AS i) AS g;

INSERT INTO registry_insurancepolicy (vehicle_id, insurer_id, policy_number, valid_from, valid_until)
SELECT id, NULL, 'P' || id, DATE %(today)s - 200, DATE %(today)s + 165
FROM registry_vehicle WHERE id %% 20 <> 3;

INSERT INTO registry_vehicletax (vehicle_id, year, status)
SELECT id, %(year)s, CASE WHEN id %% 10 = 0 THEN 'exempt' ELSE 'paid' END
FROM registry_vehicle WHERE id %% 20 <> 5;

INSERT INTO registry_violation (vehicle_id, occurred_at, code, description, points, fine_yuan, processed, processed_at)
SELECT id, now(), '1625', '闯红灯', 6, 200, id %% 40 <> 0, NULL
FROM registry_vehicle WHERE id %% 20 = 0 OR id %% 7 = 0;

INSERT INTO registry_accident (vehicle_id, occurred_on, with_casualties, settled, description)
SELECT id, DATE %(today)s - 180, id %% 3 = 0, id %% 5 <> 0, ''
FROM registry_vehicle WHERE id %% 50 = 1;

INSERT INTO registry_modificationpenalty (vehicle_id, decided_on, description)
SELECT id, DATE %(today)s - 300, '加装' FROM registry_vehicle WHERE id %% 200 = 2;

INSERT INTO registry_encumbrance (vehicle_id, kind, authority, started_on, released_on)
SELECT id, 'seizure', '法院', DATE %(today)s - 60, NULL FROM registry_vehicle WHERE id %% 500 = 4;

INSERT INTO accounts_user (password, last_login, is_superuser, username, first_name, last_name,
    email, is_staff, is_active, date_joined, role, office_id, organisation_id, person_id,
    elder_mode, display_name)
SELECT '!', NULL, false, 'citizen-' || id, '', '', '', false, true, now(), 'citizen', NULL, NULL,
       id, false, ''
FROM registry_person WHERE office_id = %(office)s
"""


GUNICORN = [0]  # the master's pid, for the CPU it and its workers use (bench/_cpu.py)

# --- the city --------------------------------------------------------------------------------


@dataclass
class City:
    office_id: int = 0
    pool_id: int = 0
    clerks: list[int] = field(default_factory=list)  # user ids
    agents: list[tuple[int, int, str]] = field(default_factory=list)  # user, organisation, token
    service_points: set[int] = field(default_factory=set)  # organisations that may open cases
    vehicles: list[int] = field(default_factory=list)  # a sample for reads
    owned: list[tuple[int, int]] = field(default_factory=list)  # (citizen user, vehicle)
    # (clerk user, a vehicle of the citizen the clerk acts for in an assisted session)
    assisted: list[tuple[int, int]] = field(default_factory=list)
    cases: list[str] = field(default_factory=list)  # a sample of case numbers for reads
    eligible: list[tuple[int, int]] = field(default_factory=list)  # (owner user, vehicle)
    selections: list[tuple[int, str]] = field(default_factory=list)  # (citizen user, case number)
    floor_cases: list[tuple[int, int, int]] = field(default_factory=list)  # case, person, user
    window_cases: list[str] = field(default_factory=list)  # submitted 即办 cases
    rateable: list[tuple[int, str]] = field(default_factory=list)  # (applicant user, case number)
    verify: list[str] = field(default_factory=list)  # query strings of issued marks' QR codes
    sessions: dict[int, str] = field(default_factory=dict)  # user id -> session key

    def window_clerks(self) -> list[int]:
        """The clerks not acting for a citizen: they serve whoever comes to the window."""
        helping = {clerk for clerk, _vehicle in self.assisted}
        return [c for c in self.clerks if c not in helping]

    counts: dict[str, int] = field(default_factory=dict)


def build_city(args, needs: dict[str, int]) -> City:
    from django.db import connection

    from cheguan.accounts.models import User
    from cheguan.cases.catalogue import seed_catalogue
    from cheguan.core import clock
    from cheguan.core.roles import Role
    from cheguan.registry.models import Office, Organisation

    city = City()
    today = clock.today()
    office = Office.objects.create(
        code=OFFICE_CODE, name="宁波市车管所", region="浙江省宁波市", plate_prefix="浙B"
    )
    city.office_id = office.pk
    seed_catalogue(office)
    fleets = Organisation.objects.bulk_create(
        Organisation(
            office=office,
            name=f"{'经销商' if kind == 'dealer' else '服务站'}{i}",
            uscc=f"91330200{i + (kind == 'dealer') * 100:09d}X",
            kind=kind,
            authorisation_status="granted",
            authorised_from=today - dt.timedelta(days=365),
            authorised_until=today + dt.timedelta(days=365),
            authorised_services=["contact_change", "plate_selection"],
            created_at=clock.now(),
        )
        for kind in ("dealer", "service_point")
        for i in range(40)
    )
    people = max(1000, args.vehicles // 2)
    with connection.cursor() as cur:
        params = {
            "office": office.pk,
            "people": people,
            "vehicles": args.vehicles,
            "fleets": [o.pk for o in fleets],
            "today": today.isoformat(),
            "year": today.year,
        }
        cur.execute("SELECT coalesce(max(id), 0) + 1 FROM registry_person")
        params["first_person"] = cur.fetchone()[0]
        for statement in [s for s in CITY_SQL.split(";\n") if s.strip()]:
            cur.execute(statement, params)
        fill_cases(cur, office.pk, params["first_person"], people, args.cases)
    fill_plate_pool(city, office)
    staff = User.objects.bulk_create(
        [User(username=f"clerk-{i}", role=Role.CLERK, office=office) for i in range(40)]
        + [User(username=f"supervisor-{i}", role=Role.SUPERVISOR, office=office) for i in range(5)]
    )
    city.clerks = [u.pk for u in staff if u.role == Role.CLERK]
    make_partners(city, fleets)
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    prepare_work(city, needs, today)
    make_sessions(city)
    with connection.cursor() as cur:
        for table in (
            "registry_person",
            "registry_vehicle",
            "accounts_user",
            "cases_case",
            "plates_platenumber",
            "django_session",
        ):
            cur.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (our table names)
            city.counts[table] = cur.fetchone()[0]
        cur.execute("VACUUM ANALYZE")
    return city


def fill_cases(cur, office_id: int, first_person: int, people: int, n_cases: int) -> None:
    """bench/cases.py's year of cases, with numeric case numbers (the API's pattern)."""
    from cases import FILL_SQL
    from cheguan.cases.models import Service

    services = list(
        Service.objects.filter(office_id=office_id).values_list("pk", "promised_working_days")
    )
    statements = [s for s in FILL_SQL.split(";\n") if s.strip()][1:]  # not its people
    original = "'B' || lpad(i::text, 10, '0')"
    assert original in statements[0], "bench/cases.py's fill changed"
    statements[0] = statements[0].replace(original, "'7' || lpad(i::text, 11, '0')")
    for statement in statements:
        cur.execute(
            statement,
            {
                "office": office_id,
                "people": people,
                "first_person": first_person,
                "services": [pk for pk, _ in services],
                "promises": [days for _, days in services],
                "cases": n_cases,
            },
        )


def fill_plate_pool(city: City, office) -> None:
    """A 100,000-number pool of small-car numbers: bench/plates.py's set-based fill (the rows
    ``release_segment`` makes)."""
    from django.db import connection

    from cheguan.accounts.models import User
    from cheguan.core import clock
    from cheguan.core.roles import Role
    from cheguan.plates.models import Pool, Segment
    from plates import ALPHABET, FILL_SQL, _serial_range

    size = 100_000
    admin = User.objects.create(username="admin", role=Role.ADMIN, office=office)
    pool = Pool.objects.create(office=office, plate_type="02", size=size)
    now = clock.now()
    first, last = _serial_range(size)
    segment = Segment.objects.create(
        pool=pool,
        first_number=office.plate_prefix + first,
        last_number=office.plate_prefix + last,
        count=size,
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
                "prefix": office.plate_prefix,
                "alpha": ALPHABET,
                "n": size,
            },
        )
    city.pool_id = pool.pk


def make_partners(city: City, fleets) -> None:
    from cheguan.accounts.models import User
    from cheguan.accounts.services import create_api_token
    from cheguan.core.actor import Actor
    from cheguan.core.roles import Role

    agents = User.objects.bulk_create(
        User(
            username=f"agent-{org.pk}-{n}",
            role=Role.DEALER_AGENT if org.kind == "dealer" else Role.SERVICE_POINT_AGENT,
            organisation=org,
        )
        for org in fleets
        for n in range(2)
    )
    city.service_points = {org.pk for org in fleets if org.kind == "service_point"}
    for agent in agents:
        _token, secret = create_api_token(actor=Actor(user=agent), name="ERP")
        city.agents.append((agent.pk, agent.organisation_id, secret))


def prepare_work(city: City, needs: dict[str, int], today: dt.date) -> None:
    """Per-kind queues of valid work, so that no request fails for lack of data."""
    from cheguan.accounts.models import User
    from cheguan.cases import services as case_services
    from cheguan.cases.models import Case
    from cheguan.core.actor import Actor
    from cheguan.inspection import queries as inspection_queries
    from cheguan.plates import services as plate_services
    from cheguan.registry.models import Vehicle

    rng = random.Random(12)
    users_of = dict(User.objects.filter(person__isnull=False).values_list("person_id", "pk"))
    sample = list(
        Vehicle.objects.filter(owner_person__isnull=False)
        .order_by("?")
        .values_list("pk", "owner_person_id")[:5000]
    )
    city.vehicles = [pk for pk, _ in sample]
    city.owned = [(users_of[person], pk) for pk, person in sample]
    city.cases = list(Case.objects.order_by("?").values_list("number", flat=True)[:5000])

    ready = [v.pk for v, r in inspection_queries.due_list(on=today, within_days=90) if r.may_issue]
    owners = Vehicle.objects.filter(pk__in=ready, owner_person__isnull=False)
    eligible = [(users_of[p], pk) for pk, p in owners.values_list("pk", "owner_person_id")]
    eligible.sort()
    rng.shuffle(eligible)
    city.eligible = eligible[: needs["mark"]]

    citizens = rng.sample(list(users_of.values()), needs["draw"] + needs["floor"])
    users = User.objects.select_related("person").in_bulk(citizens)
    for i, user_id in enumerate(citizens):
        user = users[user_id]
        case = plate_services.start_selection(actor=Actor(user=user)).case
        if i < needs["draw"]:
            city.selections.append((user_id, case.number))
        else:
            city.floor_cases.append((case.pk, user.person_id, user_id))

    applicants = rng.sample(list(users_of.values()), needs["window"])
    for user in User.objects.select_related("person").filter(pk__in=applicants):
        case = case_services.open_case(
            actor=Actor(user=user), service_code="contact_change", applicant_person=user.person
        )
        case_services.submit_case(actor=Actor(user=user), case=case)
        city.window_cases.append(case.number)

    # Half the clerks act for a citizen at the help desk (帮办: an assisted session with the
    # citizen's signed consent), each for a different owner of a sampled vehicle.
    from cheguan.accounts import services as account_services

    helpers = city.clerks[: len(city.clerks) // 2]
    clerks = User.objects.in_bulk(helpers)
    owners = dict(
        Vehicle.objects.filter(pk__in=city.vehicles).values_list("pk", "owner_person__id_number")
    )
    for clerk_id, (_citizen, vehicle) in zip(
        helpers, rng.sample(city.owned, len(helpers)), strict=True
    ):
        account_services.open_assisted_session(
            actor=Actor(user=clerks[clerk_id]), id_number=owners[vehicle], consent_method="signed"
        )
        city.assisted.append((clerk_id, vehicle))

    rateable = (
        Case.objects.filter(
            status="completed", rating_score__isnull=True, applicant_person__isnull=False
        )
        .exclude(rating__isnull=False)
        .values_list("applicant_person_id", "number")[: needs["rate"]]
    )
    city.rateable = [(users_of[person], number) for person, number in rateable]


def issue_marks_to_verify(city: City, n: int) -> None:
    """Marks issued at the window (the service, in-process), whose QR codes the public checks."""
    from cheguan.accounts.models import User
    from cheguan.core.actor import Actor
    from cheguan.inspection import services, signing
    from cheguan.registry.models import Vehicle

    clerk = Actor(user=User.objects.get(pk=city.window_clerks()[0]))
    for _user, vehicle_id in [city.eligible.pop() for _ in range(n)]:
        mark = services.apply_for_mark(actor=clerk, vehicle=Vehicle.objects.get(pk=vehicle_id)).mark
        city.verify.append(signing.verify_query(mark))


def make_sessions(city: City) -> None:
    """A login session for every user who works in the run, made as a login makes it."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    from cheguan.accounts import session_limits
    from cheguan.accounts.models import User

    wanted = set(city.clerks)
    wanted |= {u for u, _ in city.owned} | {u for u, _ in city.eligible}
    wanted |= {u for u, _ in city.selections} | {u for u, _ in city.rateable}
    rows = []
    for user in User.objects.filter(pk__in=wanted).iterator(chunk_size=5000):
        store = SessionStore()
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "cheguan.accounts.backends.AccountBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        store.update(data)
        session_limits.start(store, user)
        key = secrets.token_hex(16)
        rows.append(
            Session(
                session_key=key,
                session_data=store.encode(store._get_session(no_load=True)),
                expire_date=store.get_expiry_date(),
            )
        )
        city.sessions[user.pk] = key
    Session.objects.bulk_create(rows, batch_size=5000)


# --- the mix ---------------------------------------------------------------------------------


@dataclass
class Request:
    method: str
    path: str
    auth: dict[str, str]  # headers: a session's cookie and CSRF token, or a Bearer token
    body: dict | None = None
    follow: str = ""  # "pick": the path and body come from the answer before (a draw)


@dataclass
class Kind:
    """One kind of business transaction: its share of the mix and where its work comes from."""

    name: str
    share: float
    make: Callable[[random.Random], list[Request]]  # the requests of one transaction
    writes: bool = False


def session_auth(city: City, user_id: int) -> dict[str, str]:
    return {"cookie": f"sessionid={city.sessions[user_id]}; csrftoken={CSRF}", "csrf": CSRF}


def token_auth(secret: str) -> dict[str, str]:
    return {"bearer": secret}


def mix(city: City) -> list[Kind]:
    """The day at the office (see the module docstring)."""
    eligible = list(city.eligible)
    selections = list(city.selections)
    window = list(city.window_cases)
    rateable = list(city.rateable)

    window_clerks = city.window_clerks()

    def clerk(rng) -> dict:
        return session_auth(city, rng.choice(window_clerks))

    def agent(rng) -> tuple[int, int, str]:
        return rng.choice(city.agents)

    def eligibility_citizen(rng):
        user, vehicle = rng.choice(city.owned)
        path = f"/api/inspection/eligibility?vehicle_id={vehicle}"
        return [Request("GET", path, session_auth(city, user))]

    def eligibility_clerk(rng):
        path = f"/api/inspection/eligibility?vehicle_id={rng.choice(city.vehicles)}"
        return [Request("GET", path, clerk(rng))]

    def eligibility_assisted(rng):
        helper, vehicle = rng.choice(city.assisted)
        path = f"/api/inspection/eligibility?vehicle_id={vehicle}"
        return [Request("GET", path, session_auth(city, helper))]

    def vehicle_read(rng):
        return [Request("GET", f"/api/registry/vehicles/{rng.choice(city.vehicles)}", clerk(rng))]

    def case_read(rng):
        return [Request("GET", f"/api/cases/{rng.choice(city.cases)}", clerk(rng))]

    def mark(rng):
        user, vehicle = eligible.pop()
        auth = clerk(rng) if rng.random() < 1 / 3 else session_auth(city, user)
        return [Request("POST", "/api/inspection/apply", auth, {"vehicle_id": vehicle})]

    def draw_pick(rng):
        user, number = selections.pop()
        auth = session_auth(city, user)
        return [
            Request("POST", f"/api/plates/cases/{number}/draws", auth, {"plate_type": "02"}),
            Request("POST", "", auth, follow="pick"),
        ]

    def window_case(rng):
        number, auth = window.pop(), clerk(rng)
        return [
            Request("POST", f"/api/cases/{number}/accept", auth, {"rongque": False}),
            Request("POST", f"/api/cases/{number}/visit", auth, {"kind": "window"}),
            Request("POST", f"/api/cases/{number}/complete", auth, {}),
        ]

    def partner_read(rng):
        _user, _org, secret = agent(rng)
        path = "/api/registry/vehicles?limit=20" if rng.random() < 0.6 else "/api/cases/my?limit=20"
        return [Request("GET", path, token_auth(secret))]

    service_points = [a for a in city.agents if a[1] in city.service_points]

    def partner_write(rng):
        _user, org, secret = rng.choice(service_points)
        body = {"service_code": "contact_change", "applicant_organisation_id": org}
        return [Request("POST", "/api/cases/open", token_auth(secret), body)]

    def rating(rng):
        user, number = rateable.pop()
        body = {"score": rng.choice([5, 5, 5, 4, 3]), "dimensions": {}, "comment": ""}
        return [Request("POST", f"/api/cases/{number}/rate", session_auth(city, user), body)]

    def public(rng):
        if rng.random() < 0.5 and city.verify:
            return [Request("GET", f"/api/inspection/verify?{rng.choice(city.verify)}", {})]
        return [Request("GET", f"/api/plates/draws?office={OFFICE_CODE}&limit=20", {})]

    return [
        Kind("eligibility (citizen)", 0.15, eligibility_citizen),
        Kind("eligibility (clerk)", 0.06, eligibility_clerk),
        Kind("eligibility (clerk, assisted session)", 0.04, eligibility_assisted),
        Kind("vehicle read (clerk)", 0.10, vehicle_read),
        Kind("case read (clerk)", 0.10, case_read),
        Kind("mark issued", 0.15, mark, writes=True),
        Kind("plate draw + pick", 0.10, draw_pick, writes=True),
        Kind("window case accept/visit/complete", 0.10, window_case, writes=True),
        Kind("partner reads (token)", 0.07, partner_read),
        Kind("partner open case (token)", 0.03, partner_write, writes=True),
        Kind("rating", 0.05, rating, writes=True),
        Kind("public verify / draw log", 0.05, public),
    ]


def floor_kinds(city: City, kinds: list[Kind]) -> dict[str, Kind]:
    """The framework floors and the kinds measured alone."""
    by_name = {k.name: k for k in kinds}

    def me(rng):
        return [Request("GET", "/api/accounts/me", token_auth(rng.choice(city.agents)[2]))]

    def check(rng):
        number = urllib.parse.quote(f"浙BA{rng.randrange(10000):04d}")
        return [Request("GET", f"/api/plates/check?number={number}&type=02", {})]

    return {
        "bare authenticated (GET /api/accounts/me, token)": Kind("me", 1.0, me),
        "bare unauthenticated (GET /api/plates/check)": Kind("check", 1.0, check),
        "eligibility alone (clerk)": Kind("eligibility", 1.0, by_name["eligibility (clerk)"].make),
        "mark issuance alone": Kind("mark", 1.0, by_name["mark issued"].make, writes=True),
        "draw + pick alone": Kind("draw+pick", 1.0, by_name["plate draw + pick"].make, writes=True),
    }


# --- statements per kind, in-process ----------------------------------------------------------


@dataclass
class Statements:
    """What one transaction of a kind sent: its statements, and apart from them the
    SAVEPOINT / RELEASE commands of nested atomic blocks (round trips too)."""

    sql: list[str]
    savepoints: int

    @property
    def count(self) -> int:
        return sum(1 for q in self.sql if q != "COMMIT")


def in_process(client, requests: list[Request]) -> list[int]:
    statuses = []
    answer: dict = {}
    for r in requests:
        path, body = r.path, r.body
        if r.follow == "pick":
            path = f"/api/plates/draws/{answer['draw_id']}/pick"
            body = {"number": answer["numbers"][0]}
        extra = {"HTTP_X_FORWARDED_PROTO": "https", "secure": True}
        client.cookies.clear()
        if "cookie" in r.auth:
            client.cookies["sessionid"] = r.auth["cookie"].split(";")[0].split("=", 1)[1]
        if "bearer" in r.auth:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {r.auth['bearer']}"
        if r.method == "GET":
            response = client.get(path, **extra)
        else:
            response = client.post(
                path, data=json.dumps(body or {}), content_type="application/json", **extra
            )
        statuses.append(response.status_code)
        if response.get("Content-Type", "").startswith("application/json"):
            answer = response.json()
    return statuses


def count_statements(kinds: list[Kind]) -> dict[str, Statements]:
    """One warm-up transaction per kind, then one captured (a real one, committed)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    rng = random.Random(5)
    found = {}
    for kind in kinds:
        warm = in_process(client, kind.make(rng))
        with CaptureQueriesContext(connection) as captured:
            statuses = in_process(client, kind.make(rng))
        bad = [s for s in warm + statuses if not 200 <= s < 300]
        if bad:
            print(f"  in-process {kind.name}: non-2xx answers {bad}")
        sql = [q["sql"] for q in captured.captured_queries]
        nested = [q for q in sql if q.split(None, 1)[0].upper() in SAVEPOINT_COMMANDS]
        found[kind.name] = Statements([q for q in sql if q not in nested], len(nested))
    return found


# --- the load generator (its own process) ------------------------------------------------------


@dataclass
class Outcome:
    kind: str
    latencies: list[float]  # seconds, one per request, from when it was due
    total: float  # the whole transaction, from its scheduled start
    statuses: list[int]


class Http:
    """Raw HTTP/1.1 over a pool of keep-alive connections (gunicorn's sync workers close
    each connection after the answer; then the next request opens a new one)."""

    def __init__(self, port: int, limit: int):
        self.port, self.idle = port, []
        self.slots = asyncio.Semaphore(limit)
        self.host = f"127.0.0.1:{port}"

    async def request(self, method: str, path: str, headers: dict[str, str], body: bytes):
        async with self.slots:
            if self.idle:
                reader, writer = self.idle.pop()
            else:
                reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
            head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}"]
            head += [f"{k}: {v}" for k, v in headers.items()]
            head.append(f"Content-Length: {len(body)}")
            writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
            try:
                status, close, payload = await asyncio.wait_for(self._answer(reader), 30)
            except Exception:
                writer.close()
                raise
            if close:
                writer.close()
            else:
                self.idle.append((reader, writer))
            return status, payload

    @staticmethod
    async def _answer(reader) -> tuple[int, bool, bytes]:
        status_line = await reader.readline()
        if not status_line:
            raise ConnectionError("closed")
        status = int(status_line.split()[1])
        length, chunked, close = 0, False, False
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value:
                chunked = True
            elif name == "connection" and value == "close":
                close = True
        if chunked:
            payload = b""
            while (size := int((await reader.readline()).strip(), 16)) > 0:
                payload += await reader.readexactly(size)
                await reader.readline()
            await reader.readline()
        else:
            payload = await reader.readexactly(length)
        return status, close, payload


def _headers(auth: dict[str, str], port: int, has_body: bool) -> dict[str, str]:
    headers = {"X-Forwarded-Proto": "https", "Accept": "application/json"}
    if "cookie" in auth:
        headers["Cookie"] = auth["cookie"]
        headers["X-CSRFToken"] = auth["csrf"]
        headers["Origin"] = f"https://127.0.0.1:{port}"
    if "bearer" in auth:
        headers["Authorization"] = f"Bearer {auth['bearer']}"
    if has_body:
        headers["Content-Type"] = "application/json"
    return headers


async def _transaction(http: Http, port: int, due: float, kind: str, requests: list[Request]):
    latencies, statuses, answer = [], [], {}
    loop = asyncio.get_running_loop()
    started = due
    for r in requests:
        path, body = r.path, r.body
        if r.follow == "pick":
            if "draw_id" not in answer:
                break
            path = f"/api/plates/draws/{answer['draw_id']}/pick"
            body = {"number": random.choice(answer["numbers"])}
        data = json.dumps(body).encode() if body is not None else b""
        try:
            status, payload = await http.request(
                r.method, path, _headers(r.auth, port, body is not None), data
            )
        except Exception:
            status, payload = 599, b""
        now = loop.time()
        latencies.append(now - started)
        statuses.append(status)
        started = now
        if not 200 <= status < 300:
            break
        if r.follow == "" and payload[:1] == b"{":
            answer = json.loads(payload)
    return Outcome(kind, latencies, loop.time() - due, statuses)


async def _run_step(port: int, plan: list[tuple[float, str, list[Request]]], limit: int):
    http = Http(port, limit)
    loop = asyncio.get_running_loop()
    begin = loop.time() + 0.2
    tasks = []
    for offset, kind, requests in plan:
        delay = begin + offset - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(_transaction(http, port, begin + offset, kind, requests)))
    return await asyncio.gather(*tasks)


def _generator(port: int, plan, limit: int, out) -> None:
    """The child process: run the plan, send back the outcomes and its own CPU time."""
    before, wall = os.times(), time.perf_counter()
    outcomes = asyncio.run(_run_step(port, plan, limit))
    after = os.times()
    cpu = (after.user - before.user) + (after.system - before.system)
    out.send((outcomes, cpu, time.perf_counter() - wall))
    out.close()


@dataclass
class Step:
    rate: float
    seconds: float
    outcomes: list[Outcome]
    cpu: float
    wall: float
    used: dict[str, float] = field(default_factory=dict)  # ms of CPU per transaction, by part

    def latencies(self, kind: str | None = None) -> list[float]:
        return [x for o in self.outcomes if kind in (None, o.kind) for x in o.latencies]

    def errors(self, kind: str | None = None) -> Counter:
        return Counter(
            s for o in self.outcomes if kind in (None, o.kind) for s in o.statuses if s >= 300
        )

    def requests(self) -> int:
        return sum(len(o.statuses) for o in self.outcomes)

    def held(self) -> bool:
        return pct(self.latencies(), 99) < P99_LIMIT_MS and sum(
            self.errors().values()
        ) < ERROR_LIMIT * max(1, self.requests())


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))] * 1000


def plan_step(kinds: list[Kind], rate: float, seconds: float, rng: random.Random):
    """Poisson arrivals at ``rate`` for ``seconds``; each a kind drawn by the mix's shares.
    None when a kind's work queue runs out (the city was built too small for this step)."""
    cumulative = []
    total = 0.0
    for k in kinds:
        total += k.share
        cumulative.append(total)
    plan, t = [], rng.expovariate(rate)
    while t < seconds:
        kind = kinds[min(bisect.bisect(cumulative, rng.random() * total), len(kinds) - 1)]
        try:
            plan.append((t, kind.name, kind.make(rng)))
        except IndexError:
            return None
        t += rng.expovariate(rate)
    return plan


def stepped(port: int, kinds: list[Kind], rates: list[float], seconds: float, label: str):
    """Step the rate up until a step fails; returns (the last step that held, all steps)."""
    rng = random.Random(label)
    held, steps = None, []
    context = multiprocessing.get_context("fork")
    for rate in rates:
        plan = plan_step(kinds, rate, seconds, rng)
        if plan is None:
            print(f"  {label}: out of prepared work at {rate:g}/s (build a bigger city)")
            break
        receive, send = context.Pipe(duplex=False)
        child = context.Process(target=_generator, args=(port, plan, 500, send))
        before = _cpu.snapshot(GUNICORN[0])
        child.start()
        outcomes, cpu, wall = receive.recv()
        child.join()
        used = _cpu.per_transaction(before, _cpu.snapshot(GUNICORN[0]), len(outcomes))
        step = Step(rate, seconds, outcomes, cpu, wall, used)
        steps.append(step)
        errors = step.errors()
        print(
            f"  {label:<34} {rate:6g}/s: {len(outcomes):6,} tx, {step.requests():6,} requests, "
            f"p50 {pct(step.latencies(), 50):7.1f} ms, p99 {pct(step.latencies(), 99):7.1f} ms, "
            f"non-2xx {sum(errors.values())}{' ' + str(dict(errors)) if errors else ''}; "
            f"generator CPU {100 * cpu / wall:4.1f}% of one core; CPU ms/tx "
            f"{'/'.join(f'{v:.1f}' for v in used.values())} (web/PostgreSQL/Redis) "
            f"{'held' if step.held() else 'NOT held'}",
            flush=True,
        )
        if not step.held():
            break
        held = step
        time.sleep(1)
    return held, steps


# --- gunicorn ----------------------------------------------------------------------------------


def start_gunicorn(url: str, port: int, workers: int, log) -> subprocess.Popen:
    import urllib.request

    env = {k: v for k, v in os.environ.items() if not k.startswith("CHEGUAN_")}
    env.update(
        DATABASE_URL=url,
        CHEGUAN_SECRET_KEY=SECRET_KEY,
        CHEGUAN_DEBUG="0",
        CHEGUAN_ALLOWED_HOSTS="127.0.0.1",
        CHEGUAN_BIND=f"127.0.0.1:{port}",
        CHEGUAN_REDIS_URL=REDIS_URL,
        CHEGUAN_RATE_LIMITS=json.dumps(RATE_LIMITS),
    )
    if workers:
        env["CHEGUAN_WORKERS"] = str(workers)
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "cheguan.wsgi",
        "-c",
        str(ROOT / "gunicorn.conf.py"),
        "--no-control-socket",
    ]
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/cases/catalogue",
                headers={"X-Forwarded-Proto": "https"},
            )
            with urllib.request.urlopen(request, timeout=2) as r:  # noqa: S310
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.3)
        if proc.poll() is not None:
            raise SystemExit("gunicorn did not start; see its log")
    raise SystemExit("gunicorn did not answer in 60 s")


def gunicorn_workers(log_path: str) -> int:
    with open(log_path, encoding="utf-8", errors="replace") as f:
        return len(re.findall(r"Booting worker with pid", f.read()))


def flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


# --- the database floor ----------------------------------------------------------------------


def pgbench(*args: str) -> float:
    """Transactions/s; a client pgbench had to stop (an error on replay) is said."""
    run = subprocess.run(["pgbench", *args], capture_output=True, text=True)
    if run.returncode != 0:
        print(f"  pgbench exited {run.returncode}: {run.stderr.strip()[-300:]}")
    found = re.search(r"tps = ([\d.]+)", run.stdout)
    return float(found.group(1)) if found else float("nan")


def pgbench_floor(seconds: int, clients: int) -> tuple[float, float]:
    """(select-only, TPC-B) transactions/s on a pgbench-initialised throwaway database."""
    url = f"{PG}/{PGBENCH_DATABASE}"
    subprocess.run(
        ["psql", f"{PG}/postgres", "-qc", f'DROP DATABASE IF EXISTS "{PGBENCH_DATABASE}"'],
        check=True,
    )
    subprocess.run(["psql", f"{PG}/postgres", "-qc", f'CREATE DATABASE "{PGBENCH_DATABASE}"'])
    try:
        subprocess.run(["pgbench", "-i", "-q", "-s", "10", url], check=True, capture_output=True)
        common = ["-n", "-c", str(clients), "-j", "2", "-T", str(seconds), url]
        return pgbench("-S", *common), pgbench(*common)
    finally:
        subprocess.run(
            ["psql", f"{PG}/postgres", "-qc", f'DROP DATABASE "{PGBENCH_DATABASE}" WITH (FORCE)'],
            check=True,
        )


def replay_scripts(url: str, statements: dict[str, Statements], kinds: list[Kind], folder: str):
    """A pgbench script per kind: its captured statements in BEGIN … ROLLBACK. A statement
    that fails on replay (a unique value the captured write already took) is left out, and
    counted."""
    import psycopg
    from psycopg.pq import TransactionStatus

    files, kept, dropped = [], 0, 0
    with psycopg.connect(url, autocommit=True) as conn:
        for i, kind in enumerate(kinds):
            good = []
            conn.execute("BEGIN")
            for sql in statements[kind.name].sql:
                conn.execute("SAVEPOINT replay")
                try:
                    conn.execute(sql.encode())
                except psycopg.Error:
                    conn.execute("ROLLBACK TO SAVEPOINT replay")
                    dropped += 1
                    continue
                if conn.info.transaction_status != TransactionStatus.INTRANS:
                    conn.execute("BEGIN")  # a request's COMMIT: the next request's transaction
                    good.append("ROLLBACK;\nBEGIN")
                    continue
                conn.execute("RELEASE SAVEPOINT replay")
                good.append(" ".join(sql.split()))
            conn.execute("ROLLBACK")
            kept += sum(1 for g in good if not g.startswith("ROLLBACK"))
            path = os.path.join(folder, f"kind{i}.sql")
            with open(path, "w", encoding="utf-8") as f:
                f.write("BEGIN;\n" + "".join(f"{s};\n" for s in good) + "ROLLBACK;\n")
            files.append(f"{path}@{max(1, round(kind.share * 100))}")
    return files, kept, dropped


# --- main --------------------------------------------------------------------------------------


def needs_for(args, mix_rates, alone_mark, alone_draw) -> dict[str, int]:
    transactions = sum(mix_rates) * args.step_seconds * 1.15 + 50
    return {
        "mark": int(0.15 * transactions + sum(alone_mark) * args.step_seconds * 1.15) + 100,
        "draw": int(0.10 * transactions + sum(alone_draw) * args.step_seconds * 1.15) + 20,
        "floor": args.floor_draws,
        "window": int(0.10 * transactions) + 20,
        "rate": int(0.05 * transactions) + 20,
    }


def print_config(args, city: City, workers: int, built: float) -> None:
    from django.db import connection

    print(
        f"city built in {built:.0f} s: "
        + ", ".join(f"{table} {n:,}" for table, n in city.counts.items())
        + f"; PostgreSQL {connection.pg_version // 10000}"
    )
    print(
        f"work queues: {len(city.eligible):,} vehicles that may get a mark, "
        f"{len(city.selections):,} open plate selections, {len(city.window_cases):,} submitted "
        f"window cases, {len(city.rateable):,} unrated completed cases, {len(city.verify)} marks "
        f"to verify, {len(city.agents)} partner tokens, {len(city.clerks)} clerks; "
        f"{len(city.sessions):,} sessions"
    )
    print(
        f"gunicorn: {workers} sync workers (gunicorn.conf.py), CHEGUAN_DEBUG=0, Redis "
        f"{REDIS_URL} (cache + cached_db sessions), rate limits {RATE_LIMITS}; "
        f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}; "
        f"steps of {args.step_seconds:g} s, p99 < {P99_LIMIT_MS:g} ms and < 1% errors to hold"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--vehicles", type=int, default=300_000)
    parser.add_argument(
        "--cases", type=int, default=0, help="a year of cases (default ½ × vehicles)"
    )
    parser.add_argument("--quick", action="store_true", help="a small city and short steps")
    parser.add_argument("--step-seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=0, help="default: gunicorn.conf.py's")
    parser.add_argument("--floor-draws", type=int, default=300)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--py-spy", type=float, default=0, metavar="SECONDS",
        help="after the mix: sample every worker with py-spy for SECONDS under the mix at the "
        "highest rate held, and print where the time went",
    )  # fmt: skip
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop gunicorn, drop the database
    mix_rates = [10, 20, 30, 40, 50, 75, 100, 150, 200, 250, 300, 400]
    floor_rates = [25, 50, 100, 200, 300, 400, 500, 600, 800, 1000, 1200]
    alone_mark = [5, 10, 15, 20, 30, 40, 60, 80, 100]
    alone_draw = [5, 10, 15, 20, 30, 40, 60, 80]
    if args.quick:
        args.vehicles, args.step_seconds, args.floor_draws = 20_000, 3, 200
        mix_rates, alone_mark, alone_draw = [5, 10, 25, 50, 100, 150, 200], [2, 5, 10], [2, 5, 10]
        floor_rates = [10, 25, 50, 100, 200, 300, 400, 600]
    args.cases = args.cases or args.vehicles // 2

    with throwaway_database(DATABASE, keep=args.keep) as url:
        setup_django(url)
        from django.conf import settings
        from django.db import connection

        settings.ALLOWED_HOSTS = ["*"]
        for noisy in ("cheguan.notifications", "django.request"):
            logging.getLogger(noisy).setLevel(logging.ERROR)
        flush_redis()
        start = time.perf_counter()
        city = build_city(args, needs_for(args, mix_rates, alone_mark, alone_draw))
        issue_marks_to_verify(city, 50)
        built = time.perf_counter() - start
        kinds = mix(city)
        floors = floor_kinds(city, kinds)

        print("statements per business transaction (in-process, after one warm-up):")
        statements = count_statements(kinds)
        for kind in kinds:
            found = statements[kind.name]
            print(f"  {kind.name:<36} {found.count:4} (+ {found.savepoints} savepoint commands)")
        connection.close()

        port = _free_port()
        log_path = os.path.join(tempfile.gettempdir(), f"{DATABASE}-gunicorn.log")
        with open(log_path, "w") as log:
            proc = start_gunicorn(url, port, args.workers, log)
            time.sleep(1)
            workers = gunicorn_workers(log.name)
            print_config(args, city, workers, built)
            print(f"gunicorn's log: {log_path}")
            first_event = last_audit_event()
            try:
                results = measure(args, port, kinds, floors, mix_rates, floor_rates, alone_mark,
                                  alone_draw, proc.pid)  # fmt: skip
            finally:
                proc.terminate()
                proc.wait(timeout=30)
        audit_check(results, [*kinds, *floors.values()], first_event)
        database = database_floor(args, url, city, statements, kinds, workers)
        report(kinds, statements, results, database)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measure(
    args, port, kinds, floors, mix_rates, floor_rates, alone_mark, alone_draw, gunicorn: int
) -> dict:
    seconds = args.step_seconds
    GUNICORN[0] = gunicorn
    # Warm up: every worker runs each kind's code paths once or twice.
    results = {"warm-up": stepped(port, kinds, [20], 3, "warm-up")}
    results["mix"] = stepped(port, kinds, mix_rates, seconds, "the mix")
    if args.py_spy:
        held, steps = results["mix"]
        rate = held.rate if held is not None else steps[0].rate
        results["py-spy"] = spied(port, kinds, rate, args.py_spy, gunicorn)
    for label, kind in floors.items():
        rates = {"mark": alone_mark, "draw+pick": alone_draw}.get(kind.name, floor_rates)
        results[label] = stepped(port, [kind], rates, seconds, label)
    return results


def spied(port: int, kinds: list[Kind], rate: float, seconds: float, gunicorn: int):
    """The mix at ``rate`` for ``seconds`` while py-spy samples every worker."""
    out = os.path.join(tempfile.gettempdir(), f"{DATABASE}-py-spy.txt")
    spy = _pyspy.record(gunicorn, seconds, out)
    time.sleep(1)  # py-spy attached
    result = stepped(port, kinds, [rate], seconds, f"the mix under py-spy at {rate:g}/s")
    _stdout, errors = spy.communicate(timeout=seconds + 60)
    if spy.returncode != 0:
        print(f"py-spy failed: {errors.strip()[-500:]}")
    else:
        print(_pyspy.summary(out))
        print(f"py-spy's collapsed stacks: {out}")
    return result


def database_floor(args, url, city, statements, kinds, workers) -> dict:
    from cheguan.plates.conf import setting
    from plates import Floor, Office, floor_run

    seconds = 5 if args.quick else 15
    clients = max(2, workers)
    select_only, tpcb = pgbench_floor(seconds, clients)
    with tempfile.TemporaryDirectory() as folder:
        files, kept, dropped = replay_scripts(url, statements, kinds, folder)
        replay = pgbench(
            "-n", "-M", "simple", "-c", str(clients), "-j", "2", "-T", str(seconds),
            *[a for f in files for a in ("-f", f)], url,
        )  # fmt: skip
    floor = Floor(url, clients, setting("DRAW_SIZE"), setting("OFFER_MINUTES"))
    try:
        office = Office("floor", 100_000, floor_cases=city.floor_cases)
        run = floor_run(floor, office, clients)
    finally:
        floor.close()
    draws = len(run.draws) / run.seconds if run.seconds else float("nan")
    return {
        "select_only": select_only,
        "tpcb": tpcb,
        "replay": replay,
        "replay_kept": kept,
        "replay_dropped": dropped,
        "draw_floor": draws,
        "draw_floor_errors": dict(run.errors),
        "clients": clients,
    }


def last_audit_event() -> int:
    from cheguan.audit.models import AuditEvent

    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def audit_check(results: dict, kinds: list[Kind], after: int) -> None:
    """Every write answered 2xx left its audit events: the events written during the load,
    by action, beside the write transactions that succeeded."""
    from django.db.models import Count

    from cheguan.audit.models import AuditEvent

    writes = {k.name for k in kinds if k.writes}
    done = Counter(
        o.kind
        for _held, steps in results.values()
        for step in steps
        for o in step.outcomes
        if o.kind in writes and all(200 <= s < 300 for s in o.statuses) and o.statuses
    )
    events = AuditEvent.objects.filter(pk__gt=after).values_list("action").annotate(n=Count("pk"))
    print(f"write transactions answered 2xx during the load (warm-up too): {dict(done)}")
    print(f"audit events written during the load: {dict(events.order_by('action'))}")


def _rate(result) -> float:
    held, _steps = result
    return held.rate if held is not None else 0.0


def report(kinds, statements, results, database) -> None:
    held, steps = results["mix"]
    print()
    print("=" * 100)
    if held is None:
        print("the mix: no step held (p99 < 300 ms, < 1% errors)")
    else:
        print(
            f"the mix: {held.rate:g} business transactions/s held "
            f"({len(held.outcomes):,} transactions in {held.seconds:g} s, "
            f"p99 {pct(held.latencies(), 99):.0f} ms over all requests; target ≥ 200/s)"
        )
    shown = held or (steps[0] if steps else None)
    if shown is not None:
        print(f"per kind at {shown.rate:g}/s (latency of the whole transaction from its start):")
        print(f"  {'kind':<36}{'tx':>6}{'p50 ms':>9}{'p99 ms':>9}{'stmts':>7}  non-2xx")
        for kind in kinds:
            totals = [o.total for o in shown.outcomes if o.kind == kind.name]
            errors = shown.errors(kind.name)
            print(
                f"  {kind.name:<36}{len(totals):>6}{pct(totals, 50):>9.1f}{pct(totals, 99):>9.1f}"
                f"{statements[kind.name].count:>7}  {dict(errors) if errors else 0}"
            )
    all_errors = Counter()
    for step in steps:
        for kind in kinds:
            for status, n in step.errors(kind.name).items():
                all_errors[(kind.name, status)] += n
    if all_errors:
        print(f"non-2xx over every step of the mix: {dict(all_errors)}")
    rates = {label: _rate(r) for label, r in results.items()}
    me = rates["bare authenticated (GET /api/accounts/me, token)"]
    public = rates["bare unauthenticated (GET /api/plates/check)"]
    print("floors (max rate with p99 < 300 ms, the same generator):")
    for label, rate in rates.items():
        if label not in ("mix", "warm-up", "py-spy"):
            print(f"  {label:<52} {rate:6g}/s")
    print(
        f"database: pgbench select-only {database['select_only']:,.0f} tps, TPC-B "
        f"{database['tpcb']:,.0f} tps ({database['clients']} clients); the mix's statements "
        f"replayed {database['replay']:,.0f} transactions/s ({database['replay_kept']} statements,"
        f" {database['replay_dropped']} left out: they fail on replay); raw-SQL draw + pick "
        f"{database['draw_floor']:.0f}/s{' ERRORS ' + str(database['draw_floor_errors']) if database['draw_floor_errors'] else ''}"
    )

    def ratio(a: float, b: float) -> str:
        return f"{a / b:.2f}×" if b else "n/a"

    cores = os.cpu_count() or 1
    print(
        "CPU per transaction, ms (from /proc over the step that held, else the first step; what "
        f"the box would carry with nothing else running: {cores} cores × 1000 ÷ the total):"
    )
    print(f"  {'':<52}{'web':>7}{'PostgreSQL':>12}{'Redis':>7}{'total':>7}  ceiling")
    for label, (held_step, all_steps) in results.items():
        step = held_step or (all_steps[0] if all_steps else None)
        if label == "warm-up" or step is None or not step.used:
            continue
        total = sum(step.used.values())
        print(
            f"  {label + f' at {step.rate:g}/s':<52}{step.used['web']:7.1f}"
            f"{step.used['postgresql']:12.1f}{step.used['redis']:7.1f}{total:7.1f}  "
            f"{cores * 1000 / total if total else float('nan'):6.0f}/s"
        )

    draw = rates["draw + pick alone"]
    print("ratios:")
    print(
        f"  eligibility ÷ bare authenticated        {ratio(rates['eligibility alone (clerk)'], me):>7} (target ≥ 0.5)"
    )
    print(
        f"  mark issuance ÷ bare authenticated      {ratio(rates['mark issuance alone'], me):>7} (target ≥ 0.25)"
    )
    print(f"  bare authenticated ÷ bare public        {ratio(me, public):>7} (target ≥ 0.7)")
    print(
        f"  draw + pick ÷ raw-SQL floor             {ratio(draw, database['draw_floor']):>7} (target ≥ 0.3)"
    )
    print(f"  the mix ÷ its statements in pgbench     {ratio(rates['mix'], database['replay']):>7}")
    print(f"  the mix ÷ pgbench TPC-B                 {ratio(rates['mix'], database['tpcb']):>7}")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
