"""Plate-number pages: the public "check a number" page and the admin's blocklist.
Thin: the rules are in ``plates.formats`` (through ``plates.number_check``) and
``plates.blocklist``, the same functions the API calls."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cheguan.core.actor import actor_for
from cheguan.core.errors import DomainError
from cheguan.core.pages import field_errors, pages, public
from cheguan.core.permissions import require
from cheguan.plates import blocklist
from cheguan.plates.models import BlockScope, PlateType
from cheguan.plates.number_check import check_publicly

# The order people look for their type in: the common cars first.
TYPE_ORDER = [
    PlateType.SMALL,
    PlateType.SMALL_NEW_ENERGY,
    PlateType.LARGE,
    PlateType.LARGE_NEW_ENERGY,
    PlateType.TRAILER,
    PlateType.COACH,
]


@public
def check(request):
    """Public, no login: type a number, see every problem in plain words."""
    number = (request.GET.get("number") or "")[:32]
    plate_type = (request.GET.get("type") or PlateType.SMALL)[:4]
    found = check_publicly(number, plate_type=plate_type) if "number" in request.GET else None
    return render(
        request,
        "plates/check.html",
        {
            "number": number,
            "plate_type": plate_type,
            "types": [(t.value, t.label) for t in TYPE_ORDER],
            "found": found,
        },
    )


def _blocklist_page(request, *, errors=None, values=None, status=200):
    user = require(request.user, "plates.manage_pool")
    return render(
        request,
        "plates/blocklist.html",
        {
            "rows": blocklist.patterns_of(user.office),
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
        row = blocklist.add_pattern(actor=actor, office=user.office, **values)
    except DomainError as e:
        return _blocklist_page(request, errors=field_errors(e), values=values, status=e.status)
    messages.success(request, _("Blocked: %(pattern)s") % {"pattern": row.pattern})
    return redirect("plates:blocklist")


@pages
@require_POST
def blocklist_deactivate(request, pattern_id: int):
    row = blocklist.deactivate_pattern(actor=actor_for(request), pattern_id=pattern_id)
    messages.success(request, _("No longer blocked: %(pattern)s") % {"pattern": row.pattern})
    return redirect("plates:blocklist")
