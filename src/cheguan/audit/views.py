"""The audit trail pages: thin views over ``audit.queries``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from cheguan.audit import queries, words
from cheguan.audit.forms import TrailFilterForm
from cheguan.core.actor import actor_for
from cheguan.core.errors import DomainError
from cheguan.core.pages import error_page

RESULTS_TARGET = "trail-results"


def rows_for(events) -> list[dict]:
    """Each event as people read it: its action, subject and details in words
    (``audit.words``); the codes stay in the API."""
    names = words.subject_names((e.subject_type, e.subject_id) for e in events)
    return [
        {
            "event": e,
            "action": words.action_words(e.action),
            "subject": words.subject_words(e.subject_type, e.subject_id, names),
            "details": words.details(e.data),
        }
        for e in events
    ]


@login_required
def trail(request):
    """Supervisors browse their office's trail; a partner agent its organisation's.

    htmx: the filter form swaps ``#trail`` (form and results, so errors stay beside their
    field); the "older events" link swaps only ``#trail-results``.
    """
    actor = actor_for(request)
    try:
        queries.trail_for(actor)  # refuses roles that may not read the trail
    except DomainError as e:
        return error_page(request, e)
    is_partner = actor.user.is_partner
    organisations = None if is_partner else queries.organisations_for(actor)
    form = TrailFilterForm(request.GET or None, organisations=organisations)
    rows, next_cursor, cursor_error = [], None, ""
    valid = not form.is_bound or form.is_valid()
    if valid:
        filters = form.filters() if form.is_bound else queries.TrailFilters()
        try:
            page = queries.trail_page(
                actor, filters, cursor=request.GET.get("cursor", ""), limit=queries.PAGE_SIZE
            )
        except DomainError as e:
            cursor_error, valid = e.message, False
        else:
            rows = rows_for(page.events)
            next_cursor = page.next_cursor
    query = request.GET.copy()
    query.pop("cursor", None)
    context = {
        "form": form,
        "rows": rows,
        "next_cursor": next_cursor,
        "cursor_error": cursor_error,
        "query": query.urlencode(),
        "is_partner": is_partner,
        "organisation": actor.user.organisation if is_partner else None,
        "results_target": RESULTS_TARGET,
    }
    if request.htmx:
        # htmx swaps only 2xx answers; the errors are in the fragment, beside their fields.
        partial = "results" if request.htmx.target == RESULTS_TARGET else "trail"
        return render(request, f"audit/trail.html#{partial}", context)
    return render(request, "audit/trail.html", context, status=200 if valid else 400)
