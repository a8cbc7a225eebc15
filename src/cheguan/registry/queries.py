"""Registry reads, scoped to the acting user.

Scoping rules (docs/adr/0003-permission-scoping.md):
- office staff see their own office's records;
- a citizen sees their own person record and the vehicles they own;
- a partner sees its own organisation and nothing of other partners;
- a clerk in an assisted session sees what the citizen would, plus what staff see.
Anything outside the scope is "not found" (404), never "forbidden", so ids don't leak.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import NOT_FOUND, PERMISSION_DENIED
from cheguan.core.permissions import has_capability
from cheguan.core.roles import Role
from cheguan.registry.models import (
    Accident,
    Encumbrance,
    InsurancePolicy,
    Office,
    Organisation,
    Person,
    Vehicle,
    VehicleTax,
    Violation,
)


def search_text(value: object, *, max_length: int = 60) -> str:
    """A search term as typed: trimmed, without control characters (which no record holds
    and PostgreSQL refuses in a query)."""
    if not isinstance(value, str):
        return ""
    kept = "".join(ch for ch in value if unicodedata.category(ch) not in {"Cc", "Cs"})
    return kept.strip()[:max_length]


def find_person_by_document(*, office: Office | None, id_number: str) -> Person | None:
    number = search_text(id_number, max_length=30).upper()
    if not number or office is None:
        return None
    return Person.objects.filter(office=office, id_number=number).first()


def people_for(actor: Actor) -> QuerySet[Person]:
    return Person.objects.visible_to(actor).select_related("office")


def vehicles_for(actor: Actor) -> QuerySet[Vehicle]:
    return Vehicle.objects.visible_to(actor).select_related(
        "office", "owner_person", "owner_organisation"
    )


def violations_for(actor: Actor) -> QuerySet[Violation]:
    """Violations of the vehicles in the actor's scope."""
    return Violation.objects.filter(vehicle__in=Vehicle.objects.visible_to(actor))


def encumbrances_for(actor: Actor) -> QuerySet[Encumbrance]:
    """Seizures, mortgages and pledges of the vehicles in the actor's scope."""
    return Encumbrance.objects.filter(vehicle__in=Vehicle.objects.visible_to(actor))


def citizen_vehicles(actor: Actor) -> QuerySet[Vehicle]:
    """The vehicles of the citizen being served (themself, or the one a clerk assists)."""
    if actor.citizen is None:
        return Vehicle.objects.none()
    return Vehicle.objects.select_related("office").filter(owner_person=actor.citizen)


def organisations_for(actor: Actor) -> QuerySet[Organisation]:
    return Organisation.objects.visible_to(actor).select_related("office")


def get_or_404(qs: QuerySet, **lookup):
    obj = qs.filter(**lookup).first()
    if obj is None:
        raise NOT_FOUND()
    return obj


def case_parties(
    actor: Actor,
    *,
    vehicle_id: int | None,
    person_id: int | None,
    organisation_id: int | None,
) -> tuple[Vehicle | None, Person | None, Organisation | None]:
    """The vehicle and applicants an API request names by id, each read within what the
    actor may see (a citizen, or whoever acts for one: the citizen's own vehicles); an id
    outside it is not found."""
    vehicle = person = organisation = None
    if vehicle_id is not None:
        vehicles = citizen_vehicles(actor) if actor.citizen is not None else vehicles_for(actor)
        vehicle = get_or_404(vehicles, pk=vehicle_id)
    if person_id is not None:
        person = get_or_404(people_for(actor), pk=person_id)
    if organisation_id is not None:
        organisation = get_or_404(organisations_for(actor), pk=organisation_id)
    return vehicle, person, organisation


# --- may this actor list these at all? (403 for a role with no scope; 404 per object) ----


def require_people_scope(actor: Actor) -> None:
    if not has_capability(actor.user, "registry.view_people"):
        raise PERMISSION_DENIED()


def require_vehicle_scope(actor: Actor) -> None:
    user = actor.user
    if has_capability(user, "registry.view_vehicles"):
        return
    if user is not None and (user.is_partner or user.role == Role.CITIZEN):
        return
    raise PERMISSION_DENIED()


def require_organisation_scope(actor: Actor) -> None:
    user = actor.user
    if has_capability(user, "registry.view_organisations"):
        return
    if user is not None and user.is_partner:
        return
    raise PERMISSION_DENIED()


# --- searches -----------------------------------------------------------------------------


def search_people(actor: Actor, *, q: str = "", id_number: str = "") -> QuerySet[Person]:
    """Staff search: an exact document number, or a name (exact, or starting with it)."""
    qs = people_for(actor)
    number = search_text(id_number, max_length=30).upper()
    if number:
        qs = qs.filter(id_number=number)
    term = search_text(q)
    if term:
        qs = qs.filter(Q(id_number=term.upper()) | Q(name__startswith=term))
    return qs.order_by("name", "id")


def search_vehicles(
    actor: Actor, *, vin: str = "", plate_number: str = "", status: str = ""
) -> QuerySet[Vehicle]:
    qs = vehicles_for(actor)
    if vin := search_text(vin, max_length=17).upper():
        qs = qs.filter(vin=vin)
    if plate := search_text(plate_number, max_length=10).upper().replace(" ", ""):
        qs = qs.filter(plate_number=plate)
    if status := search_text(status, max_length=15):
        qs = qs.filter(status=status)
    return qs.order_by("id")


# --- records that block services ------------------------------------------------------------


def _count(model, **filters) -> Coalesce:
    rows = (
        model.objects.filter(vehicle=OuterRef("pk"), **filters)
        .order_by()
        .values("vehicle")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def with_blocking_summary(qs: QuerySet[Vehicle], *, day: dt.date | None = None):
    """Annotate each vehicle with what blocks its services, in one query (no N+1)."""
    day = day or clock.today()
    return qs.annotate(
        unprocessed_violations=_count(Violation, processed=False),
        casualty_accidents=_count(Accident, with_casualties=True),
        open_encumbrances=_count(Encumbrance, released_on__isnull=True),
        insurance_valid_today=Exists(
            InsurancePolicy.objects.filter(
                vehicle=OuterRef("pk"), valid_from__lte=day, valid_until__gte=day
            )
        ),
        tax_status_this_year=Subquery(
            VehicleTax.objects.filter(vehicle=OuterRef("pk"), year=day.year).values("status")[:1]
        ),
    )


@dataclass(frozen=True)
class BlockingSummary:
    unprocessed_violations: int
    casualty_accidents: int
    insurance_valid_today: bool
    tax_status_this_year: str | None  # paid / exempt / unpaid, or None: no record
    open_encumbrances: int

    @property
    def blocks_services(self) -> bool:
        return bool(
            self.unprocessed_violations
            or self.open_encumbrances
            or not self.insurance_valid_today
            or self.tax_status_this_year == "unpaid"
        )


def blocking_summary(vehicle: Vehicle) -> BlockingSummary:
    """The summary of a vehicle annotated by :func:`with_blocking_summary` (or fetched)."""
    if not hasattr(vehicle, "unprocessed_violations"):
        vehicle = with_blocking_summary(Vehicle.objects.filter(pk=vehicle.pk)).get()
    annotated: Any = vehicle
    return BlockingSummary(
        unprocessed_violations=annotated.unprocessed_violations,
        casualty_accidents=annotated.casualty_accidents,
        insurance_valid_today=annotated.insurance_valid_today,
        tax_status_this_year=annotated.tax_status_this_year,
        open_encumbrances=annotated.open_encumbrances,
    )


RECENT = 50


def vehicle_records(vehicle: Vehicle) -> dict[str, list]:
    """The vehicle's records, newest first (at most 50 of each kind)."""
    return {
        "violations": list(vehicle.violations.all()[:RECENT]),
        "accidents": list(vehicle.accidents.all()[:RECENT]),
        "insurance": list(vehicle.insurance_policies.all()[:RECENT]),
        "taxes": list(vehicle.taxes.all()[:RECENT]),
        "modifications": list(vehicle.modification_penalties.all()[:RECENT]),
        "encumbrances": list(vehicle.encumbrances.all()[:RECENT]),
    }
