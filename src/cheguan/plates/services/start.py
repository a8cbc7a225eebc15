"""Starting a plate-number selection (机动车号牌号码选取).

The catalogue gives this service to plates (``Service.owner``, docs/adr/0013-owned-services.md):
a selection case is opened here, and only here, by naming the owner to the case services;
the generic apply pages and ``POST /api/cases/open`` send a person to the start page. The
draw, the pick, self-composition and the swap then work on the case as before.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from cheguan.audit.services import record
from cheguan.cases import services as cases
from cheguan.cases.models import Case
from cheguan.core.actor import Actor
from cheguan.core.errors import NOT_AUTHENTICATED
from cheguan.plates import errors
from cheguan.plates.models import PlateType
from cheguan.plates.rules import OPEN_STATUSES, OWNER, SERVICE_CODE, plate_type_for, type_words
from cheguan.registry.models import Organisation, Person, Vehicle


@dataclass(frozen=True)
class Started:
    case: Case
    created: bool  # False: the vehicle's open selection, returned again


def _open_selection_of(actor: Actor, vehicle: Vehicle) -> Case | None:
    """The vehicle's selection still open, if the actor may see it (the applicant's side, or
    the office's clerk)."""
    return (
        Case.objects.visible_to(actor)
        .filter(service__code=SERVICE_CODE, vehicle=vehicle, status__in=OPEN_STATUSES)
        .order_by("-created_at", "-pk")
        .first()
    )


@transaction.atomic
def start_selection(
    *,
    actor: Actor,
    vehicle: Vehicle | None = None,
    plate_type: str = "",
    applicant_person: Person | None = None,
    applicant_organisation: Organisation | None = None,
) -> Started:
    """Open a selection case, where the draw page starts.

    For a vehicle in the register (its type decides the plate; ``plate_type``, if given,
    must agree), or for a car not registered yet (the draw page then asks for the plate
    type; ``plate_type``, if given, must be one the pool serves). The applicants are those
    of ``cases.open_case``: a citizen for themself, a clerk or a partner's agent for the
    citizen they act for, a dealer for its customer, a clerk at the window naming the
    applicant. A vehicle's selection still open is returned rather than a second one (the
    vehicle's row lock serialises two starts)."""
    if actor.user is None or not actor.user.is_authenticated:
        raise NOT_AUTHENTICATED()
    if vehicle is not None:
        vehicle = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
        needed = plate_type_for(vehicle)
        if plate_type and plate_type != needed:
            raise errors.WRONG_VEHICLE_TYPE(
                field="plate_type", expected=type_words(needed), given=type_words(plate_type)
            )
        plate_type = needed
        existing = _open_selection_of(actor, vehicle)
        if existing is not None:
            return Started(case=existing, created=False)
    if plate_type and plate_type not in PlateType.pooled():  # trailers, coaches: a window
        raise errors.NOT_IN_POOL(
            field="vehicle" if vehicle is not None else "plate_type",
            plate_type=type_words(plate_type),
        )
    case = cases.open_case(
        actor=actor,
        service_code=SERVICE_CODE,
        applicant_person=applicant_person,
        applicant_organisation=applicant_organisation,
        vehicle=vehicle,
        owner=OWNER,
    )
    record(
        actor=actor,
        action="plates.selection_started",
        subject=case,
        office_id=case.office_id,
        data={
            "case": case.number,
            "channel": case.channel,
            "vehicle": vehicle.pk if vehicle is not None else None,
            "plate_type": plate_type or None,
        },
    )
    return Started(case=case, created=True)
