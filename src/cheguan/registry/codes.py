"""Registration code tables (号牌种类, 使用性质, 车辆类型) loaded from ``data/vehicle-codes.csv``.

Read lazily and cached: the table is data, not code, and an office extends it by editing
the CSV. Rules ask questions of it (``is_minivan``, ``is_small_passenger``) rather than
repeating code lists. People see a code's name (``name_of``), never the code itself; the
API carries both.
"""

from __future__ import annotations

import csv
import functools
from pathlib import Path

DATA = Path(__file__).with_name("data") / "vehicle-codes.csv"

USE_NATURE_NON_OPERATING = "A"
MINIVAN_TYPES = frozenset({"K39", "K49"})
# The provinces' one-character abbreviations that begin a plate number (GA 36), for the
# registry's own checks and the plates app's number formats.
PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"


@functools.cache
def table(name: str) -> dict[str, str]:
    with DATA.open(encoding="utf-8") as f:
        return {row["code"]: row["name"] for row in csv.DictReader(f) if row["table"] == name}


@functools.cache
def english_table(name: str) -> dict[str, str]:
    with DATA.open(encoding="utf-8") as f:
        return {row["code"]: row["name_en"] for row in csv.DictReader(f) if row["table"] == name}


def name_of(name: str, code: str, *, english: bool = False) -> str:
    """The name people read for a code of table ``name`` (the code itself if unknown)."""
    found = (english_table if english else table)(name).get(code or "")
    return found or code or ""


def vehicle_types() -> dict[str, str]:
    return table("vehicle_type")


def use_natures() -> dict[str, str]:
    return table("use_nature")


def plate_kinds() -> dict[str, str]:
    return table("plate_kind")


def is_small_or_mini_passenger(vehicle_type: str) -> bool:
    """K3x small and K4x mini passenger vehicles."""
    return len(vehicle_type) == 3 and vehicle_type[:2] in {"K3", "K4"}


def is_minivan(vehicle_type: str) -> bool:
    return vehicle_type in MINIVAN_TYPES
