"""What each role may do: one table of capabilities, checked by services and views.

A capability is a verb on the domain (``"registry.reveal_personal_data"``), not a URL.
Object scoping (a partner sees only its own organisation's work) lives in each app's
``queries`` module; this table answers only "may this role do this at all".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cheguan.core.errors import NOT_AUTHENTICATED, NOT_FOUND, PERMISSION_DENIED
from cheguan.core.roles import Role

if TYPE_CHECKING:
    from cheguan.accounts.models import User
    from cheguan.registry.models import Person

R = Role
CAPABILITIES: dict[str, frozenset[str]] = {
    # registry
    "registry.view_people": frozenset({R.CLERK, R.INSPECTOR, R.SUPERVISOR, R.ADMIN}),
    "registry.reveal_personal_data": frozenset({R.CLERK, R.SUPERVISOR, R.ADMIN}),
    "registry.manage_people": frozenset({R.CLERK, R.ADMIN}),
    "registry.view_vehicles": frozenset({R.CLERK, R.INSPECTOR, R.SUPERVISOR, R.ADMIN}),
    "registry.manage_vehicles": frozenset({R.CLERK, R.ADMIN}),
    "registry.view_organisations": frozenset({R.CLERK, R.INSPECTOR, R.SUPERVISOR, R.ADMIN}),
    "registry.manage_organisations": frozenset({R.SUPERVISOR, R.ADMIN}),
    "registry.import": frozenset({R.ADMIN}),
    # accounts
    # the office's help desk: find any citizen of the office by ID number or plate
    "accounts.assist_citizens": frozenset({R.CLERK}),
    # act for one citizen who consents (an assisted session): the desk, or a partner's counter
    "accounts.act_for_citizens": frozenset({R.CLERK, R.SERVICE_POINT_AGENT, R.DEALER_AGENT}),
    "accounts.manage_api_tokens": frozenset(
        {R.DEALER_AGENT, R.SCRAPYARD_AGENT, R.DRIVING_SCHOOL_AGENT, R.SERVICE_POINT_AGENT, R.ADMIN}
    ),
    # alerts (raised by any app; supervision will own the queue)
    "alerts.view": frozenset({R.SUPERVISOR, R.ADMIN}),
    # audit
    "audit.view_trail": frozenset({R.SUPERVISOR, R.ADMIN}),
    "audit.view_own_organisation_trail": frozenset(
        {R.DEALER_AGENT, R.SCRAPYARD_AGENT, R.DRIVING_SCHOOL_AGENT, R.SERVICE_POINT_AGENT}
    ),
    # cases
    "cases.process": frozenset({R.CLERK, R.ADMIN}),
    "cases.view_office": frozenset({R.CLERK, R.INSPECTOR, R.SUPERVISOR, R.ADMIN}),
    "cases.supervise": frozenset({R.SUPERVISOR, R.ADMIN}),
    # the office's own figures (aggregates, no one named): the window reads them too; the
    # CSV export and the follow-ups stay the supervisors'
    "cases.view_figures": frozenset({R.CLERK, R.SUPERVISOR, R.ADMIN}),
    "cases.manage_catalogue": frozenset({R.ADMIN}),
    # plates: release segments and keep the blocklist (admin); assign a held number at
    # registration, keep or swap numbers at the window (clerk)
    "plates.manage_pool": frozenset({R.ADMIN}),
    "plates.process": frozenset({R.CLERK, R.ADMIN}),
    # citizen services (also usable by a clerk in an assisted session, see Actor.citizen)
    "citizen.use_services": frozenset({R.CITIZEN}),
}


def has_capability(user, capability: str) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.role in CAPABILITIES[capability]


def require(user: User | None, capability: str) -> User:
    """Raise the domain error a page or the API shows when the role may not do this.

    Returns the user, known from here on to be a logged-in ``User``.
    """
    if user is None or not user.is_authenticated:
        raise NOT_AUTHENTICATED()
    if not has_capability(user, capability):
        raise PERMISSION_DENIED()
    return user


def is_staff_of(user: User | None, capability: str, office_id: int | None) -> bool:
    """Staff holding ``capability`` who work at this office: the one "clerk of this office"
    check that services, queries and pages share."""
    return (
        user is not None
        and user.is_authenticated
        and office_id is not None
        and has_capability(user, capability)
        and user.office_id == office_id
    )


def require_staff_of(
    user: User | None, capability: str, office_id: int | None, *, field: str = ""
) -> User:
    """:func:`is_staff_of` or the error: a role without ``capability`` is refused; staff of
    another office do not see the object at all (not found, on ``field`` if named)."""
    user = require(user, capability)
    if office_id is None or user.office_id != office_id:
        raise NOT_FOUND(field=field) if field else NOT_FOUND()
    return user


def require_office(user: User | None, capability: str) -> int:
    """The office of staff holding ``capability``: the one office whose records they work
    on. Staff of no office have none to work on (not found)."""
    user = require(user, capability)
    if user.office_id is None:
        raise NOT_FOUND(field="office")
    return user.office_id


def require_citizen_context(actor) -> Person:
    """Citizen services: a citizen themself, or a clerk in an open assisted session.
    Returns the citizen whose services are used."""
    if actor.user is None or not actor.user.is_authenticated:
        raise NOT_AUTHENTICATED()
    citizen = actor.citizen
    if citizen is None:
        raise PERMISSION_DENIED()
    return citizen
