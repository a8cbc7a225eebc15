"""The mark's eligibility in the vehicle's status words (inspection.words): every reason that
blocks the mark is listed as a thing to sort out, a station test is a visit elsewhere, and a
window that is not open yet is a date, never counted as a thing to do."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from django.utils import translation

from cheguan.inspection.rules import VehicleFacts, evaluate
from cheguan.inspection.words import mark_words

D = dt.date
DUE = D(2026, 7, 1)
IN_WINDOW, TOO_EARLY = D(2026, 5, 11), D(2026, 3, 1)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def car(**kw) -> VehicleFacts:
    """A clean 4-year-old private car, insured and taxed, due on DUE."""
    return replace(
        VehicleFacts(
            vehicle_type="K33",
            seats=5,
            use_nature="A",
            status="registered",
            first_registration_date=D(2022, 7, 1),
            inspection_valid_until=DUE,
            insurance_valid_until=D(2026, 12, 31),
            tax_paid_or_exempt=True,
        ),
        **kw,
    )


def words_of(facts: VehicleFacts, on: dt.date):
    return mark_words(evaluate(facts, on=on, regime="2022"))


def test_an_eligible_car_is_ready():
    w = words_of(car(), IN_WINDOW)
    assert (w.headline, w.tone) == (
        "Ready: you can get the inspection mark now, without a test.",
        "ok",
    )


def test_a_window_not_yet_open_is_a_date_not_a_thing_to_do():
    w = words_of(car(), TOO_EARLY)
    assert (w.headline, w.tone, w.todo) == ("Not yet: you can apply from 1 April 2026.", "wait", ())


def test_every_blocking_reason_is_listed_and_the_date_is_not_counted():
    w = words_of(
        car(unprocessed_violations=1, unsettled_accidents=1, tax_paid_or_exempt=False), TOO_EARLY
    )
    assert w.headline == "3 things to sort out first:"
    assert [i.code for i in w.todo] == [
        "inspection.unprocessed_violations",
        "inspection.unsettled_accidents",
        "inspection.tax_not_paid",
    ]
    assert w.when == ("You can apply from 1 April 2026.",)


def test_a_minivan_must_go_to_a_station():
    w = words_of(car(vehicle_type="K39", seats=7), IN_WINDOW)
    assert (w.tone, w.todo) == ("elsewhere", ())
    assert w.headline == "This time it must be tested at an inspection station first:"
    assert [i.code for i in w.elsewhere] == ["inspection.minivan"]


def test_a_stolen_minivan_with_a_violation_sorts_out_first_then_goes_to_a_station():
    w = words_of(car(vehicle_type="K39", status="stolen", unprocessed_violations=2), IN_WINDOW)
    assert w.headline == "2 things to sort out first:"
    assert [i.code for i in w.todo] == [
        "inspection.status_stolen",
        "inspection.unprocessed_violations",
    ]
    assert [i.code for i in w.elsewhere] == ["inspection.minivan"]
    assert w.elsewhere_intro == "This time it must be tested at an inspection station first:"
