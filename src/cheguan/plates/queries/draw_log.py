"""The public draw log: a day's draws with the applicants masked (:func:`draw_log`), and
the day's committed seeds (:func:`published_day_seeds`): the hash from the moment it is
committed, the secret itself only once the day has closed (ADR 0014)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cheguan.core import clock
from cheguan.core.errors import NOT_FOUND
from cheguan.core.masking import mask_name
from cheguan.plates.models import DaySeed, Draw
from cheguan.plates.queries.replay import draws_on
from cheguan.registry import remembered as offices
from cheguan.registry.models import Office

DRAW_LOG_MAX = 200  # rows per page of the public draw log (API and page)
VERIFY_COMMAND = "cheguan plates verify-draws {day}"  # replays a day's draws from the log


@dataclass(frozen=True)
class DrawLogPage:
    day: dt.date
    office: Office | None
    total: int
    limit: int
    offset: int
    draws: list[Draw]


def office_by_code(code: str) -> Office | None:
    """The office a public page names (``?office=330200``); none named: every office."""
    if not code:
        return None
    office = offices.office_by_code(code[:12])
    if office is None:
        raise NOT_FOUND(field="office")
    return office


def draw_log(
    day: dt.date, *, office: Office | None = None, limit: int = 50, offset: int = 0
) -> DrawLogPage:
    """The draws of an office-local day, in the order they were made."""
    limit = max(1, min(limit, DRAW_LOG_MAX))
    offset = max(0, offset)
    draws = draws_on(day, office_id=office.pk if office is not None else None).select_related(
        "pool__office", "applicant_person", "case__applicant_organisation"
    )
    return DrawLogPage(
        day=day,
        office=office,
        total=draws.count(),
        limit=limit,
        offset=offset,
        draws=list(draws[offset : offset + limit]),
    )


@dataclass(frozen=True)
class PublishedDaySeed:
    office: Office
    day: dt.date
    commitment: str
    committed_at: dt.datetime
    secret: str | None  # None until the day has closed (office-local)


def published_day_seeds(day: dt.date, *, office: Office | None = None) -> list[PublishedDaySeed]:
    """The day's committed seeds, as the public may see them: never today's secret."""
    rows = DaySeed.objects.select_related("office").filter(day=day)
    if office is not None:
        rows = rows.filter(office=office)
    closed = day < clock.today()
    return [
        PublishedDaySeed(
            office=row.office,
            day=row.day,
            commitment=row.commitment,
            committed_at=row.committed_at,
            secret=row.secret if closed else None,
        )
        for row in rows.order_by("office__code")
    ]


def masked_applicant(draw: Draw) -> str:
    """The applicant as the public log shows them: 王*国 (an organisation masked alike)."""
    if draw.applicant_person is not None:
        return mask_name(draw.applicant_person.name)
    organisation = draw.case.applicant_organisation
    return mask_name(organisation.name) if organisation is not None else ""
