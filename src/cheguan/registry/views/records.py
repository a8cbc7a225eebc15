"""The forms of a vehicle's page where a clerk records what the office learns: a violation
from the traffic police (and, later, that it is processed), an accident, a compulsory
insurance policy, the vehicle tax of a year, an illegal-modification penalty, a seizure,
mortgage or pledge (and its release).

Plain POSTs: done, back to the vehicle's page with a message; refused, the page again with
the error beside the field. The rules and the audit are ``registry.services.records``, the
same the API (``registry.api.records``) calls.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from cheguan.core.actor import Actor, actor_for
from cheguan.core.errors import DomainError
from cheguan.core.pages import domain_errors_as_pages
from cheguan.registry import queries
from cheguan.registry.models import Vehicle
from cheguan.registry.services import records
from cheguan.registry.validators import parse_date, parse_datetime
from cheguan.registry.views.vehicles import vehicle_context


def _day(post, name: str):
    return parse_date(post.get(name, ""), field=name)


def _number(post, name: str) -> str:
    return post.get(name, "").strip() or "0"


# kind -> (what the service is given, from the form; the message when done)
RECORDERS: dict[str, tuple[Callable[[Actor, Vehicle, dict], object], object]] = {
    "violation": (
        lambda actor, vehicle, post: records.record_violation(
            actor=actor,
            vehicle=vehicle,
            occurred_at=parse_datetime(post.get("occurred_at", ""), field="occurred_at"),
            code=post.get("code", ""),
            description=post.get("description", ""),
            points=_number(post, "points"),
            fine_yuan=_number(post, "fine_yuan"),
        ),
        _("The violation is recorded."),
    ),
    "accident": (
        lambda actor, vehicle, post: records.record_accident(
            actor=actor,
            vehicle=vehicle,
            occurred_on=_day(post, "occurred_on"),
            with_casualties=bool(post.get("with_casualties")),
            settled=bool(post.get("settled")),
            description=post.get("description", ""),
        ),
        _("The accident is recorded."),
    ),
    "insurance": (
        lambda actor, vehicle, post: records.record_insurance(
            actor=actor,
            vehicle=vehicle,
            policy_number=post.get("policy_number", ""),
            valid_from=_day(post, "valid_from"),
            valid_until=_day(post, "valid_until"),
        ),
        _("The insurance policy is recorded."),
    ),
    "tax": (
        lambda actor, vehicle, post: records.set_vehicle_tax(
            actor=actor, vehicle=vehicle, year=post.get("year", ""), status=post.get("status", "")
        ),
        _("The vehicle tax status is recorded."),
    ),
    "modification": (
        lambda actor, vehicle, post: records.record_modification_penalty(
            actor=actor,
            vehicle=vehicle,
            decided_on=_day(post, "decided_on"),
            description=post.get("description", ""),
        ),
        _("The penalty is recorded."),
    ),
    "encumbrance": (
        lambda actor, vehicle, post: records.record_encumbrance(
            actor=actor,
            vehicle=vehicle,
            kind=post.get("kind", ""),
            authority=post.get("authority", ""),
            started_on=_day(post, "started_on"),
        ),
        _("The seizure, mortgage or pledge is recorded."),
    ),
}


def _back(vehicle_id: int) -> HttpResponse:
    """To the vehicle's page, where the message says what was recorded."""
    return redirect("registry:vehicle", vehicle_id=vehicle_id)


def _refused(request, actor: Actor, vehicle_id: int, **state) -> HttpResponse:
    qs = queries.with_blocking_summary(queries.vehicles_for(actor))
    vehicle = queries.get_or_404(qs, pk=vehicle_id)
    context = vehicle_context(actor, vehicle, **state)
    return render(request, "registry/vehicle_detail.html", context, status=400)


@login_required
@require_POST
@domain_errors_as_pages
def record(request, vehicle_id: int, kind: str):
    actor = actor_for(request)
    vehicle = queries.get_or_404(queries.vehicles_for(actor), pk=vehicle_id)
    recorder, done = RECORDERS[kind]
    try:
        recorder(actor, vehicle, request.POST)
    except DomainError as e:
        if e.status in {401, 403, 404}:
            raise
        errors = {e.field or "form": e.message}
        return _refused(request, actor, vehicle.pk, kind=kind, values=request.POST, errors=errors)
    messages.success(request, str(done))
    return _back(vehicle.pk)


@login_required
@require_POST
@domain_errors_as_pages
def process_violation(request, violation_id: int):
    actor = actor_for(request)
    violation = queries.get_or_404(queries.violations_for(actor), pk=violation_id)
    records.process_violation(actor=actor, violation=violation)
    messages.success(request, str(_("The violation is processed: it no longer blocks.")))
    return _back(violation.vehicle_id)


@login_required
@require_POST
@domain_errors_as_pages
def release_encumbrance(request, encumbrance_id: int):
    actor = actor_for(request)
    encumbrance = queries.get_or_404(queries.encumbrances_for(actor), pk=encumbrance_id)
    try:
        day = request.POST.get("released_on", "").strip()
        released_on = parse_date(day, field="released_on") if day else None
        records.release_encumbrance(actor=actor, encumbrance=encumbrance, released_on=released_on)
    except DomainError as e:
        if e.status in {401, 403, 404}:
            raise
        row_error = ("release", encumbrance.pk, e.message)
        return _refused(request, actor, encumbrance.vehicle_id, row_error=row_error)
    messages.success(request, str(_("The release is recorded.")))
    return _back(encumbrance.vehicle_id)
