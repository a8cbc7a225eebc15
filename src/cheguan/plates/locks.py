"""The one place the plates app takes locks beyond single rows (STYLE: Saleor's
lock_objects). Read this before adding another.

- A draw holds its pool's advisory lock in *shared* mode for its transaction, so any number
  of draws run side by side; releasing a segment or compacting the pool takes it
  *exclusively*, so the slot space (``Pool.size`` and the slots) never changes under a
  running draw. The numbers themselves are claimed with ``SELECT … FOR UPDATE SKIP LOCKED``
  (services.draw), so two draws never wait on each other nor offer the same number.
- SQLite has neither advisory nor row locks: every write transaction there is
  ``BEGIN IMMEDIATE`` (settings: ``transaction_mode``), which serialises writers, and these
  functions do nothing.
- Order, to avoid deadlocks: the case row first (``cases.locks.lock_case``, the one place
  a Case row is locked, taken by ``services.guards``), then the pool lock,
  then the number rows — a draw takes its pool's shared lock before it touches any number
  (its own lapsed hold, its previous draw's offers), since release and compaction hold the
  exclusive lock while they write numbers.
"""

from __future__ import annotations

from django.db import connection

# Advisory-lock key space of the plates app: (class id, pool id). 0x504c = "PL".
_LOCK_CLASS = 0x504C


def share_pool(pool_id: int) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock_shared(%s, %s)", [_LOCK_CLASS, pool_id])


def own_pool(pool_id: int) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_CLASS, pool_id])
