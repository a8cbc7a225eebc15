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

from cheguan.accounts.models import User
from cheguan.core.roles import Role
from cheguan.demo import data
from cheguan.demo.history.aftercare import write_aftercare
from cheguan.demo.history.cases import write_cases
from cheguan.demo.history.marks import write_marks
from cheguan.registry.models import Office


def build_history(
    *, office: Office, today: dt.date, story_people: list[int], cases: int = data.HISTORY_CASES
) -> dict:
    """Write the year; return the counts. ``today`` is the seeding day (the year ends the
    day before); ``story_people``: the people of the story, who get no history.
    Deterministic for a given day and size: one seeded generator, drawn from in order by
    the cases, then the marks."""
    rng = random.Random(data.SEED + 2)  # noqa: S311  (demo data, not secrets)
    tz = ZoneInfo(settings.TIME_ZONE)
    staff = User.objects.filter(office=office).order_by("pk")
    clerks = list(staff.filter(role=Role.CLERK).values_list("pk", flat=True))
    supervisor = staff.filter(role=Role.SUPERVISOR).values_list("pk", flat=True).first()
    year = write_cases(
        rng,
        office=office,
        today=today,
        story_people=story_people,
        clerks=clerks,
        cases=cases,
        tz=tz,
    )
    made = write_aftercare(year, office=office, today=today, clerks=clerks, supervisor=supervisor)
    marks = write_marks(
        rng, office=office, today=today, story_people=story_people, clerks=clerks, tz=tz
    )
    return {"history_cases": len(year.saved) + marks, **made, "marks": marks}
