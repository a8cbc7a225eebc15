"""Supervision pages: the follow-ups of bad ratings (verify, call back, close with the fix;
appeals — raised by a clerk, decided by a supervisor), the 容缺 commitments near or past
their deadline, and the office's figures for a month with each figure's definition beside
it, exported as CSV."""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import re

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cheguan.cases import figures, oversight, queries, services
from cheguan.cases.models import Channel, FollowUp, Service
from cheguan.cases.rules import Action
from cheguan.core import clock
from cheguan.core.actor import actor_for
from cheguan.core.errors import DomainError
from cheguan.core.pages import english, field_errors, pages
from cheguan.core.permissions import has_capability, require

# --- follow-ups ------------------------------------------------------------------------------

# The follow-up's step actions (``queries.actions_for``): the form's value and its words.
NEXT_STEP: dict[str, tuple[str, Promise]] = {
    Action.VERIFY: ("verify", gettext_lazy("Verify what happened")),
    Action.CALL_BACK: ("call_back", gettext_lazy("Record the call back to the applicant")),
    Action.CLOSE_FOLLOW_UP: ("close", gettext_lazy("Record the fix and close")),
}


@pages
def follow_ups(request):
    actor = actor_for(request)
    show_all = request.GET.get("all") == "1"
    items = list(oversight.follow_ups_for(actor, open_only=not show_all)[:200])
    return render(
        request,
        "cases/follow_ups.html",
        {"items": items, "show_all": show_all, "today": clock.today()},
    )


def _follow_up_context(request, item: FollowUp, **extra) -> dict:
    actions = queries.actions_for(actor_for(request), item.case)
    step = next((NEXT_STEP[a] for a in NEXT_STEP if a in actions), None)
    return {
        "item": item,
        "rating": item.rating,
        "case": item.case,
        "service_name": item.case.service.name_in("en" if english(request) else "zh-hans"),
        "actions": actions,
        "next_step": step,
        "may_appeal": Action.APPEAL in actions,
        "may_decide": Action.DECIDE_APPEAL in actions,
        "errors": {},
        "values": {},
        **extra,
    }


@pages
def follow_up(request, follow_up_id: int):
    item = oversight.get_follow_up(actor_for(request), follow_up_id)
    return render(request, "cases/follow_up.html", _follow_up_context(request, item))


def _follow_up_act(request, follow_up_id: int, form: str, run, done: str):
    actor = actor_for(request)
    item = oversight.get_follow_up(actor, follow_up_id)
    try:
        run(actor, item)
    except DomainError as e:
        item = oversight.get_follow_up(actor, follow_up_id)
        context = _follow_up_context(
            request, item, errors={form: field_errors(e)}, values=request.POST
        )
        return render(request, "cases/follow_up.html", context, status=e.status)
    messages.success(request, done)
    return redirect("cases:follow_up", follow_up_id=follow_up_id)


@require_POST
@pages
def step(request, follow_up_id: int):
    note = request.POST.get("note", "")
    chosen = request.POST.get("step", "")

    def run(actor, item):
        if chosen == "verify":
            services.verify_follow_up(actor=actor, follow_up=item, note=note)
        elif chosen == "call_back":
            services.record_callback(actor=actor, follow_up=item, note=note)
        else:
            services.close_follow_up(actor=actor, follow_up=item, fix=note)

    return _follow_up_act(request, follow_up_id, "step", run, _("Follow-up updated."))


@require_POST
@pages
def appeal(request, follow_up_id: int):
    def run(actor, item):
        services.appeal_rating(actor=actor, follow_up=item, reason=request.POST.get("reason", ""))

    return _follow_up_act(request, follow_up_id, "appeal", run, _("Appeal sent to the supervisor."))


@require_POST
@pages
def decide(request, follow_up_id: int):
    upheld = request.POST.get("upheld") == "1"

    def run(actor, item):
        services.decide_appeal(
            actor=actor, follow_up=item, upheld=upheld, note=request.POST.get("note", "")
        )

    return _follow_up_act(request, follow_up_id, "decide", run, _("Appeal decided."))


# --- 容缺 commitments ----------------------------------------------------------------------------


@pages
def commitments(request):
    actor = actor_for(request)
    show_all = request.GET.get("all") == "1"
    items = list(oversight.commitments_for(actor, near_only=not show_all)[:500])
    return render(
        request,
        "cases/commitments.html",
        {"items": items, "show_all": show_all, "horizon": oversight.near_horizon(clock.today())},
    )


# --- figures -----------------------------------------------------------------------------------

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _period(request) -> tuple[figures.Period, str, dict[str, str]]:
    today = clock.today()
    raw = request.GET.get("month", "").strip() or f"{today:%Y-%m}"
    m = MONTH.match(raw)
    errors: dict[str, str] = {}
    if m is None or not (2000 <= int(m[1]) <= 2040 and 1 <= int(m[2]) <= 12):
        errors["month"] = _("Give the month as year and month, e.g. 2026-11.")
        year, month = today.year, today.month
    else:
        year, month = int(m[1]), int(m[2])
    start = dt.date(year, month, 1)
    end = dt.date(year, month, calendar.monthrange(year, month)[1])
    return figures.Period(start=start, end=end), f"{year:04d}-{month:02d}", errors


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _number(value) -> str:
    return "—" if value is None else f"{value:g}"


def _labels(request, office_id: int) -> dict[str, str]:
    lang = "en" if english(request) else "zh-hans"
    names = {s.code: s.name_in(lang) for s in Service.objects.filter(office_id=office_id)}
    names.update({c.value: str(c.label) for c in Channel})
    names["all"] = _("All cases")
    return names


def _dashboard(request, capability: str):
    actor = actor_for(request)
    require(request.user, capability)
    period, month, errors = _period(request)
    data = figures.dashboard(office_id=request.user.office_id, period=period)
    return actor, period, month, errors, data


@pages
def figures_page(request):
    """The office's own figures: clerks and supervisors of the office read them."""
    _actor, period, month, errors, data = _dashboard(request, "cases.view_figures")
    labels = _labels(request, request.user.office_id)
    en = english(request)
    defs = {k: (v.en if en else v.zh) for k, v in figures.DEFINITIONS.items()}

    def rows(section: str, by: str, cells) -> list[dict]:
        return [
            {"label": labels.get(r["key"], r["key"]), "cells": cells(r)} for r in data[section][by]
        ]

    def one_visit(r):
        return [r["completed"], r["one_visit"], _percent(r["rate"])]

    def satisfaction(r):
        return [
            r["finished"],
            r["rated"],
            _percent(r["satisfaction_rate"]),
            _percent(r["strict_satisfaction_rate"]),
            _percent(r["unrated_rate"]),
        ]

    def processing(r):
        return [
            r["completed"],
            _number(r["average"]),
            _number(r["p90"]),
            _number(r["promised_average"]),
            _percent(r["within_promise_rate"]),
        ]

    sections = [
        {
            "id": "one-visit",
            "title": _("One-visit completion rate"),
            "definition": defs["one_visit_rate"],
            "headline": _percent(data["one_visit"]["all"][0]["rate"]),
            "columns": [_("Completed"), _("In one visit"), _("Rate")],
            "tables": [
                (_("All cases"), rows("one_visit", "all", one_visit)),
                (_("By service"), rows("one_visit", "service", one_visit)),
                (_("By channel"), rows("one_visit", "channel", one_visit)),
            ],
        },
        {
            "id": "satisfaction",
            "title": _("Satisfaction rate"),
            "definition": " ".join(
                [defs["satisfaction_rate"], defs["strict_satisfaction_rate"], defs["unrated_rate"]]
            ),
            "headline": _percent(data["satisfaction"]["all"][0]["satisfaction_rate"]),
            "columns": [
                _("Finished"),
                _("Rated"),
                _("Satisfied (3–5)"),
                _("Strictly satisfied (4–5)"),
                _("Unrated"),
            ],
            "tables": [
                (_("All cases"), rows("satisfaction", "all", satisfaction)),
                (_("By service"), rows("satisfaction", "service", satisfaction)),
                (_("By channel"), rows("satisfaction", "channel", satisfaction)),
            ],
        },
        {
            "id": "processing",
            "title": _("Processing time (working days)"),
            "definition": defs["processing_time"],
            "headline": _number(data["processing_time"]["all"][0]["average"]),
            "columns": [
                _("Completed"),
                _("Average"),
                _("90th percentile"),
                _("Promised (average)"),
                _("Within the promise"),
            ],
            "tables": [
                (_("All cases"), rows("processing_time", "all", processing)),
                (_("By service"), rows("processing_time", "service", processing)),
                (_("By channel"), rows("processing_time", "channel", processing)),
            ],
        },
    ]
    return render(
        request,
        "cases/figures.html",
        {
            "sections": sections,
            "month": month,
            "period": period,
            "errors": errors,
            "may_export": has_capability(request.user, "cases.supervise"),
        },
        status=400 if errors else 200,
    )


@pages
def figures_csv(request):
    """The dashboard's rows, one value per line: figure, grouping, key, measure, value."""
    _actor, period, month, errors, data = _dashboard(request, "cases.supervise")
    if errors:
        return HttpResponse(errors["month"], status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cheguan-figures-{month}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the Chinese names right
    writer = csv.writer(response)
    writer.writerow(["period_start", "period_end", "figure", "grouping", "key", "measure", "value"])
    for figure in ("one_visit", "satisfaction", "processing_time"):
        for grouping, rows in data[figure].items():
            for row in rows:
                for measure, value in row.items():
                    if measure == "key":
                        continue
                    writer.writerow(
                        [
                            period.start.isoformat(),
                            period.end.isoformat(),
                            figure,
                            grouping,
                            row["key"],
                            measure,
                            "" if value is None else value,
                        ]
                    )
    return response
