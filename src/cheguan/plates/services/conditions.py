"""Conditions that retention (Art 44) and swapping (Art 20) share, and how a service reports
several failing conditions at once."""

from __future__ import annotations

import datetime as dt

from cheguan.cases.models import Case
from cheguan.core import clock
from cheguan.core.errors import Bi, DomainError, ValidationErrors
from cheguan.plates import errors
from cheguan.plates.models import NumberState, PlateNumber
from cheguan.plates.rules import vehicle_words
from cheguan.plates.services.expiry import expire_holds
from cheguan.registry.models import Accident, Vehicle, Violation


def settlement_problems(vehicle: Vehicle, action: Bi) -> list[DomainError]:
    """Unprocessed violations and unsettled accidents of the vehicle; ``action`` names the
    business they block."""
    found = []
    violations = Violation.objects.filter(vehicle=vehicle, processed=False).count()
    if violations:
        found.append(
            errors.VIOLATIONS_UNSETTLED(
                field="vehicle", vehicle=vehicle_words(vehicle), count=violations, action=action
            )
        )
    accidents = Accident.objects.filter(vehicle=vehicle, settled=False).count()
    if accidents:
        found.append(
            errors.ACCIDENTS_UNSETTLED(
                field="vehicle", vehicle=vehicle_words(vehicle), count=accidents, action=action
            )
        )
    return found


def raise_all(problems: list[DomainError]) -> None:
    """One problem: raise it; several: raise them all (the API lists each with its code)."""
    if len(problems) > 1:
        raise ValidationErrors(problems)
    if problems:
        raise problems[0]


def refuse_if_holding(case: Case, now: dt.datetime) -> None:
    """A case holds one number at a time (as the draw has it): a live hold refuses another
    choice; a hold that ran out goes back to the pool first."""
    # Locked: if another draw is taking the lapsed hold over right now, wait for it and
    # then find nothing held (rather than free the number under that draw's offer).
    held = PlateNumber.objects.select_for_update().filter(case=case, state=NumberState.HELD).first()
    if held is None or held.until is None:
        return
    if held.until > now:
        raise errors.ALREADY_HOLDING(
            number=held.display, until=clock.local_date(held.until).isoformat()
        )
    expire_holds([held.pk], at=now)
