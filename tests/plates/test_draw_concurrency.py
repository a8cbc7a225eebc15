"""二十选一 under concurrency: many applicants draw and pick at the same moment.

Real threads, each with its own database connection, start together on a barrier. Each
applicant has their own citizen account and plate-selection case; some draw two or three
times before picking (each new draw returns the previous twenty at once), and some first
try to pick a number offered to somebody else. Afterwards the number history (NumberEvent,
whose per-number order is the order the row locks were taken) must show no number offered
to two open draws or held by two cases at once, every applicant holds exactly the number
they picked, the state counts add up, every error was a clear domain error, and every draw
replays from its log (``verify_draws``).

PostgreSQL (row locks, ``SKIP LOCKED``): 200 applicants over a pool of 5,000. The server
allows 100 connections and other test runs share it, so at most ``PG_SESSIONS`` applicants
are inside the database at once (as behind a connection pool); each operation opens its own
connection and closes it after. SQLite (``BEGIN IMMEDIATE`` serialises writers, the
connection's busy timeout makes the others wait): 8 applicants over 1,000 numbers.

On SQLite the test database is in memory with a shared cache, where a second connection
gets "database table is locked" at once instead of waiting (the busy timeout does not apply
to shared-cache table locks) — nothing like the file database Cheguan runs on. So for the
race the threads use a file copy of the test database (WAL, the settings' OPTIONS) and the
results are copied back for the checks (:func:`_threads_on_a_file`).

The last tests stage the races around lapsed offers and holds deterministically: a draw is
paused right after it has locked another applicant's lapsed numbers while that applicant
draws again or picks late.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import sqlite3
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import pytest
from django.db import connection

from cheguan.cases.models import Case
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import DomainError
from cheguan.plates import errors, services
from cheguan.plates.conf import setting
from cheguan.plates.models import (
    Draw,
    DrawStatus,
    EventKind,
    NumberEvent,
    NumberState,
    PlateNumber,
)
from cheguan.plates.queries.replay import verify_draws
from cheguan.plates.rules import BUSY
from cheguan.plates.services import draw as draw_module

pytestmark = pytest.mark.django_db(transaction=True)

PG_SESSIONS = 60


@dataclass
class Applicant:
    index: int
    actor: Actor
    case: Case
    draws: int  # how many times they draw before picking
    snoops: bool  # first tries to pick a number offered to someone else
    offered: list[list[str]] = field(default_factory=list)
    picked: str = ""
    refused: list[DomainError] = field(default_factory=list)


def _applicants(plates, count: int) -> list[Applicant]:
    people = []
    for i in range(count):
        actor = plates.another_citizen()
        people.append(
            Applicant(
                index=i,
                actor=actor,
                case=plates.case(actor=actor),
                draws=1 + (i % 4 == 1) + (i % 8 == 3),  # 1, 2 or 3 draws
                snoops=i % 5 == 2,
            )
        )
    return people


@contextlib.contextmanager
def _threads_on_a_file(directory):
    """SQLite's in-memory test database: new connections (the threads') open a file copy of
    it for the duration, and the file's contents are copied back afterwards. The main
    thread's connection keeps the memory database alive and must not be used meanwhile."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    connection.ensure_connection()
    memory = connection.connection
    path = directory / "race.sqlite3"
    with contextlib.closing(sqlite3.connect(path)) as disk:
        memory.backup(disk)
        disk.execute("PRAGMA journal_mode=WAL")
    shared = connection.settings_dict  # the dict every thread's connection is built from
    name = shared["NAME"]
    shared["NAME"] = str(path)
    try:
        yield
    finally:
        shared["NAME"] = name
        with contextlib.closing(sqlite3.connect(path)) as disk:
            disk.backup(memory)


def _race(people: list[Applicant], *, sessions: int) -> list[tuple[int, BaseException]]:
    """Run every applicant in its own thread; returns the failures that are not domain
    errors (there must be none). A snooper tries a number offered to someone else just
    now, or — if nobody else has drawn yet — any number of the pool not offered to them."""
    pool = list(PlateNumber.objects.values_list("number", flat=True))
    start = threading.Barrier(len(people))
    inside = threading.BoundedSemaphore(sessions)
    published: dict[int, list[str]] = {}  # applicant → their current offers (for snoopers)
    lock = threading.Lock()
    failures: list[tuple[int, BaseException]] = []

    def in_database(fn):
        with inside:
            try:
                return fn()
            finally:
                connection.close()

    def run(person: Applicant) -> None:
        rng = random.Random(person.index)
        try:
            start.wait(timeout=60)
            result = None
            for _ in range(person.draws):
                result = in_database(
                    lambda: services.draw_numbers(
                        actor=person.actor, case=person.case, plate_type="02"
                    )
                )
                person.offered.append(list(result.numbers))
                with lock:
                    published[person.index] = list(result.numbers)
            if person.snoops:
                with lock:
                    theirs = [n for i, ns in published.items() if i != person.index for n in ns]
                candidates = rng.sample(theirs, len(theirs)) + rng.sample(pool, len(pool))
                foreign = next(n for n in candidates if n not in result.numbers)
                try:
                    in_database(
                        lambda: services.pick_number(
                            actor=person.actor, draw=result.draw, number=foreign
                        )
                    )
                except DomainError as refused:
                    person.refused.append(refused)
            choice = rng.choice(result.numbers)
            plate = in_database(
                lambda: services.pick_number(actor=person.actor, draw=result.draw, number=choice)
            )
            person.picked = plate.number
        except DomainError as refused:  # an unexpected refusal: reported by the asserts
            person.refused.append(refused)
        except BaseException as exc:
            failures.append((person.index, exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "an applicant thread hung"
    return failures


def _claims_in_history() -> tuple[list[str], dict[int, tuple[str, int]]]:
    """Walk every number's events in order: an offer must find the number unclaimed (or its
    previous offer run out: a draw takes over lapsed offers), a return must end the offer it
    names, a hold must follow its own draw's offer. Returns the violations and who holds
    what at the end."""
    problems: list[str] = []
    claim: dict[int, tuple[str, int]] = {}  # number id → ("offer", draw) | ("hold", case)
    offered_at: dict[int, dt.datetime] = {}
    offer_time = dt.timedelta(minutes=setting("OFFER_MINUTES"))
    events = NumberEvent.objects.order_by("pk").values_list(
        "number__number", "number_id", "kind", "draw_id", "case_id", "at"
    )
    for number, pk, kind, draw_id, case_id, at in events.iterator():
        current = claim.get(pk)
        if kind == EventKind.OFFERED:
            lapsed = current is not None and current[0] == "offer"
            lapsed = lapsed and offered_at[pk] + offer_time <= at
            if current is not None and not lapsed:
                problems.append(f"{number} offered to draw {draw_id} while {current}")
            claim[pk] = ("offer", draw_id)
            offered_at[pk] = at
        elif kind == EventKind.RETURNED:
            if current != ("offer", draw_id):
                problems.append(f"{number} returned from draw {draw_id} while {current}")
            claim.pop(pk, None)
        elif kind == EventKind.HELD:
            if current != ("offer", draw_id):
                problems.append(f"{number} held by case {case_id} via draw {draw_id}; {current}")
            claim[pk] = ("hold", case_id)
        elif kind != EventKind.RELEASED:
            problems.append(f"{number}: unexpected event {kind}")
    return problems, claim


def _check(people: list[Applicant], failures, *, pool: int) -> int:
    """Every assertion of the module's docstring; returns how many candidates the draws
    skipped as busy (being claimed or returned by a concurrent transaction)."""
    assert failures == [], [f"applicant {i}: {exc!r}" for i, exc in failures]

    # Every refusal was the expected, clear one: a snooper's pick of a foreign number.
    snoopers = [p for p in people if p.snoops]
    for person in people:
        expected = [errors.NOT_OFFERED] if person.snoops else []
        assert [r.error for r in person.refused] == expected, (person.index, person.refused)
        for refusal in person.refused:
            body = refusal.as_dict()
            assert body["code"] == "plates.not_offered" and body["message"]
            assert refusal.status == 409
    assert sum(len(p.refused) for p in people) == len(snoopers)

    # Every draw offered a full twenty, and every applicant holds exactly what they picked.
    size = setting("DRAW_SIZE")
    assert all(len(o) == size == len(set(o)) for p in people for o in p.offered)
    assert all(p.picked in p.offered[-1] for p in people)
    held = PlateNumber.objects.filter(state=NumberState.HELD)
    by_case = Counter(held.values_list("case_id", flat=True))
    assert by_case == Counter({p.case.pk: 1 for p in people})
    assert dict(held.values_list("case_id", "number")) == {p.case.pk: p.picked for p in people}

    # The state counts add up.
    counts = Counter(PlateNumber.objects.values_list("state", flat=True))
    assert counts == Counter({NumberState.HELD: len(people), NumberState.FREE: pool - len(people)})
    statuses = Counter(Draw.objects.values_list("status", flat=True))
    assert statuses == Counter(
        {
            DrawStatus.PICKED: len(people),
            **({DrawStatus.REPLACED: n} if (n := sum(p.draws - 1 for p in people)) else {}),
        }
    )

    # No number was ever offered to two open draws, or held twice, at any moment.
    problems, claims = _claims_in_history()
    assert problems == []
    assert claims == {pk: ("hold", case) for pk, case in held.values_list("pk", "case_id")}, (
        "the history ends elsewhere than the table"
    )

    # Each draw replays from its log; busy skips are explained by a concurrent claim.
    checks = verify_draws(clock.today())
    assert len(checks) == sum(p.draws for p in people)
    assert [(c.draw.pk, c.problems) for c in checks if not c.ok] == []
    return sum(1 for c in checks for cand in c.draw.candidates if cand[2] == BUSY)


@pytest.mark.pg_only(reason="row locks with SKIP LOCKED")
def test_two_hundred_applicants_draw_and_pick_at_once_on_postgresql(plates):
    assert connection.vendor == "postgresql"
    plates.release(first="A0000", last="A4999")
    people = _applicants(plates, 200)

    failures = _race(people, sessions=PG_SESSIONS)

    busy = _check(people, failures, pool=5000)
    assert busy > 0, "no draw met a number another transaction was changing: no real race"


def test_eight_applicants_draw_and_pick_at_once(plates, tmp_path):
    """Runs on both databases; on SQLite the writers queue on BEGIN IMMEDIATE and none of
    them may time out (settings: OPTIONS timeout)."""
    plates.release(first="A0000", last="A0999")
    people = _applicants(plates, 8)

    with _threads_on_a_file(tmp_path):
        failures = _race(people, sessions=8)

    _check(people, failures, pool=1000)


# --- a draw taking over lapsed offers while their owner acts -------------------------------------


def _pause_after_claim(monkeypatch, thread_name: str) -> tuple[threading.Event, threading.Event]:
    """The named thread's draw stops right after it has locked its numbers, until released."""
    claimed, proceed = threading.Event(), threading.Event()
    original = draw_module._taken_or_busy

    def paused(pool, slots):
        found = original(pool, slots)
        if threading.current_thread().name == thread_name and not claimed.is_set():
            claimed.set()
            assert proceed.wait(timeout=30)
        return found

    monkeypatch.setattr(draw_module, "_taken_or_busy", paused)
    return claimed, proceed


def _wait_until_someone_waits_for_a_lock() -> None:
    with connection.cursor() as cur:
        for _ in range(200):
            cur.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock'"
            )
            if cur.fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError("the owner never waited for the taking-over draw's row locks")


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


@pytest.fixture
def lapsed(plates):
    """B's draw took the whole pool of 20 numbers; its offer has run out; C will draw."""
    plates.release(first="A0000", last="A0019")
    b, c = plates.another_citizen(), plates.another_citizen()
    b_case, c_case = plates.case(actor=b), plates.case(actor=c)
    first = services.draw_numbers(actor=b, case=b_case, plate_type="02")
    clock.advance(dt.timedelta(minutes=6))
    return b, b_case, first, c, c_case


@pytest.mark.pg_only(reason="row locks")
def test_a_lapsed_offer_taken_over_while_its_owner_draws_again_stays_with_the_new_draw(
    lapsed, monkeypatch
):
    """C's draw has locked B's lapsed numbers when B draws again: B's return of its old
    offer must wait for C and then leave C's numbers alone (not free them under C's offer
    and offer them to B as well)."""
    b, b_case, first, c, c_case = lapsed
    claimed, proceed = _pause_after_claim(monkeypatch, "C")
    outcome: dict = {}
    c_thread = _in_thread(
        "C", lambda: services.draw_numbers(actor=c, case=c_case, plate_type="02"), outcome
    )
    assert claimed.wait(timeout=30)
    b_thread = _in_thread(
        "B", lambda: services.draw_numbers(actor=b, case=b_case, plate_type="02"), outcome
    )
    _wait_until_someone_waits_for_a_lock()
    proceed.set()
    c_thread.join(timeout=60)
    b_thread.join(timeout=60)

    assert sorted(outcome["C"].numbers) == sorted(first.numbers)
    assert isinstance(outcome["B"], DomainError), outcome["B"]
    assert outcome["B"].error == errors.POOL_EMPTY  # all 20 are C's now
    rows = PlateNumber.objects.all()
    assert {(n.state, n.draw_id) for n in rows} == {(NumberState.OFFERED, outcome["C"].draw.pk)}
    assert _claims_in_history()[0] == []


@pytest.mark.pg_only(reason="row locks")
def test_a_late_pick_racing_a_takeover_is_refused_clearly(lapsed, monkeypatch):
    """B picks after its offer ran out while C's draw is taking B's numbers over: B is told
    its offer expired, C keeps its numbers, and neither gets a database error (a deadlock
    between B's lock on its draw and C ending that draw)."""
    b, _b_case, first, c, c_case = lapsed
    claimed, proceed = _pause_after_claim(monkeypatch, "C")
    outcome: dict = {}
    c_thread = _in_thread(
        "C", lambda: services.draw_numbers(actor=c, case=c_case, plate_type="02"), outcome
    )
    assert claimed.wait(timeout=30)
    b_thread = _in_thread(
        "B",
        lambda: services.pick_number(actor=b, draw=first.draw, number=first.numbers[0]),
        outcome,
    )
    _wait_until_someone_waits_for_a_lock()
    proceed.set()
    c_thread.join(timeout=60)
    b_thread.join(timeout=60)

    assert sorted(outcome["C"].numbers) == sorted(first.numbers), outcome["C"]
    assert isinstance(outcome["B"], DomainError), outcome["B"]
    assert outcome["B"].error == errors.OFFER_EXPIRED
    assert Draw.objects.get(pk=first.draw.pk).status == DrawStatus.EXPIRED
    assert _claims_in_history()[0] == []


@pytest.mark.pg_only(reason="row locks")
def test_a_lapsed_hold_taken_over_while_its_owner_draws_again_is_counted_once(plates, monkeypatch):
    """B's hold has run out; C's draw has just taken the number over when B draws again.
    B must not free the number under C's offer (a database error: a free number bound to a
    draw) nor count the lapse a second time towards a selection ban."""
    plates.release(first="A0000", last="A0019")
    b, c = plates.another_citizen(), plates.another_citizen()
    b_case, c_case = plates.case(actor=b), plates.case(actor=c)
    first = services.draw_numbers(actor=b, case=b_case, plate_type="02")
    held = services.pick_number(actor=b, draw=first.draw, number=first.numbers[0])
    clock.advance(dt.timedelta(days=8))  # past the third working day
    claimed, proceed = _pause_after_claim(monkeypatch, "C")
    outcome: dict = {}
    c_thread = _in_thread(
        "C", lambda: services.draw_numbers(actor=c, case=c_case, plate_type="02"), outcome
    )
    assert claimed.wait(timeout=30)
    b_thread = _in_thread(
        "B", lambda: services.draw_numbers(actor=b, case=b_case, plate_type="02"), outcome
    )
    _wait_until_someone_waits_for_a_lock()
    proceed.set()
    c_thread.join(timeout=60)
    b_thread.join(timeout=60)

    assert held.number in outcome["C"].numbers
    assert isinstance(outcome["B"], DomainError), outcome["B"]
    assert outcome["B"].error == errors.POOL_EMPTY
    assert PlateNumber.objects.get(pk=held.pk).draw_id == outcome["C"].draw.pk
    lapses = NumberEvent.objects.filter(number=held, kind=EventKind.HOLD_EXPIRED)
    assert lapses.count() == 1
