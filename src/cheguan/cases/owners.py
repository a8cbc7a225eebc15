"""The apps that own catalogue services, as they register themselves
(docs/adr/0013-owned-services.md).

The catalogue names the app that runs each service (``Service.owner``). A service owned by
an app other than ``"cases"`` is opened, advanced and completed only by that app's own
services, which pass their label to the case services (``open_case(…, owner="plates")``);
the generic case pages, the window console and the cases API route a person to the owner's
page, or refuse (``cases.services.owned``).

The owners sit above cases (the import contract in ``pyproject.toml``), so cases never
imports them: each one registers here from its ``AppConfig.ready()`` — its label, the
service codes it runs, the URL name of the page where a person starts one, and what that
page is, in both languages. An owner the catalogue names that has not registered (an app
not installed yet, as registration, scrapping and exams are before wave 2) has no page:
the generic path refuses its services as "not yet available here". A new owner registers
the same way, with no change to cases.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.urls import reverse

from cheguan.cases.models import GENERIC_OWNER, Case, Service
from cheguan.core.errors import Bi

# The owner's page for one of its cases (``staff``: for the office's clerk, else for the
# applicant), or None for its start page.
PageForCase = Callable[[Case, bool], str | None]


@dataclass(frozen=True)
class Owner:
    label: str  # the app label the catalogue uses in Service.owner
    services: frozenset[str]  # the catalogue codes this app runs
    start: str  # URL name of the page where a person starts one of its services
    name: Bi  # what that page is called, short: 检验合格标志 / inspection marks
    description: Bi  # one line on what a person does there
    page_for_case: PageForCase | None = None
    api: str = ""  # the API operation that starts one, e.g. "POST /api/plates/selections"

    @property
    def start_path(self) -> str:
        return reverse(self.start)

    def path_for(self, case: Case, *, staff: bool) -> str:
        """The owner's page for this case, or its start page."""
        if self.page_for_case is not None:
            found = self.page_for_case(case, staff)
            if found:
                return found
        return self.start_path


_owners: dict[str, Owner] = {}


def register(
    *,
    label: str,
    services: Iterable[str],
    start: str,
    name: Bi,
    description: Bi,
    page_for_case: PageForCase | None = None,
    api: str = "",
) -> Owner:
    """Called by an owner app's ``AppConfig.ready()``. Registering again replaces the entry
    (``ready()`` may run more than once)."""
    if label == GENERIC_OWNER or not label:
        raise ValueError("the generic case pages are not an owner")
    owner = Owner(
        label=label,
        services=frozenset(services),
        start=start,
        name=name,
        description=description,
        page_for_case=page_for_case,
        api=api,
    )
    for other in _owners.values():
        if other.label != label and other.services & owner.services:
            raise ValueError(
                f"{label} and {other.label} both claim {other.services & owner.services}"
            )
    _owners[label] = owner
    return owner


def owner_named(label: str) -> Owner | None:
    """The registered owner with this label; None for "cases" and for an app not installed."""
    return _owners.get(label)


def owners() -> list[Owner]:
    return sorted(_owners.values(), key=lambda o: o.label)


def claimant_of(code: str) -> str | None:
    """The registered owner that says it runs this service code, if any."""
    return next((o.label for o in _owners.values() if code in o.services), None)


@dataclass(frozen=True)
class Route:
    """Where a person applies for a service: the generic form, the owner's page, or
    nowhere on this platform yet (an owner that is not installed)."""

    service: Service
    owner: Owner | None

    @property
    def generic(self) -> bool:
        return not self.service.is_owned

    @property
    def online(self) -> bool:
        """The platform runs it: generically, or through its installed owner."""
        return self.generic or self.owner is not None

    @property
    def path(self) -> str:
        """Where to apply: the generic form, the owner's start page, or "" (not here yet)."""
        if self.owner is not None:
            return self.owner.start_path
        if self.generic:
            return reverse("cases:apply_service", args=[self.service.code])
        return ""


def route_for(service: Service) -> Route:
    return Route(service=service, owner=owner_named(service.owner) if service.is_owned else None)
