"""Working-day arithmetic over :class:`~cheguan.workdays.models.CalendarDay`.

- ``add_working_days(d, n)``: the n-th working day after ``d`` (``d`` itself not counted),
  as in "within 3 working days from the next day".
- ``working_days_between(a, b)``: working days in the half-open span (a, b].
- ``is_working_day(d)``.
Outside the calendar's span they raise ``workdays.out_of_range``. The days are remembered in
the cache (``cheguan.core.remembered``): the calendar changes only through :func:`rebuild`.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from django.db import transaction

from cheguan.core.errors import ErrorCode
from cheguan.core.remembered import forget, remember
from cheguan.workdays.models import CalendarDay, DayKind

SPAN_START = dt.date(2000, 1, 1)
SPAN_END = dt.date(2040, 12, 31)
HOLIDAYS_CSV = Path(__file__).with_name("data") / "holidays-cn.csv"
FAMILY = "calendar"  # remembered day by day (cheguan.core.remembered); rebuild() forgets it

OUT_OF_RANGE = ErrorCode(
    "workdays.out_of_range",
    "日期 {date} 不在工作日历范围内（2000–2040 年）。",
    "The date {date} is outside the working-day calendar (2000–2040).",
)
NEGATIVE_DAYS = ErrorCode(
    "workdays.negative_days", "工作日数不能为负数。", "A number of working days cannot be negative."
)


def _default_working(day: dt.date) -> bool:
    return day.weekday() < 5


def _is_working(day: dt.date, kind: str) -> bool:
    if kind == DayKind.HOLIDAY:
        return False
    if kind == DayKind.WORKDAY:
        return True
    return _default_working(day)


def read_holidays(path: Path = HOLIDAYS_CSV) -> list[tuple[dt.date, str, str, str]]:
    with path.open(encoding="utf-8") as f:
        return [
            (dt.date.fromisoformat(r["date"]), r["kind"], r["name"], r["source"])
            for r in csv.DictReader(f)
        ]


def calendar_rows(exceptions: Iterable[tuple[dt.date, str, str, str]]) -> list[dict]:
    """Every day of the span with its kind and running working-day count (also used by
    the migration that seeds the calendar, hence plain dicts)."""
    special = {d: (k, n, s) for d, k, n, s in exceptions}
    rows, ordinal, day = [], 0, SPAN_START
    while day <= SPAN_END:
        kind, name, source = special.get(day, (DayKind.NORMAL.value, "", ""))
        working = _is_working(day, kind)
        ordinal += working
        rows.append(
            {
                "date": day,
                "kind": kind,
                "name": name,
                "source": source[:200],
                "is_working": working,
                "working_ordinal": ordinal,
            }
        )
        day += dt.timedelta(days=1)
    return rows


@transaction.atomic
def rebuild(exceptions: Iterable[tuple[dt.date, str, str, str]] | None = None) -> int:
    """Replace the calendar (keeps exceptions already stored unless given new ones)."""
    if exceptions is None:
        exceptions = [
            (d.date, d.kind, d.name, d.source)
            for d in CalendarDay.objects.exclude(kind=DayKind.NORMAL)
        ]
    rows = calendar_rows(list(exceptions))
    CalendarDay.objects.all().delete()
    CalendarDay.objects.bulk_create([CalendarDay(**r) for r in rows], batch_size=2000)
    forget(FAMILY)
    return len(rows)


def _check(day: dt.date) -> None:
    if not (SPAN_START <= day <= SPAN_END):
        raise OUT_OF_RANGE(date=day.isoformat())


def _day(day: dt.date) -> tuple[bool, int]:
    """(is it a working day, its working ordinal): remembered, every deadline reads it."""
    _check(day)

    def read() -> tuple[bool, int]:
        row = CalendarDay.objects.only("is_working", "working_ordinal").get(date=day)
        return row.is_working, row.working_ordinal

    return remember(FAMILY, f"day:{day.isoformat()}", read)


def _working_day_numbered(ordinal: int) -> dt.date | None:
    return remember(
        FAMILY,
        f"ordinal:{ordinal}",
        lambda: (
            CalendarDay.objects.filter(working_ordinal=ordinal, is_working=True)
            .values_list("date", flat=True)
            .first()
        ),
    )


def is_working_day(day: dt.date) -> bool:
    return _day(day)[0]


def add_working_days(start: dt.date, days: int) -> dt.date:
    if days < 0:
        raise NEGATIVE_DAYS()
    base = _day(start)[1]
    if days == 0:
        return start
    target = _working_day_numbered(base + days)
    if target is None:
        raise OUT_OF_RANGE(date=f"{start.isoformat()} + {days}")
    return target


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]; negative if end is before start."""
    return _day(end)[1] - _day(start)[1]
