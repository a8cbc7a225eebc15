"""The one scoping layer: what an actor may see, as database filters.

Every model a person reaches by an id has a queryset method ``visible_to(actor)`` built
with :func:`visible` from the conditions that apply to the actor (docs/adr/0003): office
staff see their office's records, a citizen their own, a partner its organisation's, and
someone acting for a citizen (an assisted session) what that citizen may. Pages, the API
and the services start every read of such a model there; an object outside it is "not
found" (404). ``tests/security/test_cross_party.py`` tries every endpoint and page that
takes an id with every partner role and another party's ids.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Q, QuerySet

from cheguan.core.permissions import has_capability

QS = TypeVar("QS", bound=QuerySet)


def visible(qs: QS, *conditions: Q | None) -> QS:
    """``qs`` narrowed to the rows matching any of the conditions that apply (``None``
    means "does not apply to this actor"); nothing at all when none applies."""
    applying = [c for c in conditions if c is not None]
    if not applying:
        return qs.none()
    combined = applying[0]
    for condition in applying[1:]:
        combined |= condition
    return qs.filter(combined)


def staff_office(actor, capability: str) -> int | None:
    """The office whose records the actor sees as staff holding ``capability``, if any."""
    user = actor.user
    if user is None or not has_capability(user, capability):
        return None
    return user.office_id


def partner_organisation_id(actor) -> int | None:
    user = actor.user
    if user is None or not user.is_authenticated or not user.is_partner:
        return None
    return user.organisation_id


def served_citizen_id(actor) -> int | None:
    """The citizen whose own records the actor sees: themself, or the citizen of the
    consented assisted session a clerk or a partner's agent is acting in."""
    if actor.user is None:
        return None
    citizen = actor.citizen
    return citizen.pk if citizen is not None else None


def when(value, condition: Q) -> Q | None:
    """``condition`` if ``value`` is set, else ``None`` (does not apply)."""
    return condition if value is not None else None
