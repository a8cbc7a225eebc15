"""How the API reads what it is sent, and how it explains input it cannot accept.

- :class:`JsonParser` turns a body that is not JSON into ``core.invalid_json`` (400).
- Text the database cannot store (NUL, other control characters, lone surrogates) never gets
  this far: ``cheguan.core.input_guard`` refuses it for the API and the pages alike.
- :func:`invalid_input` turns pydantic's validation errors (English, developer-worded) into
  ``core.invalid_input`` errors that say, in Chinese and English, what was expected.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.http import HttpRequest
from ninja.parser import Parser

from cheguan.core.errors import INVALID_INPUT, Bi, DomainError, ErrorCode

INVALID_JSON = ErrorCode(
    "core.invalid_json",
    '请求正文不是有效的 JSON；请发送一个 JSON 对象，例如 {"name": "…"}。',
    'The request body is not valid JSON; send a JSON object, e.g. {"name": "…"}.',
    400,
)


class JsonParser(Parser):
    """ninja's JSON parser, with a readable error for a body that is not JSON.

    ninja wraps any parse failure in ``HttpError(400)``; the API's handler for that unwraps a
    :class:`DomainError` cause, so the client sees ``core.invalid_json``.
    """

    def parse_body(self, request: HttpRequest) -> Any:
        try:
            return json.loads(request.body)
        except (ValueError, RecursionError) as e:  # JSONDecodeError and bad UTF-8 are ValueErrors
            raise INVALID_JSON(field=None) from e


# --- pydantic validation errors --------------------------------------------------------------

# What was expected, per pydantic error type; ``{name}`` fills from the error's ``ctx``.
_EXPECTED: dict[str, tuple[str, str]] = {
    "missing": ("必须填写", "is required"),
    "string_type": ("应为文本", "must be text"),
    "string_too_short": ("至少 {min_length} 个字符", "must have at least {min_length} characters"),
    "string_too_long": ("最多 {max_length} 个字符", "must have at most {max_length} characters"),
    "string_pattern_mismatch": ("格式应符合 {pattern}", "must match the pattern {pattern}"),
    "int_type": ("应为整数", "must be a whole number"),
    "int_parsing": ("应为整数", "must be a whole number"),
    "int_from_float": ("应为整数", "must be a whole number"),
    "float_type": ("应为数字", "must be a number"),
    "float_parsing": ("应为数字", "must be a number"),
    "decimal_type": ("应为数字", "must be a number"),
    "decimal_parsing": ("应为数字", "must be a number"),
    "finite_number": ("应为有限的数字", "must be a finite number"),
    "greater_than": ("应大于 {gt}", "must be greater than {gt}"),
    "greater_than_equal": ("应不小于 {ge}", "must be {ge} or more"),
    "less_than": ("应小于 {lt}", "must be less than {lt}"),
    "less_than_equal": ("应不大于 {le}", "must be {le} or less"),
    "bool_type": ("应为 true 或 false", "must be true or false"),
    "bool_parsing": ("应为 true 或 false", "must be true or false"),
    "date_type": ("应为日期，格式 YYYY-MM-DD", "must be a date as YYYY-MM-DD"),
    "date_parsing": ("应为日期，格式 YYYY-MM-DD", "must be a date as YYYY-MM-DD"),
    "date_from_datetime_parsing": ("应为日期，格式 YYYY-MM-DD", "must be a date as YYYY-MM-DD"),
    "datetime_type": ("应为时间，ISO 8601 格式", "must be a date and time in ISO 8601"),
    "datetime_parsing": ("应为时间，ISO 8601 格式", "must be a date and time in ISO 8601"),
    "datetime_from_date_parsing": (
        "应为时间，ISO 8601 格式",
        "must be a date and time in ISO 8601",
    ),
    "enum": ("应为以下之一：{expected}", "must be one of {expected}"),
    "literal_error": ("应为以下之一：{expected}", "must be one of {expected}"),
    "model_type": ("应为 JSON 对象", "must be a JSON object"),
    "model_attributes_type": ("应为 JSON 对象", "must be a JSON object"),
    "dict_type": ("应为 JSON 对象", "must be a JSON object"),
    "list_type": ("应为列表", "must be a list"),
    "too_short": ("至少 {min_length} 项", "must have at least {min_length} items"),
    "too_long": ("最多 {max_length} 项", "must have at most {max_length} items"),
    "uuid_type": ("应为 UUID", "must be a UUID"),
    "uuid_parsing": ("应为 UUID", "must be a UUID"),
    "extra_forbidden": ("不是可接受的字段", "is not an accepted field"),
}
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}


def _field(loc: Iterable[Any]) -> str | None:
    """``("body", "payload", "owner", "phone")`` → ``"owner.phone"``.

    The first element is where the value came from; for a body, the second is the name of the
    handler's schema argument, which the client never sees.
    """
    parts = [str(p) for p in loc]
    if parts and parts[0] in _SOURCES:
        source, parts = parts[0], parts[1:]
        if source == "body" and len(parts) > 1:
            parts = parts[1:]
        elif source == "body":
            return None  # the whole body is missing or of the wrong kind
    return ".".join(parts) or None


def _expected(detail: Mapping[str, Any]) -> Bi:
    texts = _EXPECTED.get(str(detail.get("type", "")))
    ctx = {k: str(v) for k, v in (detail.get("ctx") or {}).items()}
    if texts is not None:
        try:
            return Bi(texts[0].format(**ctx), texts[1].format(**ctx))
        except (KeyError, IndexError):
            pass
    message = str(detail.get("msg") or "invalid value")
    return Bi(message, message)


def invalid_input(details: Sequence[Mapping[str, Any]]) -> list[DomainError]:
    """One ``core.invalid_input`` error per pydantic error, each naming its field."""
    errors = []
    for detail in details:
        field = _field(detail.get("loc") or ())
        expected = _expected(detail)
        label = field or Bi("请求正文", "request body")
        where_zh = label if isinstance(label, str) else label.zh
        where_en = label if isinstance(label, str) else label.en
        errors.append(
            INVALID_INPUT(
                field=field,
                detail=Bi(f"{where_zh}：{expected.zh}", f"{where_en}: {expected.en}"),
            )
        )
    return errors or [INVALID_INPUT(detail=Bi("无法识别", "not recognised"))]
