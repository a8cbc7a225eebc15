"""The public draw log over the API: ``GET /api/plates/draws`` — every draw of a day with its
seed, slot space and numbers (applicants masked), and the day's committed seeds (ADR 0014).
Reads: ``plates.queries.draw_log``.

Operation ids are spelled out: they keep the names they had before the API became a
package (``docs/openapi.json``).
"""

from __future__ import annotations

import datetime as dt

from ninja import Query, Router

from cheguan.core import clock
from cheguan.core.schemas import DB_INT_MAX, ERRORS
from cheguan.plates import queries
from cheguan.plates.models import Draw
from cheguan.plates.schemas import DrawLogOut

router = Router(tags=["plates"])

LOG_DATE = Query(None, description="YYYY-MM-DD, office-local; default today")


def _log_entry(draw: Draw) -> dict:
    return {
        "draw_id": draw.pk,
        "drawn_at": draw.drawn_at,
        "office": draw.pool.office.plate_prefix,
        "plate_type": draw.pool.plate_type,
        "plate_type_name": queries.type_name(draw.pool.plate_type),
        "applicant": queries.masked_applicant(draw),
        "seed": draw.seed,
        "committed": draw.day_seed_id is not None,
        "pool_version": draw.pool_version,
        "pool_size": draw.pool_size,
        "candidates": len(draw.candidates),
        "numbers": draw.numbers,
        "picked": draw.picked or None,
        "status": draw.status,
        "expires_at": draw.expires_at,
    }


@router.get(
    "/draws",
    response={200: DrawLogOut, **ERRORS},
    auth=None,
    operation_id="cheguan_plates_selection_api_draw_log",
)
def draw_log(
    request,
    date: dt.date | None = LOG_DATE,
    office: str = Query("", max_length=12, description="office code; default: every office"),
    limit: int = Query(50, ge=1, le=queries.DRAW_LOG_MAX),
    offset: int = Query(0, ge=0, le=DB_INT_MAX),
):
    """Public: every draw of a day with its seed, the slot space it sampled (pool version and
    size) and the numbers offered; applicants masked. The day's seeds: their SHA-256
    commitment from before the first draw, the seed itself once the day has closed (ADR 0014).
    ``cheguan plates verify-draws DATE`` replays them from the log."""
    day = date or clock.today()
    found = queries.draw_log(day, office=queries.office_by_code(office), limit=limit, offset=offset)
    day_seeds = queries.published_day_seeds(day, office=found.office)
    return {
        "date": day,
        "office": found.office.code if found.office is not None else None,
        "total": found.total,
        "limit": found.limit,
        "offset": found.offset,
        "draws": [_log_entry(d) for d in found.draws],
        "day_seeds": [
            {
                "office": p.office.code,
                "commitment": p.commitment,
                "committed_at": p.committed_at,
                "secret": p.secret,
            }
            for p in day_seeds
        ],
        "verify": queries.VERIFY_COMMAND.format(day=day.isoformat()),
    }
