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

from cheguan.accounts.actor import Actor
from cheguan.core.errors import (
    INVALID_INPUT,
    NOT_AUTHENTICATED,
    NOT_FOUND,
    DomainError,
    ErrorCode,
    ValidationErrors,
)
from cheguan.core.schemas import ERRORS, ErrorOut  # noqa: F401  (re-exported)


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        from cheguan.accounts.services import user_for_token

        user = user_for_token(token)
        if user is None:
            return None
        request.user = user
        request.actor = Actor(user=user)
        return user


class SessionAuth(APIKeyCookie):
    """The logged-in page session (CSRF-checked for unsafe methods)."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key):
        if request.user.is_authenticated:
            return request.user
        return None


AUTH = [TokenAuth(), SessionAuth(csrf=True)]

api = NinjaAPI(
    title="Cheguan API",
    version="1",
    description="The JSON API of Cheguan (车管), the service platform of a vehicle administration office.",
    auth=AUTH,
    urls_namespace="api",
    docs_url="/docs",
)


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(ValidationErrors)
def _many_errors(request, exc: ValidationErrors):
    first = exc.errors[0]
    body = first.as_dict() | {"errors": [e.as_dict() for e in exc.errors]}
    return api.create_response(request, body, status=first.status)


@api.exception_handler(NinjaValidationError)
def _validation_error(request, exc: NinjaValidationError):
    details = exc.errors or []
    first = details[0] if details else {}
    loc = [str(p) for p in first.get("loc", []) if p not in ("body", "query", "path", "payload")]
    detail = first.get("msg", "invalid input")
    err = INVALID_INPUT(field=loc[-1] if loc else None, detail=detail)
    body = err.as_dict() | {
        "errors": [{"loc": d.get("loc"), "msg": d.get("msg")} for d in details][:20]
    }
    return api.create_response(request, body, status=422)


@api.exception_handler(AuthenticationError)
def _auth_error(request, exc):
    return api.create_response(request, NOT_AUTHENTICATED().as_dict(), status=401)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, NOT_FOUND().as_dict(), status=404)


_HTTP = {
    405: ErrorCode(
        "core.method_not_allowed", "不支持该请求方法。", "This method is not allowed here.", 405
    ),
    413: ErrorCode("core.too_large", "请求过大。", "The request is too large.", 413),
}


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    code = _HTTP.get(exc.status_code) or ErrorCode(
        "core.bad_request", "请求无效：{detail}", "Bad request: {detail}", exc.status_code
    )
    err = code(detail=str(exc.message)) if "{detail}" in code.en else code()
    return api.create_response(request, err.as_dict(), status=exc.status_code)


def register_routers() -> None:
    from cheguan.accounts.api import router as accounts_router
    from cheguan.audit.api import router as audit_router
    from cheguan.registry.api import router as registry_router

    api.add_router("/accounts/", accounts_router)
    api.add_router("/registry/", registry_router)
    api.add_router("/audit/", audit_router)


register_routers()
