"""``Idempotency-Key`` for every API POST that creates something.

The first request with a key runs and its answer is stored; a repeat (same sender, same
key, same body) gets that stored answer back and creates nothing. The same key with a
different body is refused (``core.idempotency_key_reused``); a repeat that arrives while
the first is still running gets ``core.idempotency_in_progress`` (409). A first request
that ends in a 5xx leaves no record, so it can be retried.
"""

from __future__ import annotations

import hashlib

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse

from cheguan.core import clock
from cheguan.core.errors import ErrorCode
from cheguan.core.models import IdempotencyRecord

HEADER = "HTTP_IDEMPOTENCY_KEY"
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
    if request.session.session_key:
        return "session:" + request.session.session_key[:40]
    return "anon:" + request.META.get("REMOTE_ADDR", "")[:60]


def _error(err: ErrorCode) -> JsonResponse:
    e = err()
    return JsonResponse(e.as_dict(), status=e.status)


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.META.get(HEADER)
        if key is None or request.method != "POST" or not request.path.startswith("/api/"):
            return self.get_response(request)
        if not (0 < len(key) <= 255) or not key.isascii() or not key.isprintable():
            return _error(KEY_INVALID)
        body_hash = hashlib.sha256(
            request.method.encode() + request.path.encode() + b"\n" + request.body
        ).hexdigest()
        owner = _owner(request)
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    owner=owner,
                    key=key,
                    method=request.method,
                    path=request.path[:500],
                    request_hash=body_hash,
                    created_at=clock.now(),
                )
        except IntegrityError:
            existing = IdempotencyRecord.objects.filter(owner=owner, key=key).first()
            if existing is None:  # vanished (first one failed with a 5xx): treat as busy
                return _error(IN_PROGRESS)
            if existing.request_hash != body_hash:
                return _error(KEY_REUSED)
            if not existing.completed:
                return _error(IN_PROGRESS)
            replay = HttpResponse(
                bytes(existing.response_body or b""),
                status=existing.status_code,
                content_type=existing.content_type or "application/json",
            )
            replay["Idempotent-Replayed"] = "true"
            return replay

        response = self.get_response(request)
        if response.status_code >= 500 or getattr(response, "streaming", False):
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            return response
        IdempotencyRecord.objects.filter(pk=record.pk).update(
            completed=True,
            status_code=response.status_code,
            response_body=response.content,
            content_type=response.get("Content-Type", "application/json"),
        )
        return response
