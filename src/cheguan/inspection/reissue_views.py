"""补领检验标志: the owner reports the mark lost (or damaged) and gets it again, a new serial
with the same validity (a citizen, or a clerk in an assisted session). Thin: the rule is
``inspection.services.reissue_lost_mark``, the same the API (``inspection.reissue_api``)
calls."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cheguan.core.actor import actor_for
from cheguan.core.errors import DomainError
from cheguan.core.pages import pages
from cheguan.inspection import queries, services
from cheguan.inspection.services.marks import current_mark


@pages
def reissue(request, vehicle_id: int):
    """GET: the current mark and "report it lost, get a new one". POST: the reissue; the
    new mark's page opens."""
    actor = actor_for(request)
    vehicle = queries.vehicle_for(actor, vehicle_id=vehicle_id)
    error = None
    if request.method == "POST":
        try:
            mark = services.reissue_lost_mark(actor=actor, vehicle=vehicle)
        except DomainError as e:
            if e.status in {401, 403, 404}:
                raise
            error = e
        else:
            messages.success(
                request,
                _("The lost mark %(old)s no longer counts. This is the new one.")
                % {"old": mark.reissue_of.serial if mark.reissue_of else ""},
            )
            return redirect("inspection:mark", serial=mark.serial)
    return render(
        request,
        "inspection/reissue.html",
        {"vehicle": vehicle, "mark": current_mark(vehicle), "error": error},
        status=error.status if error is not None else 200,
    )
