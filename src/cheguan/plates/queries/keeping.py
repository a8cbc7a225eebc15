"""Reads for keeping a number (保留原号牌): which of a person's vehicles have a number that
left them (or is leaving, while a transfer, deregistration or move is open), and the numbers
kept for a person. Nothing here changes state: ``plates.services.retain_number`` and
``use_retained`` do, for the pages (``plates.views.keep``) and the API
(``plates.api.numbers``) alike."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from cheguan.cases.models import Case
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import NOT_FOUND
from cheguan.plates import formats
from cheguan.plates.models import NumberState, PlateNumber
from cheguan.plates.rules import LEAVING_SERVICES, OPEN_STATUSES
from cheguan.registry import queries as registry_queries
from cheguan.registry.models import Person, Vehicle


@dataclass(frozen=True)
class Keepable:
    vehicle: Vehicle
    number: PlateNumber
    leaving: bool  # still on the vehicle, leaving it with an open case


def keepable(vehicles: QuerySet[Vehicle]) -> list[Keepable]:
    """Each vehicle (of those given) whose number has left it and is not kept yet, or whose
    number is leaving with an open transfer, deregistration or move."""
    rows = list(vehicles.order_by("pk"))
    ids = [v.pk for v in rows]
    left = {
        p.last_vehicle_id: p
        for p in PlateNumber.objects.filter(
            state=NumberState.RETIRED, last_vehicle_id__in=ids
        ).order_by("pk")
    }
    leaving_ids = set(
        Case.objects.filter(
            vehicle_id__in=ids, service__code__in=LEAVING_SERVICES, status__in=OPEN_STATUSES
        ).values_list("vehicle_id", flat=True)
    )
    on = {
        p.vehicle_id: p
        for p in PlateNumber.objects.filter(state=NumberState.ASSIGNED, vehicle_id__in=leaving_ids)
    }
    found = []
    for vehicle in rows:
        if vehicle.pk in on:
            found.append(Keepable(vehicle=vehicle, number=on[vehicle.pk], leaving=True))
        elif vehicle.pk in left:
            found.append(Keepable(vehicle=vehicle, number=left[vehicle.pk], leaving=False))
    return found


def kept_for(person: Person | None) -> QuerySet[PlateNumber]:
    """The numbers kept for a person and not lapsed (those already held for one of the
    person's cases too: they can move to another case)."""
    if person is None:
        return PlateNumber.objects.none()
    return (
        PlateNumber.objects.select_related("pool", "case")
        .filter(
            retained_for=person,
            retained_until__gte=clock.today(),
            state__in=[NumberState.RETAINED, NumberState.HELD],
        )
        .order_by("retained_until", "pk")
    )


def spouse_vehicle(actor: Actor, number: str) -> Vehicle:
    """The vehicle a number was on (or is on), in the clerk's scope; else "not found"."""
    wanted = formats.normalise(number)[:16]
    plate = PlateNumber.objects.filter(number=wanted).first() if wanted else None
    vehicle_id = plate.vehicle_id or plate.last_vehicle_id if plate is not None else None
    vehicle = (
        registry_queries.vehicles_for(actor).filter(pk=vehicle_id).first() if vehicle_id else None
    )
    if vehicle is None:
        raise NOT_FOUND(field="number")
    return vehicle
