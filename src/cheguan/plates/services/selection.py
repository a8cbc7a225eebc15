"""Which plate type a case draws, composes or uses, and from which pool: shared by the draw,
self-composition and retention services so that the three agree. Who may choose for a case
is ``plates.queries.require_selector``; the checks every selection runs first are
``plates.services.guards``."""

from __future__ import annotations

from cheguan.cases.models import Case
from cheguan.plates import errors
from cheguan.plates.models import PlateType, Pool
from cheguan.plates.rules import plate_type_for, type_words


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
