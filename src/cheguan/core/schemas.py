"""API pieces every router uses: the one error shape and the responses to declare."""

from ninja import Schema


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
