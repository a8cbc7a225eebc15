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

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from cheguan.cases.models import Case, CaseStatus, Service
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

GROUP_COLUMNS = {"service": "service_id", "channel": "channel", None: None}


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
        office_id=office_id, closed_at__gte=lo, closed_at__lt=hi, status__in=statuses
    )


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _service_codes(office_id: int) -> dict[int, str]:
    return dict(Service.objects.filter(office_id=office_id).values_list("pk", "code"))


def _grouped(qs: QuerySet, by: str | None, aggregates: dict, office_id: int) -> list[dict]:
    """One GROUP BY on the case table; service ids are named afterwards (no join)."""
    column = GROUP_COLUMNS[by]
    if column is None:
        return [{"key": "all", **qs.aggregate(**aggregates)}]
    rows = list(qs.values(column).order_by(column).annotate(**aggregates))
    names = _service_codes(office_id) if by == "service" else {}
    for row in rows:
        value = row.pop(column)
        row["key"] = names.get(value, str(value)) if by == "service" else value
    return rows


def one_visit_rate(*, office_id: int, period: Period, by: str | None = None) -> list[dict]:
    aggregates = {
        "completed": Count("id"),
        "one_visit": Count("id", filter=Q(visit_count__lte=1, correction_rounds=0)),
    }
    rows = _grouped(
        _closed_in(office_id, period, [CaseStatus.COMPLETED]), by, aggregates, office_id
    )
    return [
        {
            "key": r["key"],
            "completed": r["completed"],
            "one_visit": r["one_visit"],
            "rate": _ratio(r["one_visit"], r["completed"]),
        }
        for r in rows
    ]


def satisfaction(*, office_id: int, period: Period, by: str | None = None) -> list[dict]:
    counted = Q(rating_score__isnull=False, rating_excluded=False)
    aggregates = {
        "finished": Count("id"),
        "rated": Count("id", filter=counted),
        "satisfied": Count("id", filter=counted & Q(rating_score__gte=3)),
        "strict": Count("id", filter=counted & Q(rating_score__gte=4)),
        "unrated": Count("id", filter=Q(rating_score__isnull=True)),
    }
    base = _closed_in(office_id, period, [CaseStatus.COMPLETED, CaseStatus.REJECTED])
    return [
        {
            "key": r["key"],
            **{k: r[k] for k in aggregates},
            "satisfaction_rate": _ratio(r["satisfied"], r["rated"]),
            "strict_satisfaction_rate": _ratio(r["strict"], r["rated"]),
            "unrated_rate": _ratio(r["unrated"], r["finished"]),
        }
        for r in _grouped(base, by, aggregates, office_id)
    ]


def percentile_from_histogram(histogram: dict[int, int], q: float) -> float | None:
    """As PostgreSQL's percentile_cont: linear interpolation between the two ranks around
    q·(n−1), read off a histogram {value: count} instead of a sorted list."""
    n = sum(histogram.values())
    if n == 0:
        return None
    pos = q * (n - 1)
    lo_rank, frac = int(pos), pos - int(pos)
    values, seen, lo_value, hi_value = sorted(histogram), 0, None, None
    for value in values:
        seen += histogram[value]
        if lo_value is None and seen > lo_rank:
            lo_value = value
        if seen > lo_rank + 1 or (frac == 0 and lo_value is not None):
            hi_value = value
            break
    if hi_value is None:
        hi_value = lo_value
    if lo_value is None or hi_value is None:  # an empty histogram: no percentile
        raise ValueError("percentile of an empty histogram")
    return lo_value + (hi_value - lo_value) * frac


def processing_time(*, office_id: int, period: Period, by: str | None = None) -> list[dict]:
    """Average, 90th percentile and share within the promise, from one histogram query:
    (group, working days, promise) → count."""
    column = GROUP_COLUMNS[by]
    base = _closed_in(office_id, period, [CaseStatus.COMPLETED]).filter(
        processing_working_days__isnull=False
    )
    fields = [f for f in (column, "processing_working_days", "promised_working_days") if f]
    buckets = base.values(*fields).order_by().annotate(n=Count("id"))
    groups: dict = {}
    for b in buckets:  # one row per (group, days, promise) bucket, not per case
        g = groups.setdefault(
            b[column] if column else "all",
            {"hist": {}, "n": 0, "sum": 0, "promised": 0, "within": 0},
        )
        days, promise, n = b["processing_working_days"], b["promised_working_days"], b["n"]
        g["hist"][days] = g["hist"].get(days, 0) + n
        g["n"] += n
        g["sum"] += days * n
        g["promised"] += (promise or 0) * n
        g["within"] += n if promise is not None and days <= promise else 0
    names = _service_codes(office_id) if by == "service" else {}
    out = []
    for key in sorted(groups, key=str):
        g = groups[key]
        p90 = percentile_from_histogram(g["hist"], 0.9)
        out.append(
            {
                "key": names.get(key, str(key)) if by == "service" else key,
                "completed": g["n"],
                "average": round(g["sum"] / g["n"], 2),
                "p90": round(p90, 2) if p90 is not None else None,
                "promised_average": round(g["promised"] / g["n"], 2),
                "within_promise_rate": _ratio(g["within"], g["n"]),
            }
        )
    if not out and by is None:
        out.append(
            {
                "key": "all",
                "completed": 0,
                "average": None,
                "p90": None,
                "promised_average": None,
                "within_promise_rate": None,
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
            for by in (None, "service", "channel")
        },
    }
