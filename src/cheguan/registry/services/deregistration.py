"""Deregistration (注销登记, MVR Art 37–42) as the registry records it.

The procedure — the scrapyard's data, the refusals of Art 42, the plate kept for two years
— belongs to the capability that runs it (scrapping, the window); it calls
:func:`deregister_vehicle` to record the outcome. Apps that hold something the vehicle's
deregistration ends (inspection marks) receive ``registry.signals.vehicle_deregistered``.
"""

from __future__ import annotations

from django.db import transaction

from cheguan.audit.services import record
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.permissions import require
from cheguan.registry import errors
from cheguan.registry.models import Vehicle, VehicleStatus
from cheguan.registry.signals import vehicle_deregistered


@transaction.atomic
def deregister_vehicle(*, actor: Actor, vehicle: Vehicle, reason: str) -> Vehicle:
    """Record that the vehicle is deregistered; receivers of ``vehicle_deregistered`` act
    in the same transaction (the inspection app revokes its valid marks)."""
    if actor.user is not None:  # the system actor (a forced deregistration job) is not a role
        require(actor.user, "registry.manage_vehicles")
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise errors.DEREGISTRATION_REASON_REQUIRED(field="reason")
    locked = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    if locked.status == VehicleStatus.DEREGISTERED:
        raise errors.ALREADY_DEREGISTERED()
    before = locked.status
    locked.status = VehicleStatus.DEREGISTERED
    locked.save(update_fields=["status"])
    record(
        actor=actor,
        action="registry.vehicle_deregistered",
        subject=locked,
        office_id=locked.office_id,
        data={
            "vin": locked.vin,
            "status_from": before,
            "reason": reason[:200],
            "on": clock.today().isoformat(),
        },
    )
    vehicle_deregistered.send(sender=Vehicle, vehicle=locked, actor=actor)
    vehicle.status = locked.status
    return locked
