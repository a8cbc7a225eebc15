"""Reads for inspection marks: the rule inputs for one vehicle or the whole city in one SQL
pass, marks for a vehicle, and the actor's scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from cheguan.accounts.actor import Actor
from cheguan.accounts.permissions import has_capability
from cheguan.core.errors import NOT_FOUND
from cheguan.inspection.cycles import add_months
from cheguan.inspection.models import InspectionMark
from cheguan.inspection.rules import Eligibility, VehicleFacts, evaluate
from cheguan.registry.models import (
    Accident,
    Encumbrance,
    EncumbranceKind,
    InsurancePolicy,
    ModificationPenalty,
    TaxStatus,
    Vehicle,
    VehicleTax,
    Violation,
)


def _count(qs: QuerySet) -> Coalesce:
    counted = qs.order_by().values("vehicle").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_facts(vehicles: QuerySet, *, on: dt.date) -> QuerySet:
    """Annotate every rule input on ``vehicles``: one query, correlated subqueries on the
    records' vehicle indexes (partial index for unprocessed violations)."""
    v = OuterRef("pk")
    return vehicles.annotate(
        f_violations=_count(Violation.objects.filter(vehicle=v, processed=False)),
        f_unsettled=_count(Accident.objects.filter(vehicle=v, settled=False)),
        f_casualties=_count(Accident.objects.filter(vehicle=v, with_casualties=True)),
        f_modifications=_count(ModificationPenalty.objects.filter(vehicle=v)),
        f_seizures=_count(
            Encumbrance.objects.filter(
                vehicle=v, kind=EncumbranceKind.SEIZURE, released_on__isnull=True
            )
        ),
        f_insurance_until=Subquery(
            InsurancePolicy.objects.filter(vehicle=v, valid_from__lte=on)
            .order_by()
            .values("vehicle")
            .annotate(m=Max("valid_until"))
            .values("m")
        ),
        f_tax=Exists(
            VehicleTax.objects.filter(
                vehicle=v, year=on.year, status__in=[TaxStatus.PAID, TaxStatus.EXEMPT]
            )
        ),
    )


def facts_of(row: Vehicle) -> VehicleFacts:
    """The rule inputs from a vehicle annotated by :func:`with_facts`."""
    return VehicleFacts(
        vehicle_type=row.vehicle_type,
        seats=row.seats,
        use_nature=row.use_nature,
        status=row.status,
        first_registration_date=row.first_registration_date,
        inspection_valid_until=row.inspection_valid_until,
        unprocessed_violations=row.f_violations,
        unsettled_accidents=row.f_unsettled,
        casualty_accidents=row.f_casualties,
        modification_penalties=row.f_modifications,
        open_seizures=row.f_seizures,
        insurance_valid_until=row.f_insurance_until,
        tax_paid_or_exempt=bool(row.f_tax),
    )


def eligibility_of(vehicle: Vehicle, *, on: dt.date, regime: str | None = None) -> Eligibility:
    row = with_facts(Vehicle.objects.filter(pk=vehicle.pk), on=on).get()
    return evaluate(facts_of(row), on=on, regime=regime)


def due_list(
    *, on: dt.date, within_days: int, office_id: int | None = None, regime: str | None = None
) -> Iterator[tuple[Vehicle, Eligibility]]:
    """The vehicles whose inspection validity ends within ``within_days`` of ``on`` (or has
    ended), with their eligibility — one SQL query, streamed."""
    qs = Vehicle.objects.active().filter(
        inspection_valid_until__lte=on + dt.timedelta(days=within_days),
        inspection_valid_until__gte=add_months(on, -12),
    )
    if office_id is not None:
        qs = qs.filter(office_id=office_id)
    qs = with_facts(qs.order_by("inspection_valid_until", "pk"), on=on).only(
        "pk",
        "plate_number",
        "vin",
        "vehicle_type",
        "seats",
        "use_nature",
        "status",
        "first_registration_date",
        "inspection_valid_until",
        "office_id",
    )
    for row in qs.iterator(chunk_size=5000):
        yield row, evaluate(facts_of(row), on=on, regime=regime)


# --- scope ------------------------------------------------------------------------------------


def vehicle_for(actor: Actor, *, vehicle_id: int | None = None, plate: str = "") -> Vehicle:
    """A vehicle the actor may apply for: the citizen's own (also in an assisted session),
    or any of the office's for a clerk at the window. Anything else: not found."""
    qs = Vehicle.objects.select_related("office", "owner_person")
    if vehicle_id is not None:
        qs = qs.filter(pk=vehicle_id)
    elif plate:
        qs = qs.filter(plate_number=plate.strip().upper()).active()
    else:
        raise NOT_FOUND(field="vehicle")
    citizen = actor.citizen
    user = actor.user
    if citizen is not None:
        qs = qs.filter(owner_person=citizen)
    elif user is not None and has_capability(user, "cases.process"):
        qs = qs.filter(office_id=user.office_id)
    elif user is not None and user.is_partner and user.organisation_id:
        qs = qs.filter(office_id=user.organisation.office_id)
    else:
        raise NOT_FOUND(field="vehicle")
    vehicle = qs.first()
    if vehicle is None:
        raise NOT_FOUND(field="vehicle")
    return vehicle


def mark_for(actor: Actor, serial: str) -> InspectionMark:
    mark = InspectionMark.objects.select_related("vehicle", "office").filter(serial=serial).first()
    if mark is None:
        raise NOT_FOUND(field="serial")
    vehicle_for(actor, vehicle_id=mark.vehicle_id)  # scope check: raises not found
    return mark


def marks_of(vehicle: Vehicle) -> QuerySet:
    return InspectionMark.objects.filter(vehicle=vehicle)
