"""The plates app's signal receivers (the registry's events)."""

from __future__ import annotations

from django.dispatch import receiver

from cheguan.core.actor import Actor
from cheguan.registry.models import Vehicle
from cheguan.registry.signals import vehicle_deregistered


@receiver(vehicle_deregistered, dispatch_uid="plates.retire_with_vehicle")
def retire_on_deregistration(sender, *, vehicle: Vehicle, actor: Actor, **kwargs) -> None:
    """A deregistered vehicle's number leaves it (retired); the owner has RETENTION_YEARS
    to keep it (services.retention, MVR Art 44)."""
    from cheguan.plates.services.retention import retire_with_vehicle

    retire_with_vehicle(actor=actor, vehicle=vehicle)
