"""Who may choose a number for which case, and which plate type the case needs.

Shared by the draw, self-composition and retention services so that the three agree.
"""

from __future__ import annotations

from cheguan.accounts.models import User
from cheguan.accounts.partners import require_partner_authorised
from cheguan.cases.models import Case, CaseStatus
from cheguan.cases.services.common import is_applicant, status_words
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import NOT_AUTHENTICATED, NOT_FOUND, Bi
from cheguan.core.permissions import is_staff_of
from cheguan.plates import errors
from cheguan.plates.models import PlateType, Pool, SelectionBan
from cheguan.registry.models import EnergyType, Vehicle

# The catalogue services whose cases get a new number (MVR Art 18, 19, 26; DOMAIN.md §2.1).
PLATE_SERVICES = frozenset({"new_registration", "transfer", "transfer_in", "plate_selection"})
OPEN_STATUSES = frozenset(
    {CaseStatus.DRAFT, CaseStatus.SUBMITTED, CaseStatus.ACCEPTED, CaseStatus.AWAITING_DOCUMENTS}
)
# Vehicle types (code table vehicle_type) that carry the small plate: small and mini
# passenger cars (K3x, K4x), light and mini trucks (H3x, H4x). Trailers (G, B) carry the
# trailer plate; everything else the large plate.
_SMALL_PREFIXES = ("K3", "K4", "H3", "H4")


def plate_type_for(vehicle: Vehicle) -> str:
    """The plate type a vehicle needs (GA 36: a new-energy car gets a green plate)."""
    if vehicle.vehicle_type[:1] in {"G", "B"}:
        return PlateType.TRAILER
    small = vehicle.vehicle_type.startswith(_SMALL_PREFIXES)
    if vehicle.energy_type in EnergyType.new_energy():
        return PlateType.SMALL_NEW_ENERGY if small else PlateType.LARGE_NEW_ENERGY
    return PlateType.SMALL if small else PlateType.LARGE


def type_words(plate_type: str) -> Bi:
    """The type's name in both languages; a code that names no type is the caller's input."""
    if plate_type not in PlateType.values:
        raise errors.UNKNOWN_TYPE(field="plate_type")
    return Bi.of(PlateType(plate_type).label)


def require_selector(actor: Actor, case: Case) -> User:
    """The applicant (a citizen, the clerk assisting them, the dealer that filed the case
    for its customer) or a clerk of the case's office; returns the acting user. Anyone
    else: not found."""
    user = actor.user
    if user is None or not user.is_authenticated:
        raise NOT_AUTHENTICATED()
    if is_applicant(actor, case):
        require_partner_authorised(actor, service=case.service.code)
        return user
    if is_staff_of(user, "plates.process", case.office_id):
        return user
    raise NOT_FOUND(field="case")


def require_plate_case(case: Case) -> None:
    if case.service.code not in PLATE_SERVICES:
        raise errors.NOT_A_PLATE_CASE(
            field="case", service=Bi(case.service.name_zh, case.service.name_en)
        )
    if case.status not in OPEN_STATUSES:
        raise errors.CASE_CLOSED(field="case", status=status_words(case.status))


def is_online_self_service(actor: Actor) -> bool:
    """A citizen acting alone, online — the only channel a selection ban closes."""
    return (
        actor.user is not None
        and actor.assisted_session_id is None
        and actor.user.person_id is not None
        and actor.citizen is not None
    )


def require_not_banned(actor: Actor, case: Case) -> None:
    if not is_online_self_service(actor) or case.applicant_person_id is None:
        return
    ban = (
        SelectionBan.objects.filter(
            person_id=case.applicant_person_id,
            ends_at__gt=clock.now(),
            lifted_at__isnull=True,
        )
        .order_by("-ends_at")
        .first()
    )
    if ban is not None:
        raise errors.BANNED_ONLINE(
            count=ban.expired_holds, until=clock.local_date(ban.ends_at).isoformat()
        )


def case_plate_type(case: Case, requested: str = "") -> str:
    """The plate type of the case's vehicle; a case without a vehicle (a new car not yet in
    the register) names it."""
    if case.vehicle is not None:
        needed = plate_type_for(case.vehicle)
        if requested and requested != needed:
            raise errors.WRONG_VEHICLE_TYPE(
                field="plate_type", expected=type_words(needed), given=type_words(requested)
            )
        return needed
    if requested not in PlateType.values:
        raise errors.PLATE_TYPE_NEEDED(field="plate_type")
    return requested


def pool_of(case: Case, plate_type: str) -> Pool:
    if plate_type not in PlateType.pooled():
        raise errors.NOT_IN_POOL(field="plate_type", plate_type=type_words(plate_type))
    pool = Pool.objects.filter(office_id=case.office_id, plate_type=plate_type).first()
    if pool is None or pool.size == 0:
        raise errors.POOL_EMPTY(
            plate_type=type_words(plate_type), pool=pool.pk if pool is not None else None
        )
    return pool
