"""Clerks' person pages: search by ID number or name, detail, the audited reveal."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_POST

from cheguan.core.actor import actor_for
from cheguan.core.errors import DomainError
from cheguan.core.masking import PERSONAL_KEYS, refuse_personal_query
from cheguan.core.pages import domain_errors_as_pages
from cheguan.core.permissions import has_capability
from cheguan.registry import queries, services, status_words


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
