"""What the number pool tells supervision (kernel ``alerts``; the supervision app will show
them): a pool running low, and a partner drawing far faster than its peers.

- At once, from the draw: a draw that finds fewer than ``DRAW_SIZE`` free numbers, or none
  (``plates.pool_low``; critical when the pool is empty).
- Periodically (``cheguan plates sweep`` and its task, or ``cheguan plates watch``):
  ``plates.pool_low`` for every pool whose free numbers are below ``POOL_LOW_FREE_NUMBERS``
  or ``POOL_LOW_FREE_PERCENT`` of its size, and ``plates.partner_draw_rate`` for every
  partner whose draws in the last hour exceed ``DRAW_RATE_FACTOR`` × the median of the
  other partners that drew at the same office, and number at least ``DRAW_RATE_MIN_DRAWS``.
  (With no other partner drawing there is nothing to compare with; the per-party limits
  still hold.) Each check is one grouped query; nothing walks the pool row by row.

An alert already open for the pool or the partner is updated, not repeated (``alerts``).
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import defaultdict

from django.db import transaction
from django.db.models import Count, Q

from cheguan.alerts.models import Severity
from cheguan.alerts.services import raise_alert, subject_of
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import DomainError
from cheguan.plates.conf import setting
from cheguan.plates.models import Draw, NumberState, Pool
from cheguan.plates.rules import type_words
from cheguan.registry.models import Organisation

POOL_LOW = "plates.pool_low"
PARTNER_DRAW_RATE = "plates.partner_draw_rate"
RATE_WINDOW = dt.timedelta(hours=1)


def _pool_label(pool: Pool) -> str:
    return f"{pool.office.plate_prefix} {type_words(pool.plate_type).zh}"


def note_short_draw(*, pool: Pool, found: int, actor: Actor | None) -> None:
    """A draw found fewer numbers than it shows: the pool is (nearly) used up. Runs inside
    the caller's transaction (the draw's)."""
    raise_alert(
        kind=POOL_LOW,
        subject=subject_of(pool),
        subject_label=_pool_label(pool),
        office_id=pool.office_id,
        facts={"plate_type": pool.plate_type, "pool_size": pool.size, "draw_found": found},
        via="plates.draw",
        actor=actor,
        severity=Severity.CRITICAL if found == 0 else Severity.WARNING,
    )


def note_empty_pool(refusal: DomainError, *, actor: Actor) -> None:
    """The draw was refused because the pool is empty (``plates.pool_empty``, whose
    ``pool`` parameter names it). The refusal rolled the draw back, so the alert is raised
    in a transaction of its own."""
    pool_id = refusal.params.get("pool")
    if pool_id is None:  # the office has no pool of this type at all
        return
    with transaction.atomic():
        pool = Pool.objects.select_related("office").get(pk=pool_id)
        note_short_draw(pool=pool, found=0, actor=actor)


def watch_pools(*, now: dt.datetime | None = None) -> int:
    """Raise ``plates.pool_low`` for every pool below the threshold; returns how many."""
    now = now or clock.now()
    free = Q(numbers__state=NumberState.FREE) | Q(
        numbers__state__in=[NumberState.OFFERED, NumberState.HELD], numbers__until__lt=now
    )
    pools = Pool.objects.select_related("office").annotate(free=Count("numbers", filter=free))
    absolute, percent = setting("POOL_LOW_FREE_NUMBERS"), setting("POOL_LOW_FREE_PERCENT")
    raised = 0
    for pool in pools:
        threshold = max(absolute, math.ceil(pool.size * percent / 100))
        if pool.free >= threshold:
            continue
        raise_alert(
            kind=POOL_LOW,
            subject=subject_of(pool),
            subject_label=_pool_label(pool),
            office_id=pool.office_id,
            facts={
                "plate_type": pool.plate_type,
                "pool_size": pool.size,
                "free": pool.free,
                "threshold": threshold,
            },
            via="plates.watch",
            severity=Severity.CRITICAL if pool.free == 0 else Severity.WARNING,
        )
        raised += 1
    return raised


def watch_draw_rates(*, now: dt.datetime | None = None) -> int:
    """Raise ``plates.partner_draw_rate`` for every partner drawing far faster than its
    peers at the same office in the last hour; returns how many."""
    now = now or clock.now()
    rows = (
        Draw.objects.filter(drawn_at__gt=now - RATE_WINDOW, drawn_by__organisation__isnull=False)
        .values("pool__office_id", "drawn_by__organisation_id")
        .annotate(n=Count("pk"))
    )
    by_office: dict[int, dict[int, int]] = defaultdict(dict)
    for row in rows:
        by_office[row["pool__office_id"]][row["drawn_by__organisation_id"]] = row["n"]
    factor, least = setting("DRAW_RATE_FACTOR"), setting("DRAW_RATE_MIN_DRAWS")
    flagged: list[tuple[int, int, int, float, int]] = []
    for office_id, counts in by_office.items():
        for organisation_id, n in counts.items():
            peers = [m for other, m in counts.items() if other != organisation_id]
            if not peers or n < least:
                continue
            median = statistics.median(peers)
            if n > factor * median:
                flagged.append((office_id, organisation_id, n, median, len(peers)))
    names = Organisation.objects.in_bulk([f[1] for f in flagged])
    for office_id, organisation_id, n, median, peer_count in flagged:
        organisation = names[organisation_id]
        raise_alert(
            kind=PARTNER_DRAW_RATE,
            subject=subject_of(organisation),
            subject_label=organisation.name,
            office_id=office_id,
            facts={
                "draws_last_hour": n,
                "peer_median": median,
                "peers": peer_count,
                "factor": factor,
            },
            via="plates.watch",
        )
    return len(flagged)


def watch() -> dict[str, int]:
    """Both periodic checks, each in its own transaction."""
    with transaction.atomic():
        pools = watch_pools()
    with transaction.atomic():
        partners = watch_draw_rates()
    return {"pools_low": pools, "partners_drawing_fast": partners}
