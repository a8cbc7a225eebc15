"""What nearly every request reads and an admin rarely changes — the service catalogue, the
working-day calendar — remembered in Django's cache (issue 12).

    service = remember("catalogue", f"service:{office_id}:{code}", lambda: ...)
    forget("catalogue")   # in the code that changes the catalogue

Entries live under a *generation* of their family: :func:`forget` moves the family to a new
generation (at once, and again when the transaction commits, so a reader who refilled the
old entry between the two does not keep it), and every entry of the old one is dead. With
Redis (``CHEGUAN_REDIS_URL``) the generation is shared, so a change is seen by every web
worker on its next request. With local memory (one process, ``make run``) it is seen at once
in that process; several processes without Redis see another's change within
``CHEGUAN_REMEMBER_SECONDS`` (the entries' lifetime), which docs/scale.md says.

A transaction that changes a family and then rolls back may leave entries it read of its
own change; they name rows that never existed, under a generation that the next change of
the family (the only way such a row's id could come back) leaves behind.

Entries must be picklable and small (a model instance, a list of a few of them); a value
may be ``None`` (remembered too).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

T = TypeVar("T")
_MISSING = object()


def _generation_key(family: str) -> str:
    return f"remembered:{family}:generation"


def _generation(family: str) -> int:
    return cache.get(_generation_key(family)) or 0


def remember(family: str, key: str, compute: Callable[[], T]) -> T:
    """The remembered value of ``key`` in ``family``; ``compute()`` it on a miss."""
    full_key = f"remembered:{family}:{_generation(family)}:{key}"
    found = cache.get(full_key, _MISSING)
    if found is not _MISSING:
        return found  # type: ignore[return-value]
    value = compute()
    cache.set(full_key, value, timeout=settings.CHEGUAN_REMEMBER_SECONDS)
    return value


def _next_generation(family: str) -> None:
    # The clock, not a counter, so a generation never comes back. One evicted from the cache
    # reads as 0 until the next change; what is stored under 0 is at most a lifetime old.
    cache.set(_generation_key(family), time.time_ns(), timeout=None)


def forget(family: str) -> None:
    """Every remembered value of ``family`` is dead: call it where the family changes."""
    _next_generation(family)
    if connection.in_atomic_block:
        transaction.on_commit(lambda: _next_generation(family))
