"""二十选一 pages: the applicant's cases, the draw page (a citizen, a clerk in an assisted
session, a dealer for its customer) and the confirmation of a pick. Thin: the rules are in
``plates.services`` and the reads in ``plates.queries`` (what the actor may do now:
``actions_for``), the same functions the API calls.

The draw page works without JavaScript (drawing and picking are plain forms); a small
static script (``plates/countdown.js``; the CSP allows no inline script) only counts the
offer's time down.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cheguan.core import clock
from cheguan.core.actor import actor_for
from cheguan.core.errors import DomainError
from cheguan.core.pages import english, pages
from cheguan.core.permissions import has_capability
from cheguan.plates import formats, queries, services
from cheguan.plates.models import DrawStatus


@pages
def mine(request):
    """The open cases that need a number, each with its draw page. Office staff open a case's
    draw page by its number (a clerk helping at the window)."""
    actor = actor_for(request)
    number = "".join(ch for ch in request.GET.get("case", "") if ch.isdigit())[:24]
    if number:
        return redirect("plates:selection", number=number)
    lang = "en" if english(request) else "zh-hans"
    items = [
        {"case": c, "service_name": c.service.name_in(lang)}
        for c in queries.plate_cases(actor)[:50]
    ]
    return render(
        request,
        "plates/mine.html",
        {
            "items": items,
            "citizen": actor.citizen,
            "may_apply": actor.citizen is not None,
            "staff": has_capability(actor.user, "plates.process"),
            "manage_pool": has_capability(actor.user, "plates.manage_pool"),
        },
    )


def _countdown(seconds: int) -> str:
    minutes, seconds = divmod(max(0, seconds), 60)
    return f"{minutes}:{seconds:02d}"


def _last_day(until: dt.datetime) -> dt.date:
    """A hold runs to local midnight; the applicant reads the last day it covers."""
    return clock.local_date(until - dt.timedelta(seconds=1))


def _selection_page(request, case, *, error: DomainError | None = None, status: int = 200):
    actor = actor_for(request)
    state = queries.selection_of(actor, case)
    lang = "en" if english(request) else "zh-hans"
    open_draw = state.open_draw
    offered = (
        [{"number": n, "display": formats.display(n)} for n in open_draw.numbers]
        if open_draw is not None
        else []
    )
    context = {
        "case": case,
        "service_name": case.service.name_in(lang),
        "state": state,
        "offered": offered,
        "countdown": _countdown(state.seconds_left),
        "held_last_day": (
            _last_day(state.held.until)
            if state.held is not None and state.held.until is not None
            else None
        ),
        "types": queries.pooled_types(),
        "rules": queries.selection_rules(),
        "error": error,
        "today": clock.today(),
    }
    return render(request, "plates/selection.html", context, status=status)


@pages
def selection(request, number: str):
    """The draw page of one case: draw, the twenty numbers with the time left, the held
    number and what to do next."""
    actor = actor_for(request)
    return _selection_page(request, queries.plate_case_for(actor, number))


@pages
@require_POST
def draw(request, number: str):
    actor = actor_for(request)
    case = queries.plate_case_for(actor, number)
    try:
        services.draw_numbers(
            actor=actor, case=case, plate_type=request.POST.get("plate_type", "")[:2]
        )
    except DomainError as e:
        if e.status in {401, 404}:
            raise
        return _selection_page(request, case, error=e, status=e.status)
    return redirect("plates:selection", number=case.number)


@pages
def pick(request, draw_id: int):
    """GET: "keep this number?" with the time left (one task per page, nothing is held yet).
    POST: the pick itself; the number is held for the case."""
    actor = actor_for(request)
    found = queries.draw_for(actor, draw_id)
    case = found.case
    back = reverse("plates:selection", args=[case.number])
    number = formats.normalise(request.POST.get("number") or request.GET.get("number") or "")
    if request.method == "POST":
        try:
            plate = services.pick_number(actor=actor, draw=found, number=number)
        except DomainError as e:
            if e.status in {401, 404}:
                raise
            return _selection_page(request, case, error=e, status=e.status)
        messages.success(
            request,
            _("%(number)s is now held for your case.") % {"number": plate.display},
        )
        return redirect(back)
    now = clock.now()
    if (
        number not in found.numbers
        or found.status != DrawStatus.OPEN
        or found.expires_at <= now
        or not queries.actions_for(actor, case).pick
    ):
        return redirect(back)  # the draw page says where things stand
    seconds_left = int((found.expires_at - now).total_seconds())
    return render(
        request,
        "plates/pick.html",
        {
            "case": case,
            "draw": found,
            "number": number,
            "display": formats.display(number),
            "seconds_left": seconds_left,
            "countdown": _countdown(seconds_left),
            "rules": queries.selection_rules(),
        },
    )
