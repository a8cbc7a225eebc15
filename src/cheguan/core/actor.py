"""Who is acting: the logged-in user, and the citizen they act for in an assisted session.

Every service takes an ``actor: Actor``. ``Actor.citizen`` is the person whose citizen
services are being used: the user's own person record, or — in an assisted session (帮办) —
the citizen the clerk is helping. The audit trail records both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cheguan.accounts.models import User
    from cheguan.registry.models import Office, Organisation, Person


@dataclass(frozen=True)
class Actor:
    user: User | None
    on_behalf_of: Person | None = None
    assisted_session_id: int | None = None

    @classmethod
    def system(cls) -> Actor:
        """Background tasks and commands that act for nobody in particular."""
        return cls(user=None)

    @property
    def citizen(self) -> Person | None:
        if self.on_behalf_of is not None:
            return self.on_behalf_of
        return getattr(self.user, "person", None) if self.user is not None else None

    @property
    def organisation(self) -> Organisation | None:
        return getattr(self.user, "organisation", None) if self.user is not None else None

    @property
    def office(self) -> Office | None:
        if self.user is None:
            return None
        user = self.user
        if user.office_id:
            return user.office
        if user.organisation is not None:
            return user.organisation.office
        if user.person is not None:
            return user.person.office
        return None

    @property
    def label(self) -> str:
        return self.user.label if self.user is not None else "system"


def actor_for(request) -> Actor:
    """The actor of a request: set by ``AssistedSessionMiddleware`` or the API auth."""
    actor = getattr(request, "actor", None)
    if actor is not None:
        return actor
    user = request.user if request.user.is_authenticated else None
    return Actor(user=user)
