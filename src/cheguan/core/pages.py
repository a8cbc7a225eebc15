"""How a page shows a refusal: the one place a :class:`DomainError` becomes an error page.

``error_page(request, error)`` renders ``web/error.html`` with the error's status, code and
messages in the reader's language. ``domain_errors_as_pages`` wraps a view so that an error
escaping it becomes that page; ``pages`` adds the login. A form shows a service's refusal
beside its field instead (``field_errors``) — except "not logged in", "not allowed" and "not
found", which are never a field's.
"""

from __future__ import annotations

import functools

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cheguan.core.errors import DomainError

ERROR_TEMPLATE = "web/error.html"


def error_page(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(request, ERROR_TEMPLATE, {"error": error}, status=error.status)


def domain_errors_as_pages(view):
    """A :class:`DomainError` that escapes ``view`` becomes the error page."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except DomainError as e:
            return error_page(request, e)

    return wrapped


def pages(view):
    """Log in first; a :class:`DomainError` that escapes becomes the error page."""
    return login_required(domain_errors_as_pages(view))


def english(request: HttpRequest) -> bool:
    """The page is read in English (else Chinese, the office's language)."""
    return (getattr(request, "LANGUAGE_CODE", "") or "").startswith("en")


def public(view):
    """A page without login (the window's rating screen, the verify page): domain errors as
    the error page."""
    return domain_errors_as_pages(view)


def field_errors(error: DomainError) -> dict[str, str]:
    """A service's refusal as a form shows it: beside its field, or at the top. Refusals of
    the person rather than the input (401, 403, 404) propagate to the error page."""
    if error.status in {401, 403, 404}:
        raise error
    return {error.field or "form": error.message}
