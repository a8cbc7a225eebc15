"""Request-level account middleware.

- ``AssistedSessionMiddleware`` puts ``request.actor`` on every request: the user, and the
  citizen of the open (consented) assisted session of a clerk or a partner's agent.
- ``PartnerStandingMiddleware`` is the door for partners' page sessions: an agent whose
  organisation is revoked is logged out at once; one whose organisation is suspended, not
  yet or no longer in force makes no write at all (every unsafe method is refused with the
  reason), and reads on. API bearer tokens get the same answer from ``cheguan.api``.
"""

from __future__ import annotations

from django.contrib.auth import logout
from django.http import HttpRequest
from django.urls import Resolver404, resolve

from cheguan.accounts.partners import REVOKED, partner_refusal
from cheguan.core.actor import Actor
from cheguan.core.pages import error_page

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Writes a partner may still make while it may make no other: leaving, reading in another
# language or size, and closing its own doors (revoking a token, ending an assisted session).
ALLOWED_WHILE_REFUSED = frozenset(
    {
        "accounts:logout",
        "set_language",
        "web:set_elder_mode",
        "accounts:assisted_end",
        "api:revoke_token",
        "api:end_assisted_session",
    }
)


class AssistedSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user if request.user.is_authenticated else None
        actor = Actor(user=user)
        request.assisted_session = None
        if user is not None and user.may_act_for_citizens:
            from cheguan.accounts.services import current_assisted_session

            session = current_assisted_session(user)
            if session is not None:
                request.assisted_session = session
                actor = Actor(
                    user=user, on_behalf_of=session.citizen, assisted_session_id=session.pk
                )
        request.actor = actor
        return self.get_response(request)


def allowed_while_refused(request: HttpRequest) -> bool:
    try:
        return resolve(request.path_info).view_name in ALLOWED_WHILE_REFUSED
    except Resolver404:
        return False


class PartnerStandingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.is_partner:
            refusal = partner_refusal(user)
            if refusal is not None and refusal.error is REVOKED:
                logout(request)  # the session ends now; logging in again is refused too
                request.actor = Actor(user=None)
                request.assisted_session = None
            elif (
                refusal is not None
                and request.method not in SAFE_METHODS
                and not allowed_while_refused(request)
            ):
                return refuse(request, refusal)
        return self.get_response(request)


def refuse(request: HttpRequest, error):
    """The refusal in the shape the client reads: JSON for the API, a page otherwise."""
    if request.path_info.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse(error.as_dict(), status=error.status)
    return error_page(request, error)
