"""Paper proof, the fallback (DOMAIN.md §1.5): when the office's records do not show the
vehicle's 交强险 or 车船税 and nothing else stands in the way, the applicant uploads the
proof as a document of the case. The case is accepted at once and due within 1 working day
(the catalogue's promise); a clerk checks the document, then issues the mark — the other
rules run again — or rejects the application with written reasons.

The case lifecycle is the cases app's: ``open_case``, ``add_document``,
``accept_for_review``, ``complete_case``, ``reject_case``.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from cheguan.audit.services import record
from cheguan.cases import services as cases
from cheguan.cases.locks import lock_case
from cheguan.cases.models import Case, CaseStatus, DocumentStatus
from cheguan.cases.queries import current_documents
from cheguan.cases.services.common import status_words
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.permissions import require_staff_of
from cheguan.inspection import errors
from cheguan.inspection.models import SERVICE_CODE
from cheguan.inspection.queries import eligibility_of
from cheguan.inspection.rules import PROOF_DOCUMENTS
from cheguan.inspection.services.marks import (
    OWNER,
    Application,
    existing_application,
    issue_mark,
    issue_now,
    lock_for_application,
    proof_names,
    refusal,
    scope_of,
)
from cheguan.registry.models import Vehicle


@transaction.atomic
def apply_with_proof(
    *, actor: Actor, vehicle: Vehicle, documents: Mapping[str, UploadedFile | None]
) -> Application:
    """Apply with the proof the records lack (``documents``: catalogue code → upload, e.g.
    ``{"insurance": file}``). The same applicants as ``apply_for_mark``.

    If the records now show everything, the mark is issued at once (the uploads are not
    needed). If something other than missing insurance or tax stands in the way: every
    reason, as ``apply_for_mark`` gives them. Otherwise each missing proof must be uploaded;
    the case is accepted, due within 1 working day, and waits in the clerk's queue.
    A repeated application returns the pending (or issued) one.
    """
    vehicle = lock_for_application(actor, vehicle)
    existing = existing_application(vehicle)
    if existing is not None:
        return existing
    eligibility = eligibility_of(vehicle, on=clock.today())
    if eligibility.may_issue:
        return issue_now(actor=actor, vehicle=vehicle, eligibility=eligibility)
    needed = eligibility.proof_documents
    if not needed:
        raise errors.NOT_ELIGIBLE(field="vehicle", reasons=refusal(eligibility.reasons))
    uploads = {code: documents.get(code) for code in needed}
    missing = [code for code, upload in uploads.items() if not upload]
    if missing:
        raise errors.PROOF_MISSING(field=missing[0], documents=proof_names(vehicle, missing))
    case = cases.open_case(
        actor=actor,
        service_code=SERVICE_CODE,
        applicant_person=vehicle.owner_person,
        applicant_organisation=vehicle.owner_organisation,
        vehicle=vehicle,
        idempotency_scope=scope_of(vehicle, eligibility),
        owner=OWNER,
    )
    for code, upload in uploads.items():
        assert upload is not None  # checked above
        cases.add_document(
            actor=actor, case=case, requirement_code=code, upload=upload, owner=OWNER
        )
    case = cases.accept_for_review(actor=actor, case=case, owner=OWNER)
    record(
        actor=actor,
        action="inspection.applied_with_proof",
        subject=case,
        office_id=case.office_id,
        data={
            "vehicle": vehicle.pk,
            "case": case.number,
            "channel": case.channel,
            "documents": needed,
            "due_date": case.due_date.isoformat() if case.due_date else None,
        },
    )
    return Application(case=case, mark=None, created=True)


def _lock_check(actor: Actor, case: Case) -> Case:
    """A clerk of the case's office, on a mark application waiting for its check."""
    require_staff_of(actor.user, "cases.process", case.office_id)
    case = lock_case(case, related=("service",))
    if (
        case.service.code != SERVICE_CODE
        or case.status != CaseStatus.ACCEPTED
        or case.vehicle_id is None
    ):
        raise errors.NOT_AWAITING_CHECK(status=status_words(case.status))
    return case


def uploaded_proofs(case: Case) -> list[str]:
    """The catalogue codes of the proofs uploaded on the case (not those read from records)."""
    return list(
        current_documents(case)
        .filter(status=DocumentStatus.PROVIDED, requirement__code__in=PROOF_DOCUMENTS.values())
        .values_list("requirement__code", flat=True)
    )


@transaction.atomic
def issue_after_check(*, actor: Actor, case: Case) -> Application:
    """The clerk has looked at the uploaded proof and found it good: the rules run again,
    with the records the proof stands in for taken as shown; anything else still in the way
    refuses (reject the application instead). The case completes and the mark is issued."""
    case = _lock_check(actor, case)
    vehicle = (
        Vehicle.objects.select_for_update(of=("self",))
        .select_related("office")
        .get(pk=case.vehicle_id)
    )
    eligibility = eligibility_of(vehicle, on=clock.today())
    proven = set(uploaded_proofs(case))
    standing = [r for r in eligibility.reasons if PROOF_DOCUMENTS.get(r.code, "\0") not in proven]
    if standing:
        raise errors.NOT_ELIGIBLE(field="case", reasons=refusal(standing))
    case = cases.complete_case(actor=actor, case=case, owner=OWNER)
    mark = issue_mark(
        actor=actor,
        vehicle=vehicle,
        case=case,
        eligibility=eligibility,
        proof_checked=sorted(proven),
    )
    return Application(case=case, mark=mark, created=True)


@transaction.atomic
def reject_after_check(*, actor: Actor, case: Case, reasons: str, reasons_en: str = "") -> Case:
    """The proof is not good (illegible, another vehicle's, expired): the application is
    rejected with written reasons; the applicant may apply again."""
    case = _lock_check(actor, case)
    case = cases.reject_case(
        actor=actor, case=case, reasons=reasons, reasons_en=reasons_en, owner=OWNER
    )
    record(
        actor=actor,
        action="inspection.proof_rejected",
        subject=case,
        office_id=case.office_id,
        data={"case": case.number, "vehicle": case.vehicle_id},
    )
    return case
