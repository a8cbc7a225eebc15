"""补领检验标志 over the API: ``POST /api/inspection/vehicles/{vehicle_id}/reissue``.

Scoping: ``inspection.queries.vehicle_for`` (404 outside the caller's scope). Rule:
``inspection.services.reissue_lost_mark``, the same the page calls."""

from __future__ import annotations

from ninja import Path, Router, Status

from cheguan.core.actor import actor_for
from cheguan.core.schemas import DB_INT_MAX, ERRORS
from cheguan.inspection import queries, services
from cheguan.inspection.api import MarkOut, _mark_out

router = Router(tags=["inspection"])


@router.post("/vehicles/{vehicle_id}/reissue", response={201: MarkOut, **ERRORS})
def reissue(
    request, vehicle_id: int = Path(..., ge=1, le=DB_INT_MAX, description="the vehicle's id")
):
    """The mark is lost or damaged (MVR Art 57): a new serial with the same validity, if
    交强险 is valid today; the old mark is revoked. No valid mark: 409
    ``inspection.no_current_mark``; no insurance today: 409 ``inspection.insurance_required``."""
    actor = actor_for(request)
    vehicle = queries.vehicle_for(actor, vehicle_id=vehicle_id)
    mark = services.reissue_lost_mark(actor=actor, vehicle=vehicle)
    return Status(201, _mark_out(request, mark))
