"""The window's pages: find a case, the queue, the case console (accept with or without
容缺, one-time notice, visits, complete, reject), and the rating screen the console opens on
a second display for the citizen (public: the signed, short-lived link is the key)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cheguan.cases import queries, services
from cheguan.cases.models import Case, NoticeProblem, Rating, Score, VisitKind
from cheguan.cases.rules import Action
from cheguan.cases.services import screens
from cheguan.cases.services.ratings import case_for_screen_token
from cheguan.cases.views.common import case_facts, owner_path
from cheguan.core.actor import actor_for
from cheguan.core.errors import DomainError
from cheguan.core.pages import english, field_errors, pages, public
from cheguan.core.permissions import require

SCORES = [(value, label) for value, label in sorted(Score.choices, reverse=True)]


@pages
def console(request):
    """Find a case by its number (htmx swaps the result) and see the queue."""
    actor = actor_for(request)
    require(request.user, "cases.process")
    q = request.GET.get("q", "").strip()[:40]
    found = queries.find_case(actor, q) if q else None
    if found is not None and not request.htmx:
        return redirect("cases:console_case", number=found.number)
    context = {"q": q, "found": found, "searched": bool(q)}
    if request.htmx:
        return render(request, "cases/console.html#search_results", context)
    return render(request, "cases/console.html", {**context, **_queue_context(request, actor)})


def _queue_context(request, actor) -> dict:
    lang = "en" if english(request) else "zh-hans"
    cases = list(queries.clerk_queue(actor)[:100])
    return {"queue": [{"case": c, "service_name": c.service.name_in(lang)} for c in cases]}


@pages
def queue(request):
    """The queue alone (htmx refresh)."""
    actor = actor_for(request)
    return render(request, "cases/console.html#queue", _queue_context(request, actor))


def _console_context(request, case: Case, **extra) -> dict:
    facts = case_facts(request, case)
    service = case.service
    max_days = services.max_rongque_days(service)
    blocked = services.rongque_credit_block(
        person=case.applicant_person, organisation=case.applicant_organisation
    )
    missing = facts["missing"]
    # An owned service's case is shown here and worked on its owner's pages (ADR 0013):
    # no acceptance, notice, completion or rejection from the generic console.
    actions = queries.actions_for(actor_for(request), case)
    return {
        **facts,
        "owner_path": owner_path(case, staff=True),
        "missing_essential": [row for row in missing if row["requirement"].essential],
        "missing_supplementary": [row for row in missing if not row["requirement"].essential],
        "rongque_available": service.rongque_allowed and max_days >= 1,
        "rongque_max": max_days,
        "rongque_default": min(service.rongque_default_days, max_days),
        "credit_block": blocked,
        "history": list(case.transitions.select_related("actor")),
        "visits": list(case.visits.all()),
        "problems": NoticeProblem.choices,
        "visit_kinds": VisitKind.choices,
        "actions": actions,
        "may_accept": Action.ACCEPT in actions,
        "may_notice": Action.NOTICE in actions,
        "may_reject": Action.REJECT in actions,
        "may_complete": Action.COMPLETE in actions,
        "may_add_document": Action.ADD_DOCUMENT in actions,
        "may_visit": Action.RECORD_VISIT in actions,
        "may_screen": Action.SCREEN in actions,
        "paired_screen": screens.current_screen(actor_for(request)),
        "owner_refusal": "",
        "errors": {},
        "values": {},
        **extra,
    }


def _clerk_case(request, number: str) -> Case:
    """The case through the actor's scope first (outside it: not found, whatever the role),
    then the role's right to work the window."""
    case = queries.get_case(actor_for(request), number)
    require(request.user, "cases.process")
    return case


@pages
def case_console(request, number: str):
    case = _clerk_case(request, number)
    return render(request, "cases/console_case.html", _console_context(request, case))


def _act(request, number: str, form: str, run, done: str):
    """Run one console action; a refusal is shown beside the form's field."""
    case = _clerk_case(request, number)
    try:
        run(actor_for(request), case)
    except DomainError as e:
        errors = {form: field_errors(e)}
        case.refresh_from_db()
        context = _console_context(
            request,
            case,
            errors=errors,
            values=request.POST,
            # an owned case has no form here: its refusal is shown with the owner's link
            owner_refusal=e.message if case.service.is_owned else "",
        )
        return render(request, "cases/console_case.html", context, status=e.status)
    messages.success(request, done)
    return redirect("cases:console_case", number=case.number)


@require_POST
@pages
def accept(request, number: str):
    rongque = request.POST.get("rongque") == "1"
    raw_days = request.POST.get("rongque_days", "").strip()

    def run(actor, case):
        days = None
        if rongque and raw_days:
            try:
                days = int(raw_days)
            except ValueError:
                days = -1  # the service explains the allowed range
        services.accept_case(actor=actor, case=case, rongque=rongque, rongque_days=days)

    done = (
        _("Accepted under 容缺. Print the commitment for the applicant to sign.")
        if rongque
        else _("Accepted.")
    )
    return _act(request, number, "accept", run, done)


@require_POST
@pages
def notice(request, number: str):
    post = request.POST
    items = [
        {
            "requirement": code,
            "problem": post.get(f"problem_{code}", NoticeProblem.MISSING),
            "reason": post.get(f"reason_{code}", ""),
        }
        for code in post.getlist("requirement")
    ]

    def run(actor, case):
        services.issue_notice(actor=actor, case=case, items=items)

    return _act(request, number, "notice", run, _("One-time notice issued to the applicant."))


@require_POST
@pages
def visit(request, number: str):
    def run(actor, case):
        services.record_visit(
            actor=actor,
            case=case,
            kind=request.POST.get("kind", VisitKind.WINDOW),
            ticket_number=request.POST.get("ticket_number", "").strip(),
        )

    return _act(request, number, "visit", run, _("Visit recorded."))


@require_POST
@pages
def complete(request, number: str):
    def run(actor, case):
        services.complete_case(actor=actor, case=case)

    return _act(request, number, "complete", run, _("Case completed."))


@require_POST
@pages
def reject(request, number: str):
    def run(actor, case):
        services.reject_case(
            actor=actor,
            case=case,
            reasons=request.POST.get("reasons", ""),
            reasons_en=request.POST.get("reasons_en", ""),
        )

    return _act(request, number, "reject", run, _("Case rejected; the reasons are on the notice."))


@require_POST
@pages
def open_screen(request, number: str):
    """Show the case's rating on the screen paired with this clerk's window (ADR 0017)."""
    case = _clerk_case(request, number)
    try:
        screens.push_case(actor=actor_for(request), case=case)
    except DomainError as e:
        context = _console_context(request, case, errors={"screen": field_errors(e)})
        return render(request, "cases/console_case.html", context, status=e.status)
    messages.success(request, _("The rating is on your window's screen; the citizen taps it."))
    return redirect("cases:console_case", number=case.number)


@public
def screen(request, token: str):
    """The citizen's rating screen at the window: five large buttons, one tap."""
    case = case_for_screen_token(token)
    if Rating.objects.filter(case=case).exists():
        return render(
            request, "cases/screen.html", {"case": case, "done": True, "elder_mode": True}
        )
    if request.method == "POST":
        score = request.POST.get("score", "")
        try:
            services.rate_case_on_screen(token=token, score=int(score) if score.isdigit() else 0)
        except DomainError as e:
            if e.status == 404:
                raise
            return render(
                request,
                "cases/screen.html",
                {"case": case, "scores": SCORES, "error": e.message, "elder_mode": True},
                status=e.status,
            )
        return render(
            request, "cases/screen.html", {"case": case, "done": True, "elder_mode": True}
        )
    return render(
        request, "cases/screen.html", {"case": case, "scores": SCORES, "elder_mode": True}
    )
