"""自编自选 pages: the applicant (a citizen, a clerk in an assisted session, a dealer for its
customer, or a clerk of the office) composes up to five numbers, sees which of them are
available, and holds one. Thin: the rules are ``plates.services.check_composed`` and
``hold_composed``, the same functions ``plates.api.numbers`` calls.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cheguan.core.actor import actor_for
from cheguan.core.errors import DomainError, ValidationErrors
from cheguan.core.pages import english, pages
from cheguan.plates import formats, queries, services
from cheguan.plates.conf import setting
from cheguan.plates.views.common import refusals


def with_prefix(raw: str, prefix: str) -> str:
    """What the applicant typed after the printed prefix (A1234) or in full (浙B·A1234)."""
    number = formats.normalise(raw)[:16]
    if number and prefix and not number.startswith(prefix[:1]):
        number = prefix + number
    return number


def _compose_page(request, case, *, errors=None, typed=None, status=200):
    actor = actor_for(request)
    state = queries.selection_of(actor, case)
    lang = "en" if english(request) else "zh-hans"
    latest = queries.latest_compose_check(case)
    most = setting("COMPOSE_NUMBERS_PER_CHECK")
    typed = (typed or []) + [""] * most
    prefix = case.office.plate_prefix
    return render(
        request,
        "plates/compose.html",
        {
            "case": case,
            "service_name": case.service.name_in(lang),
            "state": state,
            "prefix": prefix,
            "inputs": [{"n": i + 1, "value": typed[i]} for i in range(most)],
            "results": sorted(
                queries.compose_results(latest, lang=lang), key=lambda r: not r["available"]
            ),
            "checked_at": latest.checked_at if latest is not None else None,
            "types": [
                (t, label) for t, label in queries.pooled_types() if t in setting("COMPOSE_TYPES")
            ],
            "errors": errors or [],
            "rules": {
                "numbers": most,
                "days": setting("RANDOM_ONLY_DAYS"),
                "hold_working_days": setting("HOLD_WORKING_DAYS"),
            },
        },
        status=status,
    )


@pages
def compose(request, number: str):
    """GET: the form and the latest check's answer. POST: a check of up to five numbers
    (each counts against the case's checks), then the answer."""
    actor = actor_for(request)
    case = queries.plate_case_for(actor, number)
    if request.method != "POST":
        return _compose_page(request, case)
    prefix = case.office.plate_prefix
    typed = [
        (request.POST.get(f"n{i + 1}") or "")[:20]
        for i in range(setting("COMPOSE_NUMBERS_PER_CHECK"))
    ]
    try:
        services.check_composed(
            actor=actor,
            case=case,
            numbers=[with_prefix(t, prefix) for t in typed],
            plate_type=(request.POST.get("plate_type") or "")[:2],
        )
    except (DomainError, ValidationErrors) as e:
        found = refusals(e)
        return _compose_page(request, case, errors=found, typed=typed, status=found[0].status)
    return redirect("plates:compose", number=case.number)


@pages
@require_POST
def compose_hold(request, number: str):
    """Hold one of the numbers a check reported available; the draw page then shows it."""
    actor = actor_for(request)
    case = queries.plate_case_for(actor, number)
    try:
        plate = services.hold_composed(
            actor=actor, case=case, number=(request.POST.get("number") or "")[:20]
        )
    except (DomainError, ValidationErrors) as e:
        found = refusals(e)
        return _compose_page(request, case, errors=found, status=found[0].status)
    messages.success(
        request, _("%(number)s is now held for your case.") % {"number": plate.display}
    )
    return redirect("plates:selection", number=case.number)
