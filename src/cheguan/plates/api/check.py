"""The public check of a plate number over the API: ``GET /api/plates/check`` — is a number
valid for a plate type, every problem, and whether it could be composed under the local rules
(never the number's pool state). Reads: ``plates.queries.check_publicly``.

Operation ids are spelled out: they keep the names they had before the API became a
package (``docs/openapi.json``).
"""

from __future__ import annotations

from ninja import Query, Router

from cheguan.core.schemas import ERRORS
from cheguan.plates import queries
from cheguan.plates.models import PlateType
from cheguan.plates.schemas import TYPE_HELP, CheckOut

router = Router(tags=["plates"])


def _problems(found) -> list[dict]:
    return [{"code": p.code, "message": p.message} for p in found]


@router.get(
    "/check",
    response={200: CheckOut, **ERRORS},
    auth=None,
    summary="Check a plate number (public): every problem, and whether it may be composed",
    operation_id="cheguan_plates_api_check",
)
def check(
    request,
    number: str = Query("", max_length=32, description="e.g. 浙B·A1234, 浙BD12345"),
    plate_type: str = Query("", alias="type", max_length=4, description=TYPE_HELP),
    office: str = Query("", max_length=12, description="office code; default: by the prefix"),
):
    """Messages follow Accept-Language. Without ``office`` the number is checked against
    the office that issues its prefix, else this system's only office."""
    found = queries.check_publicly(number, plate_type=plate_type, office_code=office)
    result = found.result
    return {
        "number": result.number,
        "display": result.display,
        "plate_type": result.plate_type,
        "plate_type_name": str(PlateType(plate_type).label)
        if plate_type in PlateType.values
        else "",
        "office": found.office.plate_prefix if found.office is not None else None,
        "valid": result.valid,
        "problems": _problems(result.problems),
        "composable": found.composable,
        "compose_problems": _problems(found.local_problems),
    }
