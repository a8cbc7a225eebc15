"""What the case pages share: the error handling, the plain words for a case's status, the
facts of a case as every audience sees them, and the printable notices (PDF)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.functional import Promise as StrPromise
from django.utils.translation import gettext_lazy as _

from cheguan.cases import owners, pdf, queries
from cheguan.cases.models import (
    Case,
    CaseStatus,
    NoticeProblem,
    Rating,
    RongqueCommitment,
)
from cheguan.cases.queries import applicant_label
from cheguan.core.actor import Actor, actor_for
from cheguan.core.errors import NOT_FOUND
from cheguan.core.pages import english, pages
from cheguan.core.permissions import has_capability, is_staff_of
from cheguan.core.roles import Role

S = CaseStatus

# What the status means for the applicant, in plain words (elder mode reads these).
PLAIN_STATUS: dict[str, StrPromise] = {
    S.DRAFT: _("You have started this application. Add the documents below, then submit it."),
    S.SUBMITTED: _(
        "Submitted. The office checks your documents. It will accept the case, or tell you "
        "at once everything that is missing."
    ),
    S.ACCEPTED: _("Accepted. The office is working on it."),
    S.COMPLETED: _("Completed. Thank you. Please tell us how we did."),
    S.REJECTED: _("Not accepted. The reasons are written below."),
    S.WITHDRAWN: _("You withdrew this application."),
    S.TERMINATED: _("Ended by the office. The reason is written below."),
}
PLAIN_AWAITING_RONGQUE = _(
    "Accepted with documents to follow (容缺受理). Bring or upload the missing documents "
    "by the deadline below, or the case will be ended."
)
PLAIN_AWAITING_NOTICE = _(
    "The office needs more from you. Everything needed is listed below, in one notice. "
    "Supply all of it, then submit again."
)


PLAIN_OWNED = _("This application is handled on its own page: continue there.")


def plain_status(case: Case) -> StrPromise:
    if case.service.is_owned and not case.is_closed:
        return PLAIN_OWNED  # its owner's page says what comes next (docs/adr/0013)
    if case.status == S.AWAITING_DOCUMENTS:
        return PLAIN_AWAITING_RONGQUE if case.rongque else PLAIN_AWAITING_NOTICE
    return PLAIN_STATUS[case.status]


def case_facts(request, case: Case) -> dict:
    """The case as any audience sees it: documents per requirement, what is missing, the
    notices, the 容缺 commitment, the messages, the written reasons and the rating."""
    lang = "en" if english(request) else "zh-hans"
    states = queries.requirement_states(case=case)
    names = {s.requirement.code: s.requirement.name_in(lang) for s in states}
    rows = [
        {
            "requirement": s.requirement,
            "name": s.requirement.name_in(lang),
            "document": s.document,
            # the records prove it: no upload is asked for (已联网核验)
            "verified_by_data": s.verified_by_data,
            "missing": s.needs_upload,
        }
        for s in states
    ]
    notices = [
        {
            "notice": n,
            "items": [
                {
                    "name": names.get(i["requirement"], i["requirement"]),
                    "problem": NoticeProblem(i["problem"]).label
                    if i["problem"] in NoticeProblem.values
                    else i["problem"],
                    "reason": i.get("reason", ""),
                }
                for i in n.items
            ],
        }
        for n in case.notices.all()
    ]
    commitment = RongqueCommitment.objects.filter(case=case).first()
    route = owners.route_for(case.service)
    return {
        "case": case,
        # an owned service's case is worked on its owner's pages (docs/adr/0013)
        "owned": case.service.is_owned,
        "owner": route.owner,
        "owner_name": (route.owner.name.en if lang == "en" else route.owner.name.zh)
        if route.owner is not None
        else "",
        "service_name": case.service.name_in(lang),
        "applicant": applicant_label(case),
        "status_words": plain_status(case),
        "rows": rows,
        "missing": [row for row in rows if row["missing"]],
        "notices": notices,
        "commitment": commitment,
        "commitment_missing": [names.get(c, c) for c in commitment.missing] if commitment else [],
        "messages_list": [
            {"at": m.at, "text": m.text_en if lang == "en" else m.text_zh}
            for m in case.messages.all()[:50]
        ],
        "closing_reason": case.closing_reason_en if lang == "en" else case.closing_reason,
        "rating": Rating.objects.filter(case=case).first(),
    }


def owner_path(case: Case, *, staff: bool) -> str:
    """Where an owned service's case is worked: its owner's page ("" for a generic case, or
    an owner not installed)."""
    owner = owners.route_for(case.service).owner
    return owner.path_for(case, staff=staff) if owner is not None else ""


def may_process(actor: Actor, case: Case) -> bool:
    return is_staff_of(actor.user, "cases.process", case.office_id)


@pages
def index(request):
    """The cases home: each audience's own starting page."""
    actor = actor_for(request)
    user = request.user
    if actor.citizen is not None or user.is_partner:
        return redirect("cases:my")
    if has_capability(user, "cases.process"):
        return redirect("cases:console")
    if user.role == Role.SUPERVISOR:
        return redirect("cases:follow_ups")
    raise NOT_FOUND()


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@pages
def commitment_pdf(request, number: str):
    """The 容缺受理通知书 / 承诺书: the applicant's copy and the file copy."""
    case = queries.get_case(actor_for(request), number)
    commitment = RongqueCommitment.objects.filter(case=case).first()
    if commitment is None:
        raise NOT_FOUND()
    content = pdf.commitment_notice(case, commitment, english=english(request))
    return _pdf_response(content, f"rongque-{case.number}.pdf")


@pages
def rejection_pdf(request, number: str):
    """The written notice of rejection (不予办理) or termination (终止), with the reasons."""
    case = queries.get_case(actor_for(request), number)
    if case.status not in {S.REJECTED, S.TERMINATED}:
        raise NOT_FOUND()
    content = pdf.closing_notice(case, english=english(request))
    return _pdf_response(content, f"{case.status}-{case.number}.pdf")
