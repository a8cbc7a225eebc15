"""The door: text no part of Cheguan can use is refused once, before anything reads it.

:class:`InputGuardMiddleware` looks at every request before any view runs and before
anything loads the session or the user from the database (it sits after Django's own lazy
middleware and before ours, ``settings.MIDDLEWARE``). It refuses:

- a control character (C0, U+0000–U+001F, or DEL, U+007F) in the path, the query string or
  a header (a header may hold a tab, as HTTP allows);
- a control character other than tab, line feed and carriage return in a form field (URL-
  encoded or multipart; uploaded files are not text and are not looked at, and Django drops
  the unprintable characters of their names) or in any string or key of a JSON body,
  whatever the ``Content-Type`` header says (ninja parses a ``text/plain`` body as JSON too);
- a lone surrogate (``"\\ud800"`` in JSON): not a character, no database can store it;
- a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` or with too many fields (413), and a multipart
  body Django cannot parse (400).

NUL is the reason this exists: PostgreSQL cannot store it (a 500 if it got that far) while
SQLite silently does. The API (``/api/…``) answers with the JSON error shape of ADR 0004
(``core.nul_character``, ``core.control_character`` …, 422, naming the field); pages answer
with a short HTML page (400) saying what was wrong and what is expected.

On the way out, every error under ``/api/`` that is not already JSON (Django's 404 for an
unknown path, ninja's plain-text 405, …) is given the same shape: :func:`error_for_status`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.urls import Resolver404, resolve

from cheguan.core.errors import (
    NOT_AUTHENTICATED,
    NOT_FOUND,
    PERMISSION_DENIED,
    DomainError,
    ErrorCode,
)

NUL_CHARACTER = ErrorCode(
    "core.nul_character",
    "文本中不能含有空字符（NUL，U+0000）；请删去它后重试。",
    "Text may not contain the NUL character (U+0000); remove it and try again.",
    422,
)
CONTROL_CHARACTER = ErrorCode(
    "core.control_character",
    "文本中不能含有控制字符（U+0001–U+001F、U+007F）；只有多行的正文可以含有换行符和制表符，"
    "网址和请求头中一个也不能有。",
    "Text may not contain control characters (U+0001–U+001F, U+007F); only multi-line body "
    "text may hold line breaks and tabs, and the address (URL) and headers none at all.",
    422,
)
INVALID_CHARACTER = ErrorCode(
    "core.invalid_character",
    "文本中含有不成对的代理项（U+D800–U+DFFF），它不是有效的字符；请发送有效的 Unicode 文本。",
    "Text contains a lone surrogate (U+D800–U+DFFF), which is not a character; "
    "send valid Unicode text.",
    422,
)
TOO_LARGE = ErrorCode(
    "core.too_large",
    "请求过大：请求正文最多 {max_mb} MB（不含上传的文件），最多 {max_fields} 个字段。",
    "The request is too large: send at most {max_mb} MB (uploaded files aside) "
    "and at most {max_fields} fields.",
    413,
)
INVALID_MULTIPART = ErrorCode(
    "core.invalid_multipart",
    "multipart/form-data 请求正文无法解析（例如缺少 boundary 参数）；请按 RFC 7578 发送表单，"
    "或发送 JSON。",
    "The multipart/form-data body cannot be parsed (e.g. no boundary parameter); send the "
    "form as RFC 7578 describes, or send JSON.",
    400,
)
METHOD_NOT_ALLOWED = ErrorCode(
    "core.method_not_allowed",
    "此地址不支持该请求方法；可用的方法：{allowed}。",
    "This method is not allowed here; use {allowed}.",
    405,
)
BAD_REQUEST = ErrorCode(
    "core.bad_request", "请求无效（HTTP {status}）。", "Bad request (HTTP {status}).", 400
)
SERVER_ERROR = ErrorCode(
    "core.server_error",
    "服务器内部错误，已记录；请稍后重试。",
    "Internal server error; it has been logged. Please try again later.",
    500,
)

# Anywhere: C0 controls and DEL. In body text tab, LF and CR are allowed. Lone surrogates
# only ever come from JSON (an escape, or UTF-8 bytes json.loads lets through); Django
# decodes paths, queries and forms with errors="replace".
_ANY_CONTROL = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")
_BODY_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_HEADER_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f]")  # HTTP allows a tab in a header
# Bytes without which a JSON body cannot hold a refused character: an escape, a control
# byte, or a surrogate encoded as UTF-8 (json.loads decodes bytes with "surrogatepass").
# A body without any of them (nearly every body) is not parsed here.
_SUSPECT_JSON = re.compile(rb"[\\\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xed[\xa0-\xbf]")


def _error_for(char: str) -> ErrorCode:
    if char == "\x00":
        return NUL_CHARACTER
    if "\ud800" <= char <= "\udfff":
        return INVALID_CHARACTER
    return CONTROL_CHARACTER


def _readable(name: str) -> str:
    """A field name as a client can read it back: ``"a\\x00b"`` for a name holding a NUL."""
    return name.encode("unicode_escape").decode("ascii") if _ANY_CONTROL.search(name) else name


def _in_text(value: str, pattern: re.Pattern[str]) -> ErrorCode | None:
    found = pattern.search(value)
    return None if found is None else _error_for(found.group())


def _in_pairs(
    pairs: Iterable[tuple[str, list[Any]]], pattern: re.Pattern[str]
) -> DomainError | None:
    """Query or form fields: a name holds no control character; a value none in ``pattern``."""
    for key, values in pairs:
        code = _in_text(key, _ANY_CONTROL)
        for value in values:
            if code is None and isinstance(value, str):
                code = _in_text(value, pattern)
        if code is not None:
            return code(field=_readable(key))
    return None


def _in_json(value: Any, path: tuple[str, ...] = ()) -> DomainError | None:
    if isinstance(value, str):
        code = _in_text(value, _BODY_CONTROL)
        return None if code is None else code(field=".".join(path) or None)
    items: Iterable[tuple[str, Any]] = ()
    if isinstance(value, dict):
        for key in value:
            code = _in_text(key, _ANY_CONTROL)
            if code is not None:
                return code(field=".".join((*path, _readable(key))))
        items = value.items()
    elif isinstance(value, list):
        items = ((str(i), v) for i, v in enumerate(value))
    for key, item in items:
        found = _in_json(item, (*path, key))
        if found is not None:
            return found
    return None


def _in_path(request: HttpRequest) -> DomainError | None:
    code = _in_text(request.path_info, _ANY_CONTROL)
    if code is None:
        return None
    try:  # name the path parameter that holds it, when the path still matches a route
        kwargs = resolve(request.path_info).kwargs
    except Resolver404:
        kwargs = {}
    field = next(
        (k for k, v in kwargs.items() if isinstance(v, str) and _ANY_CONTROL.search(v)), None
    )
    return code(field=field)


def _in_headers(request: HttpRequest) -> DomainError | None:
    for key, value in request.META.items():
        if (key.startswith("HTTP_") or key == "CONTENT_TYPE") and isinstance(value, str):
            code = _in_text(value, _HEADER_CONTROL)
            if code is not None:
                return code(field=key.removeprefix("HTTP_").replace("_", "-").title())
    return None


def _in_body(request: HttpRequest, *, api: bool) -> DomainError | None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length <= 0:
        return None
    multipart = request.content_type == "multipart/form-data"
    # Read the body whole (within DATA_UPLOAD_MAX_MEMORY_SIZE) unless it is a page's upload,
    # which Django streams to disk: the API's idempotency and ninja read request.body again.
    if api or not multipart:
        body = request.body
        if _SUSPECT_JSON.search(body):
            try:
                data = json.loads(body)
            except (ValueError, RecursionError):
                pass  # not JSON: the API's parser says so (core.invalid_json); pages never read it
            else:
                found = _in_json(data)
                if found is not None:
                    return found
    if multipart or request.content_type == "application/x-www-form-urlencoded":
        return _in_pairs(request.POST.lists(), _BODY_CONTROL)
    return None


def find_bad_input(request: HttpRequest, *, api: bool) -> DomainError | None:
    """The first thing wrong with this request's text, or ``None``."""
    try:
        return (
            _in_path(request)
            or _in_pairs(request.GET.lists(), _ANY_CONTROL)
            or _in_headers(request)
            or _in_body(request, api=api)
        )
    except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
        return TOO_LARGE(
            max_mb=settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024),
            max_fields=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
        )
    except MultiPartParserError:
        return INVALID_MULTIPART()


def error_for_status(status: int, *, allowed: str = "") -> DomainError:
    """The coded error for an HTTP error that was not raised as one (ADR 0004)."""
    if status == 404:
        return NOT_FOUND()
    if status == 405:
        return METHOD_NOT_ALLOWED(allowed=allowed or "—")
    if status == 413:
        return TOO_LARGE(
            max_mb=settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024),
            max_fields=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
        )
    if status == 401:
        return NOT_AUTHENTICATED()
    if status == 403:
        return PERMISSION_DENIED()
    if status >= 500:
        return SERVER_ERROR()
    return BAD_REQUEST(status=status)


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def _as_coded(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    err = error_for_status(response.status_code, allowed=response.get("Allow", ""))
    coded = JsonResponse(err.as_dict(), status=response.status_code)
    for name, value in response.items():
        if name.lower() not in {"content-type", "content-length"}:
            coded[name] = value
    coded.cookies = response.cookies
    return coded


class InputGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        api = _is_api(request)
        problem = find_bad_input(request, api=api)
        if problem is not None:
            if api:
                return JsonResponse(problem.as_dict(), status=problem.status)
            status = 400 if problem.status == 422 else problem.status
            return render(request, "web/bad_input.html", {"error": problem}, status=status)
        response = self.get_response(request)
        if (
            api
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
            and not getattr(response, "streaming", False)
        ):
            return _as_coded(request, response)
        return response
