"""A vehicle's state in words (registry.status_words): the headline never contradicts the
list below it, every thing to sort out is listed, and a date is never a thing to sort out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from cheguan.registry.models import Vehicle
from cheguan.registry.queries import BlockingSummary
from cheguan.registry.status_words import Decision, Item, decision_words, vehicle_words

YEAR = 2026


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def summary(**kw) -> BlockingSummary:
    clean = {
        "unprocessed_violations": 0,
        "casualty_accidents": 0,
        "insurance_valid_today": True,
        "tax_status_this_year": "paid",
        "open_encumbrances": 0,
    }
    return BlockingSummary(**{**clean, **kw})


def words(status: str = "registered", **kw):
    return vehicle_words(Vehicle(status=status), summary(**kw), year=YEAR)


def test_a_clean_registered_vehicle_is_normal_with_nothing_to_sort_out():
    w = words()
    assert (w.headline, w.tone, w.todo) == ("Normal: nothing to sort out first.", "ok", ())


def test_a_registered_vehicle_with_records_lists_every_one_and_says_how_many():
    w = words(
        unprocessed_violations=2,
        insurance_valid_today=False,
        tax_status_this_year="unpaid",
        open_encumbrances=1,
    )
    assert w.headline == "4 things to sort out first:"
    assert w.tone == "todo"
    assert [i.text for i in w.todo] == [
        "2 traffic violations not yet dealt with: deal with them online or at any window.",
        "No compulsory insurance (交强险) valid today on record.",
        "The vehicle tax (车船税) for 2026 is unpaid.",
        "1 seizure or mortgage not released.",
    ]
    assert not any("Normal" in text for text in w.texts)  # the issue: "正常" above the list


def test_one_violation_is_singular_and_no_tax_record_is_named_as_such():
    w = words(unprocessed_violations=1, tax_status_this_year=None)
    assert w.headline == "2 things to sort out first:"
    assert [i.code for i in w.todo] == [
        "registry.unprocessed_violations",
        "registry.no_tax_record",
    ]
    assert w.todo[0].text.startswith("1 traffic violation not yet dealt with: deal with it")
    assert w.todo[1].text == "No vehicle tax (车船税) paid or exempt for 2026 on record."


def test_an_exempt_tax_is_not_a_thing_to_sort_out():
    assert words(tax_status_this_year="exempt").todo == ()


def test_a_mortgaged_vehicle_says_so_and_does_not_count_its_mortgage_again():
    w = words("mortgaged", open_encumbrances=1)
    assert w.headline.startswith("Mortgaged to a lender.")
    assert (w.tone, w.todo, w.todo_intro) == ("ok", (), "")


def test_a_mortgaged_vehicle_with_a_violation_lists_it_below_its_status():
    w = words("mortgaged", open_encumbrances=1, unprocessed_violations=1)
    assert w.headline.startswith("Mortgaged to a lender.")
    assert (w.tone, w.todo_intro, len(w.todo)) == ("todo", "Also 1 thing to sort out:", 1)


@pytest.mark.parametrize("status", ["seized", "stolen", "scrap_standard", "deregistered"])
def test_a_stopped_vehicle_has_the_stop_tone_whatever_else(status):
    assert words(status).tone == "stop"
    assert words(status, unprocessed_violations=3).tone == "stop"


# --- a capability's decision ------------------------------------------------------------------

READY = "Ready."
STATION = "It must be tested at an inspection station first:"
VIOLATIONS = Item("2 violations: deal with them.", "inspection.unprocessed_violations")
TAX = Item("No tax on record.", "inspection.tax_not_paid")
MINIVAN = Item("Minivans are not exempt.", "inspection.minivan")
OPENS = dt.date(2026, 4, 1)


def decide(**kw):
    return decision_words(Decision(ready=READY, elsewhere_headline=STATION, **kw))


def test_nothing_in_the_way_is_ready():
    w = decide()
    assert (w.headline, w.tone, w.todo, w.elsewhere, w.when) == (READY, "ok", (), (), ())


def test_every_thing_to_sort_out_is_listed_and_counted():
    w = decide(todo=[VIOLATIONS, TAX])
    assert (w.headline, w.tone, w.todo) == (
        "2 things to sort out first:",
        "todo",
        (VIOLATIONS, TAX),
    )


def test_a_date_to_wait_for_is_not_a_thing_to_sort_out():
    w = decide(opens_on=OPENS)
    assert (w.headline, w.tone, w.todo) == ("Not yet: you can apply from 1 April 2026.", "wait", ())


def test_things_to_sort_out_before_the_window_opens_are_counted_without_the_date():
    w = decide(todo=[VIOLATIONS], opens_on=OPENS)
    assert w.headline == "1 thing to sort out first:"
    assert w.when == ("You can apply from 1 April 2026.",)


def test_a_station_test_alone_is_a_visit_elsewhere():
    w = decide(elsewhere=[MINIVAN])
    assert (w.headline, w.tone, w.elsewhere, w.todo) == (STATION, "elsewhere", (MINIVAN,), ())


def test_things_to_sort_out_come_first_then_the_station():
    w = decide(todo=[TAX], elsewhere=[MINIVAN])
    assert (w.headline, w.tone) == ("1 thing to sort out first:", "todo")
    assert (w.elsewhere_intro, w.elsewhere) == (STATION, (MINIVAN,))
    assert w.texts == ["1 thing to sort out first:", TAX.text, STATION, MINIVAN.text]


def test_the_words_are_chinese_in_chinese():
    with translation.override("zh-hans"):
        assert decide(todo=[TAX]).headline == "有1件事要先处理："
        assert decide(opens_on=OPENS).headline == "还不到申领时间：2026年4月1日起可以申领。"
        assert words().headline == "正常：没有需要先处理的事。"
