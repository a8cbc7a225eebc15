"""Inspection pages: the citizen's (also used by a clerk in an assisted session), applying
with uploaded proof, the clerk's help desk and proof checks, the mark with its QR code and
PDF, and the public verify page. One step per page, so they work in elder mode on a small
phone."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cheguan.accounts import consent_form
from cheguan.accounts.models import ConsentScope
from cheguan.cases import services as case_services
from cheguan.cases.queries import applicant_label
from cheguan.core import clock
from cheguan.core.actor import actor_for
from cheguan.core.errors import NOT_FOUND, DomainError
from cheguan.core.masking import refuse_personal_query
from cheguan.core.pages import english, field_errors, pages, public
from cheguan.core.permissions import has_capability, require
from cheguan.inspection import queries, services, signing, words
from cheguan.inspection.pdf import mark_pdf
from cheguan.inspection.rules import PROOF_DOCUMENTS
from cheguan.registry.models import Vehicle
from cheguan.registry.queries import find_person_by_document


def _cards(vehicles) -> list[dict]:
    today = clock.today()
    return [words.mark_card(v, queries.eligibility_of(v, on=today)) for v in vehicles]


@pages
def home(request):
    """The citizen's vehicles, each with its eligibility in plain words."""
    actor = actor_for(request)
    if actor.citizen is None:
        if has_capability(request.user, "accounts.assist_citizens"):
            return redirect("inspection:desk")
        raise NOT_FOUND()
    vehicles = queries.citizen_vehicles(actor)
    reminders = queries.reminders_for(actor)[:3]
    return render(
        request,
        "inspection/home.html",
        {"cards": _cards(vehicles), "reminders": reminders, "english": english(request)},
    )


def _vehicle_page(request, vehicle, error: DomainError | None = None, status: int = 200):
    result = queries.eligibility_of(vehicle, on=clock.today())
    mark = queries.marks_of(vehicle).filter(revoked_at__isnull=True).first()
    context = {
        "vehicle": vehicle,
        "result": result,
        "words": words.mark_words(result, vehicle.pk),
        "mark": mark,
        "error": error,
        "pending": queries.pending_application(vehicle),
    }
    return render(request, "inspection/vehicle.html", context, status=status)


def _after_applying(request, result: services.Application):
    if result.mark is not None:
        return redirect("inspection:mark", serial=result.mark.serial)
    if result.created:
        messages.success(
            request,
            _(
                "Your proof has been received. The office checks it and issues the mark "
                "within 1 working day; you will get a message."
            ),
        )
    return redirect("inspection:vehicle", vehicle_id=result.case.vehicle_id)


@pages
def vehicle(request, vehicle_id: int):
    return _vehicle_page(request, queries.vehicle_for(actor_for(request), vehicle_id=vehicle_id))


@pages
@require_POST
def apply(request, vehicle_id: int):
    actor = actor_for(request)
    target = queries.vehicle_for(actor, vehicle_id=vehicle_id)
    try:
        result = services.apply_for_mark(actor=actor, vehicle=target)
    except DomainError as e:
        if e.status in {401, 403, 404}:
            raise
        return _vehicle_page(request, target, error=e, status=e.status)
    return _after_applying(request, result)


@pages
def proof(request, vehicle_id: int):
    """Apply with the proof the records lack: one file per missing record (交强险, 车船税)."""
    actor = actor_for(request)
    target = queries.vehicle_for(actor, vehicle_id=vehicle_id)
    result = queries.eligibility_of(target, on=clock.today())
    pending = queries.pending_application(target)
    first = [r for r in result.reasons if r.code not in PROOF_DOCUMENTS and r.kind != "station"]
    if pending is None and first and any(r.code in PROOF_DOCUMENTS for r in result.reasons):
        # The proof can be uploaded once the rest is sorted out: say what, and where.
        todo = words.mark_words(result, target.pk).todo
        return render(
            request,
            "inspection/proof.html",
            {
                "vehicle": target,
                "result": result,
                "first": [i for i in todo if i.code in {r.code for r in first}],
            },
        )
    if pending is not None or not result.proof_documents:
        return redirect("inspection:vehicle", vehicle_id=target.pk)
    lang = "en" if english(request) else "zh-hans"
    needed = [
        {"code": r.code, "name": r.name_in(lang)}
        for r in queries.proof_requirements(target, result.proof_documents)
    ]
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            applied = services.apply_with_proof(
                actor=actor,
                vehicle=target,
                documents={item["code"]: request.FILES.get(item["code"]) for item in needed},
            )
        except DomainError as e:
            errors = field_errors(e)
        else:
            return _after_applying(request, applied)
    for item in needed:
        item["error"] = errors.pop(item["code"], "")
    return render(
        request,
        "inspection/proof.html",
        {
            "vehicle": target,
            "result": result,
            "needed": needed,
            "other_errors": list(errors.values()),
        },
        status=400 if request.method == "POST" else 200,
    )


@pages
def mark(request, serial: str):
    found = queries.mark_for(actor_for(request), serial)
    url = signing.verify_url(found, request.build_absolute_uri("/"))
    qr = segno.make(url, error="m").svg_inline(scale=5, title=_("QR code to verify this mark"))
    return render(
        request,
        "inspection/mark.html",
        {"mark": found, "qr": qr, "verify_url": url, "today": clock.today()},
    )


@pages
def pdf(request, serial: str):
    found = queries.mark_for(actor_for(request), serial)
    content = mark_pdf(found, base_url=request.build_absolute_uri("/"), english=english(request))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="mark-{found.serial}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


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
            "cards": _cards(vehicles),
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
        for d in case_services.current_documents(case).select_related("requirement")
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
    return _after_applying(request, result)


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
    document = case_services.current_documents(case).filter(requirement__code=code).first()
    if document is None or not document.file:
        raise NOT_FOUND()
    response = FileResponse(document.file.open("rb"), content_type=document.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@public
def verify(request):
    """Public, no login, for an officer at the roadside: valid / expired / revoked / forged
    or unknown at a glance (colour, icon and words), the plate in full to match the car,
    and a serial number typed in when the QR code cannot be scanned."""
    scanned = any(request.GET.get(k) for k in ("s", "v", "p", "sig"))
    typed = request.GET.get("serial", "")
    if scanned:
        verdict = signing.check(
            serial=request.GET.get("s", ""),
            valid_until=request.GET.get("v", ""),
            plate=request.GET.get("p", ""),
            sig=request.GET.get("sig", ""),
        )
    elif typed.strip():
        verdict = signing.check_serial(typed)
    else:
        verdict = None
    return render(
        request,
        "inspection/verify.html",
        {"verdict": verdict, "typed": signing.normalise_serial(typed)[:24]},
    )
