"""保留原号牌 pages: the owner keeps the number of a car they sold or scrapped (a citizen, or
a clerk in an assisted session); a clerk records a spouse's retention with the marriage date
read off the certificate; and a kept number is used for a new car's case. Thin: the rules
are ``plates.services.retain_number`` and ``use_retained`` (the same the API calls), the
reads ``plates.queries``.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cheguan.core.actor import actor_for
from cheguan.core.errors import NOT_FOUND, DomainError, ValidationErrors
from cheguan.core.pages import english, pages
from cheguan.core.permissions import require, require_citizen_context
from cheguan.plates import queries, services
from cheguan.plates.views.common import refusals
from cheguan.registry import queries as registry_queries


def _keep_page(request, *, errors=None, status=200):
    actor = actor_for(request)
    require_citizen_context(actor)
    vehicles = registry_queries.citizen_vehicles(actor)
    return render(
        request,
        "plates/keep.html",
        {
            "keepable": queries.keepable(vehicles),
            "kept": list(queries.kept_for(actor.citizen)),
            "errors": errors or [],
        },
        status=status,
    )


@pages
def keep(request):
    """The owner's numbers that can be kept, and the numbers kept for them."""
    return _keep_page(request)


@pages
@require_POST
def keep_vehicle(request, vehicle_id: int):
    """Keep the number that left (or is leaving) one of the owner's vehicles."""
    actor = actor_for(request)
    # Only the citizen being served has vehicles here: anyone else's id is "not found".
    vehicle = registry_queries.get_or_404(registry_queries.citizen_vehicles(actor), pk=vehicle_id)
    try:
        plate = services.retain_number(actor=actor, vehicle=vehicle)
    except (DomainError, ValidationErrors) as e:
        found = refusals(e)
        return _keep_page(request, errors=found, status=found[0].status)
    messages.success(
        request,
        _("%(number)s is kept for you until %(day)s.")
        % {
            "number": plate.display,
            "day": plate.retained_until.isoformat() if plate.retained_until else "",
        },
    )
    return redirect("plates:keep")


def _use_kept_page(request, case, *, errors=None, status=200):
    actor = actor_for(request)
    lang = "en" if english(request) else "zh-hans"
    return render(
        request,
        "plates/use_kept.html",
        {
            "case": case,
            "service_name": case.service.name_in(lang),
            "state": queries.selection_of(actor, case),
            "kept": list(queries.kept_for(case.applicant_person)),
            "errors": errors or [],
        },
        status=status,
    )


@pages
def use_kept(request, number: str):
    """GET: the numbers kept for the case's applicant. POST: one of them is held for the
    case; the draw page then shows it."""
    actor = actor_for(request)
    case = queries.plate_case_for(actor, number)
    if request.method != "POST":
        return _use_kept_page(request, case)
    try:
        plate = services.use_retained(
            actor=actor, case=case, number=(request.POST.get("number") or "")[:20]
        )
    except (DomainError, ValidationErrors) as e:
        found = refusals(e)
        return _use_kept_page(request, case, errors=found, status=found[0].status)
    messages.success(
        request, _("%(number)s is now held for your case.") % {"number": plate.display}
    )
    return redirect("plates:selection", number=case.number)


# --- the clerk: a spouse keeps the number (MVR Art 45) --------------------------------------


@pages
def spouse(request):
    """A clerk of the office, with the couple at the window: the number that leaves one
    spouse's vehicle is kept for the other, from the marriage date on the certificate."""
    actor = actor_for(request)
    user = require(actor.user, "plates.process")
    values = {
        k: (request.POST.get(k) or "")[:20].strip() for k in ("number", "id_number", "married_on")
    }
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        try:
            married_on = dt.date.fromisoformat(values["married_on"])
        except ValueError:
            married_on = None
        try:
            vehicle = queries.spouse_vehicle(actor, values["number"])
            spouse_person = registry_queries.find_person_by_document(
                office=user.office, id_number=values["id_number"]
            )
            if spouse_person is None:
                raise NOT_FOUND(field="id_number")
            plate = services.retain_number(
                actor=actor, vehicle=vehicle, on_behalf_spouse=spouse_person, married_on=married_on
            )
        except ValidationErrors as many:
            errors = [(e.field or "form", e.message) for e in many.errors]
        except DomainError as e:
            if e.status in {401, 403}:
                raise
            errors = [(e.field or "form", e.message)]
        else:
            messages.success(
                request,
                _("%(number)s is kept for %(name)s until %(day)s.")
                % {
                    "number": plate.display,
                    "name": spouse_person.masked_name,
                    "day": plate.retained_until.isoformat(),
                },
            )
            return redirect("plates:keep_spouse")
    return render(
        request,
        "plates/keep_spouse.html",
        {"values": values, "errors": errors, "bad": {field for field, _m in errors}},
        status=400 if errors else 200,
    )
