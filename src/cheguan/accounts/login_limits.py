"""Login attempts per user name and per address (``LOGIN_PER_USERNAME``,
``LOGIN_PER_ADDRESS`` in ``CHEGUAN_RATE_LIMITS``), counted in the cache by django-ratelimit
(``cheguan.core.rate_limits``) before the password is checked: a flood of attempts costs
neither an Argon2 hash nor a django-axes failure each.

django-axes still locks a user name after ``CHEGUAN_LOGIN_FAILURE_LIMIT`` wrong passwords;
this adds what axes does not: a ceiling on attempts from one address across many user names
(password spraying), and on attempts at one user name from many addresses.
"""

from __future__ import annotations

from django.http import HttpRequest

from cheguan.core.errors import DomainError
from cheguan.core.rate_limits import address_key, over_rate


def login_refusal(request: HttpRequest) -> DomainError | None:
    """Count this login attempt; the refusal (429 ``core.rate_limited``) when it is one too
    many by address or by user name, else ``None``. Only POSTs are attempts."""
    if request.method != "POST":
        return None
    name = request.POST.get("username", "").strip().lower()[:150]
    refusals = [
        over_rate(request, name="LOGIN_PER_ADDRESS", key=address_key(request)),
        over_rate(request, name="LOGIN_PER_USERNAME", key=f"name:{name}" if name else ""),
    ]
    return max(
        (r for r in refusals if r is not None),
        key=lambda r: r.params["retry_after"],
        default=None,
    )
