"""The two vehicle fields other apps move: the plate number and the inspection validity.

The registry owns the ``Vehicle`` row; ``plates`` decides which number a vehicle carries
and ``inspection`` how long its mark is valid. They do not write those fields themselves:
they call these functions, which check the registry's own invariants and write only the
fields named (``save(update_fields=…)``). A test (tests/test_vehicle_writers.py) fails on
any other writer.

Each function runs inside the caller's transaction and refuses to run outside one: the
caller is the use case (assigning a number, a swap, keeping a number, issuing a mark), it
holds the vehicle's row lock and writes the audit event, which names the vehicle, the new
value and the old one. The registry records no trail entry of its own for these writes:
a second event would say the same thing again, without the case and the reason that only
the use case knows.

Which numbers may go on a vehicle at all is partly the number pool's rule (a pool number
reaches a vehicle only through the selection services, MVR Art 43, 83). The registry sits
below ``plates`` and cannot ask it, so ``plates`` registers that rule from its
``AppConfig.ready()`` (``vehicles.register_number_rule``), and every path that puts a number on
a vehicle — :func:`put_plate_number`, :func:`exchange_plate_numbers` and
``register_vehicle`` — runs it (docs/adr/0018-kernel-order.md: the lower app takes the
upper app's words by registration; ADR 0008: no rule hidden in ``save()``).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from cheguan.core.actor import Actor
from cheguan.core.errors import ErrorCode
from cheguan.registry.models import Vehicle, VehicleStatus
from cheguan.registry.services.vehicles import PLATE_IN_USE, check_number_may_go_on

VEHICLE_DEREGISTERED = ErrorCode(
    "registry.vehicle_deregistered",
    "该车辆已注销登记，不能再变更号牌号码或检验有效期。",
    "This vehicle is deregistered: its plate number and inspection validity no longer change.",
    409,
)
NO_PLATE_NUMBER = ErrorCode(
    "registry.no_plate_number",
    "该车辆没有号牌号码，无法互换。",
    "This vehicle has no plate number to exchange.",
    409,
)
VALIDITY_BACKWARDS = ErrorCode(
    "registry.validity_backwards",
    "检验有效期只能延后：当前有效期至{current}，不能改为{given}。",
    "The inspection validity only moves forward: it is valid until {current}, not {given}.",
    409,
)


def _in_callers_transaction(what: str) -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"{what} runs inside the use case's transaction")


def _refuse_deregistered(vehicle: Vehicle, field: str) -> None:
    if vehicle.status == VehicleStatus.DEREGISTERED:
        raise VEHICLE_DEREGISTERED(field=field)


def _refuse_taken(number: str, vehicle_ids: list[int]) -> None:
    """The number is not on another active vehicle (the database's partial unique index
    ``vehicle_plate_unique_while_active`` holds the same, for concurrent writers)."""
    taken = (
        Vehicle.objects.active().filter(plate_number=number).exclude(pk__in=vehicle_ids).exists()
    )
    if taken:
        raise PLATE_IN_USE(field="plate_number")


def put_plate_number(
    *, actor: Actor, vehicle: Vehicle, number: str, plate_kind: str | None = None
) -> str | None:
    """Put ``number`` (and, if given, its plate kind) on the vehicle, which the caller has
    locked. Refused: a deregistered vehicle, a number on another active vehicle, a number
    a registered rule refuses. Returns the number the vehicle carried before.
    Runs inside the caller's transaction."""
    _in_callers_transaction("put_plate_number")
    _refuse_deregistered(vehicle, "vehicle")
    _refuse_taken(number, [vehicle.pk])
    check_number_may_go_on(number, vehicle.pk)
    previous = vehicle.plate_number
    vehicle.plate_number = number
    fields = ["plate_number"]
    if plate_kind is not None:
        vehicle.plate_kind = plate_kind
        fields.append("plate_kind")
    vehicle.save(update_fields=fields)
    return previous


def take_plate_number_off(*, actor: Actor, vehicle: Vehicle) -> str | None:
    """The vehicle (locked by the caller) carries no number any more: the number was kept
    by its owner (MVR Art 44). Allowed in any status. Returns the number it carried.
    Runs inside the caller's transaction."""
    _in_callers_transaction("take_plate_number_off")
    previous = vehicle.plate_number
    vehicle.plate_number = None
    vehicle.save(update_fields=["plate_number"])
    return previous


def exchange_plate_numbers(*, actor: Actor, a: Vehicle, b: Vehicle) -> None:
    """Two active vehicles (both locked by the caller) exchange their numbers. Each number
    must be allowed on its new vehicle by the registered rules (``plates`` binds the
    numbers first). The unique index on active vehicles' numbers is checked at each
    statement on PostgreSQL, so ``a`` is cleared first, then ``b`` takes ``a``'s number
    and ``a`` takes ``b``'s.
    Runs inside the caller's transaction."""
    _in_callers_transaction("exchange_plate_numbers")
    for vehicle, field in ((a, "vehicle_a"), (b, "vehicle_b")):
        _refuse_deregistered(vehicle, field)
        if not vehicle.plate_number:
            raise NO_PLATE_NUMBER(field=field)
    number_a, number_b = a.plate_number, b.plate_number
    assert number_a is not None and number_b is not None  # for mypy: checked above
    check_number_may_go_on(number_a, b.pk)
    check_number_may_go_on(number_b, a.pk)
    a.plate_number = None
    a.save(update_fields=["plate_number"])
    b.plate_number = number_a
    b.save(update_fields=["plate_number"])
    a.plate_number = number_b
    a.save(update_fields=["plate_number"])


def extend_inspection_validity(
    *, actor: Actor, vehicle: Vehicle, valid_until: dt.date
) -> dt.date | None:
    """A mark was issued: the vehicle (locked by the caller) is inspected until
    ``valid_until``. Refused: a deregistered vehicle, or a date before the validity it
    has (a validity only moves forward; revoking a mark leaves the vehicle's date as it
    is). Returns the previous validity.
    Runs inside the caller's transaction."""
    _in_callers_transaction("extend_inspection_validity")
    _refuse_deregistered(vehicle, "vehicle")
    previous = vehicle.inspection_valid_until
    if previous is not None and valid_until < previous:
        raise VALIDITY_BACKWARDS(
            field="valid_until", current=previous.isoformat(), given=valid_until.isoformat()
        )
    vehicle.inspection_valid_until = valid_until
    vehicle.save(update_fields=["inspection_valid_until"])
    return previous
