"""The checks every choice of a number runs first, in one place: the case under its lock
(``cases.locks.lock_case``), who may choose for it (``queries.require_selector``), a case
that gives a number and is still open, a ban from online selection, and a number already
held. ``plates.queries.actions_for`` answers the pages and the API from the same checks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cheguan.accounts.models import User
from cheguan.cases import locks as cases_locks
from cheguan.cases.models import Case
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.plates import errors
from cheguan.plates.queries import active_ban, require_selector
from cheguan.plates.rules import is_online_self_service, require_plate_case
from cheguan.plates.services.conditions import refuse_if_holding


def lock_case(case: Case) -> Case:
    """The case under the one case lock (``cases.locks``, whose mode exists because of the
    draw: a concurrent draw taking over this case's lapsed hold writes an event referencing
    the case while this transaction waits for that draw's number row)."""
    return cases_locks.lock_case(case, related=("service", "vehicle"))


@dataclass(frozen=True)
class Choosing:
    case: Case  # locked, with its service and vehicle
    user: User  # who chooses: the applicant's side or a clerk of the office
    now: dt.datetime


def require_not_banned(actor: Actor, case: Case, *, at: dt.datetime) -> None:
    """A citizen alone online, barred for letting held numbers lapse: refused."""
    if not is_online_self_service(actor):
        return
    ban = active_ban(case, at=at)
    if ban is not None:
        raise errors.BANNED_ONLINE(
            count=ban.expired_holds, until=clock.local_date(ban.ends_at).isoformat()
        )


def selection_case(
    *,
    actor: Actor,
    case: Case,
    plate_case: bool = True,
    banned_ok: bool = False,
    holding_ok: bool = False,
) -> Choosing:
    """Lock the case and run the checks a choice of a number starts with, in this order:
    who may choose (else 404), a case that gives a number and is open (``plate_case``; a
    swap checks its own kind of case), not barred from online selection (``banned_ok``:
    the pick of a drawn number and the use of a kept one are not choices the ban closes),
    and no number held (``holding_ok``: the caller checks that itself, later — the draw
    after its pool lock, the pick after the draw's own state).

    It runs inside the caller's transaction: the case lock lasts until the caller's use
    case commits."""
    case = lock_case(case)
    user = require_selector(actor, case)
    now = clock.now()
    if plate_case:
        require_plate_case(case)
    if not banned_ok:
        require_not_banned(actor, case, at=now)
    if not holding_ok:
        refuse_if_holding(case, now)
    return Choosing(case=case, user=user, now=now)
