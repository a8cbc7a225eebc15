"""The public draw log page: no login, a day's draws with the applicants masked, each
draw's seed, slot space and numbers, and how to replay them — in the browser too
(``plates/draw-check.js``, ADR 0014). Thin: the reads are ``plates.queries``."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import render
from django.utils.translation import gettext as _

from cheguan.core import clock
from cheguan.core.pages import public
from cheguan.plates import formats, queries

LOG_PAGE = 50


def _int(value: str, default: int) -> int:
    return int(value) if value.isdigit() and len(value) < 10 else default


@public
def draw_log(request):
    """Public, no login: a day's draws with the applicants masked, each draw's seed, slot
    space and numbers, and how to replay them."""
    today = clock.today()
    raw = (request.GET.get("date") or "")[:10]
    bad_date = False
    try:
        day = dt.date.fromisoformat(raw) if raw else today
    except ValueError:
        day, bad_date = today, True
    office = queries.office_by_code(request.GET.get("office", ""))
    offset = _int(request.GET.get("offset", ""), 0)
    found = queries.draw_log(day, office=office, limit=LOG_PAGE, offset=offset)
    entries = [
        {
            "draw": d,
            "applicant": queries.masked_applicant(d),
            "plate_type_name": queries.type_name(d.pool.plate_type),
            "numbers": [formats.display(n) for n in d.numbers],
            "picked": formats.display(d.picked),
        }
        for d in found.draws
    ]
    day_seeds = queries.published_day_seeds(day, office=office)
    office_q = f"&office={office.code}" if office is not None else ""
    base = f"?date={day.isoformat()}{office_q}"
    return render(
        request,
        "plates/draw_log.html",
        {
            "day": day,
            "today": today,
            "bad_date": bad_date,
            "raw_date": raw,
            "office": office,
            "page": found,
            "entries": entries,
            "first_shown": found.offset + 1,
            "last_shown": found.offset + len(entries),
            "previous": f"{base}&offset={max(0, found.offset - LOG_PAGE)}"
            if found.offset > 0
            else "",
            "next": f"{base}&offset={found.offset + LOG_PAGE}"
            if found.offset + LOG_PAGE < found.total
            else "",
            "verify_command": queries.VERIFY_COMMAND.format(day=day.isoformat()),
            "day_seeds": day_seeds,
            "day_closed": day < today,
            "check_data": _check_data(day, found.draws, day_seeds),
        },
    )


def _check_data(day: dt.date, draws, day_seeds) -> dict:
    """What ``plates/draw-check.js`` recomputes in the browser (ADR 0014), with its words."""
    return {
        "day": day.isoformat(),
        "days": {
            p.office.code: {"commitment": p.commitment, "secret": p.secret} for p in day_seeds
        },
        "draws": [
            {
                "id": d.pk,
                "office": d.pool.office.code,
                "committed": d.day_seed_id is not None,
                "seed": d.seed,
                "size": d.pool_size,
                "candidates": d.candidates,
                "numbers": d.numbers,
            }
            for d in draws
        ],
        "words": {
            "ok_full": _(
                "Checked: the day's seed matches its commitment, this draw's seed follows "
                "from it, and the slots and numbers follow from this draw's seed."
            ),
            "ok_today": _(
                "Checked: the slots and numbers follow from this draw's seed. The day's seed "
                "is published after the day closes; then this draw's seed can be checked too."
            ),
            "ok_before": _(
                "Checked: the slots and numbers follow from this draw's seed. This draw was "
                "made before day seeds were committed, so its seed itself cannot be checked."
            ),
            "bad_commitment": _(
                "Does not match: the day's seed does not match the commitment published "
                "before the draws."
            ),
            "bad_seed": _("Does not match: this draw's seed does not follow from the day's seed."),
            "bad_slots": _("Does not match: the slots tried do not follow from this draw's seed."),
            "bad_numbers": _(
                "Does not match: the numbers offered are not the ones found in the slots."
            ),
            "no_crypto": _(
                "This browser cannot run the check (it has no Web Crypto). "
                "Use the command below, or another browser."
            ),
            "summary": _("{ok} of {total} draws on this page match; {bad} do not."),
            "working": _("Checking…"),
        },
    }
