"""Organisations over the API (a partner sees only its own) and their authorisation."""

from __future__ import annotations

from ninja import Path, Query, Router, Status

from cheguan.core import clock
from cheguan.core.actor import actor_for
from cheguan.core.pagination import LIMIT_HELP, MAX_LIMIT, MAX_OFFSET, OFFSET_HELP, page
from cheguan.core.schemas import DB_INT_MAX, ERRORS
from cheguan.registry import queries, services
from cheguan.registry.api.common import office_of
from cheguan.registry.schemas import (
    AuthorisationIn,
    OrganisationIn,
    OrganisationOut,
    OrganisationPage,
)

router = Router()


@router.get(
    "/organisations",
    response={200: OrganisationPage, **ERRORS},
    summary="List organisations in scope (a partner sees only its own)",
    operation_id="cheguan_registry_api_list_organisations",
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
    "/organisations",
    response={201: OrganisationOut, **ERRORS},
    summary="Register an organisation",
    operation_id="cheguan_registry_api_create_organisation",
)
def create_organisation(request, payload: OrganisationIn):
    actor = actor_for(request)
    org = services.register_organisation(
        actor=actor, office=office_of(actor), data=services.OrganisationData(**payload.dict())
    )
    return Status(201, OrganisationOut.of(org, today=clock.today()))


@router.get(
    "/organisations/{organisation_id}",
    response={200: OrganisationOut, **ERRORS},
    summary="An organisation",
    operation_id="cheguan_registry_api_get_organisation",
)
def get_organisation(request, organisation_id: int = Path(..., ge=1, le=DB_INT_MAX)):
    org = queries.get_or_404(queries.organisations_for(actor_for(request)), pk=organisation_id)
    return OrganisationOut.of(org, today=clock.today())


@router.post(
    "/organisations/{organisation_id}/authorisation",
    response={200: OrganisationOut, **ERRORS},
    summary="Change a partner's authorisation (apply, grant, suspend, revoke)",
    operation_id="cheguan_registry_api_change_authorisation",
)
def change_authorisation(
    request, payload: AuthorisationIn, organisation_id: int = Path(..., ge=1, le=DB_INT_MAX)
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
