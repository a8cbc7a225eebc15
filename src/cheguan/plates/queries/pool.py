"""The office's pools, segments and blocklist, as its pool admin sees them."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from cheguan.core.actor import Actor
from cheguan.core.permissions import require_office
from cheguan.plates.models import BlockedPattern, NumberState, PlateNumber, Pool, Segment
from cheguan.plates.queries.selection import type_name


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


def patterns_of(office, *, include_inactive: bool = True) -> QuerySet[BlockedPattern]:
    """The office's blocked combinations (``plates.services.blocklist`` changes them)."""
    rows = BlockedPattern.objects.filter(office=office).select_related("created_by")
    return rows if include_inactive else rows.filter(active=True)
