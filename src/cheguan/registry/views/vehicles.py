"""Vehicle pages: a citizen's "My vehicles" and one vehicle's page. On that page a clerk of
the office (``registry.manage_vehicles``) also finds one small form per record the office
learns about (posted to ``registry.views.records``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cheguan.core.actor import Actor, actor_for
from cheguan.core.pages import domain_errors_as_pages
from cheguan.core.permissions import has_capability, require_citizen_context
from cheguan.registry import queries, status_words
from cheguan.registry.models import EncumbranceKind, TaxStatus, Vehicle

# --- citizens ------------------------------------------------------------------------------


@login_required
@domain_errors_as_pages
def my_vehicles(request):
    actor = actor_for(request)
    require_citizen_context(actor)
    vehicles = queries.with_blocking_summary(queries.citizen_vehicles(actor).order_by("id"))
    return render(
        request,
        "registry/my_vehicles.html",
        {"citizen": actor.citizen, "cards": [status_words.vehicle_card(v) for v in vehicles]},
    )


# --- one vehicle -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Input:
    name: str
    label: str | Promise
    type: str = "text"  # text, number, date, datetime-local, checkbox, select
    choices: tuple = ()
    required: bool = True
    help: str | Promise = ""


# What a clerk records on the vehicle's page: kind -> (title, button, inputs).
RECORD_FORMS: dict[str, tuple[Promise, Promise, tuple[Input, ...]]] = {
    "violation": (
        _("A traffic violation reported by the traffic police"),
        _("Record the violation"),
        (
            Input("occurred_at", _("When it happened"), "datetime-local"),
            Input("code", _("Violation code"), help=_("As the traffic police give it, e.g. 1625")),
            Input("description", _("What happened")),
            Input("points", _("Points"), "number", required=False),
            Input("fine_yuan", _("Fine (yuan)"), "number", required=False),
        ),
    ),
    "accident": (
        _("An accident"),
        _("Record the accident"),
        (
            Input("occurred_on", _("Date"), "date"),
            Input("with_casualties", _("Injuries or deaths"), "checkbox", required=False),
            Input("settled", _("Settled"), "checkbox", required=False),
            Input("description", _("Description"), required=False),
        ),
    ),
    "insurance": (
        _("A compulsory insurance policy"),
        _("Record the policy"),
        (
            Input("policy_number", _("Policy")),
            Input("valid_from", _("From"), "date"),
            Input("valid_until", _("Until"), "date"),
        ),
    ),
    "tax": (
        _("The vehicle tax of a year"),
        _("Record the tax status"),
        (
            Input("year", _("Year"), "number"),
            Input("status", _("Status"), "select", tuple(TaxStatus.choices)),
        ),
    ),
    "modification": (
        _("An illegal-modification penalty"),
        _("Record the penalty"),
        (
            Input("decided_on", _("Decided on"), "date"),
            Input("description", _("Description")),
        ),
    ),
    "encumbrance": (
        _("A seizure, mortgage or pledge"),
        _("Record it"),
        (
            Input("kind", _("Kind"), "select", tuple(EncumbranceKind.choices)),
            Input("authority", _("Authority"), help=_("The court, bureau or lender")),
            Input("started_on", _("Since"), "date"),
        ),
    ),
}


def may_record(actor: Actor, vehicle: Vehicle) -> bool:
    return actor.citizen is None and has_capability(actor.user, "registry.manage_vehicles")


def record_forms(vehicle: Vehicle, *, kind: str = "", values=None, errors=None) -> list[dict]:
    """The forms, the one just posted (``kind``) with its values and errors beside fields."""
    forms = []
    for name, (title, button, inputs) in RECORD_FORMS.items():
        posted = name == kind
        mine = (errors or {}) if posted else {}
        shown = (values or {}) if posted else {}
        names = {i.name for i in inputs}
        forms.append(
            {
                "kind": name,
                "title": title,
                "button": button,
                "url": reverse(f"registry:record_{name}", kwargs={"vehicle_id": vehicle.pk}),
                "open": posted,
                "error": "; ".join(str(m) for f, m in mine.items() if f not in names),
                "inputs": [
                    {"input": i, "value": shown.get(i.name, ""), "error": mine.get(i.name, "")}
                    for i in inputs
                ],
            }
        )
    return forms


def vehicle_context(
    actor: Actor,
    vehicle: Vehicle,
    *,
    kind: str = "",
    values=None,
    errors=None,
    row_error: tuple[str, int, str] | None = None,
) -> dict:
    """The vehicle's page; after a refused form, that form's values and errors, or for a
    refused row action (``("release", encumbrance id, message)``) its message by the row."""
    citizen = actor.citizen
    recording = may_record(actor, vehicle)
    records = queries.vehicle_records(vehicle)
    if row_error is not None:
        action, pk, message = row_error
        rows = records["violations" if action == "process" else "encumbrances"]
        for row in rows:
            row.row_error = message if row.pk == pk else ""
    return {
        **status_words.vehicle_card(vehicle),
        "records": records,
        # the owner (or whoever acts for them) is offered the next step; staff read on
        "owners_view": citizen is not None and vehicle.owner_person_id == citizen.pk,
        # a clerk records an export, a loss or a court order (registry.views.deregistration)
        "may_deregister": recording and vehicle.status != "deregistered",
        # ... and what the office learns about the vehicle (registry.views.records)
        "may_record": recording,
        "record_forms": record_forms(vehicle, kind=kind, values=values, errors=errors)
        if recording
        else [],
    }


@login_required
@domain_errors_as_pages
def vehicle_detail(request, vehicle_id: int):
    actor = actor_for(request)
    qs = queries.with_blocking_summary(queries.vehicles_for(actor))
    vehicle = queries.get_or_404(qs, pk=vehicle_id)
    return render(request, "registry/vehicle_detail.html", vehicle_context(actor, vehicle))
