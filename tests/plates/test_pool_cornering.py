"""Nobody can corner the number pool (issue 9 §3): a dealer that tries, with every agent
account it has, as fast as the API lets it, ends up with at most its share of the pool, and a
citizen still draws twenty numbers.

The first test is the attack in the issue over the API, on a realistic pool of 5,000
numbers, with the default limits. Request-rate limiting is switched off for it, so that what
holds the dealer back is the per-party limits alone; the office's clock moves on only when
every agent is told to wait, and only as long as the shortest wait.

The second test races the same limits on PostgreSQL: agents of two dealers in threads, each
with its own connection, start together; the limits must hold exactly (the organisation's
row lock), and no thread may fail with anything but a limit's refusal.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest
from django.db import connection

from cheguan.accounts import services as accounts
from cheguan.cases.models import Case
from cheguan.cases.services.limits import OPEN_STATUSES
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import DomainError
from cheguan.core.roles import Role
from cheguan.plates import errors, services
from cheguan.plates.conf import setting
from cheguan.plates.models import Draw, NumberState, PlateNumber, Pool
from cheguan.plates.services.holding import drawable
from cheguan.plates.services.limits import pool_share_cap

JSON = "application/json"
LIMIT_CODES = {
    "cases.limit_open_cases",
    "cases.limit_open_cases_operator",
    errors.LIMIT_OPEN_DRAWS.code,
    errors.LIMIT_OPEN_DRAWS_OPERATOR.code,
    errors.LIMIT_DRAW_RATE.code,
    errors.LIMIT_POOL_SHARE.code,
}
PATIENCE = dt.timedelta(minutes=10)  # the attacker waits when told to, up to this long


def taken_by(organisation, pool: Pool) -> int:
    """The pool's numbers offered to the organisation's open draws or held for its cases."""
    live = PlateNumber.objects.filter(pool=pool, until__gt=clock.now())
    offered = live.filter(state=NumberState.OFFERED, draw__drawn_by__organisation=organisation)
    held = live.filter(state=NumberState.HELD, case__created_by__organisation=organisation)
    return offered.count() + held.count()


class Agent:
    """One agent account of the dealer, calling the API with its own token. It opens a
    case whenever it has none to draw for, draws, and holds the first number offered (a
    hold lasts three working days: the way to keep numbers longest)."""

    def __init__(self, client, token: str, organisation_id: int):
        self.client = client
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        self.organisation_id = organisation_id
        self.case = ""

    def post(self, path, body=None):
        return self.client.post(path, body or {}, content_type=JSON, **self.auth)

    def step(self) -> list:
        answers = []
        if not self.case:
            opened = self.post(
                "/api/plates/selections", {"applicant_organisation_id": self.organisation_id}
            )
            answers.append(opened)
            if opened.status_code != 201:
                return answers
            self.case = opened.json()["case"]
        drawn = self.post(f"/api/plates/cases/{self.case}/draws", {"plate_type": "02"})
        answers.append(drawn)
        if drawn.status_code == 201:
            body = drawn.json()
            picked = self.post(
                f"/api/plates/draws/{body['draw_id']}/pick", {"number": body["numbers"][0]}
            )
            answers.append(picked)
            assert picked.status_code == 200, picked.json()
            self.case = ""
        return answers


@pytest.mark.django_db
def test_a_dealer_looping_over_the_api_cannot_empty_the_pool(settings, client, make):
    from cheguan.cases.catalogue import seed_catalogue

    settings.RATELIMIT_ENABLE = False  # the per-party limits alone, at their defaults
    settings.CHEGUAN_LIMITS = {}
    clock.set_now(dt.datetime(2026, 5, 11, 9, 0))  # a Monday
    office = make.office()
    seed_catalogue(office)
    admin = Actor(user=make.user(Role.ADMIN, office=office))
    services.release_segment(
        actor=admin, office=office, plate_type="02", first="A0000", last="A4999"
    )
    pool = Pool.objects.get()
    dealer = make.partner(office_obj=office)
    agents = []
    for _ in range(4):
        user = make.user(Role.DEALER_AGENT, organisation=dealer)
        _token, secret = accounts.create_api_token(actor=Actor(user=user), name="dms")
        agents.append(Agent(client, secret, dealer.pk))
    cap = pool_share_cap(pool)
    assert cap == 250  # 5 % of 5,000

    seen: Counter[tuple[int, str]] = Counter()
    for _round in range(2000):
        answers = [a for agent in agents for a in agent.step()]
        for a in answers:
            seen[(a.status_code, a.json().get("code", "") if a.status_code >= 400 else "")] += 1
        assert taken_by(dealer, pool) <= cap
        if any(a.status_code < 300 for a in answers):
            continue
        # Everybody was refused: wait as told, unless the shortest wait is beyond patience.
        assert {a.status_code for a in answers} == {429}, seen
        waits = [int(a["Retry-After"]) for a in answers if a.has_header("Retry-After")]
        if not waits or min(waits) > PATIENCE.total_seconds():
            break
        clock.advance(dt.timedelta(seconds=min(waits)))
    else:
        pytest.fail(f"the attack never ran out: {seen}")

    refusals = {code for (status, code), _n in seen.items() if status == 429}
    assert refusals <= LIMIT_CODES, seen
    assert errors.LIMIT_POOL_SHARE.code in refusals
    assert errors.LIMIT_DRAW_RATE.code in refusals
    assert not any(status >= 500 or status in {400, 409} for status, _code in seen), seen
    held = PlateNumber.objects.filter(
        state=NumberState.HELD, case__created_by__organisation=dealer
    ).count()
    assert cap - setting("DRAW_SIZE") < taken_by(dealer, pool) <= cap
    assert held > 200  # it did get its share: the limits are not a wall for honest work
    free = PlateNumber.objects.filter(drawable(clock.now()), pool=pool).count()
    assert free >= 5000 - cap

    citizen = make.user(Role.CITIZEN)
    client.force_login(citizen)
    case = client.post("/api/plates/selections", {}, content_type=JSON).json()
    drawn = client.post(
        f"/api/plates/cases/{case['case']}/draws", {"plate_type": "02"}, content_type=JSON
    )
    assert drawn.status_code == 201
    assert len(drawn.json()["numbers"]) == 20


# --- the same limits under races (PostgreSQL) ------------------------------------------------


def _race(actors: list[Actor], attempt, *, tries: int) -> tuple[Counter, list[BaseException]]:
    """Each actor in its own thread (its own connection), all starting together, calls
    ``attempt(actor)`` ``tries`` times; returns the refusals by code and anything else."""
    start = threading.Barrier(len(actors))
    refusals: Counter[str] = Counter()
    failures: list[BaseException] = []
    lock = threading.Lock()

    def run(actor: Actor) -> None:
        try:
            start.wait(timeout=60)
            for _ in range(tries):
                try:
                    attempt(actor)
                except DomainError as refused:
                    with lock:
                        refusals[refused.code] += 1
        except BaseException as exc:
            with lock:
                failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(a,)) for a in actors]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    return refusals, failures


@pytest.fixture
def two_dealers(plates):
    plates.release()  # 1,000 numbers
    dealers = []
    for _ in range(2):
        organisation = plates.make.partner(office_obj=plates.office)
        users = [plates.make.user(Role.DEALER_AGENT, organisation=organisation) for _ in range(4)]
        dealers.append((organisation, [Actor(user=u) for u in users]))
    return dealers


def _open(actor: Actor):
    return services.start_selection(
        actor=actor, applicant_organisation=actor.user.organisation
    ).case


def _open_and_draw(actor: Actor):
    services.draw_numbers(actor=actor, case=_open(actor), plate_type="02")


@pytest.mark.pg_only(reason="row locks: the organisation's lock under real concurrency")
@pytest.mark.django_db(transaction=True)
def test_racing_agents_cannot_open_more_cases_than_the_limit(settings, plates, two_dealers):
    settings.CHEGUAN_LIMITS = {
        "CASES_OPEN_PER_PARTNER_PER_SERVICE": 13,
        "CASES_OPEN_PER_OPERATOR_PER_SERVICE": 5,
    }
    actors = [a for _org, agents in two_dealers for a in agents]

    refusals, failures = _race(actors, _open, tries=6)  # 24 attempts per dealer

    assert failures == []
    for organisation, agents in two_dealers:
        open_cases = Case.objects.filter(
            created_by__organisation=organisation, status__in=OPEN_STATUSES
        )
        assert open_cases.count() == 13
        for agent in agents:
            assert open_cases.filter(created_by=agent.user).count() <= 5
    assert sum(refusals.values()) == 2 * (24 - 13)
    assert set(refusals) <= {"cases.limit_open_cases", "cases.limit_open_cases_operator"}


@pytest.mark.pg_only(reason="row locks: the organisation's lock under real concurrency")
@pytest.mark.django_db(transaction=True)
def test_racing_agents_cannot_draw_past_the_rate_or_the_open_draws(settings, plates, two_dealers):
    # The clock stands still: every draw falls in the same minute and stays open.
    settings.CHEGUAN_LIMITS = {
        "PLATES_DRAWS_PER_MINUTE_PER_PARTNER": 7,
        "PLATES_OPEN_DRAWS_PER_PARTNER": 9,
        "PLATES_OPEN_DRAWS_PER_OPERATOR": 9,
        "PLATES_POOL_SHARE_PERCENT": 100,
    }
    actors = [a for _org, agents in two_dealers for a in agents]

    refusals, failures = _race(actors, _open_and_draw, tries=4)  # 16 tries per dealer

    assert failures == []
    for organisation, _agents in two_dealers:
        assert Draw.objects.filter(drawn_by__organisation=organisation).count() == 7
    assert refusals == Counter({errors.LIMIT_DRAW_RATE.code: 2 * (16 - 7)})
    # And the open draws: a minute later, two more each, then that limit.
    clock.advance(dt.timedelta(seconds=61))
    refusals, failures = _race(actors, _open_and_draw, tries=2)
    assert failures == []
    for organisation, _agents in two_dealers:
        assert Draw.objects.filter(drawn_by__organisation=organisation, status="open").count() == 9
    assert refusals == Counter({errors.LIMIT_OPEN_DRAWS.code: 2 * (8 - 2)})


@pytest.mark.pg_only(reason="row locks: the organisation's lock under real concurrency")
@pytest.mark.django_db(transaction=True)
def test_racing_agents_cannot_take_more_than_their_share_of_the_pool(settings, plates, two_dealers):
    settings.CHEGUAN_LIMITS = {
        "PLATES_DRAWS_PER_MINUTE_PER_PARTNER": 100,
        "PLATES_OPEN_DRAWS_PER_PARTNER": 100,
        "PLATES_OPEN_DRAWS_PER_OPERATOR": 100,
        "PLATES_POOL_SHARE_PERCENT": 6,  # 60 of 1,000: three draws
    }
    actors = [a for _org, agents in two_dealers for a in agents]

    refusals, failures = _race(actors, _open_and_draw, tries=3)

    assert failures == []
    pool = Pool.objects.get()
    for organisation, _agents in two_dealers:
        assert taken_by(organisation, pool) == 60
    assert refusals == Counter({errors.LIMIT_POOL_SHARE.code: 2 * (12 - 3)})
