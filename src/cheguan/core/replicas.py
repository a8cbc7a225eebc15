"""Read replicas for the public read paths, with read-your-writes and a fallback.

When ``CHEGUAN_REPLICA_URLS`` names one or more streaming replicas of the PostgreSQL
primary, :class:`ReplicaMiddleware` marks a request that may read from one: a ``GET`` or
``HEAD`` of a public, read-only path (``CHEGUAN_REPLICA_PATHS``: mark verification, the draw
log, the published figures) from a client that has not written in the last
``CHEGUAN_REPLICA_PIN_SECONDS``. :class:`ReplicaRouter` then sends that request's reads to
one replica, chosen for the whole request. Every other request, every write, and every read
inside a transaction on the primary go to the primary (``default``).

Read-your-writes: a request that changes something (any other method, answered below 400)
gets a short-lived cookie that pins its client to the primary, so the person who just wrote
reads what they wrote, whatever the replica's lag.

A replica that does not answer is skipped: the request reads from the primary, one log line
says so, and the replica is tried again after ``CHEGUAN_REPLICA_RETRY_SECONDS``.
docs/scale.md says when to add replicas; tests/core/test_replicas.py runs this against a
real streaming replica.
"""

from __future__ import annotations

import logging
import random
import re
import threading
import time
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections

logger = logging.getLogger("cheguan.replicas")

PIN_COOKIE = "cheguan_primary"
SAFE_METHODS = frozenset({"GET", "HEAD"})

# The replica this request reads from, or None (the primary).
_replica: ContextVar[str | None] = ContextVar("cheguan_replica", default=None)
_down_until: dict[str, float] = {}
_down_lock = threading.Lock()


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica_")]


def _paths() -> list[re.Pattern[str]]:
    return [re.compile(p) for p in settings.CHEGUAN_REPLICA_PATHS]


def _mark_down(alias: str, error: Exception) -> None:
    retry = settings.CHEGUAN_REPLICA_RETRY_SECONDS
    with _down_lock:
        _down_until[alias] = time.monotonic() + retry
    # No personal data: the alias and the driver's error class only.
    logger.warning(
        "replica %s unreachable (%s); reading from the primary, trying it again in %ss",
        alias,
        type(error).__name__,
        retry,
    )


def _usable(alias: str) -> bool:
    with _down_lock:
        until = _down_until.get(alias)
    if until is not None and time.monotonic() < until:
        return False
    try:
        # A kept connection to a replica that has since gone away fails the health check
        # (CONN_HEALTH_CHECKS) and is closed here, so that the reconnect fails here too.
        connections[alias].close_if_health_check_failed()
        connections[alias].ensure_connection()
    except OperationalError as error:
        connections[alias].close()
        _mark_down(alias, error)
        return False
    return True


def choose_replica() -> str | None:
    """A replica that answers, or None: then the primary serves the reads."""
    aliases = replica_aliases()
    random.shuffle(aliases)
    for alias in aliases:
        if _usable(alias):
            return alias
    return None


class ReplicaRouter:
    """Reads of a request marked by :class:`ReplicaMiddleware` go to its replica; all else
    to the primary. Only the primary is migrated."""

    def db_for_read(self, model, **hints) -> str:
        alias = _replica.get()
        if alias is None or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return alias

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the replicas hold the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS


class ReplicaMiddleware:
    """Marks the requests that may read from a replica, and pins writers to the primary."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = bool(replica_aliases())
        self.paths = _paths() if self.enabled else []

    def __call__(self, request):
        if not self.enabled:
            return self.get_response(request)
        alias = None
        if (
            request.method in SAFE_METHODS
            and PIN_COOKIE not in request.COOKIES
            and any(p.match(request.path_info) for p in self.paths)
        ):
            alias = choose_replica()
        token = _replica.set(alias)
        try:
            response = self.get_response(request)
        finally:
            _replica.reset(token)
        if request.method not in SAFE_METHODS and response.status_code < 400:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.CHEGUAN_REPLICA_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
