"""The page where a person starts choosing a plate number: for one of their vehicles, or
for a car not registered yet. Plates owns the service (docs/adr/0013-owned-services.md), so
this is where the apply list and the plates home send a citizen (themself, or through a
clerk's assisted session). Thin: the rule is ``plates.services.start_selection``."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cheguan.core.actor import actor_for
from cheguan.core.errors import DomainError
from cheguan.core.pages import field_errors, pages
from cheguan.core.permissions import require_citizen_context
from cheguan.plates import queries, services
from cheguan.plates.rules import plate_type_for
from cheguan.registry import queries as registry_queries

NEW_CAR = "new"  # the choice for a car that is not in the register yet


@pages
def start(request):
    """GET: which vehicle (or a new car); POST: the selection is opened (or the vehicle's
    open one found) and its draw page opens."""
    actor = actor_for(request)
    require_citizen_context(actor)
    vehicles = list(registry_queries.citizen_vehicles(actor).active().order_by("pk"))
    errors: dict[str, str] = {}
    chosen = request.POST.get("vehicle", "")[:20]
    if request.method == "POST":
        vehicle = next((v for v in vehicles if str(v.pk) == chosen), None)
        if vehicle is None and chosen != NEW_CAR:
            errors["vehicle"] = _("Choose one of your vehicles, or a new car.")
        else:
            try:
                started = services.start_selection(actor=actor, vehicle=vehicle)
            except DomainError as e:
                errors = field_errors(e)
            else:
                return redirect("plates:selection", number=started.case.number)
    return render(
        request,
        "plates/start.html",
        {
            "vehicles": [
                {"vehicle": v, "plate_type": queries.type_name(plate_type_for(v))} for v in vehicles
            ],
            "new_car": NEW_CAR,
            "chosen": chosen,
            "errors": errors,
        },
        status=400 if errors else 200,
    )
