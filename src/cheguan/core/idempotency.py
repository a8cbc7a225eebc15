"""``Idempotency-Key`` for every API POST that creates something.

The first request with a key runs and its answer is stored; a repeat (same sender, same
key, same body) gets that stored answer back, byte for byte, and creates nothing. The same
key with a different body is refused (``core.idempotency_key_reused``, 422); a repeat that
arrives while the first is still running gets ``core.idempotency_in_progress`` (409).

What is not stored, so the request can simply be retried with the same key:
- an answer with a 5xx status (the first attempt failed on our side);
- 401 and 403 answers from authentication and CSRF (the sender fixes its credentials);
- 429 answers: a limit or rate was reached, and the sender is told to retry later;
- a first attempt that never finished (a killed worker): after ``STALE_AFTER`` it is taken over.

Keys are scoped per sender (an API token, else the logged-in user, else the anonymous
session), so two clients never collide on each other's keys. Records are kept for
``KEEP_FOR`` (24 hours) and then purged (``purge_idempotency_records``).

Stored answers may hold secrets shown once (a new API token's secret). They are therefore
kept masked: XORed with a keystream of HMAC-SHA256 blocks (counter mode, the KDF of NIST
SP 800-108) keyed by ``SECRET_KEY`` and the client's own key, and the client's key itself is
stored only as a hash. A copy of the database alone cannot read them back.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.crypto import salted_hmac

from cheguan.core import clock
from cheguan.core.errors import ErrorCode
from cheguan.core.models import IdempotencyRecord

HEADER = "HTTP_IDEMPOTENCY_KEY"
KEEP_FOR = dt.timedelta(hours=24)
STALE_AFTER = dt.timedelta(minutes=5)
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


def _claim(
    *, owner: str, key_hash: str, request_hash: str, path: str
) -> tuple[IdempotencyRecord | None, IdempotencyRecord | None]:
    """``(mine, None)`` when this request is the one to run; ``(None, theirs)`` otherwise.

    The unique (owner, key) constraint decides the race: exactly one insert wins.
    """
    for _attempt in range(3):
        now = clock.now()
        try:
            with transaction.atomic():
                mine = IdempotencyRecord.objects.create(
                    owner=owner,
                    key=key_hash,
                    method="POST",
                    path=path[:500],
                    request_hash=request_hash,
                    created_at=now,
                )
            return mine, None
        except IntegrityError:
            theirs = IdempotencyRecord.objects.filter(owner=owner, key=key_hash).first()
            if theirs is None:
                continue  # the first attempt failed (5xx) and left: this one may run
            limit = KEEP_FOR if theirs.completed else STALE_AFTER
            if now - theirs.created_at <= limit:
                return None, theirs
            # Expired, or abandoned by a worker that died: remove it (once) and claim again.
            IdempotencyRecord.objects.filter(pk=theirs.pk, created_at=theirs.created_at).delete()
    return None, None


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
        mine, theirs = _claim(
            owner=owner, key_hash=key_hash, request_hash=request_hash, path=request.path
        )
        if mine is None:
            if theirs is None or not theirs.completed:
                return _error(IN_PROGRESS)
            if theirs.request_hash != request_hash:
                return _error(KEY_REUSED)
            return self._replay(theirs, key=key, owner=owner)

        response = self.get_response(request)
        if (
            response.status_code >= 500
            or response.status_code in NOT_STORED
            or getattr(response, "streaming", False)
        ):
            IdempotencyRecord.objects.filter(pk=mine.pk).delete()
            return response
        IdempotencyRecord.objects.filter(pk=mine.pk).update(
            completed=True,
            status_code=response.status_code,
            response_body=_keystream_xor(response.content, key=key, owner=owner, record_pk=mine.pk),
            content_type=response.get("Content-Type", "application/json")[:100],
        )
        return response

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
