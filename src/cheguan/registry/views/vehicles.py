"""Vehicle pages: a citizen's "My vehicles" and one vehicle's page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from cheguan.core.actor import actor_for
from cheguan.core.pages import domain_errors_as_pages
from cheguan.core.permissions import has_capability, require_citizen_context
from cheguan.registry import queries, status_words


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
            # a clerk records an export, a loss or a court order (registry.views.deregistration)
            "may_deregister": citizen is None
            and vehicle.status != "deregistered"
            and has_capability(actor.user, "registry.manage_vehicles"),
        },
    )
