"""Request rates: the API per account and per client address, and logins per user name and
per address — counted in Django's cache by django-ratelimit, never in a counter of our own.

The rates are settings (``CHEGUAN_RATE_LIMITS``, a JSON object in the environment variable
of the same name, over :data:`DEFAULTS`). Counting is a fixed window per key (the library's
``cache.add`` + atomic ``cache.incr``); a request over the rate gets 429 with
``Retry-After``: the seconds until its window ends.

The cache: local memory by default, which counts per process — with N web workers a client
can make up to N times the rate. That is throughput protection, not the guarantee: who may
hold how much of a shared resource is counted in the database (``cheguan.core.limits``). On
a shared cache (Redis, which ``CACHES`` names when it is configured) the rates hold across
every worker. :func:`check_rate_limit_cache` refuses a cache that cannot count atomically.

The client address is ``REMOTE_ADDR``; behind a reverse proxy set ``RATELIMIT_IP_META_KEY``
to the header the proxy writes (docs/deploy.md), or every client shares the proxy's address.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core import checks
from django.http import HttpRequest, HttpResponse, JsonResponse
from django_ratelimit.core import get_usage

from cheguan.core.errors import Bi, DomainError, ErrorCode
from cheguan.core.limits import refuse

DEFAULTS: dict[str, str] = {
    # A partner system's integration, or a person's browser session, per account.
    "API_PER_ACCOUNT": "240/m",
    # Everything from one address (anonymous calls too); generous, since a service point's
    # desks or a carrier's NAT put many people behind one address.
    "API_PER_ADDRESS": "600/m",
    # Login attempts (the form's POSTs), per user name typed and per address. django-axes
    # still locks a user name after CHEGUAN_LOGIN_FAILURE_LIMIT wrong passwords.
    "LOGIN_PER_USERNAME": "10/m",
    "LOGIN_PER_ADDRESS": "30/m",
}
API_PREFIX = "/api/"

RATE_LIMITED = ErrorCode(
    "core.rate_limited",
    "请求过于频繁（{what}上限为{rate}）；请于{wait}后重试。",
    "Too many requests ({what}: at most {rate}); try again in {wait}.",
    429,
)
_WHAT = {
    "API_PER_ACCOUNT": ("本账号的接口调用", "API calls for this account"),
    "API_PER_ADDRESS": ("本地址的接口调用", "API calls from this address"),
    "LOGIN_PER_USERNAME": ("该用户名的登录尝试", "login attempts for this user name"),
    "LOGIN_PER_ADDRESS": ("本地址的登录尝试", "login attempts from this address"),
}
_PERIOD = {
    "s": ("秒", "second"),
    "m": ("分钟", "minute"),
    "h": ("小时", "hour"),
    "d": ("天", "day"),
}


def rate(name: str) -> str:
    overrides = getattr(settings, "CHEGUAN_RATE_LIMITS", None) or {}
    return overrides.get(name, DEFAULTS[name])


def _rate_words(value: str) -> tuple[str, str]:
    count, _, period = value.partition("/")
    zh, en = _PERIOD.get(period[-1:], ("秒", "second"))
    return f"每{zh}{count}次", f"{count} per {en}"


def over_rate(request: HttpRequest, *, name: str, key: str) -> DomainError | None:
    """Count one request against the rate ``name`` for ``key`` (a django-ratelimit key: a
    value, or ``"ip"`` for the client address); the refusal when it is over, else ``None``.
    An empty key is not counted."""
    if not key:
        return None
    usage = get_usage(
        request,
        group=f"cheguan.{name.lower()}",
        key="ip" if key == "ip" else (lambda _group, _request: key),
        rate=rate(name),
        increment=True,
    )
    if usage is None or not usage["should_limit"]:
        return None
    return refuse(
        RATE_LIMITED,
        retry_after=max(1, usage["time_left"]),
        what=Bi(*_WHAT[name]),
        rate=Bi(*_rate_words(rate(name))),
    )


def address_key(request: HttpRequest) -> str:
    """``"ip"``: django-ratelimit reads the client address from ``REMOTE_ADDR``, or behind a
    proxy from ``RATELIMIT_IP_META_KEY`` (IPv6 counted per /64). Empty when the address is
    missing (a Unix-socket proxy that sets no header): not counted, rather than a 500."""
    meta = getattr(settings, "RATELIMIT_IP_META_KEY", None) or "REMOTE_ADDR"
    if isinstance(meta, str) and "." not in meta and not request.META.get(meta):
        return ""
    return "ip"


def _api_account(request: HttpRequest) -> str:
    """A bearer token (hashed: no database lookup, and an invalid token is still counted),
    else the logged-in user; anonymous calls count by address only."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return "token:" + hashlib.sha256(token.strip().encode()).hexdigest()[:32]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return ""


def refused_response(error: DomainError) -> HttpResponse:
    """The API's error shape (docs/adr/0004) with ``Retry-After``."""
    response = JsonResponse(error.as_dict(), status=error.status)
    retry = error.params.get("retry_after")
    if retry is not None:
        response["Retry-After"] = str(retry)
    return response


class ApiRateLimitMiddleware:
    """Every request under ``/api/`` counts against its address and its account (a token, or
    the page session's user); over either rate: 429 ``core.rate_limited``. After the
    authentication middleware (it reads ``request.user``), before the idempotency middleware
    (a refused request stores no answer)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX):
            refused = [
                over_rate(request, name="API_PER_ADDRESS", key=address_key(request)),
                over_rate(request, name="API_PER_ACCOUNT", key=_api_account(request)),
            ]
            worst = max(
                (e for e in refused if e is not None),
                key=lambda e: e.params["retry_after"],
                default=None,
            )
            if worst is not None:
                return refused_response(worst)
        return self.get_response(request)


# django-ratelimit's own check (E003) calls these unusable; we silence it for local memory
# only (settings.SILENCED_SYSTEM_CHECKS) and say here what each backend means.
_NOT_ATOMIC = (
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.filebased.FileBasedCache",
    "django.core.cache.backends.db.DatabaseCache",
)


@checks.register(checks.Tags.caches)
def check_rate_limit_cache(app_configs, **kwargs):
    """A cache that cannot count (dummy) or not atomically (file, database) would let every
    request through or miscount: an error. Local memory counts per process — right for one
    process and for development; with several web workers each counts its own (docs/deploy.md
    says so, and how to point the cache at Redis), which is not an error: the per-party
    limits, the guarantee, are counted in the database."""
    if not getattr(settings, "RATELIMIT_ENABLE", True):
        return []
    backend = settings.CACHES[getattr(settings, "RATELIMIT_USE_CACHE", "default")]["BACKEND"]
    if backend in _NOT_ATOMIC:
        return [
            checks.Error(
                f"The request rates need a cache that counts atomically; {backend} does not.",
                hint="Use local memory (one process) or Redis (docs/deploy.md).",
                id="cheguan.E012",
            )
        ]
    return []
