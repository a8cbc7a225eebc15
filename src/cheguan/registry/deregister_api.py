"""注销登记 over the API for an export, a loss or a court order:
``POST /api/registry/vehicles/{vehicle_id}/deregister`` (a clerk, ``registry.manage_vehicles``).
Scoping: ``registry.queries.vehicles_for`` (404 outside the caller's scope). Rule:
``deregister_vehicle``, the same the page (``registry.deregister_views``) calls."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Path, Router

from cheguan.core.actor import actor_for
from cheguan.core.permissions import require
from cheguan.core.schemas import DB_INT_MAX, ERRORS, Schema
from cheguan.registry import queries
from cheguan.registry.deregister_views import reason_text
from cheguan.registry.services.deregistration import deregister_vehicle

router = Router(tags=["registry"])


class DeregisterIn(Schema):
    reason: Literal["export", "lost", "court_order"] = Field(
        ..., description="export 出口, lost 灭失, court_order 法院判决 (scrapping has its own path)"
    )
    note: str = Field("", max_length=150, description="the document shown, e.g. its number")


class DeregisteredOut(Schema):
    vehicle_id: int
    status: str
    reason: str = Field(description="as the audit event keeps it")


@router.post("/vehicles/{vehicle_id}/deregister", response={200: DeregisteredOut, **ERRORS})
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
