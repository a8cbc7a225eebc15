"""No back door (MVR Art 43, 83): a number of the pool reaches a vehicle only through the
selection services, which bind the number to the vehicle before the vehicle row is saved.
Any other write of such a number onto a vehicle (the registry desk, the API) is refused.

Bulk writes bypass this (the importer and the demo load the register as it already is);
``release_segment`` leaves out numbers that are already on a vehicle."""

from __future__ import annotations

from django.db.models.signals import pre_save
from django.dispatch import receiver

from cheguan.core.actor import Actor
from cheguan.plates import errors
from cheguan.plates.models import PlateNumber
from cheguan.registry.models import Vehicle, VehicleStatus
from cheguan.registry.signals import vehicle_deregistered


@receiver(pre_save, sender=Vehicle, dispatch_uid="plates.only_selected_numbers")
def only_selected_numbers(sender, instance: Vehicle, raw: bool = False, **kwargs) -> None:
    if raw or not instance.plate_number or instance.status == VehicleStatus.DEREGISTERED:
        return  # a deregistered vehicle keeps its old number as text; the pool row moved on
    bound = list(
        PlateNumber.objects.filter(number=instance.plate_number).values_list(
            "vehicle_id", flat=True
        )
    )
    if not bound:
        return  # not a pool number: a registration from before the pool
    if instance.pk is None or bound[0] != instance.pk:
        raise errors.NUMBER_NOT_SELECTED(field="plate_number", number=instance.plate_number)


@receiver(vehicle_deregistered, dispatch_uid="plates.retire_with_vehicle")
def retire_on_deregistration(sender, *, vehicle: Vehicle, actor: Actor, **kwargs) -> None:
    """A deregistered vehicle's number leaves it (retired); the owner has RETENTION_YEARS
    to keep it (services.retention, MVR Art 44)."""
    from cheguan.plates.services.retention import retire_with_vehicle

    retire_with_vehicle(actor=actor, vehicle=vehicle)
