"""``Idempotency-Key`` for every API POST that creates something.

The first request with a key runs and its answer is stored; a repeat (same sender, same
key, same body) gets that stored answer back, byte for byte, and creates nothing. The same
key with a different body is refused (``core.idempotency_key_reused``, 422), also while the
first runs or after it died; a repeat that arrives while the first is still running gets
``core.idempotency_in_progress`` (409).

How it survives a crash (docs/adr/0009-idempotency-recovery-point.md). The answer is the
recovery point, and it is committed with the work:

1. **Claim.** The first request inserts the key's record, unfinished, in a short transaction
   of its own; the unique (owner, key) constraint decides a race between two first requests.
2. **Run.** The view then runs inside ONE transaction that first locks the record's row and,
   once the response is built, marks the record completed with the (masked) answer before
   it commits. The services the view calls nest inside it (their ``atomic`` blocks are
   savepoints: a domain error rolls its own service back and is stored as the answer; so
   none may be ``atomic(durable=True)``), and ``transaction.on_commit`` side effects run
   after that single commit.

So a record that is completed holds the answer of work that is in the database, and a record
that is unfinished and not locked by any transaction belongs to an attempt that left nothing
behind (it died, or it rolled back). A repeat therefore either replays the answer, or gets
409 while another transaction holds the lock, or — the row is free and unfinished — locks it
and runs the write itself, at once: no timeout to wait for, no write run twice. On
PostgreSQL the lock is ``SELECT … FOR UPDATE SKIP LOCKED`` (a locked row: the first request
is still running). SQLite has no row locks, and needs none: its transactions are
``IMMEDIATE``, so a request inside its transaction holds the database's only write lock, and
another one that gets into its own transaction and still finds the record unfinished knows
nobody is running it. There a repeat of a running request waits for the write lock (the
connection's busy timeout) and then replays the answer, rather than answering 409.

What is not stored, so the request can simply be retried with the same key:
- an answer with a 5xx status: the whole transaction is rolled back (nothing of the attempt
  remains) and the claim is dropped;
- 401 and 403 answers from authentication and CSRF (the sender fixes its credentials): rolled
  back and dropped the same way;
- 429 answers: a limit or a request rate was reached, and the sender is told when to retry:
  rolled back and dropped the same way;
- a streaming answer (it cannot be stored): its work commits and the claim is dropped in the
  same transaction, so a retry runs again (no API POST streams today).

Keys are scoped per sender (an API token, else the logged-in user, else the anonymous
session), so two clients never collide on each other's keys. Records are kept for
``KEEP_FOR`` (24 hours) and then purged (``purge_idempotency_records``).

Stored answers may hold secrets shown once (a new API token's secret). They are therefore
kept masked: XORed with a keystream of HMAC-SHA256 blocks (counter mode, the KDF of NIST
SP 800-108) keyed by ``SECRET_KEY`` and the client's own key, and the client's key itself is
stored only as a hash. A copy of the database alone cannot read them back.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from contextvars import ContextVar

from django.db import DatabaseError, IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.crypto import salted_hmac

from cheguan.core import clock
from cheguan.core.errors import ErrorCode
from cheguan.core.models import IdempotencyRecord

HEADER = "HTTP_IDEMPOTENCY_KEY"
KEEP_FOR = dt.timedelta(hours=24)
NOT_STORED = frozenset({401, 403, 429})

KEY_REUSED = ErrorCode(
    "core.idempotency_key_reused",
    "该 Idempotency-Key 已用于另一个不同的请求；请为新请求使用新的键。",
    "This Idempotency-Key was already used for a different request; use a new key.",
    422,
)
IN_PROGRESS = ErrorCode(
    "core.idempotency_in_progress",
    "使用同一 Idempotency-Key 的请求仍在处理中，请稍后重试。",
    "A request with this Idempotency-Key is still being processed; retry shortly.",
    409,
)
KEY_INVALID = ErrorCode(
    "core.idempotency_key_invalid",
    "Idempotency-Key 应为 1 到 255 个可见 ASCII 字符。",
    "Idempotency-Key must be 1 to 255 visible ASCII characters.",
    422,
)


def _owner(request: HttpRequest) -> str:
    auth = request.META.get("HTTP_AUTHORIZATION", "")
    if auth.lower().startswith("bearer "):
        return "token:" + hashlib.sha256(auth[7:].strip().encode()).hexdigest()[:40]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        return "session:" + session.session_key[:40]
    return "anon:" + request.META.get("REMOTE_ADDR", "")[:60]


def _valid(key: str) -> bool:
    return 0 < len(key) <= 255 and all(33 <= ord(c) <= 126 for c in key)


def _keystream_xor(data: bytes, *, key: str, owner: str, record_pk: int) -> bytes:
    """Mask (or unmask: the operation is its own inverse) a stored answer."""
    if not data:
        return b""
    stream = b"".join(
        salted_hmac(
            "cheguan.core.idempotency", f"{i}|{record_pk}|{owner}|{key}", algorithm="sha256"
        ).digest()
        for i in range((len(data) + 31) // 32)
    )[: len(data)]
    masked = int.from_bytes(data, "big") ^ int.from_bytes(stream, "big")
    return masked.to_bytes(len(data), "big")


def _error(err: ErrorCode) -> JsonResponse:
    e = err()
    return JsonResponse(e.as_dict(), status=e.status)


def _claim(*, owner: str, key_hash: str, request_hash: str, path: str) -> IdempotencyRecord | None:
    """The key's record: a new claim (inserted unfinished and committed), or the one there.

    The unique (owner, key) constraint decides the race: exactly one insert wins. ``None``
    when the record was dropped between the failed insert and the read.
    """
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(
                owner=owner,
                key=key_hash,
                method="POST",
                path=path[:500],
                request_hash=request_hash,
                created_at=clock.now(),
            )
    except IntegrityError:
        return IdempotencyRecord.objects.filter(owner=owner, key=key_hash).first()


def _locked(pk: int) -> IdempotencyRecord | None:
    """Inside the request's transaction: the record, row-locked until that transaction ends.

    ``None`` when another transaction holds the lock (PostgreSQL: ``SKIP LOCKED``; that
    request is running) or the record is gone. On SQLite ``select_for_update`` is a no-op:
    this ``IMMEDIATE`` transaction already holds the database's only write lock.
    """
    return IdempotencyRecord.objects.select_for_update(skip_locked=True).filter(pk=pk).first()


def _drop(pk: int) -> None:
    """Delete an unfinished claim after its attempt rolled back (tidiness: a free, unfinished
    record is taken over by the next repeat anyway). Never deletes a stored answer."""
    with contextlib.suppress(DatabaseError):  # the connection may be what failed
        IdempotencyRecord.objects.filter(pk=pk, completed=False).delete()


# Row locks never conflict with the transaction that holds them, so a request made on the
# same connection while this one runs (a nested sub-request, the test client inside a
# handler) cannot learn from the database that the record is busy: the middleware
# remembers the records its own context is running.
_running: ContextVar[frozenset[int]] = ContextVar(
    "cheguan_idempotency_running", default=frozenset()
)


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.META.get(HEADER)
        if key is None or request.method != "POST" or not request.path.startswith("/api/"):
            return self.get_response(request)
        if not _valid(key):
            return _error(KEY_INVALID)
        owner = _owner(request)
        key_hash = hashlib.sha256(key.encode()).hexdigest()
        request_hash = hashlib.sha256(
            request.get_full_path().encode() + b"\n" + request.body
        ).hexdigest()
        for _attempt in range(3):
            record = _claim(
                owner=owner, key_hash=key_hash, request_hash=request_hash, path=request.path
            )
            if record is None:
                continue  # its request answered 5xx and dropped it: claim again
            if clock.now() - record.created_at > KEEP_FOR:
                # Expired: forget it (once, even if several repeats race here) and claim again.
                IdempotencyRecord.objects.filter(
                    pk=record.pk, created_at=record.created_at
                ).delete()
                continue
            if record.request_hash != request_hash:
                return _error(KEY_REUSED)
            if record.completed:
                return self._replay(record, key=key, owner=owner)
            if record.pk in _running.get():
                return _error(IN_PROGRESS)
            held = _running.set(_running.get() | {record.pk})
            try:
                response = self._run(request, record.pk, key=key, owner=owner)
            finally:
                _running.reset(held)
            if response is not None:
                return response
            # Locked by a request that is running it, or dropped meanwhile: look once more.
            record = IdempotencyRecord.objects.filter(pk=record.pk).first()
            if record is not None:
                if record.completed:
                    return self._replay(record, key=key, owner=owner)
                return _error(IN_PROGRESS)
        return _error(IN_PROGRESS)

    def _run(self, request: HttpRequest, pk: int, *, key: str, owner: str) -> HttpResponse | None:
        """Run the view in one transaction that also stores its answer in record ``pk``.

        ``None`` (and nothing run) when another request holds the record's lock or the
        record is gone.
        """
        ran = settled = False
        try:
            with transaction.atomic():
                record = _locked(pk)
                if record is None:
                    return None
                if record.completed:  # another request finished it since we looked
                    return self._replay(record, key=key, owner=owner)
                ran = True
                response = self.get_response(request)
                settled = self._settle(record, response, key=key, owner=owner)
        except BaseException:
            if ran and not settled:
                _drop(pk)
            raise
        if not settled:
            _drop(pk)
        return response

    @staticmethod
    def _settle(record: IdempotencyRecord, response: HttpResponse, *, key: str, owner: str) -> bool:
        """Inside the transaction: store the answer with the work (True), or roll it all back
        (False: the caller drops the claim once the transaction has ended)."""
        if response.status_code >= 500 or response.status_code in NOT_STORED:
            transaction.set_rollback(True)
            return False
        if getattr(response, "streaming", False):
            record.delete()  # the work commits; the answer cannot be stored, so no claim stays
            return True
        IdempotencyRecord.objects.filter(pk=record.pk).update(
            completed=True,
            status_code=response.status_code,
            response_body=_keystream_xor(
                response.content, key=key, owner=owner, record_pk=record.pk
            ),
            content_type=response.get("Content-Type", "application/json")[:100],
        )
        return True

    @staticmethod
    def _replay(record: IdempotencyRecord, *, key: str, owner: str) -> HttpResponse:
        body = _keystream_xor(
            bytes(record.response_body or b""), key=key, owner=owner, record_pk=record.pk
        )
        replay = HttpResponse(
            body, status=record.status_code, content_type=record.content_type or "application/json"
        )
        replay["Idempotent-Replayed"] = "true"
        return replay


def purge_idempotency_records(*, now: dt.datetime | None = None) -> int:
    """Delete the records older than ``KEEP_FOR``. Housekeeping, not a domain change: no audit."""
    cutoff = (now or clock.now()) - KEEP_FOR
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
