"""The office's blocklist of offensive or reserved combinations (DOMAIN.md §2.3: Beijing's
2002 experiment stopped after "USA-911" and "TMD"). An admin adds a regular expression
searched in the serial, with its reason and scope — not for self-composition, or never
released at all — and deactivates it later. Both are audited.

The patterns are read by :mod:`cheguan.plates.formats.composition`.
"""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from cheguan.audit.services import record
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import INVALID_INPUT, NOT_FOUND, Bi
from cheguan.core.permissions import require_staff_of
from cheguan.plates import errors
from cheguan.plates.models import BlockedPattern, BlockScope

MAX_PATTERN_LENGTH = 60  # BlockedPattern.pattern's column
MIN_REASON_LENGTH = 2
MAX_REASON_LENGTH = 120


def validate_pattern(pattern: object) -> str:
    """The pattern, stripped, or ``plates.bad_pattern`` saying what is wrong with it."""
    if not isinstance(pattern, str) or not pattern.strip():
        raise errors.BAD_PATTERN(field="pattern", reason=Bi("没有填写。", "it is empty."))
    pattern = pattern.strip()
    if not pattern.isprintable():
        raise errors.BAD_PATTERN(
            field="pattern",
            reason=Bi("含有控制字符。", "it contains a control character."),
        )
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise errors.BAD_PATTERN(
            field="pattern",
            reason=Bi(f"有{len(pattern)}个字符。", f"it has {len(pattern)} characters."),
        )
    try:
        regex = re.compile(pattern)
    except (re.error, RecursionError, OverflowError) as e:
        detail = getattr(e, "msg", "") or type(e).__name__
        raise errors.BAD_PATTERN(
            field="pattern",
            reason=Bi(
                f"不是有效的正则表达式（{detail}）。", f"it is not a valid expression ({detail})."
            ),
        ) from None
    if regex.search("") is not None:
        raise errors.BAD_PATTERN(
            field="pattern",
            reason=Bi(
                "它能匹配空序号，因而会禁用所有号码。",
                "it matches an empty serial, so it would block every number.",
            ),
        )
    return pattern


def _reason(reason: object) -> str:
    text = reason.strip() if isinstance(reason, str) else ""
    if not MIN_REASON_LENGTH <= len(text) <= MAX_REASON_LENGTH or not text.isprintable():
        raise errors.PATTERN_REASON_REQUIRED(field="reason")
    return text


def patterns_of(office, *, include_inactive: bool = True) -> QuerySet[BlockedPattern]:
    rows = BlockedPattern.objects.filter(office=office).select_related("created_by")
    return rows if include_inactive else rows.filter(active=True)


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
    reason = _reason(reason)
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
