"""No partner can corner the number pool (issue 9; docs/principles.md).

Before a partner's agent draws (or holds a composed number), the partner's organisation row
is locked (``cases.services.limits.lock_party``: one dealer's draws take turns for the
count, different dealers never wait for each other) and four limits the office sets
(``cheguan.core.limits``) are checked:

- open draws of the organisation and of the agent's own account (each offers 20 numbers for
  ``OFFER_MINUTES``); the case's own open draw is not counted, since this draw replaces it;
- draws per minute of the organisation;
- the organisation's *share* of the pool: numbers offered to its open draws plus numbers
  held for its open cases, plus the numbers this request would add, may not exceed
  ``PLATES_POOL_SHARE_PERCENT`` of the pool's size (never less than one draw). This is the
  guarantee: whatever the pool's size and whatever the partner does, at least
  (size − share) of the pool stays out of its hands.

Under the lock the counts see every committed draw and hold of the organisation and nothing
can be added meanwhile, so the limits are exact on PostgreSQL; SQLite serialises the writers
anyway. The lock is taken after the case's lock and the pool's shared lock (the draw's
order), and a draw holds it only for the milliseconds to its commit.

Every count is one indexed query: the organisation's recent draws through
``draw_drawn_by_idx`` (agent, time), the offered and held numbers through the foreign-key
indexes on ``draw`` and ``case``.
"""

from __future__ import annotations

import datetime as dt
import math

from django.db.models import Count, Min, Q

from cheguan.cases.models import Case
from cheguan.cases.services.limits import OPEN_STATUSES, lock_party, partner_of
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.limits import limit, refuse
from cheguan.plates import errors
from cheguan.plates.conf import setting
from cheguan.plates.models import Draw, DrawStatus, NumberState, PlateNumber, Pool
from cheguan.plates.rules import type_words

RATE_WINDOW = dt.timedelta(minutes=1)


def pool_share_cap(pool: Pool) -> int:
    """The most numbers of ``pool`` one partner may have offered and held at once."""
    share = math.ceil(pool.size * limit("PLATES_POOL_SHARE_PERCENT") / 100)
    return max(share, setting("DRAW_SIZE"))


def _seconds_until(moment: dt.datetime | None, now: dt.datetime) -> float | None:
    return None if moment is None else (moment - now).total_seconds()


def check_draw_limits(*, actor: Actor, case: Case, pool: Pool) -> None:
    """Refuse (429) a partner's draw past any of the office's limits; nothing for anyone
    else (a citizen's own cases are limited when they open, a clerk is the office). Runs
    inside the caller's transaction (the draw)."""
    organisation_id = partner_of(actor)
    if organisation_id is None:
        return
    lock_party(organisation_id=organisation_id)
    now = clock.now()
    open_draw = Q(status=DrawStatus.OPEN, expires_at__gt=now) & ~Q(case=case)
    mine = Q(drawn_by=actor.user)
    last_minute = Q(drawn_at__gt=now - RATE_WINDOW)
    # Draws older than the offer time are no longer open; older than a minute, not in the rate.
    since = now - max(dt.timedelta(minutes=setting("OFFER_MINUTES")), RATE_WINDOW)
    recent = Draw.objects.filter(drawn_by__organisation_id=organisation_id, drawn_at__gte=since)
    seen = recent.aggregate(
        open=Count("pk", filter=open_draw),
        open_first_end=Min("expires_at", filter=open_draw),
        mine=Count("pk", filter=open_draw & mine),
        mine_first_end=Min("expires_at", filter=open_draw & mine),
        minute=Count("pk", filter=last_minute),
        minute_first=Min("drawn_at", filter=last_minute),
    )
    most = limit("PLATES_OPEN_DRAWS_PER_PARTNER")
    if seen["open"] >= most:
        wait = _seconds_until(seen["open_first_end"], now)
        raise refuse(errors.LIMIT_OPEN_DRAWS, retry_after=wait, limit=most)
    most = limit("PLATES_OPEN_DRAWS_PER_OPERATOR")
    if seen["mine"] >= most:
        wait = _seconds_until(seen["mine_first_end"], now)
        raise refuse(errors.LIMIT_OPEN_DRAWS_OPERATOR, retry_after=wait, limit=most)
    most = limit("PLATES_DRAWS_PER_MINUTE_PER_PARTNER")
    if seen["minute"] >= most:
        first = seen["minute_first"]
        wait = None if first is None else _seconds_until(first + RATE_WINDOW, now)
        raise refuse(errors.LIMIT_DRAW_RATE, retry_after=wait, limit=most)
    _check_share(organisation_id, case=case, pool=pool, adding=setting("DRAW_SIZE"), now=now)


def check_hold_limits(*, actor: Actor, case: Case, pool: Pool) -> None:
    """Refuse (429) a partner's hold of a composed number that would take its share of the
    pool past the office's limit. Runs inside the caller's transaction (the hold)."""
    organisation_id = partner_of(actor)
    if organisation_id is None:
        return
    lock_party(organisation_id=organisation_id)
    _check_share(organisation_id, case=case, pool=pool, adding=1, now=clock.now())


def _check_share(
    organisation_id: int, *, case: Case, pool: Pool, adding: int, now: dt.datetime
) -> None:
    """The numbers of ``pool`` offered to the organisation's open draws (this case's own,
    which ends, excepted) and held for its open cases."""
    open_draws = Draw.objects.filter(
        drawn_by__organisation_id=organisation_id,
        status=DrawStatus.OPEN,
        expires_at__gt=now,
        pool=pool,
    ).exclude(case=case)
    open_cases = Case.objects.filter(
        created_by__organisation_id=organisation_id, status__in=OPEN_STATUSES
    )
    taken = PlateNumber.objects.filter(pool=pool, until__gt=now).filter(
        Q(state=NumberState.OFFERED, draw__in=open_draws.values("pk"))
        | Q(state=NumberState.HELD, case__in=open_cases.values("pk"))
    )
    seen = taken.aggregate(n=Count("pk"), first_end=Min("until"))
    cap = pool_share_cap(pool)
    if seen["n"] + adding > cap:
        raise refuse(
            errors.LIMIT_POOL_SHARE,
            retry_after=_seconds_until(seen["first_end"], now),
            taken=seen["n"],
            plate_type=type_words(pool.plate_type),
            percent=limit("PLATES_POOL_SHARE_PERCENT"),
            cap=cap,
        )
