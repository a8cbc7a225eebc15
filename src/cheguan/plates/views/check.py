"""The public "check a number" page: no login, type a number, see every problem in plain
words. Thin: the reads are ``plates.queries.check_publicly``, the same the API calls."""

from __future__ import annotations

from django.shortcuts import render

from cheguan.core.pages import public
from cheguan.plates import queries
from cheguan.plates.models import PlateType

# The order people look for their type in: the common cars first.
TYPE_ORDER = [
    PlateType.SMALL,
    PlateType.SMALL_NEW_ENERGY,
    PlateType.LARGE,
    PlateType.LARGE_NEW_ENERGY,
    PlateType.TRAILER,
    PlateType.COACH,
]


@public
def check(request):
    """Public, no login: type a number, see every problem in plain words."""
    number = (request.GET.get("number") or "")[:32]
    plate_type = (request.GET.get("type") or PlateType.SMALL)[:4]
    found = (
        queries.check_publicly(number, plate_type=plate_type) if "number" in request.GET else None
    )
    return render(
        request,
        "plates/check.html",
        {
            "number": number,
            "plate_type": plate_type,
            "types": [(t.value, t.label) for t in TYPE_ORDER],
            "found": found,
        },
    )
