"""The applicant's pages: my cases, apply, the case page (documents, submit, withdraw), and
the rating (好差评). A clerk in an assisted session sees and does what the citizen would —
except rating, which is the citizen's own (the window's second screen is for that)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cheguan.accounts.actor import Actor, actor_for
from cheguan.accounts.models import Role
from cheguan.accounts.permissions import require_citizen_context
from cheguan.cases import queries, services
from cheguan.cases.models import (
    OFFLINE_DIMENSIONS,
    ONLINE_DIMENSIONS,
    RATEABLE_STATUSES,
    Case,
    CaseStatus,
    Channel,
    Score,
)
from cheguan.cases.services.common import is_applicant
from cheguan.cases.services.documents import UPLOAD_STATUSES
from cheguan.cases.views.common import case_facts, english, field_errors, may_process, pages
from cheguan.core.errors import NOT_FOUND, DomainError
from cheguan.registry import queries as registry_queries

S = CaseStatus
SCORES = [(value, label) for value, label in sorted(Score.choices, reverse=True)]


@pages
def my_cases(request):
    actor = actor_for(request)
    queries.require_my_cases_scope(actor)
    cases = list(queries.my_cases(actor).order_by("-created_at", "-id")[:200])
    lang = "en" if english(request) else "zh-hans"
    return render(
        request,
        "cases/my_cases.html",
        {
            "citizen": actor.citizen,
            "items": [{"case": c, "service_name": c.service.name_in(lang)} for c in cases],
            "may_apply": actor.citizen is not None,
        },
    )


def _channel(actor: Actor) -> str:
    return Channel.ASSISTED if actor.on_behalf_of is not None else Channel.ONLINE


@pages
def apply(request):
    """Step 1: which service (only those this channel offers)."""
    actor = actor_for(request)
    require_citizen_context(actor)
    lang = "en" if english(request) else "zh-hans"
    items = [
        {"service": s, "name": s.name_in(lang)}
        for s in queries.catalogue(office_id=actor.citizen.office_id, channel=_channel(actor))
    ]
    return render(request, "cases/apply.html", {"items": items})


@pages
def apply_service(request, code: str):
    """Step 2: for which vehicle; then the draft is made and the case page opens."""
    actor = actor_for(request)
    require_citizen_context(actor)
    service = (
        queries.catalogue(office_id=actor.citizen.office_id, channel=_channel(actor))
        .filter(code=code)
        .first()
    )
    if service is None:
        raise NOT_FOUND()
    vehicles = list(registry_queries.citizen_vehicles(actor).order_by("id"))
    errors: dict[str, str] = {}
    if request.method == "POST":
        vehicle = None
        chosen = request.POST.get("vehicle", "")
        if chosen:
            vehicle = next((v for v in vehicles if str(v.pk) == chosen), None)
            if vehicle is None:
                errors["vehicle"] = _("Choose one of your vehicles from the list, or none.")
        if not errors:
            try:
                case = services.open_case(actor=actor, service_code=code, vehicle=vehicle)
            except DomainError as e:
                errors = field_errors(e)
            else:
                messages.success(request, _("Application started. Now add the documents."))
                return redirect("cases:case", number=case.number)
    lang = "en" if english(request) else "zh-hans"
    return render(
        request,
        "cases/apply_service.html",
        {
            "service": service,
            "name": service.name_in(lang),
            "requirements": [{"r": r, "name": r.name_in(lang)} for r in service.requirements.all()],
            "vehicles": vehicles,
            "errors": errors,
            "values": request.POST,
        },
        status=400 if errors else 200,
    )


def _may_rate(actor: Actor, case: Case, rating) -> bool:
    user = actor.user
    return (
        case.status in RATEABLE_STATUSES
        and rating is None
        and actor.on_behalf_of is None
        and (user.role == Role.CITIZEN or user.is_partner)
        and is_applicant(actor, case)
    )


def _case_context(request, actor: Actor, case: Case, **extra) -> dict:
    facts = case_facts(request, case)
    applicant = is_applicant(actor, case)
    return {
        **facts,
        "is_applicant": applicant,
        "may_upload": case.status in UPLOAD_STATUSES and (applicant or may_process(actor, case)),
        "may_submit": applicant
        and (case.status == S.DRAFT or (case.status == S.AWAITING_DOCUMENTS and not case.rongque)),
        "may_withdraw": applicant and not case.is_closed,
        "may_rate": _may_rate(actor, case, facts["rating"]),
        "may_process": may_process(actor, case),
        "errors": {},
        **extra,
    }


@pages
def case_page(request, number: str):
    actor = actor_for(request)
    case = queries.get_case(actor, number)
    return render(request, "cases/case.html", _case_context(request, actor, case))


@pages
def upload(request, number: str):
    """One document at a time (one task per page); the POST is multipart."""
    actor = actor_for(request)
    case = queries.get_case(actor, number)
    lang = "en" if english(request) else "zh-hans"
    requirements = list(case.service.requirements.all())
    code = request.POST.get("requirement") or request.GET.get("requirement", "")
    errors: dict[str, str] = {}
    if request.method == "POST":
        upload_file = request.FILES.get("file")
        if upload_file is None:
            errors["file"] = _("Choose a file: a PDF, JPEG or PNG of at most 10 MB.")
        else:
            try:
                services.add_document(
                    actor=actor, case=case, requirement_code=code, upload=upload_file
                )
            except DomainError as e:
                errors = field_errors(e)
            else:
                messages.success(request, _("Document received."))
                return redirect("cases:case", number=case.number)
    return render(
        request,
        "cases/upload.html",
        {
            "case": case,
            "requirements": [{"r": r, "name": r.name_in(lang)} for r in requirements],
            "chosen": code,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


def _post_action(request, number: str, action, done: str):
    actor = actor_for(request)
    case = queries.get_case(actor, number)
    try:
        action(actor=actor, case=case)
    except DomainError as e:
        errors = field_errors(e)
        context = _case_context(request, actor, case, errors=errors)
        return render(request, "cases/case.html", context, status=e.status)
    messages.success(request, done)
    return redirect("cases:case", number=case.number)


@require_POST
@pages
def submit(request, number: str):
    return _post_action(request, number, services.submit_case, _("Application submitted."))


@require_POST
@pages
def withdraw(request, number: str):
    return _post_action(request, number, services.withdraw_case, _("Application withdrawn."))


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@pages
def rate(request, number: str):
    """好差评 in two steps, one per page: pick one of five large buttons; then add a comment
    (and, outside elder mode, the dimension scores) and send. A rating is never changed."""
    actor = actor_for(request)
    case = queries.get_case(actor, number)
    facts = case_facts(request, case)
    if not _may_rate(actor, case, facts["rating"]):
        return redirect("cases:case", number=case.number)
    online = case.channel == Channel.ONLINE
    dimensions = ONLINE_DIMENSIONS if online else OFFLINE_DIMENSIONS
    source = request.POST if request.method == "POST" else request.GET
    score = _int(source.get("score"))
    errors: dict[str, str] = {}
    if score is not None and not 1 <= score <= 5:
        errors["score"] = _("Choose one of the five answers.")
        score = None
    if request.method == "POST" and score is not None:
        chosen = {
            name: _int(request.POST.get(f"dim_{name}"))
            for name in dimensions
            if request.POST.get(f"dim_{name}")
        }
        try:
            services.rate_case(
                actor=actor,
                case=case,
                score=score,
                dimensions=chosen,
                comment=request.POST.get("comment", ""),
            )
        except DomainError as e:
            errors = field_errors(e)
        else:
            messages.success(request, _("Thank you. Your rating has been recorded."))
            return redirect("cases:case", number=case.number)
    return render(
        request,
        "cases/rate.html",
        {
            **facts,
            "scores": SCORES,
            "score": score,
            "score_label": Score(score).label if score else "",
            "dimensions": list(dimensions.items()),
            "errors": errors,
            "values": request.POST,
        },
        status=400 if errors else 200,
    )
