"""Inspection cycles: which regime is in force, and how long one inspection is valid
(DOMAIN.md §1.1–1.4). The reasons a vehicle may or may not get a mark are in ``rules``."""

from __future__ import annotations

import calendar
import datetime as dt
import functools

from django.conf import settings

from cheguan.registry import codes

REGIMES = ("2014", "2020", "2022")
# Reported start dates (DOMAIN.md §1.2–1.4), for replaying a past date with regime_on().
REGIME_STARTS = {
    "2014": dt.date(2014, 9, 1),
    "2020": dt.date(2020, 11, 20),
    "2022": dt.date(2022, 10, 1),
}


def default_regime() -> str:
    regime = getattr(settings, "CHEGUAN_INSPECTION_REGIME", "2022")
    return regime if regime in REGIMES else "2022"


def regime_on(day: dt.date) -> str:
    """The regime in force on ``day`` (before 2014-09-01 the 2014 rules are the oldest here)."""
    current = "2014"
    for name, start in REGIME_STARTS.items():
        if day >= start:
            current = name
    return current


@functools.lru_cache(maxsize=65536)  # the due-list asks for the same few hundred dates
def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months forward (or back), clamped to the month's last day (Feb 29 → Feb 28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def whole_years(start: dt.date, end: dt.date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


# --- the cycles ---------------------------------------------------------------------------


def statutory_months(vehicle_type: str, use_nature: str, age: int) -> int:
    """实施条例 Art 16 (DOMAIN.md §1.1): the validity of one inspection, in months."""
    vtype, operating = vehicle_type, use_nature != codes.USE_NATURE_NON_OPERATING
    if vtype.startswith("M"):  # motorcycles
        return 24 if age < 4 else 12
    if vtype.startswith("K") and operating:
        return 12 if age < 5 else 6
    if codes.is_small_or_mini_passenger(vtype):
        return 24 if age < 6 else (12 if age < 15 else 6)
    if vtype.startswith(("H", "K")):  # trucks; large and medium passenger vehicles
        return 12 if age < 10 else 6
    return 12  # tractors and others


def exempt_cycle(regime: str, age: int) -> tuple[bool, int]:
    """For a vehicle of the exempt class: (station test needed at this age, months valid)."""
    if regime == "2014":
        if age < 6:
            return False, 24
        return True, 12 if age < 15 else 6
    if regime == "2020":
        if age < 6:
            return False, 24
        if age < 10:
            return True, 24
        return True, 12 if age < 15 else 6
    # 2022: station tests in year 6 and year 10 only, then every year
    if age < 10:
        return age == 6, 24
    return True, 12
