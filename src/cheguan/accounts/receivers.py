"""What accounts does when the registry tells it something (connected in ``apps.py``)."""

from __future__ import annotations

from cheguan.accounts import services
from cheguan.registry.models import AuthorisationStatus


def close_doors_of_withdrawn_partner(
    sender, *, organisation, actor, previous, current, reason, **kwargs
) -> None:
    """A partner suspended or revoked stops acting for citizens at once; a revoked one's API
    tokens are revoked too (its agents' page sessions end on their next request, and they
    cannot log in again: ``PartnerStandingMiddleware``, ``backends``). In the change's
    transaction, each step audited."""
    if current in {AuthorisationStatus.SUSPENDED, AuthorisationStatus.REVOKED}:
        services.end_organisation_sessions(actor=actor, organisation_id=organisation.pk)
    if current == AuthorisationStatus.REVOKED:
        services.revoke_organisation_tokens(
            actor=actor, organisation_id=organisation.pk, reason=reason
        )
