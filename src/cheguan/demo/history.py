"""A year of the demo office's life, so the supervisor's figures, trends and exports have
something real to show (docs/adr/0016-demo-relative-to-today.md).

Built as plain rows by one seeded generator, then written with ``bulk_create`` only: the
number of statements grows with the batches, never with a query per row. Shares are
*quotas*, not independent draws: exactly ``ONE_VISIT_MISSES`` of the completed cases miss
the one-visit promise and exactly ``BAD_RATINGS`` of the ratings are bad, so the figures
come out near the office's published ones (一次办结率 ≈ 98.9 %, 满意率 ≈ 99.2 %) at any
size.

What the history holds, over the 365 days before the day it is seeded (weekdays only):
cases of every catalogue service through its channels; hall-ticket visits for the cases
handled in person (a second visit for the few that missed the promise); 容缺 cases with
their commitment (kept, or broken and the case terminated); ratings from the second screen
and online, the bad ones with their follow-up (closed, or still open when recent, one
appeal upheld); and an inspection mark for each of the city's exempt-class cars (the one it carries now,
issued in the year), online or at a window. Applicants are the city's people
(never the two people of the story); apart from those marks the cases name no vehicle: the
figures count the office's whole area, the demo registry holds only 300 of its vehicles.

No plate draws: a draw must replay from the pool's number events (``cheguan plates
verify-draws``), which made-up draws would fail; plate-selection cases are in the history
without them. No audit events per row either: these rows stand for the office's past, not
for anything done in this system; one ``demo.history_seeded`` event records what was made.
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q

from cheguan.accounts.models import User
from cheguan.cases.models import (
    AppealDecision,
    Case,
    CaseStatus,
    Channel,
    CommitmentStatus,
    FollowUp,
    FollowUpStatus,
    Rating,
    RongqueCommitment,
    Service,
    Visit,
    VisitKind,
)
from cheguan.core.roles import Role
from cheguan.demo import data
from cheguan.inspection.models import InspectionMark
from cheguan.registry import codes
from cheguan.registry.models import Office, Organisation, Person, Vehicle

DAYS = 365
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
IN_PERSON = {Channel.WINDOW, Channel.ASSISTED}
BATCH = 2000
BAD_COMMENTS = [
    ("排队时间太长，等了一个多小时。", "核实：当日上午取号高峰；已在高峰时段增开窗口。"),
    ("网上上传材料总提示格式不对。", "核实：旧版手机浏览器上传问题；已修复并电话告知。"),
    ("窗口工作人员解释不清楚。", "核实属实；已对该窗口人员进行业务培训并回访致歉。"),
    ("材料要求与办事指南不一致。", "核实：指南未及时更新；已更新办事指南。"),
]


def _working_days(rng: random.Random, today: dt.date) -> list[dt.date]:
    days = [today - dt.timedelta(days=n) for n in range(DAYS, 0, -1)]
    return [d for d in days if d.weekday() < 5]


def _add_working_days(day: dt.date, n: int) -> dt.date:
    while n > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def _quota(rng: random.Random, population: list[int], share: float) -> set[int]:
    """Exactly round(len × share) members, chosen by the seeded generator."""
    return set(rng.sample(population, round(len(population) * share)))


def build_history(
    *, office: Office, today: dt.date, story_people: list[int], cases: int = data.HISTORY_CASES
) -> dict:
    """Write the year; return the counts. ``today`` is the seeding day (the year ends the
    day before); ``story_people``: the people of the story, who get no history.
    Deterministic for a given day and size."""
    rng = random.Random(data.SEED + 2)  # noqa: S311  (demo data, not secrets)
    tz = ZoneInfo(settings.TIME_ZONE)
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
    staff = User.objects.filter(office=office).order_by("pk")
    clerks = list(staff.filter(role=Role.CLERK).values_list("pk", flat=True))
    supervisor = staff.filter(role=Role.SUPERVISOR).values_list("pk", flat=True).first()
    days = _working_days(rng, today)
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
    rejected = _quota(rng, index, 0.02)
    rest = [i for i in index if i not in rejected]
    withdrawn = _quota(rng, rest, 0.01)
    rest = [i for i in rest if i not in withdrawn]
    rongque_able = [
        i for i in rest if rows[i]["service"].rongque_allowed and not rows[i]["service"].immediate
    ]
    rongque = _quota(rng, rongque_able, 0.12)
    broken = _quota(rng, sorted(rongque), 0.05)  # the commitment not kept: terminated
    completed = [i for i in rest if i not in broken]
    misses = _quota(rng, completed, ONE_VISIT_MISSES)
    finished = sorted(set(completed) | rejected)
    rated = sorted(_quota(rng, finished, RATED))
    bad = _quota(rng, rated, BAD_RATINGS)
    fair = _quota(rng, [i for i in rated if i not in bad], 0.03)

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
        closed_day = _add_working_days(row["day"], took)
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
                due_date=_add_working_days(row["day"], promised),
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
    saved = Case.objects.bulk_create(objects, batch_size=BATCH)
    if saved and saved[0].pk is None:  # a backend that does not return keys
        by_number = dict(
            Case.objects.filter(number__in=[c.number for c in saved]).values_list("number", "pk")
        )
        for c in saved:
            c.pk = c.id = by_number[c.number]

    # --- visits, 容缺 commitments, ratings and follow-ups --------------------------------
    visits = []
    for i, row in enumerate(rows):
        for v in range(row["visits"]):
            visits.append(
                Visit(
                    case=saved[i],
                    at=row["created"] + dt.timedelta(days=3 * v),
                    kind=VisitKind.HALL_TICKET,
                    ticket_number=f"A{(i * 7 + v) % 1000:03d}",
                    clerk_id=saved[i].created_by_id or clerks[0],
                )
            )
    Visit.objects.bulk_create(visits, batch_size=BATCH)
    commitments = []
    for i in sorted(rongque):
        row = rows[i]
        deadline = _add_working_days(row["day"], 5)
        commitments.append(
            RongqueCommitment(
                case=saved[i],
                applicant_person_id=row["person"],
                applicant_organisation_id=row["organisation"],
                missing=["secondary"],
                signed_at=row["created"],
                working_days=5,
                deadline=deadline,
                status=CommitmentStatus.BROKEN if i in broken else CommitmentStatus.FULFILLED,
                closed_at=row["closed"],
            )
        )
    RongqueCommitment.objects.bulk_create(commitments, batch_size=BATCH)
    ratings = []
    for i in rated:
        row = rows[i]
        online = row["channel"] not in IN_PERSON
        dims = ("overall", "efficiency", "convenience") if online else ("overall", "attitude")
        ratings.append(
            Rating(
                case=saved[i],
                score=row["score"],
                dimensions=dict.fromkeys(dims, row["score"]),
                comment=BAD_COMMENTS[i % len(BAD_COMMENTS)][0] if i in bad else "",
                channel="online" if online else "window_screen",
                rated_at=row["closed"] + dt.timedelta(minutes=3),
            )
        )
    saved_ratings = Rating.objects.bulk_create(ratings, batch_size=BATCH)
    if saved_ratings and saved_ratings[0].pk is None:
        by_case = dict(
            Rating.objects.filter(case__in=[saved[i] for i in rated]).values_list("case_id", "pk")
        )
        for r in saved_ratings:
            r.pk = r.id = by_case[r.case_id]
    follow_ups, appealed = [], None
    for rating, i in zip(saved_ratings, rated, strict=True):
        if i not in bad:
            continue
        row = rows[i]
        due = _add_working_days(row["closed"].date(), 15)
        done = due < today - dt.timedelta(days=7)
        _comment, fix = BAD_COMMENTS[i % len(BAD_COMMENTS)]
        appeal = ""
        if done and appealed is None and row["channel"] in IN_PERSON:
            appealed, appeal = i, AppealDecision.UPHELD
        follow_ups.append(
            FollowUp(
                rating=rating,
                case=saved[i],
                office=office,
                opened_at=rating.rated_at,
                due_date=due,
                status=FollowUpStatus.CLOSED if done else FollowUpStatus.OPEN,
                verification_note=fix.split("；")[0] if done else "",
                callback_note="已电话回访，群众表示认可。" if done else "",
                fix_note=fix if done else "",
                handled_by_id=supervisor if done else None,
                closed_at=rating.rated_at + dt.timedelta(days=10) if done else None,
                appeal=appeal,
                appeal_by_id=saved[i].created_by_id if appeal else None,
                appeal_reason="评价针对的是系统故障，与窗口服务无关。" if appeal else "",
                appeal_decided_by_id=supervisor if appeal else None,
                appeal_decision_note="核实属实，该评价不计入。" if appeal else "",
            )
        )
    FollowUp.objects.bulk_create(follow_ups, batch_size=BATCH)
    if appealed is not None:  # the one upheld appeal takes its rating out of the figures
        Rating.objects.filter(case=saved[appealed]).update(excluded=True)
        Case.objects.filter(pk=saved[appealed].pk).update(rating_excluded=True)

    marks = _marks(rng, office=office, today=today, story_people=story_people, clerks=clerks, tz=tz)
    return {
        "history_cases": len(saved) + marks,
        "visits": len(visits),
        "rongque": len(commitments),
        "ratings": len(saved_ratings),
        "follow_ups": len(follow_ups),
        "marks": marks,
    }


def _marks(rng, *, office, today, story_people, clerks, tz) -> int:
    """A mark, with its completed case, for each of the city's exempt-class cars whose
    inspection is not overdue: the one it carries now, issued in the year (in the window
    before the previous due date), online or at a window."""
    start = today - dt.timedelta(days=DAYS)
    service = Service.objects.get(office=office, code="inspection_mark_exempt")
    vehicles = list(
        Vehicle.objects.filter(office=office, status__in=["registered", "mortgaged"])
        .filter(Q(owner_person__isnull=False))
        .exclude(owner_person__in=story_people)
        .exclude(inspection_valid_until__isnull=True)
        .order_by("pk")
        .values(
            "pk",
            "owner_person",
            "plate_number",
            "vehicle_type",
            "use_nature",
            "first_registration_date",
            "inspection_valid_until",
        )
    )
    picked = []
    for v in vehicles:
        until = v["inspection_valid_until"]
        exempt = codes.is_small_or_mini_passenger(v["vehicle_type"]) and not codes.is_minivan(
            v["vehicle_type"]
        )
        if exempt and v["use_nature"] == codes.USE_NATURE_NON_OPERATING and until > today:
            # issued in the window before the previous due date, a year before this one
            issued = dt.date(until.year - 1, until.month, min(until.day, 28))
            picked.append((v, max(start, min(issued, today - dt.timedelta(days=61)))))
    cases, marks = [], []
    for n, (v, previous) in enumerate(picked):
        day = previous - dt.timedelta(days=rng.randint(3, 60))
        day = max(day, start)
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        at = dt.datetime.combine(day, dt.time(9), tzinfo=tz) + dt.timedelta(
            minutes=rng.randrange(7 * 60)
        )
        channel = rng.choices([Channel.ONLINE, Channel.WINDOW], weights=[65, 35])[0]
        cases.append(
            Case(
                office=office,
                number=f"{day:%Y%m%d}8{n:07d}",
                service=service,
                applicant_person_id=v["owner_person"],
                vehicle_id=v["pk"],
                channel=channel,
                status=CaseStatus.COMPLETED,
                created_by_id=rng.choice(clerks) if channel == Channel.WINDOW else None,
                created_at=at,
                submitted_at=at,
                accepted_at=at,
                closed_at=at + dt.timedelta(minutes=2),
                due_date=_add_working_days(day, 1),
                visit_count=1 if channel == Channel.WINDOW else 0,
                processing_working_days=0,
                promised_working_days=service.promised_working_days,
            )
        )
    saved = Case.objects.bulk_create(cases, batch_size=BATCH)
    if saved and saved[0].pk is None:
        by_number = dict(
            Case.objects.filter(number__in=[c.number for c in saved]).values_list("number", "pk")
        )
        for c in saved:
            c.pk = c.id = by_number[c.number]
    for n, ((v, _issued), case) in enumerate(zip(picked, saved, strict=True)):
        reg, until = v["first_registration_date"], v["inspection_valid_until"]
        previous_due = dt.date(until.year - 1, until.month, min(until.day, 28))
        age = (
            previous_due.year
            - reg.year
            - ((previous_due.month, previous_due.day) < (reg.month, reg.day))
        )
        marks.append(
            InspectionMark(
                serial=f"{office.code}{case.created_at:%y%m%d}9{n:09d}",
                vehicle_id=v["pk"],
                plate_number=v["plate_number"] or "",
                vehicle_type=v["vehicle_type"],
                valid_until=v["inspection_valid_until"],
                exempt=age < 10 and age != 6,  # otherwise issued after a station test
                office=office,
                issued_at=case.closed_at or case.created_at,  # closed: the mark came with it
                case=case,
            )
        )
    InspectionMark.objects.bulk_create(marks, batch_size=BATCH)
    Visit.objects.bulk_create(
        Visit(
            case=case,
            at=case.created_at,
            kind=VisitKind.HALL_TICKET,
            ticket_number=f"B{n:03d}",
            clerk_id=case.created_by_id,
        )
        for n, case in enumerate(saved)
        if case.channel == Channel.WINDOW
    )
    return len(marks)
