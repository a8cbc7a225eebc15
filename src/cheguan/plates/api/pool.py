"""The office's number pool over the API (admin, ``plates.manage_pool``): the blocked
combinations (``/blocklist``) and the segments released into the pool (``/segments``).
Reads: ``plates.queries``; changes: ``plates.services``, the same the pages call."""

from __future__ import annotations

from ninja import Path, Router, Status

from cheguan.core.actor import actor_for
from cheguan.core.errors import NOT_FOUND
from cheguan.core.permissions import require
from cheguan.core.schemas import DB_INT_MAX, ERRORS
from cheguan.plates import queries, services
from cheguan.plates.models import Segment
from cheguan.plates.schemas import PatternIn, PatternOut, ReleaseOut, SegmentIn, SegmentOut

router = Router(tags=["plates"])


def _segment_out(segment: Segment) -> dict:
    return {
        "id": segment.pk,
        "plate_type": segment.pool.plate_type,
        "plate_type_name": queries.type_name(segment.pool.plate_type),
        "first": segment.first_number,
        "last": segment.last_number,
        "count": segment.count,
        "released_at": segment.released_at,
        "released_by": segment.released_by.label,
        "random_only_until": segment.random_only_until,
    }


# --- the blocklist ---------------------------------------------------------------------------


@router.get(
    "/blocklist",
    response={200: list[PatternOut], **ERRORS},
    operation_id="cheguan_plates_api_blocklist_index",
)
def blocklist_index(request):
    """The office's blocked combinations, active and deactivated."""
    user = require(actor_for(request).user, "plates.manage_pool")
    return [PatternOut.of(row) for row in queries.patterns_of(user.office)]


@router.post(
    "/blocklist",
    response={201: PatternOut, **ERRORS},
    operation_id="cheguan_plates_api_blocklist_add",
)
def blocklist_add(request, payload: PatternIn):
    actor = actor_for(request)
    user = require(actor.user, "plates.manage_pool")
    row = services.add_pattern(
        actor=actor,
        office=user.office,
        pattern=payload.pattern,
        reason=payload.reason,
        scope=payload.scope,
    )
    return Status(201, PatternOut.of(row))


@router.post(
    "/blocklist/{pattern_id}/deactivate",
    response={200: PatternOut, **ERRORS},
    operation_id="cheguan_plates_api_blocklist_deactivate",
)
def blocklist_deactivate(request, pattern_id: int = Path(..., ge=1, le=DB_INT_MAX)):
    row = services.deactivate_pattern(actor=actor_for(request), pattern_id=pattern_id)
    return PatternOut.of(row)


# --- the segments ----------------------------------------------------------------------------


@router.get(
    "/segments",
    response={200: list[SegmentOut], **ERRORS},
    operation_id="cheguan_plates_selection_api_segments",
)
def segments(request):
    """The segments released into the office's pools, newest first (``plates.manage_pool``)."""
    return [_segment_out(s) for s in queries.segments_of(actor_for(request))[:500]]


@router.post(
    "/segments",
    response={201: ReleaseOut, **ERRORS},
    operation_id="cheguan_plates_selection_api_release",
)
def release(request, payload: SegmentIn):
    """Release a range of serials into the office's pool (admin, audited). Numbers the
    never-release blocklist matches are left out; an overlap with released numbers refuses
    the whole range (409 ``plates.already_released``)."""
    actor = actor_for(request)
    user = require(actor.user, "plates.manage_pool")
    if user.office is None:
        raise NOT_FOUND(field="office")
    done = services.release_segment(
        actor=actor,
        office=user.office,
        plate_type=payload.plate_type,
        first=payload.first,
        last=payload.last,
    )
    return Status(
        201,
        {"segment": _segment_out(done.segment), "released": done.released, "blocked": done.blocked},
    )
