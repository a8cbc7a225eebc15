"""The plate rules that differ by city (DOMAIN.md §2.3), as one setting with defaults.

An office overrides any key in ``settings.CHEGUAN_PLATES``; everything else reads
:func:`setting`, never the settings module directly, so tests can override one key.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # 二十选一: how many numbers a draw shows, how long they are kept for the applicant,
    # how long a picked number stays held for the case, how many draws a case may make.
    "DRAW_SIZE": 20,
    "OFFER_MINUTES": 5,
    "HOLD_WORKING_DAYS": 3,
    "DRAWS_PER_CASE": 5,
    # A newly released segment is random-draw only for this many days.
    "RANDOM_ONLY_DAYS": 7,
    # 自编自选: per plate type on/off, and the attempt limits (20 checks of up to 5 numbers).
    "COMPOSE_TYPES": ["02", "52"],
    "COMPOSE_CHECKS_PER_CASE": 20,
    "COMPOSE_NUMBERS_PER_CHECK": 5,
    # Local serial rules for the ordinary (blue/yellow) plates: the most letters a serial may
    # hold, and the positions (1-based) where letters may stand. The last position is always
    # a digit in the demo city.
    "SERIAL_MAX_LETTERS": 2,
    "SERIAL_LETTER_POSITIONS": [1, 2, 3, 4],
    # Holds that expire unused: this many within the window bars online selection.
    "BAN_AFTER_EXPIRED_HOLDS": 3,
    "BAN_WINDOW_DAYS": 365,
    "BAN_DAYS": 730,
    # Keeping an old number (MVR Art 44, 45).
    "RETENTION_YEARS": 2,
    "RETENTION_MIN_USE_YEARS": 1,
    "SPOUSE_MIN_MARRIAGE_YEARS": 1,
    # Alerts for supervision (plates.services.watch). A pool is low when its free numbers
    # fall below this many, or below this percentage of its size; a partner draws too fast
    # when its draws in the last hour are more than this many times the median of the other
    # partners that drew, and at least this many (a handful of draws is no anomaly).
    "POOL_LOW_FREE_NUMBERS": 500,
    "POOL_LOW_FREE_PERCENT": 10,
    "DRAW_RATE_FACTOR": 5,
    "DRAW_RATE_MIN_DRAWS": 30,
}


def setting(name: str) -> Any:
    overrides = getattr(settings, "CHEGUAN_PLATES", {}) or {}
    if name in overrides:
        return overrides[name]
    return DEFAULTS[name]
