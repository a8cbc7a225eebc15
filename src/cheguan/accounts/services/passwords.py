"""The actor's own password."""

from __future__ import annotations

from django.db import transaction

from cheguan.accounts.models import User
from cheguan.audit.services import record
from cheguan.core.actor import Actor
from cheguan.core.errors import NOT_AUTHENTICATED


@transaction.atomic
def change_password(*, actor: Actor, new_password: str) -> None:
    """The actor's own password, already checked by Django's password form and validators."""
    if actor.user is None or not actor.user.is_authenticated:
        raise NOT_AUTHENTICATED()
    user = User.objects.select_for_update().get(pk=actor.user.pk)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    actor.user.password = user.password  # keeps the session valid (update_session_auth_hash)
    record(actor=Actor(user=user), action="accounts.password_changed", subject=user)
