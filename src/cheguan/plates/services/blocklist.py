"""The office's blocklist of offensive or reserved combinations (DOMAIN.md §2.3: Beijing's
2002 experiment stopped after "USA-911" and "TMD"). An admin adds a regular expression
searched in the serial, with its reason and scope — not for self-composition, or never
released at all — and deactivates it later. Both are audited.

What a pattern and its reason must be: ``plates.rules``; the office's patterns:
``plates.queries.patterns_of``; they are applied by :mod:`cheguan.plates.formats.composition`.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from cheguan.audit.services import record
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import INVALID_INPUT, NOT_FOUND, Bi
from cheguan.core.permissions import require_staff_of
from cheguan.plates import errors
from cheguan.plates.models import BlockedPattern, BlockScope
from cheguan.plates.rules import pattern_reason, validate_pattern


@transaction.atomic
def add_pattern(
    *, actor: Actor, office, pattern: str, reason: str, scope: str = BlockScope.COMPOSE
) -> BlockedPattern:
    """Block a combination at the admin's own office. A pattern that was deactivated before
    comes back active, with the new reason and scope."""
    user = require_staff_of(
        actor.user, "plates.manage_pool", office.pk if office is not None else None, field="office"
    )
    pattern = validate_pattern(pattern)
    reason = pattern_reason(reason)
    if scope not in BlockScope.values:
        raise INVALID_INPUT(
            field="scope", detail=Bi("范围应为 compose 或 all", "scope is compose or all")
        )
    existing = (
        BlockedPattern.objects.select_for_update().filter(office=office, pattern=pattern).first()
    )
    if existing is not None and existing.active:
        raise errors.PATTERN_EXISTS(field="pattern")
    fields = {
        "scope": scope,
        "reason": reason,
        "active": True,
        "created_at": clock.now(),
        "created_by": user,
    }
    if existing is not None:
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.save(update_fields=list(fields))
        row = existing
    else:
        try:
            with transaction.atomic():
                row = BlockedPattern.objects.create(office=office, pattern=pattern, **fields)
        except IntegrityError:  # the same pattern added at the same moment by another admin
            raise errors.PATTERN_EXISTS(field="pattern") from None
    record(
        actor=actor,
        action="plates.pattern_added",
        subject=row,
        office_id=office.pk,
        data={
            "pattern": row.pattern,
            "scope": row.scope,
            "reason": row.reason,
            "reactivated": existing is not None,
        },
    )
    return row


@transaction.atomic
def deactivate_pattern(*, actor: Actor, pattern_id: int) -> BlockedPattern:
    """Stop blocking a combination (the row stays, for the trail)."""
    row = BlockedPattern.objects.visible_to(actor).select_for_update().filter(pk=pattern_id).first()
    if row is None:
        raise NOT_FOUND()
    if not row.active:
        raise errors.PATTERN_INACTIVE()
    row.active = False
    row.save(update_fields=["active"])
    record(
        actor=actor,
        action="plates.pattern_deactivated",
        subject=row,
        office_id=row.office_id,
        data={"pattern": row.pattern, "scope": row.scope},
    )
    return row
