"""Commit before, reveal after (ADR 0014): each office's day seed is committed (its SHA-256
public) before the day's first draw, every draw's seed is HMAC(day seed, draw identity), the
day seed is shown only once the day has closed, and ``verify-draws`` checks both."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from cheguan.core import clock
from cheguan.core.errors import DomainError
from cheguan.plates import rules, services
from cheguan.plates.models import DaySeed, Draw
from cheguan.plates.queries.replay import check_draw, verify_draws

DAY = dt.date(2026, 5, 11)


def _draw(plates, actor=None):
    actor = actor or plates.another_citizen()
    result = services.draw_numbers(actor=actor, case=plates.case(actor=actor), plate_type="02")
    return Draw.objects.select_related("day_seed", "pool__office").get(pk=result.draw.pk)


def _verify(day: dt.date) -> str:
    out = io.StringIO()
    call_command("plates", "verify-draws", day.isoformat(), stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_a_draws_seed_is_the_hmac_of_the_committed_day_seed_and_its_identity(plates):
    plates.release()

    first, second = _draw(plates), _draw(plates)
    clock.advance(dt.timedelta(days=1))
    tomorrow = _draw(plates)

    day_seed = first.day_seed
    secret = bytes.fromhex(day_seed.secret)
    identity = f"cheguan-draw-v1\n{plates.office.code}\n2026-05-11\n{first.pk}".encode()
    assert len(secret) == 32
    assert day_seed.commitment == hashlib.sha256(secret).hexdigest()
    assert first.seed == hmac.new(secret, identity, hashlib.sha256).hexdigest()
    assert day_seed.committed_at <= first.drawn_at
    assert second.day_seed == day_seed and second.seed != first.seed
    assert tomorrow.day_seed != day_seed and tomorrow.day_seed.day == DAY + dt.timedelta(days=1)
    assert DaySeed.objects.count() == 2


@pytest.mark.django_db
def test_the_commitment_is_made_in_its_own_transaction_before_the_draw(plates):
    """A draw refused (here: an empty pool) leaves the day's commitment in place: it was
    committed before the draw began, not together with it."""
    actor = plates.another_citizen()
    with pytest.raises(DomainError):
        services.draw_numbers(actor=actor, case=plates.case(actor=actor), plate_type="02")

    assert Draw.objects.count() == 0
    assert DaySeed.objects.filter(office=plates.office, day=DAY).count() == 1


@pytest.mark.django_db
def test_verify_draws_confirms_the_commitment_and_every_draw(plates):
    plates.release()
    draws = [_draw(plates) for _ in range(3)]

    checks = verify_draws(DAY)
    output = _verify(DAY)

    assert [c.draw.pk for c in checks] == [d.pk for d in draws]
    assert all(c.ok and c.committed for c in checks)
    assert output.strip() == "2026-05-11: 3 draws replayed, 0 with mismatches"


@pytest.mark.django_db
def test_a_tampered_day_seed_is_detected(plates):
    plates.release()
    draw = _draw(plates)
    DaySeed.objects.filter(pk=draw.day_seed_id).update(secret="11" * 32)

    problems = check_draw(Draw.objects.get(pk=draw.pk)).problems

    assert problems == ["the day seed of 2026-05-11 does not match its published commitment"]
    with pytest.raises(CommandError):
        _verify(DAY)


@pytest.mark.django_db
def test_a_day_seed_swapped_with_its_commitment_still_fails_on_the_draws_seed(plates):
    """A new secret with a matching new commitment (the office rewriting history) gives
    other draw seeds: every draw made from the old one fails."""
    plates.release()
    draw = _draw(plates)
    other = rules.new_secret()
    DaySeed.objects.filter(pk=draw.day_seed_id).update(
        secret=other.hex(), commitment=rules.commitment_of(other)
    )

    problems = check_draw(Draw.objects.get(pk=draw.pk)).problems

    assert problems == ["the seed is not the one the day's committed seed gives this draw"]


@pytest.mark.django_db
def test_a_tampered_draw_seed_is_detected(plates):
    plates.release()
    draw = _draw(plates)
    Draw.objects.filter(pk=draw.pk).update(seed="ab" * 32)

    problems = check_draw(Draw.objects.get(pk=draw.pk)).problems

    assert problems[0] == "the seed is not the one the day's committed seed gives this draw"


@pytest.mark.django_db
def test_a_commitment_made_after_the_draw_is_detected(plates):
    plates.release()
    draw = _draw(plates)
    DaySeed.objects.filter(pk=draw.day_seed_id).update(
        committed_at=draw.drawn_at + dt.timedelta(seconds=1)
    )

    assert check_draw(Draw.objects.get(pk=draw.pk)).problems == [
        "the day seed was committed after the draw"
    ]


@pytest.mark.django_db
def test_draws_before_commit_reveal_replay_from_their_own_seed(plates):
    plates.release()
    draw = _draw(plates)
    Draw.objects.filter(pk=draw.pk).update(day_seed=None)

    check = verify_draws(DAY)[0]

    assert check.ok and not check.committed
    assert "(1 made before commit-reveal)" in _verify(DAY)


@pytest.mark.django_db
def test_todays_day_seed_is_never_shown_and_yesterdays_is(client, plates):
    plates.release()
    draw = _draw(plates)
    day_seed = draw.day_seed

    today_page = client.get("/plates/draws/?date=2026-05-11").content.decode()
    today_api = client.get("/api/plates/draws?date=2026-05-11").json()
    clock.advance(dt.timedelta(days=1))
    closed_page = client.get("/plates/draws/?date=2026-05-11").content.decode()
    closed_api = client.get("/api/plates/draws?date=2026-05-11").json()

    assert day_seed.commitment in today_page
    assert day_seed.secret not in today_page
    assert day_seed.secret not in str(today_api)
    assert today_api["day_seeds"] == [
        {
            "office": plates.office.code,
            "commitment": day_seed.commitment,
            "committed_at": today_api["day_seeds"][0]["committed_at"],
            "secret": None,
        }
    ]
    assert today_api["draws"][0]["committed"] is True
    assert f'<code class="day-secret">{day_seed.secret}</code>' in closed_page
    assert closed_api["day_seeds"][0]["secret"] == day_seed.secret


@pytest.mark.django_db
def test_the_commitment_is_in_the_log_before_any_draw(client, plates):
    plates.release()
    call_command("plates", "commit-day", stdout=io.StringIO())

    page = client.get("/plates/draws/").content.decode()

    day_seed = DaySeed.objects.get(office=plates.office, day=DAY)
    assert day_seed.commitment in page
    assert day_seed.secret not in page


@pytest.mark.pg_only(reason="concurrent inserts of the day's seed")
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_draws_of_a_day_create_one_commitment(plates, monkeypatch):
    assert connection.vendor == "postgresql"
    plates.release()
    people = [plates.another_citizen() for _ in range(6)]
    cases = [plates.case(actor=a) for a in people]
    # Every thread has found no seed for the day before any of them inserts one.
    everyone_looked = threading.Barrier(len(people))
    real_secret = rules.new_secret

    def secret_after_everyone_looked() -> bytes:
        everyone_looked.wait(timeout=60)
        return real_secret()

    monkeypatch.setattr(rules, "new_secret", secret_after_everyone_looked)
    failures: list[BaseException] = []

    def run(actor, case) -> None:
        try:
            services.draw_numbers(actor=actor, case=case, plate_type="02")
        except BaseException as e:
            failures.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in zip(people, cases, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert failures == []
    assert DaySeed.objects.count() == 1
    day_seed = DaySeed.objects.get()
    assert set(Draw.objects.values_list("day_seed_id", flat=True)) == {day_seed.pk}
    assert Draw.objects.count() == len(people)
    assert all(c.ok for c in verify_draws(DAY))
