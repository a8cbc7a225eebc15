"""The clerk's pages: the help desk (find a citizen, start an assisted session with
consent) and the checks of applications made with uploaded proof."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cheguan.accounts import consent_form
from cheguan.accounts.models import ConsentScope
from cheguan.cases.queries import applicant_label, current_documents
from cheguan.core import clock
from cheguan.core.actor import actor_for
from cheguan.core.errors import NOT_FOUND, DomainError
from cheguan.core.masking import refuse_personal_query
from cheguan.core.pages import english, field_errors, pages
from cheguan.core.permissions import require
from cheguan.inspection import queries, services
from cheguan.inspection.views.applying import after_applying, cards
from cheguan.registry.models import Vehicle
from cheguan.registry.queries import find_person_by_document


@pages
def desk(request):
    """The help desk: find a citizen by ID number or plate, see each vehicle's eligibility,
    start an assisted session with consent, then apply on their pages.

    Both steps are POSTs, so the ID number never sits in a URL (access logs, browser
    history); ``action=start`` with a consent method starts the session. A ``?q=`` in the
    address is refused with the reason."""
    actor = actor_for(request)
    clerk = require(request.user, "accounts.assist_citizens")
    person, errors = None, {}
    try:
        refuse_personal_query(request.GET, "q")
    except DomainError as e:
        errors["q"] = e.message
    query = (request.POST.get("q") or "").strip()[:30] if request.method == "POST" else ""
    if query:
        plate_vehicle = (
            Vehicle.objects.active()
            .filter(office_id=clerk.office_id, plate_number=query.upper())
            .first()
        )
        if plate_vehicle is not None and plate_vehicle.owner_person_id:
            person = plate_vehicle.owner_person
        else:
            person = find_person_by_document(office=actor.office, id_number=query)
        if person is None:
            errors["q"] = _(
                "No citizen or plate found. Enter an 18-character ID number or a plate such "
                "as 浙B12345."
            )
    vehicles = Vehicle.objects.active().filter(owner_person=person).order_by("pk") if person else []
    current = consent_form.open_session(request)
    if request.POST.get("action") == "start" and person is not None:
        session, consent_errors = consent_form.open_from_post(
            request, id_number=person.id_number, vehicle_ids=[v.pk for v in vehicles]
        )
        errors.update(consent_errors)
        if session is not None and session.confirmed_at is None:
            return redirect("accounts:assisted_waiting")
        if session is not None:
            return redirect("inspection:home")
    same_citizen = (
        current is not None
        and person is not None
        and current.citizen_id == person.pk
        and current.confirmed_at is not None
    )
    return render(
        request,
        "inspection/desk.html",
        {
            **consent_form.context(
                request,
                errors=errors,
                default_scope=[ConsentScope.VEHICLES, ConsentScope.INSPECTION],
                current=None if same_citizen else current,
            ),
            "checks_waiting": queries.proof_checks(actor).count(),
            "q": query,
            "person": person,
            "cards": cards(vehicles),
            "same_citizen": same_citizen,
        },
        status=400 if errors else 200,
    )


# --- the clerk's proof checks -------------------------------------------------------------------


@pages
def checks(request):
    """Applications accepted on uploaded proof, earliest deadline first."""
    waiting = list(queries.proof_checks(actor_for(request))[:200])
    rows = [{"case": c, "applicant": applicant_label(c)} for c in waiting]
    return render(request, "inspection/checks.html", {"rows": rows, "today": clock.today()})


def _check_page(request, case, errors: dict | None = None, status: int = 200):
    lang = "en" if english(request) else "zh-hans"
    documents = [
        {"document": d, "name": d.requirement.name_in(lang)}
        for d in current_documents(case).select_related("requirement")
    ]
    context = {
        "case": case,
        "applicant": applicant_label(case),
        "result": queries.eligibility_of(case.vehicle, on=clock.today()),
        "documents": documents,
        "errors": errors or {},
        "values": request.POST,
    }
    return render(request, "inspection/check.html", context, status=status)


@pages
def check(request, number: str):
    return _check_page(request, queries.proof_check_for(actor_for(request), number))


@pages
@require_POST
def check_issue(request, number: str):
    actor = actor_for(request)
    case = queries.proof_check_for(actor, number)
    try:
        result = services.issue_after_check(actor=actor, case=case)
    except DomainError as e:
        return _check_page(request, case, errors={"issue": field_errors(e)}, status=e.status)
    messages.success(request, _("The mark is issued."))
    return after_applying(request, result)


@pages
@require_POST
def check_reject(request, number: str):
    actor = actor_for(request)
    case = queries.proof_check_for(actor, number)
    try:
        services.reject_after_check(
            actor=actor,
            case=case,
            reasons=request.POST.get("reasons", ""),
            reasons_en=request.POST.get("reasons_en", ""),
        )
    except DomainError as e:
        return _check_page(request, case, errors={"reject": field_errors(e)}, status=e.status)
    messages.success(request, _("The application is rejected; the reasons are on its notice."))
    return redirect("inspection:checks")


@pages
def check_document(request, number: str, code: str):
    """The uploaded proof itself, for the clerk who checks it."""
    case = queries.proof_check_for(actor_for(request), number)
    document = current_documents(case).filter(requirement__code=code).first()
    if document is None or not document.file:
        raise NOT_FOUND()
    response = FileResponse(document.file.open("rb"), content_type=document.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
