"""A year of history in the demo (issue 10 §3): the figures come out near the office's
published ones, every kind of row is there, it is written set-based, and seeding again
changes nothing."""

import datetime as dt
import hashlib

import pytest
from django.db import transaction

from cheguan.accounts.models import User
from cheguan.audit.services import verify
from cheguan.cases import figures
from cheguan.cases.models import (
    Case,
    CaseStatus,
    Channel,
    CommitmentStatus,
    FollowUp,
    Rating,
    RongqueCommitment,
    Visit,
)
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.demo import data
from cheguan.demo.services import seed_demo
from cheguan.inspection.models import InspectionMark
from cheguan.registry.models import Person

CASES = 6000
NOW = dt.datetime(2026, 11, 25, 9, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        clock.set_now(NOW)
        try:
            yield seed_demo(actor=Actor.system(), history_cases=CASES)
        finally:
            clock.set_now(None)
            transaction.set_rollback(True)


@pytest.fixture
def year(city):
    clock.set_now(NOW)
    return figures.Period(NOW.date() - dt.timedelta(days=366), NOW.date())


def test_the_figures_are_near_the_offices_published_ones(city, year, db):
    one_visit = figures.one_visit_rate(office_id=city.office.pk, period=year)[0]
    satisfaction = figures.satisfaction(office_id=city.office.pk, period=year)[0]
    assert one_visit["completed"] > 5000
    assert one_visit["rate"] == pytest.approx(0.989, abs=0.002)
    assert satisfaction["satisfaction_rate"] == pytest.approx(0.992, abs=0.002)
    assert 0 < satisfaction["unrated_rate"] < 0.5


def test_the_year_has_every_month_every_service_and_every_channel(city, db):
    cases = Case.objects.filter(office=city.office)
    first = cases.order_by("created_at").first().created_at.date()
    last = cases.order_by("-closed_at").first().closed_at.date()
    assert (NOW.date() - first).days >= 360
    assert last < NOW.date()
    months = {d.strftime("%Y-%m") for d in cases.dates("closed_at", "month")}
    assert len(months) >= 12
    assert set(cases.values_list("service__code", flat=True)) >= {
        "inspection_mark_exempt",
        "transfer",
        "new_registration",
        "plate_selection",
        "driving_test_booking",
    }
    assert set(cases.values_list("channel", flat=True)) >= {
        Channel.ONLINE,
        Channel.WINDOW,
        Channel.ASSISTED,
    }
    assert cases.filter(status=CaseStatus.REJECTED).exists()


def test_visits_rongque_ratings_follow_ups_and_marks_are_there(city, db):
    in_person = Case.objects.filter(visit_count__gt=0).count()
    assert Visit.objects.filter(case__office=city.office).values("case").distinct().count() == (
        in_person
    )
    statuses = set(RongqueCommitment.objects.values_list("status", flat=True))
    assert statuses == {CommitmentStatus.FULFILLED, CommitmentStatus.BROKEN}
    assert Case.objects.filter(rongque=True, status=CaseStatus.TERMINATED).exists()
    bad = Rating.objects.filter(score__lte=2)
    assert bad.exists()
    assert FollowUp.objects.count() == bad.count()
    assert set(FollowUp.objects.values_list("status", flat=True)) >= {"closed"}
    assert Rating.objects.filter(excluded=True).count() == 1
    channels = set(
        InspectionMark.objects.filter(office=city.office).values_list("case__channel", flat=True)
    )
    assert channels == {Channel.ONLINE, Channel.WINDOW}
    for mark in InspectionMark.objects.select_related("vehicle")[:20]:
        assert mark.valid_until == mark.vehicle.inspection_valid_until


def test_the_story_people_have_no_history(city, db):
    citizen = User.objects.get(username="citizen").person
    assisted = Person.objects.get(id_number=data.ASSISTED_CITIZEN_ID)
    assert not Case.objects.filter(applicant_person__in=[citizen, assisted]).exists()


def test_the_audit_chain_verifies_after_seeding(city, db):
    assert verify().ok


def _checksum() -> str:
    rows = Case.objects.order_by("number").values_list(
        "number", "status", "channel", "visit_count", "rating_score", "closed_at"
    )
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


def test_seeding_again_changes_nothing(city, db):
    clock.set_now(NOW)  # the same day it was seeded
    models = (Case, Visit, Rating, FollowUp, RongqueCommitment, InspectionMark)
    before = ([m.objects.count() for m in models], _checksum())
    again = seed_demo(actor=Actor.system(), history_cases=CASES)
    assert (again.created, again.story_moved) == (False, False)
    assert ([m.objects.count() for m in models], _checksum()) == before
