"""Vehicles over the API: the citizen's own, the office's (scoped), recording one, and one
vehicle with the records that block its services."""

from __future__ import annotations

from ninja import Path, Query, Router, Status

from cheguan.core.actor import actor_for
from cheguan.core.pagination import LIMIT_HELP, MAX_LIMIT, MAX_OFFSET, OFFSET_HELP, page
from cheguan.core.permissions import require_citizen_context
from cheguan.core.schemas import DB_INT_MAX, ERRORS
from cheguan.registry import queries, services
from cheguan.registry.api.common import office_of
from cheguan.registry.schemas import VehicleDetailOut, VehicleIn, VehicleOut, VehiclePage

router = Router()


@router.get(
    "/my/vehicles",
    response={200: VehiclePage, **ERRORS},
    summary="The vehicles of the citizen being served (themself, or the one a clerk assists)",
    operation_id="cheguan_registry_api_my_vehicles",
)
def my_vehicles(
    request,
    limit: int = Query(50, ge=1, le=MAX_LIMIT, description=LIMIT_HELP),
    offset: int = Query(0, ge=0, le=MAX_OFFSET, description=OFFSET_HELP),
):
    actor = actor_for(request)
    require_citizen_context(actor)
    qs = queries.with_blocking_summary(queries.citizen_vehicles(actor).order_by("id"))
    return page(qs, limit=limit, offset=offset, out=VehicleOut.of)


@router.get(
    "/vehicles",
    response={200: VehiclePage, **ERRORS},
    summary="List vehicles in scope",
    operation_id="cheguan_registry_api_list_vehicles",
)
def list_vehicles(
    request,
    vin: str = Query("", max_length=17),
    plate_number: str = Query("", max_length=12),
    status: str = Query("", max_length=15),
    limit: int = Query(50, ge=1, le=MAX_LIMIT, description=LIMIT_HELP),
    offset: int = Query(0, ge=0, le=MAX_OFFSET, description=OFFSET_HELP),
):
    actor = actor_for(request)
    queries.require_vehicle_scope(actor)
    qs = queries.search_vehicles(actor, vin=vin, plate_number=plate_number, status=status)
    return page(queries.with_blocking_summary(qs), limit=limit, offset=offset, out=VehicleOut.of)


@router.post(
    "/vehicles",
    response={201: VehicleOut, **ERRORS},
    summary="Record a vehicle",
    operation_id="cheguan_registry_api_create_vehicle",
)
def create_vehicle(request, payload: VehicleIn):
    actor = actor_for(request)
    fields = payload.dict()
    person_id = fields.pop("owner_person_id")
    organisation_id = fields.pop("owner_organisation_id")
    owner_person = owner_organisation = None
    if person_id is not None:
        owner_person = queries.get_or_404(queries.people_for(actor), pk=person_id)
    if organisation_id is not None:
        owner_organisation = queries.get_or_404(
            queries.organisations_for(actor), pk=organisation_id
        )
    vehicle = services.register_vehicle(
        actor=actor,
        office=office_of(actor),
        data=services.VehicleData(**fields),
        owner_person=owner_person,
        owner_organisation=owner_organisation,
    )
    return Status(201, VehicleOut.of(vehicle))


@router.get(
    "/vehicles/{vehicle_id}",
    response={200: VehicleDetailOut, **ERRORS},
    summary="A vehicle and the records that block its services",
    operation_id="cheguan_registry_api_get_vehicle",
)
def get_vehicle(request, vehicle_id: int = Path(..., ge=1, le=DB_INT_MAX)):
    qs = queries.with_blocking_summary(queries.vehicles_for(actor_for(request)))
    return VehicleDetailOut.of(queries.get_or_404(qs, pk=vehicle_id))
