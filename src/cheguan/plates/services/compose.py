"""自编自选: an applicant composes numbers, checks them, and holds one that was available.

A check looks at up to ``COMPOSE_NUMBERS_PER_CHECK`` numbers at once and a case has
``COMPOSE_CHECKS_PER_CASE`` checks (DOMAIN.md §2.3: 20 checks of up to 5 numbers). Each
number must pass the national format and the office's local rules and blocklist
(:func:`~cheguan.plates.formats.check_composition`), be in the pool of the case's plate type,
be free (or its offer or hold has run out), and belong to a segment released more than
``RANDOM_ONLY_DAYS`` ago. A check is a read: it holds nothing. Only a number that one of the
case's own checks reported available can then be held (:func:`hold_composed`), so holding
cannot be used to probe numbers beyond the check limit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from cheguan.audit.services import record
from cheguan.cases.models import Case
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import DomainError
from cheguan.plates import errors, formats
from cheguan.plates.conf import setting
from cheguan.plates.models import (
    ComposeCheck,
    Draw,
    DrawStatus,
    NumberState,
    PlateNumber,
    Pool,
)
from cheguan.plates.rules import is_online_self_service, type_words
from cheguan.plates.services.conditions import raise_all
from cheguan.plates.services.expiry import end_of_working_days, note_expired_holds
from cheguan.plates.services.guards import selection_case
from cheguan.plates.services.holding import drawable, end_open_draws, hold
from cheguan.plates.services.limits import check_hold_limits
from cheguan.plates.services.selection import case_plate_type, pool_of


def compose_checks_left(case: Case) -> int:
    """How many self-composition checks the case has left (shown on the page)."""
    used = ComposeCheck.objects.filter(case=case).count()
    return max(0, setting("COMPOSE_CHECKS_PER_CASE") - used)


def _wanted(numbers: Iterable[object]) -> list[str]:
    """The numbers asked about, normalised, blanks dropped, each once, in the order given."""
    numbers = [numbers] if isinstance(numbers, str) else list(numbers or [])
    seen: dict[str, None] = {}
    for raw in numbers:
        number = formats.normalise(raw)[:16]
        if number:
            seen.setdefault(number, None)
    return list(seen)


def _rule_problems(number: str, *, plate_type: str, case: Case) -> list[DomainError]:
    """Format, local rules and blocklist; for a case with a vehicle, whether the plate suits
    it (a pure-electric car takes D, A, B, C or E)."""
    result = formats.check_composition(number, plate_type=plate_type, office=case.office)
    vehicle = case.vehicle
    if result.problems or vehicle is None:
        return list(result.problems)
    suits = formats.check_number(
        number, plate_type=plate_type, office=case.office, energy_type=vehicle.energy_type
    )
    return list(suits.problems)


def _pool_problems(
    plate: PlateNumber | None, *, number: str, pool: Pool, now: dt.datetime
) -> list[DomainError]:
    """Whether a number that passes the rules can be composed now (``plate`` as read)."""
    if plate is None or plate.pool_id != pool.pk:
        return [
            errors.COMPOSE_NOT_IN_POOL(
                field="number",
                number=formats.display(number),
                plate_type=type_words(pool.plate_type),
            )
        ]
    found = []
    drawable = plate.state == NumberState.FREE or (
        plate.state in (NumberState.OFFERED, NumberState.HELD)
        and plate.until is not None
        and plate.until < now
    )
    if not drawable:
        found.append(errors.COMPOSE_TAKEN(field="number", number=plate.display))
    segment = plate.segment
    if segment.random_only_until >= now:  # "released more than N days ago"
        found.append(
            errors.COMPOSE_RANDOM_ONLY(
                field="number",
                number=plate.display,
                released=clock.local_date(segment.released_at).isoformat(),
                until=clock.local_date(segment.random_only_until).isoformat(),
                days=setting("RANDOM_ONLY_DAYS"),
            )
        )
    return found


def _result(number: str, problems: list[DomainError]) -> dict:
    return {
        "number": number,
        "available": not problems,
        "code": problems[0].code if problems else "",
        "problems": [
            {"code": p.code, "zh": p.message_in("zh-hans"), "en": p.message_in("en")}
            for p in problems
        ],
    }


@transaction.atomic
def check_composed(
    *, actor: Actor, case: Case, numbers: Iterable[str], plate_type: str = ""
) -> ComposeCheck:
    """Check up to ``COMPOSE_NUMBERS_PER_CHECK`` composed numbers for the case; every check
    counts against ``COMPOSE_CHECKS_PER_CASE``. Each result says the number is available or
    gives every reason it is not (``ComposeCheck.results``).

    Refused whole (and not counted): a case that needs no plate, is closed or already holds
    a number; a plate type the office does not open to composition; no numbers or too many;
    a used-up quota; a citizen barred from online selection."""
    choosing = selection_case(actor=actor, case=case)
    case, user, now = choosing.case, choosing.user, choosing.now
    plate_type = case_plate_type(case, plate_type)
    if plate_type not in setting("COMPOSE_TYPES"):
        raise errors.COMPOSE_CLOSED(field="plate_type", plate_type=type_words(plate_type))
    most = setting("COMPOSE_NUMBERS_PER_CHECK")
    wanted = _wanted(numbers)
    if not wanted:
        raise errors.COMPOSE_NO_NUMBERS(field="numbers", max=most)
    if len(wanted) > most:
        raise errors.COMPOSE_TOO_MANY(field="numbers", max=most, count=len(wanted))
    quota = setting("COMPOSE_CHECKS_PER_CASE")
    if ComposeCheck.objects.filter(case=case).count() >= quota:  # counted under the case lock
        raise errors.COMPOSE_QUOTA_USED(quota=quota)
    pool = pool_of(case, plate_type)

    rules = {n: _rule_problems(n, plate_type=plate_type, case=case) for n in wanted}
    rows = {
        p.number: p
        for p in PlateNumber.objects.select_related("segment").filter(
            number__in=[n for n in wanted if not rules[n]]
        )
    }
    results = []
    for number in wanted:
        problems = rules[number] or _pool_problems(
            rows.get(number), number=number, pool=pool, now=now
        )
        results.append(_result(number, problems))
    check = ComposeCheck.objects.create(case=case, checked_at=now, checked_by=user, results=results)
    if not is_online_self_service(actor):
        record(
            actor=actor,
            action="plates.compose_checked",
            subject=check,
            office_id=case.office_id,
            data={
                "case": case.number,
                "numbers": wanted,
                "available": [r["number"] for r in results if r["available"]],
            },
        )
    return check


@transaction.atomic
def hold_composed(*, actor: Actor, case: Case, number: str) -> PlateNumber:
    """Hold a composed number for the case until the end of the ``HOLD_WORKING_DAYS``-th
    working day, exactly as a pick from a draw does. The number must have been reported
    available by one of this case's checks and must still be free (or its offer or hold
    run out); the case's open draw, if any, ends and its numbers go back."""
    choosing = selection_case(actor=actor, case=case)
    case, now = choosing.case, choosing.now
    wanted = formats.normalise(number)[:16]
    checked = any(
        r.get("number") == wanted and r.get("available")
        for results in ComposeCheck.objects.filter(case=case).values_list("results", flat=True)
        for r in results
    )
    if not wanted or not checked:
        raise errors.COMPOSE_NOT_CHECKED(
            field="number", number=formats.display(wanted) or "—", left=compose_checks_left(case)
        )
    plate_type = case_plate_type(
        case,
        PlateNumber.objects.filter(number=wanted).values_list("pool__plate_type", flat=True)[0],
    )  # a number a check reported available is a released number
    pool = pool_of(case, plate_type)
    # Rules may have changed since the check (a pattern blocked, the type closed).
    raise_all(_rule_problems(wanted, plate_type=plate_type, case=case))
    check_hold_limits(actor=actor, case=case, pool=pool)

    # One row: wait for its lock rather than skip it. A concurrent holder that commits first
    # makes the row fail the drawable condition when PostgreSQL re-reads it, so the loser
    # gets the clear "taken" error below, never a unique-constraint violation.
    plate = (
        PlateNumber.objects.select_for_update()
        .select_related("segment")
        .filter(drawable(now), number=wanted, pool=pool)
        .first()
    )
    if plate is None:
        current = PlateNumber.objects.select_related("segment").filter(number=wanted).first()
        raise_all(_pool_problems(current, number=wanted, pool=pool, now=now))
        raise errors.COMPOSE_TAKEN(field="number", number=formats.display(wanted))
    raise_all(_pool_problems(plate, number=wanted, pool=pool, now=now))

    # A lapsed offer or hold that this takes over ends as the draw's takeover would end it.
    if plate.state == NumberState.HELD:
        note_expired_holds([plate], at=now)
    elif plate.state == NumberState.OFFERED and plate.draw_id is not None:
        Draw.objects.filter(pk=plate.draw_id, status=DrawStatus.OPEN).update(
            status=DrawStatus.EXPIRED
        )
    # The case's own open draw ends: its numbers go back and it can no longer be picked from.
    end_open_draws(case, at=now)
    hold_until = end_of_working_days(now, setting("HOLD_WORKING_DAYS"))
    hold(plate, case=case, until=hold_until, at=now)
    if not is_online_self_service(actor):
        record(
            actor=actor,
            action="plates.held",
            subject=plate,
            office_id=case.office_id,
            data={
                "case": case.number,
                "number": wanted,
                "composed": True,
                "until": str(hold_until),
            },
        )
    return plate
