"""Per-party limits on shared resources (docs/principles.md, docs/adr/0012): the numbers the
office sets, read in one place, and the shape of a refusal.

An office overrides any key in ``settings.CHEGUAN_LIMITS`` (the environment variable
``CHEGUAN_LIMITS`` holds a JSON object of overrides); everything else reads :func:`limit`,
never the settings module directly, so a test can override one key.

Why these defaults (a real dealer registers about 40 cars a day with several agents; no
one party may corner a pool):

- Open cases per catalogue service: a partner keeps a few days' work in progress
  (40 a day × up to a week, with room to spare) — 300 for the organisation, 100 for one
  agent account; a citizen applies for themself — 3.
- Open draws (each offers 20 numbers for 5 minutes): 10 for a partner, 3 for one agent —
  at most 200 numbers on offer to one partner at once.
- Draws per minute for a partner: 10 (600 an hour; a busy dealer makes a few dozen a day).
- The share of a pool one partner may have offered and held at once: 5 % of its size (never
  less than one draw), so however big the pool, one partner can never take more than a
  twentieth of it, and a loop of draws cannot keep it empty.
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from cheguan.core.errors import Bi, DomainError, ErrorCode

DEFAULTS: dict[str, Any] = {
    "CASES_OPEN_PER_PARTNER_PER_SERVICE": 300,
    "CASES_OPEN_PER_OPERATOR_PER_SERVICE": 100,
    "CASES_OPEN_PER_CITIZEN_PER_SERVICE": 5,
    "PLATES_OPEN_DRAWS_PER_PARTNER": 10,
    "PLATES_OPEN_DRAWS_PER_OPERATOR": 3,
    "PLATES_DRAWS_PER_MINUTE_PER_PARTNER": 10,
    "PLATES_POOL_SHARE_PERCENT": 5,
}


def limit(name: str) -> int:
    overrides = getattr(settings, "CHEGUAN_LIMITS", None) or {}
    return overrides.get(name, DEFAULTS[name])


def wait_words(seconds: int) -> Bi:
    """A wait in words, rounded up to the unit that reads naturally: 45 秒, 3 分钟, 2 天."""
    seconds = max(1, int(seconds))
    for size, zh, en in ((86400, "天", "day"), (3600, "小时", "hour"), (60, "分钟", "minute")):
        if seconds >= size * (2 if size > 60 else 1):
            n = math.ceil(seconds / size)
            return Bi(f"{n} {zh}", f"{n} {en}{'s' if n > 1 else ''}")
    return Bi(f"{seconds} 秒", f"{seconds} second{'s' if seconds > 1 else ''}")


def refuse(code: ErrorCode, *, retry_after: float | None = None, **params: Any) -> DomainError:
    """The refusal of a request past a limit (status 429). ``retry_after`` (seconds), when
    the time is known, becomes the API's ``Retry-After`` header and the ``{wait}`` of the
    message."""
    if retry_after is not None:
        params["retry_after"] = max(1, math.ceil(retry_after))
        params["wait"] = wait_words(params["retry_after"])
    else:  # a limit of 0 (closed by the office): nothing to wait for in particular
        params.setdefault("wait", Bi("一段时间", "a while"))
    return code(**params)


@register()
def check_limit_settings(app_configs, **kwargs):
    """An override with a name we do not know, or a value that is not a whole number ≥ 0, is
    a typo that would silently leave the default in force: refuse to start."""
    overrides = getattr(settings, "CHEGUAN_LIMITS", None) or {}
    problems = []
    for name, value in overrides.items():
        if name not in DEFAULTS:
            problems.append(
                Error(
                    f"CHEGUAN_LIMITS names an unknown limit {name!r}",
                    hint="Known limits: " + ", ".join(sorted(DEFAULTS)),
                    id="cheguan.E010",
                )
            )
        elif not isinstance(value, int) or isinstance(value, bool) or value < 0:
            problems.append(
                Error(f"CHEGUAN_LIMITS[{name!r}] must be a whole number ≥ 0", id="cheguan.E011")
            )
    return problems
