"""The plates app's signal receivers (the registry's events; the blocklist's changes)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from cheguan.core.actor import Actor
from cheguan.core.remembered import forget
from cheguan.plates.formats.composition import BLOCKLIST
from cheguan.plates.models import BlockedPattern
from cheguan.registry.models import Vehicle
from cheguan.registry.signals import vehicle_deregistered


@receiver(post_save, sender=BlockedPattern)
@receiver(post_delete, sender=BlockedPattern)
def _blocklist_changed(sender, **kwargs) -> None:
    """A pattern added, changed or switched off is in force at once (core.remembered)."""
    forget(BLOCKLIST)


@receiver(vehicle_deregistered, dispatch_uid="plates.retire_with_vehicle")
def retire_on_deregistration(sender, *, vehicle: Vehicle, actor: Actor, **kwargs) -> None:
    """A deregistered vehicle's number leaves it (retired); the owner has RETENTION_YEARS
    to keep it (services.retention, MVR Art 44)."""
    from cheguan.plates.services.retention import retire_with_vehicle

    retire_with_vehicle(actor=actor, vehicle=vehicle)
