"""API pieces every router uses: the schema base, the one error shape, the responses to declare."""

from __future__ import annotations

from typing import Any, Literal

import ninja
from pydantic import GetCoreSchemaHandler
from pydantic_core import CoreSchema, PydanticKnownError, core_schema

# The error pydantic itself gives a number field that is sent text: "must be a whole number".
_NumberError = Literal["int_type", "float_type", "decimal_type"]
_NUMBER_ERRORS: dict[str, _NumberError] = {
    "int": "int_type",
    "float": "float_type",
    "decimal": "decimal_type",
}
_NOT_VALIDATION = {"metadata", "serialization", "ref"}


def _refusing_booleans(error_type: _NumberError):
    def check(value: Any) -> Any:
        if isinstance(value, bool):
            raise PydanticKnownError(error_type)
        return value

    return check


def _no_booleans_for_numbers(node: Any) -> Any:
    """A copy of a pydantic core schema in which every number refuses ``true``/``false``."""
    if isinstance(node, list):
        return [_no_booleans_for_numbers(n) for n in node]
    if not isinstance(node, dict):
        return node
    error_type = _NUMBER_ERRORS.get(node.get("type", ""))
    if error_type is not None:
        return core_schema.no_info_before_validator_function(_refusing_booleans(error_type), node)
    return {k: v if k in _NOT_VALIDATION else _no_booleans_for_numbers(v) for k, v in node.items()}


class Schema(ninja.Schema):
    """ninja's ``Schema``, in which ``true`` and ``false`` are not numbers.

    pydantic's lax mode, which the API keeps (``"12"`` is 12, a date may be a string), also
    takes ``true`` as 1: ``{"vehicle_id": true}`` would mean vehicle 1. Every int, float and
    Decimal of a schema built on this class (nested, optional, in lists and dicts alike)
    refuses a boolean with pydantic's own ``int_type``/``float_type``/``decimal_type`` error,
    which the API reports as ``core.invalid_input`` naming the field. Query and path
    parameters arrive as text, so they cannot be booleans; they keep accepting ``"12"``.
    The OpenAPI document is unchanged. Every API schema derives from this one.
    """

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[Any], handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return _no_booleans_for_numbers(handler(source))


class FieldErrorOut(Schema):
    """One error: a stable ``code``, a ``message`` in the request's language, the ``field``."""

    code: str
    message: str
    field: str | None = None


class ErrorOut(FieldErrorOut):
    """``{"code": "registry.invalid_vin", "message": "…", "field": "vin"}``

    When the input has several problems (a form with many bad fields, an import file),
    ``errors`` lists every one, the first of which is repeated at the top level
    (docs/adr/0004-api-error-shape.md).
    """

    errors: list[FieldErrorOut] | None = None


# Declare these on every operation (``response={200: X, **ERRORS}``) so the OpenAPI
# document lists every answer an endpoint can give (schemathesis checks it).
# 429: a request rate or a per-party limit was reached (with ``Retry-After`` when known).
ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}

# The largest id the database stores (a signed 64-bit integer). Give integer query and path
# parameters ``le=DB_INT_MAX``: a larger number overflows SQLite's driver (a 500) when it is
# compared with a foreign key, e.g. ``Query(None, ge=1, le=DB_INT_MAX)``.
DB_INT_MAX = 2**63 - 1
