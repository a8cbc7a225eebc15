"""Web-layer writes: the user's display preferences."""

from __future__ import annotations

from django.db import transaction

from cheguan.accounts.models import User
from cheguan.audit.services import record
from cheguan.core.actor import Actor


@transaction.atomic
def set_elder_mode(*, actor: Actor, on: bool) -> bool:
    """Remember elder mode (关怀模式) on the user's profile; returns whether it changed."""
    if actor.user is None:
        return False
    changed = User.objects.filter(pk=actor.user.pk).exclude(elder_mode=on).update(elder_mode=on)
    if changed:
        record(actor=actor, action="web.elder_mode_set", subject=actor.user, data={"on": on})
    return bool(changed)
