"""Dates and times as people write them, in the office's time zone (core.wording)."""

from __future__ import annotations

import datetime as dt

from django.utils import translation

from cheguan.core.wording import day_words, time_words

LATE_UTC = dt.datetime(2026, 5, 10, 23, 30, tzinfo=dt.UTC)  # 07:30 on 11 May in Beijing


def test_a_moment_is_written_in_beijing_time_in_either_language():
    with translation.override("zh-hans"):
        assert time_words(LATE_UTC) == "2026年5月11日 07:30"
        assert day_words(LATE_UTC) == "2026年5月11日"  # the office's day, not UTC's
    with translation.override("en"):
        assert time_words(LATE_UTC) == "11 May 2026 07:30"
        assert day_words(dt.date(2026, 4, 1)) == "1 April 2026"


def test_the_language_can_be_given_whatever_is_active():
    with translation.override("zh-hans"):
        assert time_words(LATE_UTC, language="en") == "11 May 2026 07:30"
    with translation.override("en"):
        assert day_words(dt.date(2026, 4, 1), language="zh-hans") == "2026年4月1日"


def test_nothing_is_an_empty_string():
    assert time_words(None) == day_words(None) == ""
