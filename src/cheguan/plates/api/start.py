"""Starting a plate-number selection over the API: ``POST /api/plates/selections``.

Plates owns the catalogue's ``plate_selection`` (docs/adr/0013-owned-services.md): this is
where a selection case is opened; ``POST /api/cases/open`` answers 409
``cases.owned_service`` for it. Scoping: the vehicle, person and organisation are looked up
in the caller's scope (``registry.queries``: 404 outside it). Rule:
``plates.services.start_selection``.

Operation ids are spelled out: they keep the names they had before the API became a
package (``docs/openapi.json``).
"""

from __future__ import annotations

from ninja import Router, Status

from cheguan.core.actor import actor_for
from cheguan.core.schemas import ERRORS
from cheguan.plates import queries, services
from cheguan.plates.api.selection import selection_out
from cheguan.plates.schemas import SelectionOut, StartIn
from cheguan.registry import queries as registry_queries

router = Router(tags=["plates"])


@router.post(
    "/selections",
    response={200: SelectionOut, 201: SelectionOut, **ERRORS},
    summary="Start a plate-number selection (机动车号牌号码选取)",
    operation_id="cheguan_plates_start_api_start",
)
def start(request, payload: StartIn):
    """Open a selection case for a vehicle of the register or a car not registered yet, and
    answer where its selection stands (201). A vehicle whose selection is still open gets
    that one back (200). Then draw: ``POST /api/plates/cases/{case}/draws``."""
    actor = actor_for(request)
    vehicle, person, organisation = registry_queries.case_parties(
        actor,
        vehicle_id=payload.vehicle_id,
        person_id=payload.applicant_person_id,
        organisation_id=payload.applicant_organisation_id,
    )
    started = services.start_selection(
        actor=actor,
        vehicle=vehicle,
        plate_type=payload.plate_type,
        applicant_person=person,
        applicant_organisation=organisation,
    )
    state = selection_out(queries.selection_of(actor, started.case))
    return Status(201 if started.created else 200, state)
