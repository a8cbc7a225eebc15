"""The office's local composition rules (自编自选, DOMAIN.md §2.3) on top of the national
check: which plate types may be composed, how many letters an ordinary serial may hold and
where (conf ``SERIAL_MAX_LETTERS``, ``SERIAL_LETTER_POSITIONS``), and the office's blocklist
of offensive or reserved combinations (:class:`~cheguan.plates.models.BlockedPattern`)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from cheguan.core.errors import Bi, DomainError
from cheguan.core.remembered import remember
from cheguan.plates import errors
from cheguan.plates.conf import setting
from cheguan.plates.formats.numbers import (
    LETTERS,
    ORDINARY,
    RULES,
    NumberCheck,
    check_number,
    positions_text,
)
from cheguan.plates.models import BlockedPattern, BlockScope, PlateType


@dataclass(frozen=True)
class Blocked:
    pattern_id: int
    pattern: str
    reason: str
    scope: str
    regex: re.Pattern


@functools.lru_cache(maxsize=512)
def compile_pattern(pattern: str) -> re.Pattern | None:
    """The compiled pattern, or None for one that does not compile (a row written around
    ``plates.rules.validate_pattern``, which validates): such a row blocks nothing."""
    try:
        return re.compile(pattern)
    except (re.error, RecursionError, OverflowError):
        return None


BLOCKLIST = "plate_rules"  # remembered (core.remembered); plates.receivers forgets it


def active_patterns(office, *, scopes: Iterable[str] | None = None) -> list[Blocked]:
    """The office's active blocklist (the one database read of this module, remembered: every
    composed number and public check reads it; a pattern saved or deleted forgets it)."""
    rows = remember(
        BLOCKLIST,
        f"active:{office.pk}",
        lambda: list(
            BlockedPattern.objects.filter(office=office, active=True)
            .order_by("pattern")
            .values_list("pk", "pattern", "reason", "scope")
        ),
    )
    wanted = None if scopes is None else set(scopes)
    found = []
    for pk, pattern, reason, scope in rows:
        regex = compile_pattern(pattern)
        if regex is not None and (wanted is None or scope in wanted):
            found.append(Blocked(pk, pattern, reason, scope, regex))
    return found


def _letter_problems(serial: str) -> list[DomainError]:
    letters = [i for i, c in enumerate(serial) if c in LETTERS]
    found = []
    most = int(setting("SERIAL_MAX_LETTERS"))
    if len(letters) > most:
        found.append(errors.TOO_MANY_LETTERS(field="number", max=most, count=len(letters)))
    allowed = sorted({int(p) for p in setting("SERIAL_LETTER_POSITIONS")})
    misplaced = [i for i in letters if i + 1 not in allowed]
    if misplaced:
        found.append(
            errors.LETTER_POSITION(
                field="number",
                allowed="、".join(map(str, allowed)) or "—",
                positions=positions_text(misplaced),
            )
        )
    return found


def composition_problems(serial: str, *, plate_type: str, office) -> list[DomainError]:
    """The local rules alone (what :func:`check_composition` adds to the national check)."""
    found: list[DomainError] = []
    if plate_type not in setting("COMPOSE_TYPES"):
        name = Bi.of(PlateType(plate_type).label) if plate_type in PlateType.values else ""
        found.append(errors.COMPOSE_CLOSED(field="plate_type", plate_type=name))
    rule = RULES.get(plate_type)
    if plate_type in ORDINARY and rule is not None and len(serial) == len(rule):
        found += _letter_problems(serial)
    # New-energy serials follow the national shape only: no local letter rules.
    for blocked in active_patterns(office):
        if blocked.regex.search(serial):
            found.append(errors.BLOCKED_COMBINATION(field="number", reason=blocked.reason))
    return found


def check_composition(number: object, *, plate_type: str, office) -> NumberCheck:
    """:func:`check_number` for ``office`` plus the local composition rules: whether the
    type is open to self-composition, the letter count and positions of ordinary serials
    (conf), and every active blocked pattern of the office (either scope)."""
    result = check_number(number, plate_type=plate_type, office=office)
    if not result.number or plate_type not in RULES:
        return result
    return result.extended(
        composition_problems(result.serial, plate_type=plate_type, office=office)
    )


def blocked_for_release(serials: Iterable[str], office) -> set[str]:
    """The serials matched by the office's scope=ALL patterns (never released). One C-level
    pass over the serials per pattern: about 0.1 s per pattern for 1,000,000 serials."""
    patterns = active_patterns(office, scopes=[BlockScope.ALL])
    if not patterns:
        return set()
    serials = serials if isinstance(serials, (list, tuple)) else list(serials)
    blocked: set[str] = set()
    for p in patterns:
        blocked.update(filter(p.regex.search, serials))
    return blocked
