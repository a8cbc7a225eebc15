"""Registry reads, scoped to the acting user.

Scoping rules (docs/adr/0003-permission-scoping.md):
- office staff see their own office's records;
- a citizen sees their own person record and the vehicles they own;
- a partner sees its own organisation and nothing of other partners;
- a clerk in an assisted session sees what the citizen would, plus what staff see.
Anything outside the scope is "not found" (404), never "forbidden", so ids don't leak.
"""

from __future__ import annotations

from django.db.models import QuerySet

from cheguan.accounts.actor import Actor
from cheguan.accounts.models import Role
from cheguan.accounts.permissions import has_capability
from cheguan.core.errors import NOT_FOUND
from cheguan.registry.models import Office, Organisation, Person, Vehicle


def find_person_by_document(*, office: Office | None, id_number: str) -> Person | None:
    number = (id_number or "").strip().upper()
    if not number or office is None:
        return None
    return Person.objects.filter(office=office, id_number=number).first()


def people_for(actor: Actor) -> QuerySet[Person]:
    user = actor.user
    qs = Person.objects.select_related("office")
    if user is None:
        return qs.none()
    if has_capability(user, "registry.view_people"):
        return qs.filter(office_id=user.office_id)
    if actor.citizen is not None:
        return qs.filter(pk=actor.citizen.pk)
    return qs.none()


def vehicles_for(actor: Actor) -> QuerySet[Vehicle]:
    user = actor.user
    qs = Vehicle.objects.select_related("office", "owner_person", "owner_organisation")
    if user is None:
        return qs.none()
    if has_capability(user, "registry.view_vehicles"):
        return qs.filter(office_id=user.office_id)
    if user.role == Role.CITIZEN and actor.citizen is not None:
        return qs.filter(owner_person=actor.citizen)
    if user.is_partner:
        return qs.filter(owner_organisation_id=user.organisation_id)
    return qs.none()


def citizen_vehicles(actor: Actor) -> QuerySet[Vehicle]:
    """The vehicles of the citizen being served (themself, or the one a clerk assists)."""
    if actor.citizen is None:
        return Vehicle.objects.none()
    return Vehicle.objects.select_related("office").filter(owner_person=actor.citizen)


def organisations_for(actor: Actor) -> QuerySet[Organisation]:
    user = actor.user
    qs = Organisation.objects.select_related("office")
    if user is None:
        return qs.none()
    if has_capability(user, "registry.view_organisations"):
        return qs.filter(office_id=user.office_id)
    if user.is_partner:
        return qs.filter(pk=user.organisation_id)
    return qs.none()


def get_or_404(qs: QuerySet, **lookup):
    obj = qs.filter(**lookup).first()
    if obj is None:
        raise NOT_FOUND()
    return obj
