"""Plate-selection reads, scoped like the cases they belong to (docs/adr/0003).

- a case and its draws are found through ``cases.queries.get_case``: outside the caller's
  scope they are "not found", never "forbidden";
- :func:`selection_of` is what the draw page and ``GET …/selection`` show: the quota, the
  open draw, the held number, the self-composition checks left and a selection ban;
- :func:`draw_log` is the public log of a day's draws, with the applicants masked, and
  :func:`published_day_seeds` the day's committed seeds: the hash from the moment it is
  committed, the secret itself only once the day has closed (ADR 0014).

Nothing here changes state; the draw, the pick and the release are in ``plates.services``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from cheguan.cases.models import Case
from cheguan.cases.queries import get_case, my_cases
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import NOT_FOUND, DomainError
from cheguan.core.masking import mask_name
from cheguan.core.permissions import require_office
from cheguan.plates import errors
from cheguan.plates.conf import setting
from cheguan.plates.models import (
    ComposeCheck,
    DaySeed,
    Draw,
    DrawStatus,
    EventKind,
    NumberEvent,
    NumberState,
    PlateNumber,
    PlateType,
    Pool,
    Segment,
    SelectionBan,
)
from cheguan.plates.replay import draws_on
from cheguan.plates.services.selection import (
    OPEN_STATUSES,
    PLATE_SERVICES,
    is_online_self_service,
    plate_type_for,
    require_plate_case,
    require_selector,
)
from cheguan.registry.models import Office

DRAW_LOG_MAX = 200  # rows per page of the public draw log (API and page)
VERIFY_COMMAND = "cheguan plates verify-draws {day}"  # replays a day's draws from the log


def type_name(plate_type: str) -> str:
    return str(PlateType(plate_type).label) if plate_type in PlateType.values else ""


# --- finding the case and the draw ------------------------------------------------------------


def plate_case_for(actor: Actor, number: str) -> Case:
    """A case in the actor's scope whose service gives a plate number (closed ones too: their
    selection can still be read)."""
    case = get_case(actor, number)
    try:
        require_plate_case(case)
    except DomainError as e:
        if e.error is not errors.CASE_CLOSED:
            raise
    return case


def draw_for(actor: Actor, draw_id: int) -> Draw:
    """A draw of a case in the actor's scope."""
    draw = Draw.objects.select_related("case", "pool").filter(pk=draw_id).first()
    if draw is None:
        raise NOT_FOUND(field="draw_id")
    get_case(actor, draw.case.number)  # not found outside the caller's scope
    return draw


def may_select(actor: Actor, case: Case) -> bool:
    """The applicant (or the clerk assisting them, or the dealer that filed the case), or a
    clerk of the office: who may draw and pick for this case."""
    try:
        require_selector(actor, case)
    except DomainError:
        return False
    return True


def plate_cases(actor: Actor) -> QuerySet[Case]:
    """The open cases of the citizen being served (or the partner) that need a number."""
    return (
        my_cases(actor)
        .filter(service__code__in=PLATE_SERVICES, status__in=OPEN_STATUSES)
        .order_by("-created_at", "-pk")
    )


# --- the selection state of a case ----------------------------------------------------------


@dataclass(frozen=True)
class SelectionState:
    case: Case
    plate_type: str  # "" while the case has no vehicle and has not drawn
    needs_plate_type: bool  # the applicant names the type when drawing
    is_open: bool  # the case can still choose a number
    may_select: bool  # this actor may draw and pick for the case
    draws_per_case: int
    draws_used: int
    open_draw: Draw | None  # offered numbers still within their time
    seconds_left: int
    last_draw: Draw | None
    held: PlateNumber | None  # the number held for the case, within its time
    assigned: NumberEvent | None  # the number put on the vehicle when the case finished
    compose_checks_per_case: int
    compose_checks_used: int
    ban: SelectionBan | None  # the applicant is barred from online selection
    ban_applies: bool  # …and this actor is the applicant alone, online

    @property
    def draws_left(self) -> int:
        return max(0, self.draws_per_case - self.draws_used)

    @property
    def compose_checks_left(self) -> int:
        return max(0, self.compose_checks_per_case - self.compose_checks_used)

    @property
    def plate_type_name(self) -> str:
        return type_name(self.plate_type)

    @property
    def offer_lapsed(self) -> bool:
        """The latest draw's numbers ran out without a pick (not yet swept, or swept)."""
        last = self.last_draw
        if last is None or self.held is not None or self.open_draw is not None:
            return False
        return last.status in {DrawStatus.OPEN, DrawStatus.EXPIRED}

    @property
    def can_draw(self) -> bool:
        return (
            self.is_open
            and self.may_select
            and self.held is None
            and self.draws_left > 0
            and not self.ban_applies
        )


def selection_of(actor: Actor, case: Case) -> SelectionState:
    now = clock.now()
    draws = Draw.objects.filter(case=case).select_related("pool")
    last_draw = draws.order_by("-drawn_at", "-pk").first()
    open_draw = (
        last_draw
        if last_draw is not None
        and last_draw.status == DrawStatus.OPEN
        and last_draw.expires_at > now
        else None
    )
    held = (
        PlateNumber.objects.select_related("pool")
        .filter(case=case, state=NumberState.HELD, until__gt=now)
        .first()
    )
    assigned = (
        NumberEvent.objects.select_related("number")
        .filter(case=case, kind=EventKind.ASSIGNED)
        .order_by("-pk")
        .first()
    )
    if case.vehicle is not None:
        plate_type = plate_type_for(case.vehicle)
    elif held is not None:
        plate_type = held.pool.plate_type
    elif last_draw is not None:
        plate_type = last_draw.pool.plate_type
    else:
        plate_type = ""
    ban = None
    if case.applicant_person_id is not None:
        ban = (
            SelectionBan.objects.filter(
                person_id=case.applicant_person_id, ends_at__gt=now, lifted_at__isnull=True
            )
            .order_by("-ends_at")
            .first()
        )
    return SelectionState(
        case=case,
        plate_type=plate_type,
        needs_plate_type=case.vehicle_id is None,
        is_open=case.status in OPEN_STATUSES,
        may_select=may_select(actor, case),
        draws_per_case=setting("DRAWS_PER_CASE"),
        draws_used=draws.count(),
        open_draw=open_draw,
        seconds_left=max(0, int((open_draw.expires_at - now).total_seconds())) if open_draw else 0,
        last_draw=last_draw,
        held=held,
        assigned=assigned,
        compose_checks_per_case=setting("COMPOSE_CHECKS_PER_CASE"),
        compose_checks_used=ComposeCheck.objects.filter(case=case).count(),
        ban=ban,
        ban_applies=ban is not None and is_online_self_service(actor),
    )


def selection_rules() -> dict[str, int]:
    """The local rules the draw page states in plain words (settings, DOMAIN.md §2.3)."""
    ban_days = setting("BAN_DAYS")
    return {
        "draw_size": setting("DRAW_SIZE"),
        "offer_minutes": setting("OFFER_MINUTES"),
        "hold_working_days": setting("HOLD_WORKING_DAYS"),
        "ban_after": setting("BAN_AFTER_EXPIRED_HOLDS"),
        "ban_years": ban_days // 365 if ban_days % 365 == 0 else 0,
        "ban_days": ban_days,
    }


def pooled_types() -> list[tuple[str, str]]:
    """The plate types an applicant may draw, the common cars first."""
    order = [
        PlateType.SMALL,
        PlateType.SMALL_NEW_ENERGY,
        PlateType.LARGE,
        PlateType.LARGE_NEW_ENERGY,
    ]
    return [(t.value, str(t.label)) for t in order]


# --- the public draw log --------------------------------------------------------------------


@dataclass(frozen=True)
class DrawLogPage:
    day: dt.date
    office: Office | None
    total: int
    limit: int
    offset: int
    draws: list[Draw]


def office_by_code(code: str) -> Office | None:
    """The office a public page names (``?office=330200``); none named: every office."""
    if not code:
        return None
    office = Office.objects.filter(code=code[:12]).first()
    if office is None:
        raise NOT_FOUND(field="office")
    return office


def draw_log(
    day: dt.date, *, office: Office | None = None, limit: int = 50, offset: int = 0
) -> DrawLogPage:
    """The draws of an office-local day, in the order they were made."""
    limit = max(1, min(limit, DRAW_LOG_MAX))
    offset = max(0, offset)
    draws = draws_on(day, office_id=office.pk if office is not None else None).select_related(
        "pool__office", "applicant_person", "case__applicant_organisation"
    )
    return DrawLogPage(
        day=day,
        office=office,
        total=draws.count(),
        limit=limit,
        offset=offset,
        draws=list(draws[offset : offset + limit]),
    )


@dataclass(frozen=True)
class PublishedDaySeed:
    office: Office
    day: dt.date
    commitment: str
    committed_at: dt.datetime
    secret: str | None  # None until the day has closed (office-local)


def published_day_seeds(day: dt.date, *, office: Office | None = None) -> list[PublishedDaySeed]:
    """The day's committed seeds, as the public may see them: never today's secret."""
    rows = DaySeed.objects.select_related("office").filter(day=day)
    if office is not None:
        rows = rows.filter(office=office)
    closed = day < clock.today()
    return [
        PublishedDaySeed(
            office=row.office,
            day=row.day,
            commitment=row.commitment,
            committed_at=row.committed_at,
            secret=row.secret if closed else None,
        )
        for row in rows.order_by("office__code")
    ]


def masked_applicant(draw: Draw) -> str:
    """The applicant as the public log shows them: 王*国 (an organisation masked alike)."""
    if draw.applicant_person is not None:
        return mask_name(draw.applicant_person.name)
    organisation = draw.case.applicant_organisation
    return mask_name(organisation.name) if organisation is not None else ""


# --- the pool (admin) -----------------------------------------------------------------------


def segments_of(actor: Actor) -> QuerySet[Segment]:
    """The segments released into the admin's office's pools, newest first."""
    office_id = require_office(actor.user, "plates.manage_pool")
    return Segment.objects.select_related("pool", "released_by").filter(pool__office_id=office_id)


@dataclass(frozen=True)
class PoolSummary:
    pool: Pool
    counts: dict[str, int]  # numbers per state

    @property
    def plate_type_name(self) -> str:
        return type_name(self.pool.plate_type)

    @property
    def in_state_order(self) -> list[int]:
        return [self.counts[state] for state in NumberState.values]


def pools_of(actor: Actor) -> list[PoolSummary]:
    """Each pool of the admin's office with its numbers per state."""
    office_id = require_office(actor.user, "plates.manage_pool")
    pools = list(Pool.objects.filter(office_id=office_id).order_by("plate_type"))
    rows = (
        PlateNumber.objects.filter(pool__in=pools)
        .values("pool_id", "state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[int, dict[str, int]] = {p.pk: dict.fromkeys(NumberState.values, 0) for p in pools}
    for row in rows:
        counts[row["pool_id"]][row["state"]] = row["n"]
    return [PoolSummary(pool=p, counts=counts[p.pk]) for p in pools]
