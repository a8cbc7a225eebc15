"""The history's cases: the service and channel mix over the year's working days, and the
quotas that decide how each ends (rejected, withdrawn, 容缺 kept or broken, completed in one
visit or not) and how it is rated."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from cheguan.cases.models import Case, CaseStatus, Channel, Service
from cheguan.demo.history.common import IN_PERSON, add_working_days, quota, save_cases, working_days
from cheguan.registry.models import Office, Organisation, Person

ONE_VISIT_MISSES = 0.011  # of completed cases: 一次办结率 98.9 %
BAD_RATINGS = 0.008  # of ratings (1–2 stars): 满意率 99.2 %
RATED = 0.72  # of finished cases
# Service mix (catalogue code, weight) and, per channel the service offers, a weight.
MIX = {
    "inspection_mark_exempt": 26,
    "transfer": 16,
    "new_registration": 14,
    "plate_selection": 12,
    "driving_test_booking": 14,
    "plate_replacement": 7,
    "deregistration": 5,
    "contact_change": 6,
}
CHANNEL_WEIGHTS = {
    Channel.ONLINE: 48,
    Channel.WINDOW: 36,
    Channel.ASSISTED: 4,
    Channel.DEALER: 8,
    Channel.SERVICE_POINT: 4,
}


@dataclass(frozen=True)
class Year:
    """The cases written, with their plain rows (same index) and the quotas the later parts
    read."""

    rows: list[dict]
    saved: list[Case]
    rongque: set[int]
    broken: set[int]  # 容缺 commitments not kept: the case terminated
    rated: list[int]
    bad: set[int]


def write_cases(
    rng: random.Random,
    *,
    office: Office,
    today: dt.date,
    story_people: list[int],
    clerks: list[int],
    cases: int,
    tz: dt.tzinfo,
) -> Year:
    services = {s.code: s for s in Service.objects.filter(office=office, code__in=MIX)}
    people = list(
        Person.objects.filter(office=office)
        .exclude(pk__in=story_people)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    dealers = list(
        Organisation.objects.filter(office=office, kind="dealer")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    days = working_days(today)
    codes_ = [c for c in MIX if c in services]
    weights = [MIX[c] for c in codes_]

    # --- the cases, as plain dicts first -------------------------------------------------
    rows: list[dict] = []
    for n in range(cases):
        service = services[rng.choices(codes_, weights=weights)[0]]
        offered = [Channel(c) for c in service.channels if c in CHANNEL_WEIGHTS]
        channel = rng.choices(offered, weights=[CHANNEL_WEIGHTS[c] for c in offered])[0]
        day = days[n * len(days) // cases]  # spread evenly: every working day has cases
        created = dt.datetime.combine(day, dt.time(8, 30), tzinfo=tz) + dt.timedelta(
            minutes=rng.randrange(8 * 60)
        )
        rows.append(
            {
                "service": service,
                "channel": channel,
                "created": created,
                "day": day,
                "person": rng.choice(people) if channel != Channel.DEALER else None,
                "organisation": rng.choice(dealers) if channel == Channel.DEALER else None,
            }
        )
    index = list(range(cases))
    rejected = quota(rng, index, 0.02)
    rest = [i for i in index if i not in rejected]
    withdrawn = quota(rng, rest, 0.01)
    rest = [i for i in rest if i not in withdrawn]
    rongque_able = [
        i for i in rest if rows[i]["service"].rongque_allowed and not rows[i]["service"].immediate
    ]
    rongque = quota(rng, rongque_able, 0.12)
    broken = quota(rng, sorted(rongque), 0.05)  # the commitment not kept: terminated
    completed = [i for i in rest if i not in broken]
    misses = quota(rng, completed, ONE_VISIT_MISSES)
    finished = sorted(set(completed) | rejected)
    rated = sorted(quota(rng, finished, RATED))
    bad = quota(rng, rated, BAD_RATINGS)
    fair = quota(rng, [i for i in rated if i not in bad], 0.03)

    yesterday_end = dt.datetime.combine(today, dt.time.min, tzinfo=tz) - dt.timedelta(minutes=1)
    objects = []
    for i, row in enumerate(rows):
        service, channel, created = row["service"], row["channel"], row["created"]
        if i in rejected:
            status = CaseStatus.REJECTED
        elif i in withdrawn:
            status = CaseStatus.WITHDRAWN
        elif i in broken:
            status = CaseStatus.TERMINATED
        else:
            status = CaseStatus.COMPLETED
        promised = service.promised_working_days
        took = 0 if service.immediate else rng.choice(range(promised + 1))
        if i in rongque:
            took = max(took, min(promised, 3))
        closed_day = add_working_days(row["day"], took)
        closed = min(
            dt.datetime.combine(closed_day, created.timetz()) + dt.timedelta(minutes=25),
            yesterday_end,
        )
        in_person = channel in IN_PERSON
        miss = i in misses
        row.update(
            status=status,
            closed=closed,
            took=took,
            visits=(2 if miss else 1) if in_person else 0,
            corrections=1 if miss and not in_person else 0,
        )
        score = None
        if i in rated:
            score = rng.choice((1, 2)) if i in bad else 3 if i in fair else rng.choice((4, 5, 5, 5))
        row["score"] = score
        objects.append(
            Case(
                office=office,
                number=f"{row['day']:%Y%m%d}9{i:07d}",
                service=service,
                applicant_person_id=row["person"],
                applicant_organisation_id=row["organisation"],
                channel=channel,
                status=status,
                created_by_id=rng.choice(clerks) if in_person else None,
                assisted_by_id=rng.choice(clerks) if channel == Channel.ASSISTED else None,
                created_at=created,
                submitted_at=created,
                accepted_at=None if i in withdrawn else created + dt.timedelta(minutes=5),
                closed_at=closed,
                due_date=add_working_days(row["day"], promised),
                rongque=i in rongque,
                correction_rounds=row["corrections"],
                visit_count=row["visits"],
                processing_working_days=took if status == CaseStatus.COMPLETED else None,
                promised_working_days=promised,
                rating_score=score,
                closing_reason="材料不符合要求，已书面告知。" if i in rejected else "",
                closing_reason_en="The documents did not meet the requirements; told in writing."
                if i in rejected
                else "",
            )
        )
    saved = save_cases(objects)
    return Year(rows=rows, saved=saved, rongque=rongque, broken=broken, rated=rated, bad=bad)
