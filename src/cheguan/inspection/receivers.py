"""What the inspection app does when the registry tells it something (connected in
``apps.py``). Each receiver is one call to a service; the rules live there."""

from __future__ import annotations

from cheguan.inspection import services


def revoke_marks_on_deregistration(sender, *, vehicle, actor, **kwargs) -> None:
    """A deregistered vehicle's valid marks are revoked, in the deregistration's transaction."""
    services.revoke_marks_of_deregistered(actor=actor, vehicle=vehicle)
