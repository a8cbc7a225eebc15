"""二十选一 pages: the applicant's draw page (a citizen, a clerk in an assisted session, a
dealer for its customer), the confirmation of a pick, the public draw log, and the admin's
segments. Thin: the rules are in ``plates.services`` and the reads in ``plates.queries``,
the same functions the API calls.

The draw page works without JavaScript (drawing and picking are plain forms); a small
static script (``plates/countdown.js``; the CSP allows no inline script) only counts the
offer's time down.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cheguan.core import clock
from cheguan.core.actor import actor_for
from cheguan.core.errors import NOT_FOUND, DomainError
from cheguan.core.pages import english, field_errors, pages, public
from cheguan.core.permissions import has_capability, require
from cheguan.plates import formats, queries, services
from cheguan.plates.models import DrawStatus, NumberState

LOG_PAGE = 50


# --- the applicant's draw page ---------------------------------------------------------------


@pages
def mine(request):
    """The open cases that need a number, each with its draw page. Office staff open a case's
    draw page by its number (a clerk helping at the window)."""
    actor = actor_for(request)
    number = "".join(ch for ch in request.GET.get("case", "") if ch.isdigit())[:24]
    if number:
        return redirect("plates:selection", number=number)
    lang = "en" if english(request) else "zh-hans"
    items = [
        {"case": c, "service_name": c.service.name_in(lang)}
        for c in queries.plate_cases(actor)[:50]
    ]
    return render(
        request,
        "plates/mine.html",
        {
            "items": items,
            "citizen": actor.citizen,
            "may_apply": actor.citizen is not None,
            "staff": has_capability(actor.user, "plates.process"),
            "manage_pool": has_capability(actor.user, "plates.manage_pool"),
        },
    )


def _countdown(seconds: int) -> str:
    minutes, seconds = divmod(max(0, seconds), 60)
    return f"{minutes}:{seconds:02d}"


def _last_day(until: dt.datetime) -> dt.date:
    """A hold runs to local midnight; the applicant reads the last day it covers."""
    return clock.local_date(until - dt.timedelta(seconds=1))


def _selection_page(request, case, *, error: DomainError | None = None, status: int = 200):
    actor = actor_for(request)
    state = queries.selection_of(actor, case)
    lang = "en" if english(request) else "zh-hans"
    open_draw = state.open_draw
    offered = (
        [{"number": n, "display": formats.display(n)} for n in open_draw.numbers]
        if open_draw is not None
        else []
    )
    context = {
        "case": case,
        "service_name": case.service.name_in(lang),
        "state": state,
        "offered": offered,
        "countdown": _countdown(state.seconds_left),
        "held_last_day": (
            _last_day(state.held.until)
            if state.held is not None and state.held.until is not None
            else None
        ),
        "types": queries.pooled_types(),
        "rules": queries.selection_rules(),
        "error": error,
        "today": clock.today(),
    }
    return render(request, "plates/selection.html", context, status=status)


@pages
def selection(request, number: str):
    """The draw page of one case: draw, the twenty numbers with the time left, the held
    number and what to do next."""
    actor = actor_for(request)
    return _selection_page(request, queries.plate_case_for(actor, number))


@pages
@require_POST
def draw(request, number: str):
    actor = actor_for(request)
    case = queries.plate_case_for(actor, number)
    try:
        services.draw_numbers(
            actor=actor, case=case, plate_type=request.POST.get("plate_type", "")[:2]
        )
    except DomainError as e:
        if e.status in {401, 404}:
            raise
        return _selection_page(request, case, error=e, status=e.status)
    return redirect("plates:selection", number=case.number)


@pages
def pick(request, draw_id: int):
    """GET: "keep this number?" with the time left (one task per page, nothing is held yet).
    POST: the pick itself; the number is held for the case."""
    actor = actor_for(request)
    found = queries.draw_for(actor, draw_id)
    case = found.case
    back = reverse("plates:selection", args=[case.number])
    number = formats.normalise(request.POST.get("number") or request.GET.get("number") or "")
    if request.method == "POST":
        try:
            plate = services.pick_number(actor=actor, draw=found, number=number)
        except DomainError as e:
            if e.status in {401, 404}:
                raise
            return _selection_page(request, case, error=e, status=e.status)
        messages.success(
            request,
            _("%(number)s is now held for your case.") % {"number": plate.display},
        )
        return redirect(back)
    now = clock.now()
    if (
        number not in found.numbers
        or found.status != DrawStatus.OPEN
        or found.expires_at <= now
        or not queries.may_select(actor, case)
    ):
        return redirect(back)  # the draw page says where things stand
    seconds_left = int((found.expires_at - now).total_seconds())
    return render(
        request,
        "plates/pick.html",
        {
            "case": case,
            "draw": found,
            "number": number,
            "display": formats.display(number),
            "seconds_left": seconds_left,
            "countdown": _countdown(seconds_left),
            "rules": queries.selection_rules(),
        },
    )


# --- the public draw log ---------------------------------------------------------------------


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


# --- the admin's segments ----------------------------------------------------------------------

# The segment service names its fields after the model (first_number) or the form (first).
_FIELD = {"first_number": "first", "last_number": "last"}


def _segments_page(request, *, errors=None, values=None, status=200):
    actor = actor_for(request)
    return render(
        request,
        "plates/segments.html",
        {
            "pools": queries.pools_of(actor),
            "segments": list(queries.segments_of(actor)[:200]),
            "types": queries.pooled_types(),
            "states": NumberState.choices,
            "errors": errors or {},
            "values": values or {},
        },
        status=status,
    )


@pages
def segments(request):
    """Release a segment of numbers into the pool (POST); the pools and the segments."""
    if request.method != "POST":
        return _segments_page(request)
    actor = actor_for(request)
    user = require(actor.user, "plates.manage_pool")
    if user.office is None:
        raise NOT_FOUND()
    values = {k: request.POST.get(k, "")[:16] for k in ("plate_type", "first", "last")}
    try:
        done = services.release_segment(actor=actor, office=user.office, **values)
    except DomainError as e:
        errors = {_FIELD.get(k, k): v for k, v in field_errors(e).items()}
        return _segments_page(request, errors=errors, values=values, status=e.status)
    messages.success(
        request,
        _(
            "Released %(released)s numbers, %(first)s to %(last)s "
            "(%(blocked)s left out by the blocklist)."
        )
        % {
            "released": done.released,
            "first": formats.display(done.segment.first_number),
            "last": formats.display(done.segment.last_number),
            "blocked": done.blocked,
        },
    )
    return redirect("plates:segments")
