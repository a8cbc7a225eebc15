"""号牌号码互换 page: an owner (a citizen, or a clerk in an assisted session) exchanges the
numbers of two of their cars. Thin: ``plates.services.swap_cars`` opens a plate-selection
case of the first car (or finds its open one) and swaps in it, the same service
``plates.api.numbers`` calls.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cheguan.core.actor import actor_for
from cheguan.core.errors import DomainError, ValidationErrors
from cheguan.core.pages import pages
from cheguan.core.permissions import require_citizen_context
from cheguan.plates import errors as plate_errors
from cheguan.plates import services
from cheguan.plates.views.common import refusals
from cheguan.registry import queries as registry_queries


@pages
def swap(request):
    """GET: the owner's cars with numbers, two to choose. POST: the swap."""
    actor = actor_for(request)
    require_citizen_context(actor)
    vehicles = list(
        registry_queries.citizen_vehicles(actor)
        .active()
        .filter(plate_number__isnull=False)
        .order_by("pk")
    )
    chosen = [v[:20] for v in request.POST.getlist("vehicle")][:3]
    errors: list[DomainError] = []
    if request.method == "POST":
        picked = [v for v in vehicles if str(v.pk) in chosen]
        if len(picked) != 2 or len(chosen) != 2:
            errors = [plate_errors.SWAP_SAME_VEHICLE(field="vehicle")]
        else:
            try:
                done = services.swap_cars(actor=actor, vehicle_a=picked[0], vehicle_b=picked[1])
            except (DomainError, ValidationErrors) as e:
                errors = refusals(e)
            else:
                messages.success(
                    request,
                    _("Done: %(a)s is now on the car that had %(b)s, and %(b)s on the other.")
                    % {"a": done.number_a, "b": done.number_b},
                )
                return redirect("plates:swap")
    return render(
        request,
        "plates/swap.html",
        {"vehicles": vehicles, "chosen": chosen, "errors": errors},
        status=(errors[0].status if errors else 200),
    )
