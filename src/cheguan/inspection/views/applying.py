"""The owner's pages (also used by a clerk in an assisted session): the vehicles with their
eligibility, applying (即办, or with uploaded proof) and getting a lost or damaged mark again
(补领, MVR Art 57). One step per page, so they work in elder mode on a small phone."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cheguan.core import clock
from cheguan.core.actor import actor_for
from cheguan.core.errors import NOT_FOUND, DomainError
from cheguan.core.pages import english, field_errors, pages
from cheguan.core.permissions import has_capability
from cheguan.inspection import queries, services, words
from cheguan.inspection.rules import PROOF_DOCUMENTS
from cheguan.inspection.services.marks import current_mark


def cards(vehicles) -> list[dict]:
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
        {"cards": cards(vehicles), "reminders": reminders, "english": english(request)},
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


def after_applying(request, result: services.Application):
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
    return after_applying(request, result)


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
            return after_applying(request, applied)
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


# --- 补领: a lost or damaged mark ----------------------------------------------------------------


@pages
def reissue(request, vehicle_id: int):
    """补领检验标志: the owner reports the mark lost (or damaged) and gets it again, a new
    serial with the same validity (a citizen, or a clerk in an assisted session). GET: the
    current mark and "report it lost, get a new one". POST: the reissue; the new mark's page
    opens. The rule is ``services.reissue_lost_mark``, the same the API (``api.reissue``)
    calls."""
    actor = actor_for(request)
    vehicle = queries.vehicle_for(actor, vehicle_id=vehicle_id)
    error = None
    if request.method == "POST":
        try:
            mark = services.reissue_lost_mark(actor=actor, vehicle=vehicle)
        except DomainError as e:
            if e.status in {401, 403, 404}:
                raise
            error = e
        else:
            messages.success(
                request,
                _("The lost mark %(old)s no longer counts. This is the new one.")
                % {"old": mark.reissue_of.serial if mark.reissue_of else ""},
            )
            return redirect("inspection:mark", serial=mark.serial)
    return render(
        request,
        "inspection/reissue.html",
        {"vehicle": vehicle, "mark": current_mark(vehicle), "error": error},
        status=error.status if error is not None else 200,
    )
