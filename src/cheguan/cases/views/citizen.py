"""The applicant's pages: my cases, apply, the case page (documents, submit, withdraw), and
the rating (好差评). A clerk in an assisted session sees and does what the citizen would —
except rating, which is the citizen's own (the window's second screen is for that)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cheguan.cases import owners, queries, services
from cheguan.cases.models import (
    OFFLINE_DIMENSIONS,
    ONLINE_DIMENSIONS,
    Case,
    Channel,
    DataSource,
    Score,
)
from cheguan.cases.queries import is_applicant
from cheguan.cases.rules import Action
from cheguan.cases.services.owned import refusal
from cheguan.cases.views.common import case_facts, may_process, owner_path
from cheguan.core.actor import Actor, actor_for
from cheguan.core.errors import NOT_FOUND, DomainError
from cheguan.core.pages import english, field_errors, pages
from cheguan.core.permissions import require_citizen_context
from cheguan.registry import queries as registry_queries
from cheguan.registry.models import Person

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
    """Step 1: which service (only those this channel offers). A service an app owns links
    to that app's own page; one whose app is not installed says so (docs/adr/0013)."""
    actor = actor_for(request)
    citizen = require_citizen_context(actor)
    lang = "en" if english(request) else "zh-hans"
    items = []
    for service in queries.catalogue(office_id=citizen.office_id, channel=_channel(actor)):
        route = owners.route_for(service)
        words = route.owner.description if route.owner is not None else None
        items.append(
            {
                "service": service,
                "name": service.name_in(lang),
                "route": route,
                "url": route.path,
                "owner_words": (words.en if lang == "en" else words.zh) if words else "",
            }
        )
    return render(request, "cases/apply.html", {"items": items})


def _vehicle_choices(citizen: Person, service, vehicles, lang: str) -> list[dict]:
    """Each vehicle with what the office's records prove for this service, for this
    applicant and vehicle (those documents will not be asked for)."""
    separator = ", " if lang == "en" else "、"
    choices = []
    for vehicle in vehicles:
        states = queries.requirement_states(
            service=service, person_id=citizen.pk, vehicle_id=vehicle.pk
        )
        verified = [  # the vehicle's own records (identity is the applicant's, shown below)
            s.requirement.name_in(lang)
            for s in states
            if s.verified_by_data and s.requirement.data_source != DataSource.IDENTITY
        ]
        choices.append({"vehicle": vehicle, "verified": separator.join(verified)})
    return choices


@pages
def apply_service(request, code: str):
    """Step 2: for which vehicle; then the draft is made and the case page opens. A service
    an app owns is started on that app's page: the person is sent there, nothing is made."""
    actor = actor_for(request)
    citizen = require_citizen_context(actor)
    service = (
        queries.catalogue(office_id=citizen.office_id, channel=_channel(actor))
        .filter(code=code)
        .first()
    )
    if service is None:
        raise NOT_FOUND()
    if service.is_owned:
        owner = owners.route_for(service).owner
        if owner is None:
            raise refusal(service)  # an owner not installed: the reason, nowhere to go
        return redirect(owner.start_path)
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
            "requirements": [
                {"r": s.requirement, "name": s.requirement.name_in(lang), "state": s}
                for s in queries.requirement_states(service=service, person_id=citizen.pk)
            ],
            "vehicles": vehicles,
            "choices": _vehicle_choices(citizen, service, vehicles, lang),
            "errors": errors,
            "values": request.POST,
        },
        status=400 if errors else 200,
    )


def _case_context(request, actor: Actor, case: Case, **extra) -> dict:
    facts = case_facts(request, case)
    applicant = is_applicant(actor, case)
    # an owned service's case is worked on its owner's page: no upload or submit here
    actions = queries.actions_for(actor, case)
    return {
        **facts,
        "is_applicant": applicant,
        "owner_path": owner_path(case, staff=not applicant),
        "actions": actions,
        "may_upload": Action.ADD_DOCUMENT in actions,
        "may_submit": Action.SUBMIT in actions,
        # an upload can be replaced; what the records prove has nothing to replace
        "may_replace": any(not row["verified_by_data"] for row in facts["rows"]),
        "may_withdraw": Action.WITHDRAW in actions,
        "may_rate": Action.RATE in actions,
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
    # never offered: what the office's records prove (已联网核验)
    requirements = [
        s.requirement for s in queries.requirement_states(case=case) if not s.verified_by_data
    ]
    code = request.POST.get("requirement") or request.GET.get("requirement", "")
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        upload_file = request.FILES.get("file")
        if upload_file is None:
            errors["file"] = _("Choose a file: a PDF, JPEG or PNG of at most 10 MB.")
            status = 400
        else:
            try:
                services.add_document(
                    actor=actor, case=case, requirement_code=code, upload=upload_file
                )
            except DomainError as e:
                errors, status = field_errors(e), e.status
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
        status=status,
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
    if Action.RATE not in queries.actions_for(actor, case):
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
