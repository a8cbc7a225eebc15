"""What each role's home page shows: its own work, read through the apps' queries.

One function per kind of home page; :func:`context_for` picks by role. Only the shared
apps' queries are used here (registry, accounts, audit), so a domain capability that
arrives later adds its own section without changing these.
"""

from __future__ import annotations

from dataclasses import dataclass

from cheguan.accounts import queries as accounts_queries
from cheguan.audit import queries as audit_queries
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.roles import Role
from cheguan.registry import queries as registry_queries
from cheguan.registry import status_words
from cheguan.registry.models import Standing, Vehicle, VehicleStatus
from cheguan.registry.status_words import StatusWords

RECENT_EVENTS = 5
VIN_SHOWN = 6  # the home page shows only the end of a VIN, like a bank card number


@dataclass(frozen=True)
class VehicleCard:
    """A vehicle card of a home page: the vehicle, its state in words (the one source,
    ``registry.status_words``) and only the end of its VIN."""

    vehicle: Vehicle
    words: StatusWords
    masked_vin: str
    plate_id: str
    state_id: str

    @property
    def plate_number(self) -> str:
        return self.vehicle.plate_number or ""

    @property
    def make_model(self) -> str:
        return f"{self.vehicle.make} {self.vehicle.model}".strip()

    @property
    def status(self) -> str:
        """The whole state on one line: the headline and every thing to sort out."""
        return self.words.one_line

    @property
    def normal(self) -> bool:
        return self.words.is_ok


def masked_vin(vin: str) -> str:
    return "*" * max(len(vin) - VIN_SHOWN, 0) + vin[-VIN_SHOWN:]


def vehicle_cards(actor: Actor) -> list[VehicleCard]:
    vehicles = registry_queries.with_blocking_summary(
        registry_queries.citizen_vehicles(actor)
        .exclude(status=VehicleStatus.DEREGISTERED)
        .order_by("id")
    )
    cards = []
    for v in vehicles:
        card = status_words.vehicle_card(v, masked_vin=masked_vin(v.vin))
        cards.append(
            VehicleCard(
                vehicle=v,
                words=card["words"],
                masked_vin=card["masked_vin"],
                plate_id=card["plate_id"],
                state_id=card["state_id"],
            )
        )
    return cards


def _citizen(actor: Actor) -> dict:
    return {"citizen": actor.citizen, "vehicles": vehicle_cards(actor)}


def _clerk(actor: Actor, request) -> dict:
    session = getattr(request, "assisted_session", None)
    ctx: dict = {"session": session, "office": actor.office}
    if session is not None:
        ctx["citizen"] = session.citizen
        ctx["vehicles"] = vehicle_cards(actor)
        ctx["consent_vehicles"] = accounts_queries.consent_vehicles(session)
    return ctx


def _recent_events(actor: Actor) -> list:
    page = audit_queries.trail_page(actor, audit_queries.TrailFilters(), limit=RECENT_EVENTS)
    return page.events


def _supervisor(actor: Actor) -> dict:
    return {"office": actor.office, "recent_events": _recent_events(actor)}


def _authorised_services(organisation, language: str) -> list[str]:
    """The names of the catalogue services the organisation is authorised for."""
    from cheguan.cases.queries import catalogue

    codes = list(organisation.authorised_services or [])
    names = {s.code: s.name_in(language) for s in catalogue(office_id=organisation.office_id)}
    return [names.get(code, code) for code in codes]


def _partner(actor: Actor, request) -> dict:
    organisation = registry_queries.organisations_for(actor).first()
    today = clock.today()
    standing = organisation.standing_on(today) if organisation is not None else None
    language = "en" if (getattr(request, "LANGUAGE_CODE", "") or "").startswith("en") else "zh-hans"
    return {
        "organisation": organisation,
        "standing": standing,
        "standing_label": Standing(standing).label if standing else "",
        "authorised_today": standing == Standing.AUTHORISED,
        "authorised_services": _authorised_services(organisation, language)
        if organisation is not None
        else [],
        "recent_events": _recent_events(actor),
    }


def _office_staff(actor: Actor) -> dict:
    return {"office": actor.office}


def context_for(request) -> dict:
    actor: Actor = request.actor
    if actor.user is None:
        return {}
    role = actor.user.role
    if role == Role.CITIZEN:
        return _citizen(actor)
    if role == Role.CLERK:
        return _clerk(actor, request)
    if role == Role.SUPERVISOR:
        return _supervisor(actor)
    if actor.user.is_partner:
        return _partner(actor, request)
    if role == Role.ADMIN:
        return {"office": actor.office, "recent_events": _recent_events(actor)}
    return _office_staff(actor)
