"""注销登记 over the API for an export, a loss or a court order:
``POST /api/registry/vehicles/{vehicle_id}/deregister`` (a clerk, ``registry.manage_vehicles``).
Scoping: ``registry.queries.vehicles_for`` (404 outside the caller's scope). Rule:
``deregister_vehicle``, the same the page (``registry.views.deregistration``) calls."""

from __future__ import annotations

from ninja import Path, Router

from cheguan.core.actor import actor_for
from cheguan.core.permissions import require
from cheguan.core.schemas import DB_INT_MAX, ERRORS
from cheguan.registry import queries
from cheguan.registry.schemas import DeregisteredOut, DeregisterIn
from cheguan.registry.services.deregistration import deregister_vehicle
from cheguan.registry.views.deregistration import reason_text

router = Router()


@router.post(
    "/vehicles/{vehicle_id}/deregister",
    response={200: DeregisteredOut, **ERRORS},
    operation_id="cheguan_registry_deregister_api_deregister",
)
def deregister(
    request,
    payload: DeregisterIn,
    vehicle_id: int = Path(..., ge=1, le=DB_INT_MAX, description="the vehicle's id"),
):
    """Record the vehicle as deregistered with the reason; its number retires (the former
    owner may keep it), its inspection marks are revoked. Already deregistered: 409."""
    actor = actor_for(request)
    vehicle = queries.get_or_404(queries.vehicles_for(actor), pk=vehicle_id)
    require(actor.user, "registry.manage_vehicles")
    reason = reason_text(payload.reason, payload.note)
    done = deregister_vehicle(actor=actor, vehicle=vehicle, reason=reason)
    return {"vehicle_id": done.pk, "status": done.status, "reason": reason}
