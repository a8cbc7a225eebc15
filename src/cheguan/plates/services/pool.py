"""The pool's own life: releasing a segment, compacting the slots, retained numbers coming
back, and binding a held number to its vehicle when the registration completes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import islice

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from cheguan.audit.services import record
from cheguan.cases import services as cases
from cheguan.cases.models import Case, CaseStatus
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import NOT_FOUND, Bi
from cheguan.core.permissions import require, require_staff_of
from cheguan.plates import errors, formats, locks
from cheguan.plates.conf import setting
from cheguan.plates.models import (
    EventKind,
    NumberEvent,
    NumberState,
    PlateNumber,
    PlateType,
    Pool,
    Segment,
)
from cheguan.plates.rules import OWNER, SERVICE_CODE, add_years, plate_type_for, type_words
from cheguan.registry.models import Office, Vehicle
from cheguan.registry.services.vehicle_fields import put_plate_number

RELEASE_BATCH = 5000
DRAWABLE = (NumberState.FREE, NumberState.OFFERED, NumberState.HELD)


@dataclass(frozen=True)
class Release:
    segment: Segment
    released: int
    blocked: int  # barred by the never-release blocklist
    in_use: int  # already on a vehicle of the register


def _pool_for_update(office: Office, plate_type: str) -> Pool:
    pool, _created = Pool.objects.get_or_create(office=office, plate_type=plate_type)
    locks.own_pool(pool.pk)
    return Pool.objects.select_for_update().get(pk=pool.pk)


@transaction.atomic
def release_segment(
    *, actor: Actor, office: Office, plate_type: str, first: str, last: str
) -> Release:
    """Release the serials ``first``–``last`` of a plate type into the office's pool (an
    admin action, audited). Numbers the office's never-release blocklist matches are left
    out; a range that overlaps numbers already released is refused whole."""
    user = require_staff_of(actor.user, "plates.manage_pool", office.pk, field="office")
    if plate_type not in PlateType.pooled():
        raise errors.NOT_IN_POOL(field="plate_type", plate_type=type_words(plate_type))
    first, last = formats.normalise(first), formats.normalise(last)
    serials = formats.expand_range(first, last, plate_type=plate_type)
    pool = _pool_for_update(office, plate_type)
    now = clock.now()
    segment = Segment.objects.create(
        pool=pool,
        first_number=office.plate_prefix + first,
        last_number=office.plate_prefix + last,
        count=0,
        released_at=now,
        released_by=user,
        random_only_until=now + dt.timedelta(days=setting("RANDOM_ONLY_DAYS")),
    )
    released = blocked = in_use = 0
    while True:
        chunk = list(islice(serials, RELEASE_BATCH))
        if not chunk:
            break
        skip = formats.blocked_for_release(chunk, office)
        numbers = [office.plate_prefix + s for s in chunk if s not in skip]
        blocked += len(chunk) - len(numbers)
        # Numbers already on a vehicle (issued before this system, or imported) stay out.
        on_vehicles = set(
            Vehicle.objects.active()
            .filter(plate_number__in=numbers)
            .values_list("plate_number", flat=True)
        )
        if on_vehicles:
            numbers = [n for n in numbers if n not in on_vehicles]
            in_use += len(on_vehicles)
        if PlateNumber.objects.filter(number__in=numbers).exists():
            raise errors.ALREADY_RELEASED(field="first", first=numbers[0], last=numbers[-1])
        PlateNumber.objects.bulk_create(
            PlateNumber(
                pool=pool,
                segment=segment,
                number=number,
                state=NumberState.FREE,
                slot=pool.size + released + i + 1,
            )
            for i, number in enumerate(numbers)
        )
        released += len(numbers)
    if released == 0:
        raise errors.NOTHING_TO_RELEASE(field="first")
    segment.count = released
    segment.save(update_fields=["count"])
    pool.size += released
    pool.save(update_fields=["size"])
    record(
        actor=actor,
        action="plates.segment_released",
        subject=segment,
        office_id=office.pk,
        data={
            "plate_type": plate_type,
            "first": segment.first_number,
            "last": segment.last_number,
            "released": released,
            "blocked": blocked,
            "in_use": in_use,
            "random_only_until": segment.random_only_until.isoformat(),
        },
    )
    return Release(segment=segment, released=released, blocked=blocked, in_use=in_use)


@transaction.atomic
def compact_pool(*, actor: Actor, pool: Pool) -> int:
    """Renumber the slots so that only drawable numbers (free, offered, held) have one;
    the old slots are archived so earlier draws still replay. Returns the new size."""
    if actor.user is not None:
        require(actor.user, "plates.manage_pool")
    pool = _pool_for_update(pool.office, pool.plate_type)
    table = PlateNumber._meta.db_table
    archive = "plates_slotarchive"
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {archive} (pool_id, version, slot, number_id) "  # noqa: S608
            f"SELECT pool_id, %s, slot, id FROM {table} WHERE pool_id = %s AND slot IS NOT NULL",
            [pool.version, pool.pk],
        )
        # Numbers that cannot be drawn give up their slots; the drawable ones are renumbered
        # 1..n in two steps (first above every old slot, then down), so that the unique
        # (pool, slot) index never sees two rows on one slot mid-statement.
        cur.execute(
            f"UPDATE {table} SET slot = NULL WHERE pool_id = %s AND state NOT IN (%s, %s, %s)",  # noqa: S608
            [pool.pk, *DRAWABLE],
        )
        offset = pool.size
        cur.execute(
            f"UPDATE {table} SET slot = ranked.rn + %s FROM ("  # noqa: S608
            f" SELECT id, row_number() OVER (ORDER BY id) AS rn FROM {table}"
            f" WHERE pool_id = %s AND state IN (%s, %s, %s)) AS ranked"
            f" WHERE {table}.id = ranked.id",
            [offset, pool.pk, *DRAWABLE],
        )
        cur.execute(
            f"UPDATE {table} SET slot = slot - %s WHERE pool_id = %s AND slot IS NOT NULL",  # noqa: S608
            [offset, pool.pk],
        )
        cur.execute(
            f"SELECT count(*) FROM {table} WHERE pool_id = %s AND slot IS NOT NULL",  # noqa: S608
            [pool.pk],
        )
        size = cur.fetchone()[0]
    previous = (pool.version, pool.size)
    pool.version += 1
    pool.size = size
    pool.save(update_fields=["version", "size"])
    record(
        actor=actor,
        action="plates.pool_compacted",
        subject=pool,
        office_id=pool.office_id,
        data={"from_version": previous[0], "from_size": previous[1], "size": size},
    )
    return size


def _past_keeping(today: dt.date) -> Q:
    """Retained numbers past their date, and retired numbers (left their vehicle) whose
    former owner did not ask to keep them within ``RETENTION_YEARS`` (MVR Art 44)."""
    cutoff = timezone.make_aware(
        dt.datetime.combine(add_years(today, -setting("RETENTION_YEARS")), dt.time())
    )
    recent = NumberEvent.objects.filter(number=OuterRef("pk"), at__gte=cutoff)
    return Q(state=NumberState.RETAINED, retained_until__lt=today) | (
        Q(state=NumberState.RETIRED) & Q(~Exists(recent))
    )


def return_retained(*, today: dt.date) -> int:
    """Kept and retired numbers whose time has passed go back to the pool (a new slot if
    compaction had taken theirs away)."""
    returned = 0
    pools = (
        PlateNumber.objects.filter(_past_keeping(today))
        .values_list("pool_id", flat=True)
        .distinct()
    )
    for pool_id in list(pools):
        with transaction.atomic():
            pool = Pool.objects.get(pk=pool_id)
            pool = _pool_for_update(pool.office, pool.plate_type)
            numbers = list(
                PlateNumber.objects.select_for_update().filter(_past_keeping(today), pool=pool)
            )
            now = clock.now()
            for number in numbers:
                if number.slot is None:
                    pool.size += 1
                    number.slot = pool.size
                number.state = NumberState.FREE
                number.retained_for = None
                number.retained_until = None
            PlateNumber.objects.bulk_update(
                numbers, ["slot", "state", "retained_for", "retained_until"]
            )
            pool.save(update_fields=["size"])
            NumberEvent.objects.bulk_create(
                NumberEvent(
                    number=n, kind=EventKind.RETURNED, at=now, state=NumberState.FREE, slot=n.slot
                )
                for n in numbers
            )
            returned += len(numbers)
    return returned


@transaction.atomic
def assign_held_number(*, actor: Actor, case: Case, vehicle: Vehicle) -> PlateNumber:
    """The registration is done: the number the case holds goes on the vehicle (a clerk of
    the office; later the registration service calls this)."""
    require_staff_of(actor.user, "plates.process", case.office_id, field="case")
    if vehicle.office_id != case.office_id:
        raise NOT_FOUND(field="case")
    now = clock.now()
    plate = (
        PlateNumber.objects.select_for_update(of=("self",))
        .select_related("pool")
        .filter(case=case, state=NumberState.HELD, until__gt=now)
        .first()
    )
    if plate is None:
        raise errors.NO_HELD_NUMBER(field="case")
    needed = plate_type_for(vehicle)
    if needed != plate.pool.plate_type:
        raise errors.WRONG_VEHICLE_TYPE(
            field="vehicle",
            expected=type_words(needed),
            given=Bi.of(plate.pool.get_plate_type_display()),
        )
    vehicle = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    previous = PlateNumber.objects.select_for_update().filter(vehicle=vehicle).first()
    if previous is not None:  # a transfer: the old number leaves the vehicle
        previous.state = NumberState.RETIRED
        previous.vehicle = None
        previous.save(update_fields=["state", "vehicle"])
        NumberEvent.objects.create(
            number=previous, kind=EventKind.RETIRED, at=now, state=NumberState.RETIRED, case=case
        )
    plate.state = NumberState.ASSIGNED
    plate.vehicle = vehicle
    plate.last_vehicle = vehicle
    plate.assigned_at = now
    plate.case = None
    plate.until = None
    plate.retained_for = None  # a kept number (use_retained) is now simply assigned
    plate.retained_until = None
    plate.save(
        update_fields=[
            "state",
            "vehicle",
            "last_vehicle",
            "assigned_at",
            "case",
            "until",
            "retained_for",
            "retained_until",
        ]
    )
    NumberEvent.objects.create(
        number=plate, kind=EventKind.ASSIGNED, at=now, state=NumberState.ASSIGNED, case=case
    )
    old_number = put_plate_number(
        actor=actor, vehicle=vehicle, number=plate.number, plate_kind=plate.pool.plate_type
    )
    record(
        actor=actor,
        action="plates.assigned",
        subject=plate,
        office_id=case.office_id,
        data={
            "case": case.number,
            "vehicle": vehicle.pk,
            "number": plate.number,
            "previous": old_number,
        },
    )
    complete_selection(actor, case)
    return plate


def complete_selection(actor: Actor, case: Case) -> None:
    """The number is on the vehicle, so a selection case is done (办结): plates owns the
    service and completes its case itself (docs/adr/0013-owned-services.md); the case then
    counts in the figures and can be rated like any other."""
    service, status = Case.objects.filter(pk=case.pk).values_list("service__code", "status").get()
    if service != SERVICE_CODE:  # a transfer's own case: its clerk completes it
        return
    if status in (CaseStatus.DRAFT, CaseStatus.SUBMITTED):
        cases.settle_immediately(actor=actor, case=case, owner=OWNER)
    elif status in (CaseStatus.ACCEPTED, CaseStatus.AWAITING_DOCUMENTS):
        cases.complete_case(actor=actor, case=case, owner=OWNER)
