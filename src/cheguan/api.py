"""The JSON API at /api/: one NinjaAPI, one router per app, one error shape.

Errors are ``{"code": "registry.invalid_vin", "message": "…", "field": "vin"}`` with a 4xx
status (docs/adr/0004-api-error-shape.md). Auth: the page session (with CSRF) or a
revocable bearer token for partner systems.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from cheguan.core.actor import Actor
from cheguan.core.api_input import JsonParser, invalid_input
from cheguan.core.errors import (
    NOT_AUTHENTICATED,
    NOT_FOUND,
    DomainError,
    ErrorCode,
    ValidationErrors,
)
from cheguan.core.input_guard import error_for_status
from cheguan.core.schemas import ERRORS, ErrorOut  # noqa: F401  (re-exported)


class TokenAuth(HttpBearer):
    """``Authorization: Bearer cg_<prefix>_<secret>``: a partner system's revocable token.

    A bearer request acts for a citizen only when it names the token user's own open,
    consented assisted session in ``X-Assisted-Session``; it never picks one up unasked.
    A partner whose organisation may make no write right now (suspended, expired …) gets
    that answer for every unsafe method, whatever the endpoint (``accounts.partners``).
    """

    def __call__(self, request: HttpRequest):
        # ninja's HttpBearer logs a non-bearer header whole in DEBUG; credentials stay out of logs.
        scheme, _, token = request.headers.get(self.header, "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str):
        from cheguan.accounts.services import user_for_token

        user = user_for_token(token)
        if user is None:
            return None
        request.user = user
        refuse_partner_write(request, user)
        session = assisted_session_named(request, user)
        request.actor = Actor(  # type: ignore[attr-defined]
            user=user,
            on_behalf_of=session.citizen if session is not None else None,
            assisted_session_id=session.pk if session is not None else None,
        )
        request.assisted_session = session  # type: ignore[attr-defined]
        return user


ASSISTED_SESSION_HEADER = "X-Assisted-Session"
NOT_YOUR_SESSION = ErrorCode(
    "accounts.assisted_session_not_open",
    "X-Assisted-Session 所指的帮办不是您正在进行并已确认同意的会话。",
    "X-Assisted-Session does not name an assisted session of yours that is open and confirmed.",
    409,
)


def assisted_session_named(request: HttpRequest, user):
    """The session a bearer request names in ``X-Assisted-Session``, checked to be the
    user's own, open and confirmed; ``None`` when the header is absent."""
    raw = request.headers.get(ASSISTED_SESSION_HEADER, "").strip()
    if not raw:
        return None
    from cheguan.accounts.services import current_assisted_session

    session = current_assisted_session(user) if user.may_act_for_citizens else None
    if session is None or str(session.pk) != raw:
        raise NOT_YOUR_SESSION(field=ASSISTED_SESSION_HEADER)
    return session


def refuse_partner_write(request: HttpRequest, user) -> None:
    """The API's side of the door that ``PartnerStandingMiddleware`` keeps for pages."""
    from cheguan.accounts.middleware import SAFE_METHODS, allowed_while_refused
    from cheguan.accounts.partners import partner_refusal

    if request.method in SAFE_METHODS or allowed_while_refused(request):
        return
    refusal = partner_refusal(user)
    if refusal is not None:
        raise refusal


class SessionAuth(APIKeyCookie):
    """The logged-in page session (CSRF-checked for unsafe methods)."""

    param_name = "sessionid"

    def _get_key(self, request: HttpRequest):
        if not request.user.is_authenticated:
            return None  # no session, so no CSRF to check: the answer is 401, not 403
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key):
        if request.user.is_authenticated:
            return request.user
        return None


AUTH = [TokenAuth(), SessionAuth(csrf=True)]

api = NinjaAPI(
    title="Cheguan API",
    version="1",
    description=(
        "The JSON API of Cheguan (车管), the service platform of a vehicle administration "
        "office. Errors are {code, message, field} with a 4xx status; messages follow "
        "Accept-Language (Chinese by default, English with `en`). POSTs that create "
        "something honour an `Idempotency-Key` header."
    ),
    auth=AUTH,
    urls_namespace="api",
    docs_url="/docs",
    parser=JsonParser(),
)


def _response(request, err: DomainError):
    response = api.create_response(request, err.as_dict(), status=err.status)
    if "retry_after" in err.params:  # a limit's refusal (429) says when to come back
        response["Retry-After"] = str(err.params["retry_after"])
    return response


def _many(request, errors: list[DomainError]):
    first = errors[0]
    body = first.as_dict() | {"errors": [e.as_dict() for e in errors[:50]]}
    return api.create_response(request, body, status=first.status)


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    return _response(request, exc)


@api.exception_handler(ValidationErrors)
def _many_errors(request, exc: ValidationErrors):
    return _many(request, exc.errors)


@api.exception_handler(NinjaValidationError)
def _validation_error(request, exc: NinjaValidationError):
    return _many(request, invalid_input(exc.errors or []))


@api.exception_handler(AuthenticationError)
def _auth_error(request, exc):
    response = _response(request, NOT_AUTHENTICATED())
    response["WWW-Authenticate"] = 'Bearer realm="cheguan"'
    return response


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _response(request, NOT_FOUND())


CSRF_FAILED = ErrorCode(
    "core.csrf_failed",
    "页面已过期（CSRF 校验失败）；请刷新页面后重试，或使用 API 令牌。",
    "The page has expired (CSRF check failed); reload the page and try again, or use an API token.",
    403,
)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if isinstance(exc.__cause__, DomainError):  # raised by our parser, wrapped by ninja
        return _response(request, exc.__cause__)
    if exc.status_code == 403:  # the only 403 ninja raises itself
        return _response(request, CSRF_FAILED())
    return _response(request, error_for_status(exc.status_code))


# Text with control characters, bodies too large, and errors that are not JSON (an unknown
# path, a wrong method) are handled before and after ninja, for the API and the pages alike:
# cheguan.core.input_guard.InputGuardMiddleware.


def register_routers() -> None:
    from cheguan.accounts.api import router as accounts_router
    from cheguan.alerts.api import router as alerts_router
    from cheguan.audit.api import router as audit_router
    from cheguan.cases.api import router as cases_router
    from cheguan.inspection.api import router as inspection_router
    from cheguan.plates.api import router as plates_router
    from cheguan.registry.api import router as registry_router

    api.add_router("/accounts/", accounts_router)
    api.add_router("/registry/", registry_router)
    api.add_router("/audit/", audit_router)
    api.add_router("/alerts", alerts_router)
    api.add_router("/cases/", cases_router)
    api.add_router("/inspection/", inspection_router)
    api.add_router("/plates/", plates_router)


register_routers()
