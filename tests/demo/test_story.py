"""The demo's story stands on any day (issue 10 §2, docs/adr/0016): seeded on dates across a
year, ``citizen`` has one car that gets its mark online now, one refused with reasons to
sort out, one that must be tested at a station; 王秀英 has a car the clerk can help her get
the mark for. Eligibility is asked of the inspection app's own queries, not re-implemented."""

import datetime as dt

import pytest

from cheguan.accounts.models import User
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.demo import data
from cheguan.demo.services import seed_demo, story_day
from cheguan.inspection.queries import eligibility_of
from cheguan.inspection.words import mark_words
from cheguan.registry.models import Vehicle

pytestmark = pytest.mark.django_db

DATES = [
    dt.datetime(2026, 1, 1, 9),
    dt.datetime(2026, 2, 28, 16),
    dt.datetime(2026, 6, 15, 10),
    dt.datetime(2026, 10, 31, 8),
    dt.datetime(2026, 12, 31, 23, 30),
    dt.datetime(2028, 2, 29, 12),
]


def story() -> dict:
    """The story's cars by role, with their eligibility today."""
    person = User.objects.get(username="citizen").person
    cars = list(Vehicle.objects.filter(owner_person=person).order_by("pk"))
    assisted = Vehicle.objects.get(owner_person__id_number=data.ASSISTED_CITIZEN_ID)
    roles = dict(zip(("refused", "ready", "station"), cars, strict=True))
    roles["assisted"] = assisted
    return {role: (v, eligibility_of(v, on=clock.today())) for role, v in roles.items()}


def assert_story_stands() -> None:
    cars = story()
    assert User.objects.get(username="citizen").person.age > 60
    _ready, ready = cars["ready"]
    assert ready.may_issue, ready.codes
    _refused_car, refused = cars["refused"]
    assert sorted(refused.codes) == [
        "inspection.insurance_not_valid",
        "inspection.unprocessed_violations",
    ]
    assert not refused.needs_station_test
    _station, station = cars["station"]
    assert station.needs_station_test
    assert station.reasons and all(r.kind == "station" for r in station.reasons), station.codes
    _assisted, assisted = cars["assisted"]
    assert assisted.may_issue, assisted.codes


@pytest.mark.parametrize("now", DATES, ids=lambda d: d.date().isoformat())
def test_the_story_stands_on_any_day_it_is_seeded(now):
    clock.set_now(now.replace(tzinfo=dt.UTC))
    seed_demo(actor=Actor.system(), history_cases=50)
    assert_story_stands()


def test_each_reason_of_the_refused_car_links_to_where_it_is_sorted_out():
    clock.set_now(dt.datetime(2026, 8, 3, 9, tzinfo=dt.UTC))
    seed_demo(actor=Actor.system(), history_cases=0)
    car, result = story()["refused"]
    todo = mark_words(result, car.pk).todo
    links = {item.code: item.href for item in todo}
    assert links["inspection.unprocessed_violations"].startswith("https://")
    assert links["inspection.insurance_not_valid"] == f"/inspection/vehicle/{car.pk}/proof/"
    assert all(item.action for item in todo)


def test_a_later_run_lays_the_story_again_for_that_day_and_a_same_day_run_changes_nothing():
    clock.set_now(dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC))
    first = seed_demo(actor=Actor.system(), history_cases=50)
    assert first.created
    again = seed_demo(actor=Actor.system(), history_cases=50)
    assert (again.created, again.story_moved) == (False, False)
    clock.set_now(dt.datetime(2026, 9, 20, 9, tzinfo=dt.UTC))  # the story's dates have passed
    car, _result = story()["ready"]
    assert car.inspection_valid_until < clock.today()
    moved = seed_demo(actor=Actor.system(), history_cases=50)
    assert (moved.created, moved.story_moved) == (False, True)
    assert story_day(moved.office) == "2026-09-20"
    assert_story_stands()
    assert seed_demo(actor=Actor.system(), history_cases=50).story_moved is False


def test_make_runs_seed_command_lays_the_story_again_on_a_later_day(capsys):
    """``scripts/run.sh`` runs ``seed-demo --if-empty`` on every start."""
    from django.core.management import call_command

    clock.set_now(dt.datetime(2026, 4, 1, 9, tzinfo=dt.UTC))
    seed_demo(actor=Actor.system(), history_cases=0)
    call_command("seed_demo", "--if-empty")
    assert "nothing changed" in capsys.readouterr().out
    clock.set_now(dt.datetime(2026, 7, 1, 9, tzinfo=dt.UTC))
    call_command("seed_demo", "--if-empty")
    assert "laid again" in capsys.readouterr().out
    assert_story_stands()
