"""What follows the history's cases: hall-ticket visits, 容缺 commitments, ratings, and the
follow-ups of the bad ones (closed, or still open when recent; one appeal upheld)."""

from __future__ import annotations

import datetime as dt

from cheguan.cases.models import (
    AppealDecision,
    Case,
    CommitmentStatus,
    FollowUp,
    FollowUpStatus,
    Rating,
    RongqueCommitment,
    Visit,
    VisitKind,
)
from cheguan.demo.history.cases import Year
from cheguan.demo.history.common import BATCH, IN_PERSON, add_working_days
from cheguan.registry.models import Office

BAD_COMMENTS = [
    ("排队时间太长，等了一个多小时。", "核实：当日上午取号高峰；已在高峰时段增开窗口。"),
    ("网上上传材料总提示格式不对。", "核实：旧版手机浏览器上传问题；已修复并电话告知。"),
    ("窗口工作人员解释不清楚。", "核实属实；已对该窗口人员进行业务培训并回访致歉。"),
    ("材料要求与办事指南不一致。", "核实：指南未及时更新；已更新办事指南。"),
]


def write_aftercare(
    year: Year, *, office: Office, today: dt.date, clerks: list[int], supervisor: int | None
) -> dict[str, int]:
    """Write them; return how many of each (visits, rongque, ratings, follow_ups)."""
    rows, saved, rongque, broken = year.rows, year.saved, year.rongque, year.broken
    rated, bad = year.rated, year.bad
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
        deadline = add_working_days(row["day"], 5)
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
        due = add_working_days(row["closed"].date(), 15)
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
    return {
        "visits": len(visits),
        "rongque": len(commitments),
        "ratings": len(saved_ratings),
        "follow_ups": len(follow_ups),
    }
