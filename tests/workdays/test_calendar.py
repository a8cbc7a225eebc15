import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cheguan.core.errors import DomainError
from cheguan.workdays import services as wd
from cheguan.workdays.models import CalendarDay

pytestmark = pytest.mark.django_db

HOLIDAYS = {d: k for d, k, _n, _s in wd.read_holidays()}


def reference_is_working(day: dt.date) -> bool:
    kind = HOLIDAYS.get(day)
    if kind == "holiday":
        return False
    if kind == "workday":
        return True
    return day.weekday() < 5


def reference_add(start: dt.date, n: int) -> dt.date:
    day = start
    while n > 0:
        day += dt.timedelta(days=1)
        n -= reference_is_working(day)
    return day


def test_national_day_week_2026_is_not_working_and_the_swapped_sunday_is():
    assert not wd.is_working_day(dt.date(2026, 10, 1))
    assert not wd.is_working_day(dt.date(2026, 10, 7))
    assert wd.is_working_day(dt.date(2026, 9, 20))  # Sunday, 国庆节调休
    assert wd.is_working_day(dt.date(2026, 10, 10))  # Saturday, 国庆节调休


def test_one_working_day_after_the_eve_of_national_day_is_october_8():
    assert wd.add_working_days(dt.date(2026, 9, 30), 1) == dt.date(2026, 10, 8)


def test_adding_zero_days_returns_the_start():
    assert wd.add_working_days(dt.date(2026, 10, 3), 0) == dt.date(2026, 10, 3)


def test_working_days_between_counts_the_half_open_span():
    assert wd.working_days_between(dt.date(2026, 9, 30), dt.date(2026, 10, 9)) == 2
    assert wd.working_days_between(dt.date(2026, 10, 9), dt.date(2026, 9, 30)) == -2


def test_dates_outside_the_calendar_are_refused_with_a_code():
    with pytest.raises(DomainError) as e:
        wd.add_working_days(dt.date(1999, 12, 31), 1)
    assert e.value.code == "workdays.out_of_range"


def test_negative_days_are_refused():
    with pytest.raises(DomainError) as e:
        wd.add_working_days(dt.date(2026, 1, 5), -1)
    assert e.value.code == "workdays.negative_days"


@settings(max_examples=60, deadline=None)
@given(
    start=st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2026, 12, 1)),
    n=st.integers(min_value=0, max_value=25),
)
def test_add_working_days_matches_a_day_by_day_count_over_holidays(start, n):
    assert wd.add_working_days(start, n) == reference_add(start, n)


def test_rebuild_with_a_new_holiday_moves_deadlines():
    monday = dt.date(2026, 11, 30)
    assert wd.add_working_days(dt.date(2026, 11, 27), 1) == monday
    exceptions = [*wd.read_holidays(), (monday, "holiday", "test", "test")]
    wd.rebuild(exceptions)
    assert wd.add_working_days(dt.date(2026, 11, 27), 1) == dt.date(2026, 12, 1)
    assert CalendarDay.objects.get(date=monday).kind == "holiday"
