"""注销登记 at the window for what the scrapping capability does not cover: a vehicle
exported, lost (destroyed or missing) or deregistered by a court order. A clerk of the
office (``registry.manage_vehicles``) records it with the reason; the page and the API
(``registry.api.deregistration``) call ``registry.services.deregistration.deregister_vehicle``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cheguan.core.actor import actor_for
from cheguan.core.errors import DomainError
from cheguan.core.pages import domain_errors_as_pages
from cheguan.core.permissions import require
from cheguan.registry import queries
from cheguan.registry.services.deregistration import deregister_vehicle

# The reasons this page records, each as the audit reason reads it (both languages).
REASONS = {
    "export": ("出口", "exported", gettext_lazy("Exported")),
    "lost": ("灭失", "lost", gettext_lazy("Lost: destroyed or missing")),
    "court_order": ("法院判决", "court order", gettext_lazy("Court order")),
}


def reason_text(reason: str, note: str) -> str:
    """出口 (exported): the clerk's note — what the audit event keeps."""
    zh, en, _label = REASONS[reason]
    note = " ".join((note or "").split())[:150]
    return f"{zh} ({en})" + (f": {note}" if note else "")


@login_required
@domain_errors_as_pages
def deregister(request, vehicle_id: int):
    """GET: the vehicle, the reasons; POST: the deregistration, back to the vehicle."""
    actor = actor_for(request)
    vehicle = queries.get_or_404(queries.vehicles_for(actor), pk=vehicle_id)
    require(actor.user, "registry.manage_vehicles")
    values = {
        "reason": (request.POST.get("reason") or "")[:20],
        "note": (request.POST.get("note") or "")[:150],
    }
    errors: dict[str, str] = {}
    if request.method == "POST":
        if values["reason"] not in REASONS:
            errors["reason"] = _("Choose the reason.")
        else:
            try:
                deregister_vehicle(
                    actor=actor,
                    vehicle=vehicle,
                    reason=reason_text(values["reason"], values["note"]),
                )
            except DomainError as e:
                if e.status in {401, 403, 404}:
                    raise
                errors[e.field or "form"] = e.message
            else:
                messages.success(request, _("The vehicle is deregistered."))
                return redirect("registry:vehicle", vehicle_id=vehicle.pk)
    return render(
        request,
        "registry/deregister.html",
        {
            "vehicle": vehicle,
            "reasons": [(k, label) for k, (_zh, _en, label) in REASONS.items()],
            "values": values,
            "errors": errors,
        },
        status=400 if errors else 200,
    )
