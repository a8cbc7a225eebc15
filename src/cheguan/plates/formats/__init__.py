"""Plate-number formats and the local composition rules (DOMAIN.md §2.2–2.3).

- :mod:`.numbers`: the national rules per plate type — :func:`check_number`,
  :func:`normalise`, :func:`display` (pure functions).
- :mod:`.composition`: the office's rules for self-composed numbers and its blocklist —
  :func:`check_composition`, :func:`blocked_for_release` (the only database reads).
- :mod:`.segments`: the serials of a release segment — :func:`expand_range`,
  :func:`range_size`.

Import from here: ``from cheguan.plates.formats import check_number``.
"""

from cheguan.plates.formats.composition import (
    Blocked,
    active_patterns,
    blocked_for_release,
    check_composition,
    composition_problems,
)
from cheguan.plates.formats.numbers import (
    ALNUM,
    DIGITS,
    ENERGY,
    LETTERS,
    NON_PURE_ELECTRIC,
    PROVINCES,
    PURE_ELECTRIC,
    RULES,
    SHAPES,
    NumberCheck,
    check_number,
    display,
    normalise,
)
from cheguan.plates.formats.segments import expand_range, range_size

__all__ = [
    "ALNUM",
    "DIGITS",
    "ENERGY",
    "LETTERS",
    "NON_PURE_ELECTRIC",
    "PROVINCES",
    "PURE_ELECTRIC",
    "RULES",
    "SHAPES",
    "Blocked",
    "NumberCheck",
    "active_patterns",
    "blocked_for_release",
    "check_composition",
    "check_number",
    "composition_problems",
    "display",
    "expand_range",
    "normalise",
    "range_size",
]
