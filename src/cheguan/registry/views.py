"""Registry pages: thin views over ``registry.queries`` and ``registry.services``.

- citizens (and a clerk in an assisted session): "My vehicles", masked, elder-mode ready;
- clerks: person search (htmx fragment), person detail with the audited reveal, vehicles;
- partners: their own organisation; supervisors: an organisation's authorisation.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cheguan.core import clock
from cheguan.core.actor import actor_for
from cheguan.core.errors import NOT_FOUND, DomainError
from cheguan.core.masking import PERSONAL_KEYS, refuse_personal_query
from cheguan.core.pages import domain_errors_as_pages
from cheguan.core.permissions import has_capability, require_citizen_context
from cheguan.registry import queries, services, status_words
from cheguan.registry.models import AuthorisationStatus
from cheguan.registry.validators import parse_date

# --- citizens ------------------------------------------------------------------------------


@login_required
@domain_errors_as_pages
def my_vehicles(request):
    actor = actor_for(request)
    require_citizen_context(actor)
    vehicles = queries.with_blocking_summary(queries.citizen_vehicles(actor).order_by("id"))
    return render(
        request,
        "registry/my_vehicles.html",
        {"citizen": actor.citizen, "cards": [status_words.vehicle_card(v) for v in vehicles]},
    )


# --- people (staff) ----------------------------------------------------------------------


@login_required
@domain_errors_as_pages
def people_search(request):
    """Search by exact ID number or the start of a name; htmx swaps only the results.

    The search is a POST: an ID number or a name never sits in the URL (access logs,
    browser history, proxies). A ``?q=`` in the address is refused with the reason."""
    actor = actor_for(request)
    queries.require_people_scope(actor)
    template = "registry/people_search.html"
    try:
        refuse_personal_query(request.GET, "q")
    except DomainError as e:
        return render(request, template, {"errors": {"q": e.message}}, status=e.status)
    q = queries.search_text(request.POST.get("q", "")) if request.method == "POST" else ""
    people = list(queries.search_people(actor, q=q)[:50]) if q else []
    if request.htmx:
        template += "#results"
    return render(request, template, {"q": q, "people": people, "searched": bool(q)})


def _person_context(actor, person, **extra) -> dict:
    vehicles = queries.with_blocking_summary(
        queries.vehicles_for(actor).filter(owner_person=person).order_by("id")
    )
    return {
        "person": person,
        "masked_address": PERSONAL_KEYS["address"](person.address),
        "cards": [status_words.vehicle_card(v) for v in vehicles],
        "may_reveal": has_capability(actor.user, "registry.reveal_personal_data"),
        **extra,
    }


@login_required
@domain_errors_as_pages
def person_detail(request, person_id: int):
    actor = actor_for(request)
    person = queries.get_or_404(queries.people_for(actor), pk=person_id)
    return render(request, "registry/person_detail.html", _person_context(actor, person))


@login_required
@require_POST
@domain_errors_as_pages
def person_reveal(request, person_id: int):
    """Show the full name, ID number and phone once, in this response only (audited)."""
    actor = actor_for(request)
    person = queries.get_or_404(queries.people_for(actor), pk=person_id)
    errors: dict[str, str] = {}
    revealed = None
    try:
        revealed = services.reveal_person(
            actor=actor, person=person, reason=request.POST.get("reason", "")
        )
    except DomainError as e:
        if e.status == 403:
            raise
        errors[e.field or "form"] = e.message
    response = render(
        request,
        "registry/person_detail.html",
        _person_context(actor, person, revealed=revealed, errors=errors),
        status=400 if errors else 200,
    )
    response["Cache-Control"] = "no-store"
    return response


# --- vehicles ----------------------------------------------------------------------------


@login_required
@domain_errors_as_pages
def vehicle_detail(request, vehicle_id: int):
    actor = actor_for(request)
    qs = queries.with_blocking_summary(queries.vehicles_for(actor))
    vehicle = queries.get_or_404(qs, pk=vehicle_id)
    citizen = actor.citizen
    return render(
        request,
        "registry/vehicle_detail.html",
        {
            **status_words.vehicle_card(vehicle),
            "records": queries.vehicle_records(vehicle),
            # the owner (or whoever acts for them) is offered the next step; staff read on
            "owners_view": citizen is not None and vehicle.owner_person_id == citizen.pk,
            # a clerk records an export, a loss or a court order (registry.deregister_views)
            "may_deregister": citizen is None
            and vehicle.status != "deregistered"
            and has_capability(actor.user, "registry.manage_vehicles"),
        },
    )


# --- organisations -------------------------------------------------------------------------


@login_required
@domain_errors_as_pages
def my_organisation(request):
    """A partner agent's own organisation."""
    organisation_id = request.user.organisation_id
    if organisation_id is None:
        raise NOT_FOUND()
    return redirect("registry:organisation", organisation_id=organisation_id)


def _organisation_context(actor, org, **extra) -> dict:
    vehicles = queries.with_blocking_summary(
        queries.vehicles_for(actor).filter(owner_organisation=org).order_by("id")
    )
    return {
        "organisation": org,
        "authorised_today": org.is_authorised_on(clock.today()),
        "cards": [status_words.vehicle_card(v) for v in vehicles[:100]],
        "may_change": has_capability(actor.user, "registry.manage_organisations"),
        "statuses": AuthorisationStatus.choices,
        "values": {},
        "errors": {},
        **extra,
    }


@login_required
@domain_errors_as_pages
def organisation_detail(request, organisation_id: int):
    actor = actor_for(request)
    org = queries.get_or_404(queries.organisations_for(actor), pk=organisation_id)
    return render(request, "registry/organisation_detail.html", _organisation_context(actor, org))


@login_required
@require_POST
@domain_errors_as_pages
def organisation_authorisation(request, organisation_id: int):
    actor = actor_for(request)
    org = queries.get_or_404(queries.organisations_for(actor), pk=organisation_id)
    post = request.POST
    errors: dict[str, str] = {}
    try:
        valid_from = (
            parse_date(post["valid_from"], field="valid_from") if post.get("valid_from") else None
        )
        valid_until = (
            parse_date(post["valid_until"], field="valid_until")
            if post.get("valid_until")
            else None
        )
        services.change_authorisation(
            actor=actor,
            organisation=org,
            to_status=post.get("to_status", ""),
            valid_from=valid_from,
            valid_until=valid_until,
            services=post.get("services", "").replace(",", " ").split(),
            reason=post.get("reason", ""),
        )
    except DomainError as e:
        if e.status == 403:
            raise
        errors[e.field or "form"] = e.message
    if not errors:
        return redirect("registry:organisation", organisation_id=org.pk)
    context = _organisation_context(actor, org, values=post, errors=errors)
    return render(request, "registry/organisation_detail.html", context, status=400)
