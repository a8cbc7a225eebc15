"""Organisation pages: a partner's own, and a supervisor's change of authorisation."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cheguan.core import clock
from cheguan.core.actor import actor_for
from cheguan.core.errors import NOT_FOUND, DomainError
from cheguan.core.pages import domain_errors_as_pages
from cheguan.core.permissions import has_capability
from cheguan.registry import queries, services, status_words
from cheguan.registry.models import AuthorisationStatus
from cheguan.registry.validators import parse_date


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
