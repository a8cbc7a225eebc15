"""The office's figures, computed from the records (never typed in), as SQL aggregates.

- One-visit completion rate (一次办结率) = completed cases with ≤ 1 in-person visit and no
  correction round-trip ÷ completed cases.
- Satisfaction rate (满意率) = ratings of 3–5 ÷ ratings; the strict variant counts 4–5;
  ratings whose appeal was upheld are left out. Unrated rate = finished cases (completed or
  rejected) without a rating ÷ finished cases.
- Processing time in working days from acceptance to completion: average and 90th
  percentile, against the promised time.

Each figure is one grouped query over the office's cases closed in the period (index
``case_office_status_closed``); no Python loop over cases.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Aggregate, Avg, Count, F, FloatField, Q, QuerySet
from django.utils import timezone

from cheguan.cases.models import Case, CaseStatus
from cheguan.core.errors import Bi

DEFINITIONS = {
    "one_visit_rate": Bi(
        "一次办结率 = 办结时到现场不超过 1 次且无补正往返的办件 ÷ 全部办结办件（网上办理计 0 次）。",
        "One-visit completion rate = completed cases with at most one in-person visit and no correction round-trip ÷ all completed cases (online cases count zero visits).",
    ),
    "satisfaction_rate": Bi(
        "满意率 = 评价为“基本满意”及以上（3–5 星）的评价数 ÷ 全部评价数（申诉成立的评价不计）。",
        "Satisfaction rate = ratings of 3–5 (basically satisfied or better) ÷ all ratings (ratings excluded on appeal are left out).",
    ),
    "strict_satisfaction_rate": Bi(
        "严格满意率 = 4–5 星评价数 ÷ 全部评价数。",
        "Strict satisfaction rate = ratings of 4–5 ÷ all ratings.",
    ),
    "unrated_rate": Bi(
        "未评价率 = 办结或退回后未评价的办件 ÷ 全部办结或退回办件。",
        "Unrated rate = completed or rejected cases without a rating ÷ all completed or rejected cases.",
    ),
    "processing_time": Bi(
        "办理时长 = 从受理到办结的工作日数（节假日不计），与承诺时限对比。",
        "Processing time = working days from acceptance to completion (holidays excluded), against the promised time.",
    ),
}

GROUPS = {"service": "service__code", "channel": "channel", None: None}


class Percentile90(Aggregate):
    """PostgreSQL's ordered-set aggregate; SQLite has none (see ``_p90_portable``)."""

    function = "percentile_cont"
    template = "%(function)s(0.9) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        tz = timezone.get_current_timezone()
        lo = dt.datetime.combine(self.start, dt.time.min, tzinfo=tz)
        hi = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        return lo, hi


def _closed_in(office_id: int, period: Period, statuses) -> QuerySet[Case]:
    lo, hi = period.bounds()
    return Case.objects.filter(
        office_id=office_id, status__in=statuses, closed_at__gte=lo, closed_at__lt=hi
    )


def _grouped(qs: QuerySet, by: str | None) -> QuerySet:
    field = GROUPS[by]
    return qs.values(field).order_by(field) if field else qs.values().order_by()


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _key(row: dict, by: str | None) -> str:
    return row[GROUPS[by]] if by else "all"


def one_visit_rate(*, office_id: int, period: Period, by: str | None = None) -> list[dict]:
    qs = _grouped(_closed_in(office_id, period, [CaseStatus.COMPLETED]), by).annotate(
        completed=Count("id"),
        one_visit=Count("id", filter=Q(visit_count__lte=1, correction_rounds=0)),
    )
    rows = (
        qs
        if by
        else [
            qs.aggregate(
                completed=Count("id"),
                one_visit=Count("id", filter=Q(visit_count__lte=1, correction_rounds=0)),
            )
        ]
    )
    return [
        {
            "key": _key(r, by),
            "completed": r["completed"],
            "one_visit": r["one_visit"],
            "rate": _ratio(r["one_visit"], r["completed"]),
        }
        for r in rows
    ]


def satisfaction(*, office_id: int, period: Period, by: str | None = None) -> list[dict]:
    counted = Q(rating__isnull=False, rating__excluded=False)
    aggregates = {
        "finished": Count("id"),
        "rated": Count("id", filter=counted),
        "satisfied": Count("id", filter=counted & Q(rating__score__gte=3)),
        "strict": Count("id", filter=counted & Q(rating__score__gte=4)),
        "unrated": Count("id", filter=Q(rating__isnull=True)),
    }
    base = _closed_in(office_id, period, [CaseStatus.COMPLETED, CaseStatus.REJECTED])
    rows = _grouped(base, by).annotate(**aggregates) if by else [base.aggregate(**aggregates)]
    return [
        {
            "key": _key(r, by),
            **{k: r[k] for k in aggregates},
            "satisfaction_rate": _ratio(r["satisfied"], r["rated"]),
            "strict_satisfaction_rate": _ratio(r["strict"], r["rated"]),
            "unrated_rate": _ratio(r["unrated"], r["finished"]),
        }
        for r in rows
    ]


def _p90_portable(qs: QuerySet) -> float | None:
    """Linear-interpolated 90th percentile (as percentile_cont) with two indexed reads."""
    n = qs.count()
    if n == 0:
        return None
    pos = 0.9 * (n - 1)
    lo_i = int(pos)
    values = list(
        qs.order_by("processing_working_days").values_list("processing_working_days", flat=True)[
            lo_i : lo_i + 2
        ]
    )
    if len(values) == 1 or pos == lo_i:
        return float(values[0])
    return values[0] + (values[1] - values[0]) * (pos - lo_i)


def processing_time(*, office_id: int, period: Period, by: str | None = None) -> list[dict]:
    base = _closed_in(office_id, period, [CaseStatus.COMPLETED]).filter(
        processing_working_days__isnull=False
    )
    aggregates = {
        "completed": Count("id"),
        "average": Avg("processing_working_days"),
        "promised_average": Avg("service__promised_working_days"),
        "within_promise": Count(
            "id", filter=Q(processing_working_days__lte=F("service__promised_working_days"))
        ),
    }
    postgres = connection.vendor == "postgresql"
    if postgres:
        aggregates["p90"] = Percentile90("processing_working_days")
    rows = list(_grouped(base, by).annotate(**aggregates)) if by else [base.aggregate(**aggregates)]
    out = []
    for r in rows:
        if not postgres:  # one small query per group (services or channels, not cases)
            group_qs = base.filter(**{GROUPS[by]: r[GROUPS[by]]}) if by else base
            r["p90"] = _p90_portable(group_qs)
        out.append(
            {
                "key": _key(r, by),
                "completed": r["completed"],
                "average": round(r["average"], 2) if r["average"] is not None else None,
                "p90": round(r["p90"], 2) if r["p90"] is not None else None,
                "promised_average": round(r["promised_average"], 2)
                if r["promised_average"] is not None
                else None,
                "within_promise_rate": _ratio(r["within_promise"], r["completed"]),
            }
        )
    return out


def dashboard(*, office_id: int, period: Period) -> dict:
    return {
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "one_visit": {
            by or "all": one_visit_rate(office_id=office_id, period=period, by=by)
            for by in (None, "service", "channel")
        },
        "satisfaction": {
            by or "all": satisfaction(office_id=office_id, period=period, by=by)
            for by in (None, "service", "channel")
        },
        "processing_time": {
            by or "all": processing_time(office_id=office_id, period=period, by=by)
            for by in (None, "service")
        },
    }
