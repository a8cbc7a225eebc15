"""Release segments: the serials between a first and a last serial (e.g. A0000–A9999)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator

from cheguan.core.errors import Bi
from cheguan.plates import errors
from cheguan.plates.formats.numbers import ALPHABETS, RULES, normalise, serial_problems


def _range_axes(first: str, last: str, plate_type: str) -> list[str]:
    """Per position, the characters a segment's serials take there, in order."""
    if plate_type not in RULES:
        raise errors.BAD_RANGE(
            field="plate_type",
            reason=Bi("号牌种类未知。", "the plate type is not known."),
        )
    for end, serial in (("first", first), ("last", last)):
        problems = serial_problems(serial, plate_type)
        if problems:
            zh_end, en_end = ("起始", "first") if end == "first" else ("结束", "last")
            raise errors.BAD_RANGE(
                field=f"{end}_number",
                reason=Bi(
                    f"{zh_end}序号“{serial[:8]}”不是有效序号。{problems[0].message_in('zh-hans')}",
                    f"the {en_end} serial “{serial[:8]}” is not valid. "
                    f"{problems[0].message_in('en')}",
                ),
            )
    axes = []
    for i, (kind, a, b) in enumerate(zip(RULES[plate_type], first, last, strict=True)):
        if a == b:
            axes.append(a)
            continue
        alphabet = ALPHABETS[kind]
        start, stop = alphabet.index(a), alphabet.index(b)
        if start > stop:
            raise errors.BAD_RANGE(
                field="last_number",
                reason=Bi(
                    f"序号第{i + 1}位的起始字符“{a}”排在结束字符“{b}”之后"
                    "（顺序为0至9，再A至Z，不含I、O）。",
                    f"at serial position {i + 1} the first character {a} comes after the last "
                    f"character {b} (the order is 0–9, then A–Z without I and O).",
                ),
            )
        axes.append(alphabet[start : stop + 1])
    return axes


def expand_range(first_serial: str, last_serial: str, *, plate_type: str) -> Iterator[str]:
    """The serials of a release segment, e.g. A0000–A9999: positions where the ends agree
    are fixed; every other position runs from the first's character to the last's in the
    order 0–9 then A–Z (no I, O), limited to what the plate type allows there. The
    cartesian product, in lexicographic order; each serial passes :func:`check_number`.
    Raises ``plates.bad_range`` (before yielding anything) for an empty or invalid range."""
    axes = _checked_axes(first_serial, last_serial, plate_type)
    return ("".join(chars) for chars in itertools.product(*axes))


def range_size(first_serial: str, last_serial: str, *, plate_type: str) -> int:
    """How many serials :func:`expand_range` yields, without producing them."""
    return math.prod(len(axis) for axis in _checked_axes(first_serial, last_serial, plate_type))


def _checked_axes(first_serial: str, last_serial: str, plate_type: str) -> list[str]:
    first, last = normalise(first_serial), normalise(last_serial)
    if not first or not last or len(first) != len(last):
        raise errors.BAD_RANGE(
            field="last_number",
            reason=Bi(
                "起始序号和结束序号应同样长，例如A0000至A9999。",
                "the first and last serials should have the same length, e.g. A0000 to A9999.",
            ),
        )
    return _range_axes(first, last, plate_type)
