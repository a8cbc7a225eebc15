"""Plate-selection reads, scoped like the cases they belong to (docs/adr/0003).

- a case and its draws are found through ``cases.queries.get_case``: outside the caller's
  scope they are "not found", never "forbidden";
- :func:`require_selector` says who may choose a number for a case, the same answer for
  the services (``plates.services.guards``), the pages and the API;
- :func:`selection_of` is what the draw page and ``GET …/selection`` show: the quota, the
  open draw, the held number, the self-composition checks left and a selection ban;
- :func:`actions_for` is what the actor may do with the case now (draw, pick, compose,
  hold a composed number, use a kept one, swap): the pages show those buttons and no other.

Nothing here changes state; the draw, the pick and the release are in ``plates.services``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from django.db.models import QuerySet

from cheguan.accounts.models import User
from cheguan.accounts.partners import require_partner_authorised
from cheguan.cases.models import Case
from cheguan.cases.queries import get_case, is_applicant, my_cases
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import NOT_AUTHENTICATED, NOT_FOUND, DomainError
from cheguan.core.permissions import is_staff_of
from cheguan.plates import errors, formats
from cheguan.plates.conf import setting
from cheguan.plates.models import (
    ComposeCheck,
    Draw,
    DrawStatus,
    EventKind,
    NumberEvent,
    NumberState,
    PlateNumber,
    PlateType,
    SelectionBan,
)
from cheguan.plates.rules import (
    OPEN_STATUSES,
    PLATE_SERVICES,
    SWAP_SERVICES,
    is_online_self_service,
    plate_case_refusal,
    plate_type_for,
)


def type_name(plate_type: str) -> str:
    return str(PlateType(plate_type).label) if plate_type in PlateType.values else ""


# --- finding the case and the draw ------------------------------------------------------------


def plate_case_for(actor: Actor, number: str) -> Case:
    """A case in the actor's scope whose service gives a plate number (closed ones too: their
    selection can still be read)."""
    case = get_case(actor, number)
    refusal = plate_case_refusal(case)
    if refusal is not None and refusal.error is not errors.CASE_CLOSED:
        raise refusal
    return case


def draw_for(actor: Actor, draw_id: int) -> Draw:
    """A draw of a case in the actor's scope."""
    draw = Draw.objects.select_related("case", "pool").filter(pk=draw_id).first()
    if draw is None:
        raise NOT_FOUND(field="draw_id")
    get_case(actor, draw.case.number)  # not found outside the caller's scope
    return draw


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


def may_select(actor: Actor, case: Case) -> bool:
    """The applicant (or the clerk assisting them, or the dealer that filed the case), or a
    clerk of the office: who may draw and pick for this case."""
    try:
        require_selector(actor, case)
    except DomainError:
        return False
    return True


def active_ban(case: Case, *, at: dt.datetime | None = None) -> SelectionBan | None:
    """The ban from online selection the case's applicant is under now, if any."""
    if case.applicant_person_id is None:
        return None
    return (
        SelectionBan.objects.filter(
            person_id=case.applicant_person_id,
            ends_at__gt=at or clock.now(),
            lifted_at__isnull=True,
        )
        .order_by("-ends_at")
        .first()
    )


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

    @cached_property
    def actions(self) -> Actions:
        """What the actor may do with the case now (:func:`actions_of`)."""
        return actions_of(self)


@dataclass(frozen=True)
class Actions:
    """What an actor may do with a case now. Each answer is the one the service's first
    checks give (``plates.services.guards``: who may choose, an open case that gives a
    number, a ban from online selection, a number already held) plus the case's quotas; the
    service may still refuse for what only it can see (an empty pool, a partner's limits,
    a number that is not free)."""

    draw: bool  # draw twenty numbers (again)
    pick: bool  # pick one of the open draw's numbers
    compose: bool  # check composed numbers
    hold_composed: bool  # hold a number a check reported available
    use_kept: bool  # hold a number kept for the applicant
    swap: bool  # exchange the numbers of two of the applicant's cars

    @property
    def names(self) -> list[str]:
        return [name for name, allowed in vars(self).items() if allowed]


def actions_of(state: SelectionState) -> Actions:
    """The actions a selection state allows (see :class:`Actions`)."""
    case = state.case
    choosing = state.may_select and plate_case_refusal(case) is None
    free = choosing and state.held is None  # a case holds one number at a time
    online_ok = not state.ban_applies  # a ban closes drawing and composing online
    return Actions(
        draw=free and online_ok and state.draws_left > 0,
        pick=free and state.open_draw is not None,
        compose=free and online_ok and state.compose_checks_left > 0,
        hold_composed=free and online_ok,
        use_kept=free,
        swap=state.may_select and state.is_open and case.service.code in SWAP_SERVICES,
    )


def actions_for(actor: Actor, case: Case) -> Actions:
    """What ``actor`` may do with ``case`` now: the buttons the pages show."""
    return selection_of(actor, case).actions


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
    ban = active_ban(case, at=now)
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


# --- self-composition ------------------------------------------------------------------------


def compose_checks_of(case: Case) -> QuerySet[ComposeCheck]:
    """The case's self-composition checks, newest first."""
    return ComposeCheck.objects.filter(case=case).order_by("-checked_at", "-pk")


def latest_compose_check(case: Case) -> ComposeCheck | None:
    return compose_checks_of(case).first()


def compose_results(check: ComposeCheck | None, *, lang: str) -> list[dict]:
    """A check's answer as the page and the API show it: each number, available or why not."""
    if check is None:
        return []
    return [
        {
            "number": r["number"],
            "display": formats.display(r["number"]),
            "available": r["available"],
            "problems": [
                {"code": p["code"], "message": p["en" if lang == "en" else "zh"]}
                for p in r["problems"]
            ],
        }
        for r in check.results
    ]


# --- the local rules, as the pages state them ---------------------------------------------------


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
