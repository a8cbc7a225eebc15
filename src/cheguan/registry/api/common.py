"""What the registry's API modules share."""

from cheguan.core.actor import Actor
from cheguan.core.errors import PERMISSION_DENIED
from cheguan.registry.models import Office


def office_of(actor: Actor) -> Office:
    office = actor.office
    if office is None:  # only office staff create registry records
        raise PERMISSION_DENIED()
    return office
