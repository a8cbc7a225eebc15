"""The one clock. Everything that depends on "now" asks here, so tests can move time.

    from cheguan.core import clock
    clock.now()      # aware datetime
    clock.today()    # date in the office's time zone

Tests use ``clock.frozen(dt)`` (a context manager) or the ``clock`` pytest fixture.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

from django.utils import timezone

_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    return _frozen if _frozen is not None else timezone.now()


def today() -> dt.date:
    return timezone.localdate(now())


def local_date(value: dt.datetime) -> dt.date:
    """The office-local calendar date of an aware datetime."""
    return timezone.localdate(value)


def set_now(value: dt.datetime | None) -> None:
    global _frozen
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value)
    _frozen = value


def advance(delta: dt.timedelta) -> None:
    set_now(now() + delta)


@contextlib.contextmanager
def frozen(value: dt.datetime) -> Iterator[None]:
    previous = _frozen
    set_now(value)
    try:
        yield
    finally:
        set_now(previous)
