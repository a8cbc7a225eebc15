"""The history's inspection marks: for each of the city's exempt-class cars, the mark it
carries now, issued in the year with its completed case, online or at a window."""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import Q

from cheguan.cases.models import Case, CaseStatus, Channel, Service, Visit, VisitKind
from cheguan.demo.history.common import BATCH, DAYS, add_working_days, save_cases
from cheguan.inspection.models import InspectionMark
from cheguan.registry import codes
from cheguan.registry.models import Office, Vehicle


def write_marks(
    rng: random.Random,
    *,
    office: Office,
    today: dt.date,
    story_people: list[int],
    clerks: list[int],
    tz: dt.tzinfo,
) -> int:
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
                due_date=add_working_days(day, 1),
                visit_count=1 if channel == Channel.WINDOW else 0,
                processing_working_days=0,
                promised_working_days=service.promised_working_days,
            )
        )
    saved = save_cases(cases)
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
