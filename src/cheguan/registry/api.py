"""The registry over the API: people (masked; full values only through the audited reveal),
organisations and their authorisation, vehicles and what blocks them.

Every list is scoped to the caller (``registry.queries``); an object outside that scope is
404, a role that may not list such things at all is 403.
"""

from __future__ import annotations

from django.http import HttpResponse
from ninja import Path, Query, Router, Status

from cheguan.core import clock
from cheguan.core.actor import Actor, actor_for
from cheguan.core.errors import PERMISSION_DENIED
from cheguan.core.masking import refuse_personal_query
from cheguan.core.pagination import LIMIT_HELP, MAX_LIMIT, MAX_OFFSET, OFFSET_HELP, page
from cheguan.core.permissions import require_citizen_context
from cheguan.core.schemas import ERRORS
from cheguan.registry import queries, services
from cheguan.registry.models import Office
from cheguan.registry.schemas import (
    AuthorisationIn,
    OrganisationIn,
    OrganisationOut,
    OrganisationPage,
    PeopleSearchIn,
    PersonIn,
    PersonOut,
    PersonPage,
    PersonRevealedOut,
    RevealIn,
    VehicleDetailOut,
    VehicleIn,
    VehicleOut,
    VehiclePage,
)

router = Router(tags=["registry"])

MAX_ID = 2**63 - 1


def _office(actor: Actor) -> Office:
    office = actor.office
    if office is None:  # only office staff create registry records
        raise PERMISSION_DENIED()
    return office


# --- people ------------------------------------------------------------------------------


@router.get("/people", response={200: PersonPage, **ERRORS}, summary="List people (masked)")
def list_people(
    request,
    limit: int = Query(50, ge=1, le=MAX_LIMIT, description=LIMIT_HELP),
    offset: int = Query(0, ge=0, le=MAX_OFFSET, description=OFFSET_HELP),
):
    """Everyone in the caller's scope, masked. To find someone by ID number or name, use
    ``POST /people/search``: a ``q`` or ``id_number`` in this URL is refused with 400
    ``core.personal_data_in_url`` (URLs end up in logs, browser history and proxies)."""
    actor = actor_for(request)
    queries.require_people_scope(actor)
    refuse_personal_query(request.GET, "q", "id_number")
    qs = queries.search_people(actor)
    return page(qs, limit=limit, offset=offset, out=PersonOut.of)


@router.post(
    "/people/search",
    response={200: PersonPage, **ERRORS},
    summary="Search people by ID number or name (masked)",
)
def search_people(request, payload: PeopleSearchIn):
    """An exact ID number (``id_number``, or ``q``), or the start of a name (``q``), in the
    request body. Answers are masked like every list."""
    actor = actor_for(request)
    queries.require_people_scope(actor)
    qs = queries.search_people(actor, q=payload.q, id_number=payload.id_number)
    return page(qs, limit=payload.limit, offset=payload.offset, out=PersonOut.of)


@router.post("/people", response={201: PersonOut, **ERRORS}, summary="Register a person")
def create_person(request, payload: PersonIn):
    actor = actor_for(request)
    person = services.register_person(
        actor=actor, office=_office(actor), data=services.PersonData(**payload.dict())
    )
    return Status(201, PersonOut.of(person))


@router.get("/people/{person_id}", response={200: PersonOut, **ERRORS}, summary="A person (masked)")
def get_person(request, person_id: int = Path(..., ge=1, le=MAX_ID)):
    person = queries.get_or_404(queries.people_for(actor_for(request)), pk=person_id)
    return PersonOut.of(person)


@router.post(
    "/people/{person_id}/reveal",
    response={200: PersonRevealedOut, **ERRORS},
    summary="Show a person's full name, ID number and phone (audited)",
)
def reveal_person(
    request, response: HttpResponse, payload: RevealIn, person_id: int = Path(..., ge=1, le=MAX_ID)
):
    actor = actor_for(request)
    person = queries.get_or_404(queries.people_for(actor), pk=person_id)
    values = services.reveal_person(actor=actor, person=person, reason=payload.reason)
    response["Cache-Control"] = "no-store"
    return {"id": person.pk, **values}


# --- vehicles ----------------------------------------------------------------------------


@router.get(
    "/my/vehicles",
    response={200: VehiclePage, **ERRORS},
    summary="The vehicles of the citizen being served (themself, or the one a clerk assists)",
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


@router.get("/vehicles", response={200: VehiclePage, **ERRORS}, summary="List vehicles in scope")
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


@router.post("/vehicles", response={201: VehicleOut, **ERRORS}, summary="Record a vehicle")
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
        office=_office(actor),
        data=services.VehicleData(**fields),
        owner_person=owner_person,
        owner_organisation=owner_organisation,
    )
    return Status(201, VehicleOut.of(vehicle))


@router.get(
    "/vehicles/{vehicle_id}",
    response={200: VehicleDetailOut, **ERRORS},
    summary="A vehicle and the records that block its services",
)
def get_vehicle(request, vehicle_id: int = Path(..., ge=1, le=MAX_ID)):
    qs = queries.with_blocking_summary(queries.vehicles_for(actor_for(request)))
    return VehicleDetailOut.of(queries.get_or_404(qs, pk=vehicle_id))


# --- organisations ---------------------------------------------------------------------


@router.get(
    "/organisations",
    response={200: OrganisationPage, **ERRORS},
    summary="List organisations in scope (a partner sees only its own)",
)
def list_organisations(
    request,
    kind: str = Query("", max_length=20),
    limit: int = Query(50, ge=1, le=MAX_LIMIT, description=LIMIT_HELP),
    offset: int = Query(0, ge=0, le=MAX_OFFSET, description=OFFSET_HELP),
):
    actor = actor_for(request)
    queries.require_organisation_scope(actor)
    qs = queries.organisations_for(actor).order_by("id")
    if kind := queries.search_text(kind, max_length=20):
        qs = qs.filter(kind=kind)
    today = clock.today()
    return page(qs, limit=limit, offset=offset, out=lambda o: OrganisationOut.of(o, today=today))


@router.post(
    "/organisations", response={201: OrganisationOut, **ERRORS}, summary="Register an organisation"
)
def create_organisation(request, payload: OrganisationIn):
    actor = actor_for(request)
    org = services.register_organisation(
        actor=actor, office=_office(actor), data=services.OrganisationData(**payload.dict())
    )
    return Status(201, OrganisationOut.of(org, today=clock.today()))


@router.get(
    "/organisations/{organisation_id}",
    response={200: OrganisationOut, **ERRORS},
    summary="An organisation",
)
def get_organisation(request, organisation_id: int = Path(..., ge=1, le=MAX_ID)):
    org = queries.get_or_404(queries.organisations_for(actor_for(request)), pk=organisation_id)
    return OrganisationOut.of(org, today=clock.today())


@router.post(
    "/organisations/{organisation_id}/authorisation",
    response={200: OrganisationOut, **ERRORS},
    summary="Change a partner's authorisation (apply, grant, suspend, revoke)",
)
def change_authorisation(
    request, payload: AuthorisationIn, organisation_id: int = Path(..., ge=1, le=MAX_ID)
):
    actor = actor_for(request)
    org = queries.get_or_404(queries.organisations_for(actor), pk=organisation_id)
    org = services.change_authorisation(
        actor=actor,
        organisation=org,
        to_status=payload.to_status,
        valid_from=payload.valid_from,
        valid_until=payload.valid_until,
        services=payload.services,
        reason=payload.reason,
    )
    return OrganisationOut.of(org, today=clock.today())
