"""The one rule of owned services (docs/adr/0013-owned-services.md): a case of a service
the catalogue gives to an app other than "cases" is opened, advanced and completed only by
that app's own services.

Every case service that opens or moves a case calls :func:`require_owner` with the
``owner`` its caller passed: the generic pages, console and API pass nothing and may act
only on generic services; an owner app passes its label (``owner="inspection"``) and may
act only on its own. Visits and ratings are not guarded: the hall counts every visit and
好差评 rates every case, whoever runs it; nor is the applicant's withdrawal, which ends a
case without any outcome (the ADR says why).
"""

from __future__ import annotations

from cheguan.cases import errors
from cheguan.cases.models import GENERIC_OWNER, Service
from cheguan.cases.owners import owner_named
from cheguan.core.errors import Bi, DomainError


def refusal(service: Service) -> DomainError:
    """Why the generic path does not run this owned service, and where to go instead."""
    words = Bi(service.name_zh, service.name_en)
    owner = owner_named(service.owner)
    if owner is None:
        return errors.SERVICE_NOT_ONLINE(service=words)
    return errors.OWNED_SERVICE(service=words, where=owner.name, path=owner.start_path)


def require_owner(service: Service, owner: str | None) -> None:
    """The generic path (``owner`` None) acts on generic services only; an owner app acts
    on its own services only (anything else is a programming error, not a person's)."""
    if owner is None or owner == GENERIC_OWNER:
        if service.is_owned:
            raise refusal(service)
        return
    if owner != service.owner:
        raise ValueError(f"{owner!r} does not own the service {service.code!r}")
