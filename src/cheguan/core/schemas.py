"""API pieces every router uses: the one error shape and the responses to declare."""

from ninja import Schema


class ErrorOut(Schema):
    """``{"code": "registry.invalid_vin", "message": "…", "field": "vin"}``"""

    code: str
    message: str
    field: str | None = None


# Declare these on every operation (``response={200: X, **ERRORS}``) so the OpenAPI
# document lists every answer an endpoint can give (schemathesis checks it).
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
