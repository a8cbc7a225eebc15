"""People over the API: masked lists and search, registration, the audited reveal."""

from __future__ import annotations

from django.http import HttpResponse
from ninja import Path, Query, Router, Status

from cheguan.core.actor import actor_for
from cheguan.core.masking import refuse_personal_query
from cheguan.core.pagination import LIMIT_HELP, MAX_LIMIT, MAX_OFFSET, OFFSET_HELP, page
from cheguan.core.schemas import DB_INT_MAX, ERRORS
from cheguan.registry import queries, services
from cheguan.registry.api.common import office_of
from cheguan.registry.schemas import (
    PeopleSearchIn,
    PersonIn,
    PersonOut,
    PersonPage,
    PersonRevealedOut,
    RevealIn,
)

router = Router()


@router.get(
    "/people",
    response={200: PersonPage, **ERRORS},
    summary="List people (masked)",
    operation_id="cheguan_registry_api_list_people",
)
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
    operation_id="cheguan_registry_api_search_people",
)
def search_people(request, payload: PeopleSearchIn):
    """An exact ID number (``id_number``, or ``q``), or the start of a name (``q``), in the
    request body. Answers are masked like every list."""
    actor = actor_for(request)
    queries.require_people_scope(actor)
    qs = queries.search_people(actor, q=payload.q, id_number=payload.id_number)
    return page(qs, limit=payload.limit, offset=payload.offset, out=PersonOut.of)


@router.post(
    "/people",
    response={201: PersonOut, **ERRORS},
    summary="Register a person",
    operation_id="cheguan_registry_api_create_person",
)
def create_person(request, payload: PersonIn):
    actor = actor_for(request)
    person = services.register_person(
        actor=actor, office=office_of(actor), data=services.PersonData(**payload.dict())
    )
    return Status(201, PersonOut.of(person))


@router.get(
    "/people/{person_id}",
    response={200: PersonOut, **ERRORS},
    summary="A person (masked)",
    operation_id="cheguan_registry_api_get_person",
)
def get_person(request, person_id: int = Path(..., ge=1, le=DB_INT_MAX)):
    person = queries.get_or_404(queries.people_for(actor_for(request)), pk=person_id)
    return PersonOut.of(person)


@router.post(
    "/people/{person_id}/reveal",
    response={200: PersonRevealedOut, **ERRORS},
    summary="Show a person's full name, ID number and phone (audited)",
    operation_id="cheguan_registry_api_reveal_person",
)
def reveal_person(
    request,
    response: HttpResponse,
    payload: RevealIn,
    person_id: int = Path(..., ge=1, le=DB_INT_MAX),
):
    actor = actor_for(request)
    person = queries.get_or_404(queries.people_for(actor), pk=person_id)
    values = services.reveal_person(actor=actor, person=person, reason=payload.reason)
    response["Cache-Control"] = "no-store"
    return {"id": person.pk, **values}
