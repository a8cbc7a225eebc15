"""The pool admin's pages: the office's blocklist of combinations, and the segments
released into the pool. Thin: the reads are ``plates.queries``, the changes
``plates.services``, the same functions the API calls."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cheguan.core.actor import actor_for
from cheguan.core.errors import NOT_FOUND, DomainError
from cheguan.core.pages import field_errors, pages
from cheguan.core.permissions import require
from cheguan.plates import formats, queries, services
from cheguan.plates.models import BlockScope, NumberState

# --- the blocklist ---------------------------------------------------------------------------


def _blocklist_page(request, *, errors=None, values=None, status=200):
    user = require(request.user, "plates.manage_pool")
    return render(
        request,
        "plates/blocklist.html",
        {
            "rows": queries.patterns_of(user.office),
            "scopes": BlockScope.choices,
            "errors": errors or {},
            "values": values or {"scope": BlockScope.COMPOSE},
            "example": r"(\d)\1\1",
        },
        status=status,
    )


@pages
def blocklist_page(request):
    """The office's blocked combinations; add one (POST)."""
    if request.method != "POST":
        return _blocklist_page(request)
    actor = actor_for(request)
    user = require(actor.user, "plates.manage_pool")
    values = {k: request.POST.get(k, "")[:200] for k in ("pattern", "reason", "scope")}
    try:
        row = services.add_pattern(actor=actor, office=user.office, **values)
    except DomainError as e:
        return _blocklist_page(request, errors=field_errors(e), values=values, status=e.status)
    messages.success(request, _("Blocked: %(pattern)s") % {"pattern": row.pattern})
    return redirect("plates:blocklist")


@pages
@require_POST
def blocklist_deactivate(request, pattern_id: int):
    row = services.deactivate_pattern(actor=actor_for(request), pattern_id=pattern_id)
    messages.success(request, _("No longer blocked: %(pattern)s") % {"pattern": row.pattern})
    return redirect("plates:blocklist")


# --- the segments ----------------------------------------------------------------------------

# The segment service names its fields after the model (first_number) or the form (first).
_FIELD = {"first_number": "first", "last_number": "last"}


def _segments_page(request, *, errors=None, values=None, status=200):
    actor = actor_for(request)
    return render(
        request,
        "plates/segments.html",
        {
            "pools": queries.pools_of(actor),
            "segments": list(queries.segments_of(actor)[:200]),
            "types": queries.pooled_types(),
            "states": NumberState.choices,
            "errors": errors or {},
            "values": values or {},
        },
        status=status,
    )


@pages
def segments(request):
    """Release a segment of numbers into the pool (POST); the pools and the segments."""
    if request.method != "POST":
        return _segments_page(request)
    actor = actor_for(request)
    user = require(actor.user, "plates.manage_pool")
    if user.office is None:
        raise NOT_FOUND()
    values = {k: request.POST.get(k, "")[:16] for k in ("plate_type", "first", "last")}
    try:
        done = services.release_segment(actor=actor, office=user.office, **values)
    except DomainError as e:
        errors = {_FIELD.get(k, k): v for k, v in field_errors(e).items()}
        return _segments_page(request, errors=errors, values=values, status=e.status)
    messages.success(
        request,
        _(
            "Released %(released)s numbers, %(first)s to %(last)s "
            "(%(blocked)s left out by the blocklist)."
        )
        % {
            "released": done.released,
            "first": formats.display(done.segment.first_number),
            "last": formats.display(done.segment.last_number),
            "blocked": done.blocked,
        },
    )
    return redirect("plates:segments")
