"""Inspection marks over the API: eligibility, apply (即办), apply with uploaded proof, the
clerk's proof checks (issue or reject), mark detail, revoking a mark, reissuing a lost one
(补领), public verify.

Scoping: ``inspection.queries.vehicle_for`` (a vehicle outside the caller's scope is 404).
Rules: ``inspection.rules`` through ``inspection.services``.
"""

from __future__ import annotations

import datetime as dt

from django.http import FileResponse
from ninja import Field, File, Form, Path, Query, Router, Status
from ninja.files import UploadedFile

from cheguan.cases.queries import current_documents
from cheguan.core import clock
from cheguan.core.actor import actor_for
from cheguan.core.errors import NOT_FOUND
from cheguan.core.schemas import DB_INT_MAX, ERRORS, Schema
from cheguan.inspection import queries, services, signing

router = Router(tags=["inspection"])
MAX_ID = 2**63 - 1


class ReasonOut(Schema):
    code: str
    message: str
    kind: str
    data: dict


class EligibilityOut(Schema):
    vehicle_id: int
    plate: str
    regime: str
    on: dt.date
    may_issue: bool
    needs_station_test: bool
    exempt_class: bool
    due_date: dt.date | None
    window_opens: dt.date | None
    age_years: int | None
    new_valid_until: dt.date | None
    reasons: list[ReasonOut]
    proof_documents: list[str] = Field(
        description="when every reason is a record the office lacks: the documents to upload "
        "with POST /apply-with-proof (catalogue codes: insurance, vehicle_tax)"
    )


class MarkOut(Schema):
    serial: str
    plate: str
    vehicle_type: str
    valid_until: dt.date
    exempt: bool
    issuing_office: str
    issued_at: dt.datetime
    case_number: str | None
    revoked: bool
    verify_url: str


class ApplyIn(Schema):
    vehicle_id: int | None = Field(None, ge=1, le=MAX_ID)
    plate: str = Field("", max_length=10)


class ApplyOut(Schema):
    case_number: str
    case_status: str
    case_due_date: dt.date | None
    created: bool
    mark: MarkOut | None = Field(
        description="the issued mark; null while a clerk checks the uploaded proof"
    )


class ProofCheckOut(Schema):
    """A mark application accepted on uploaded proof, waiting for a clerk's check."""

    case_number: str
    case_status: str
    vehicle_id: int
    plate: str
    applicant: str  # masked
    accepted_at: dt.datetime | None
    due_date: dt.date | None
    documents: list[str]


class ProofRejectIn(Schema):
    reasons: str = Field(..., min_length=1, max_length=2000)
    reasons_en: str = Field("", max_length=2000)


class VerdictOut(Schema):
    status: str
    plate: str
    valid_until: dt.date | None


def _mark_out(request, mark) -> dict:
    return {
        "serial": mark.serial,
        "plate": mark.plate_number,
        "vehicle_type": mark.vehicle_type,
        "valid_until": mark.valid_until,
        "exempt": mark.exempt,
        "issuing_office": mark.office.name,
        "issued_at": mark.issued_at,
        "case_number": mark.case.number if mark.case_id else None,
        "revoked": mark.is_revoked,
        "verify_url": signing.verify_url(mark, request.build_absolute_uri("/")),
    }


def _vehicle(request, vehicle_id: int | None, plate: str):
    return queries.vehicle_for(actor_for(request), vehicle_id=vehicle_id, plate=plate or "")


def _application_out(request, result: services.Application) -> dict:
    return {
        "case_number": result.case.number,
        "case_status": result.case.status,
        "case_due_date": result.case.due_date,
        "created": result.created,
        "mark": _mark_out(request, result.mark) if result.mark is not None else None,
    }


def _check_out(case) -> dict:
    person = case.applicant_person
    return {
        "case_number": case.number,
        "case_status": case.status,
        "vehicle_id": case.vehicle_id,
        "plate": case.vehicle.plate_number or "",
        "applicant": person.masked_name if person else case.applicant_organisation.name,
        "accepted_at": case.accepted_at,
        "due_date": case.due_date,
        "documents": services.uploaded_proofs(case),
    }


@router.get("/eligibility", response={200: EligibilityOut, **ERRORS})
def eligibility(
    request,
    vehicle_id: int | None = Query(None, ge=1, le=MAX_ID),
    plate: str = Query("", max_length=10),
):
    """Every reason this vehicle can or cannot get a mark without an on-site test today."""
    vehicle = _vehicle(request, vehicle_id, plate)
    result = queries.eligibility_of(vehicle, on=clock.today())
    return {"vehicle_id": vehicle.pk, "plate": vehicle.plate_number or "", **result.as_dict()}


@router.post("/apply", response={201: ApplyOut, **ERRORS})
def apply(request, payload: ApplyIn):
    """Apply; an eligible vehicle gets its mark at once. The same period again: the same mark
    (or the application still waiting for its check). Only insurance or tax missing from the
    records: 409 ``inspection.proof_needed`` — apply with the proof instead."""
    vehicle = _vehicle(request, payload.vehicle_id, payload.plate)
    result = services.apply_for_mark(actor=actor_for(request), vehicle=vehicle)
    return Status(201, _application_out(request, result))


PROOF = "PDF, JPEG or PNG, at most 10 MB"
INSURANCE_FILE = File(None, description=f"交强险 certificate: {PROOF}")
TAX_FILE = File(None, description=f"车船税 paid-or-exempt proof: {PROOF}")


@router.post("/apply-with-proof", response={201: ApplyOut, **ERRORS})
def apply_with_proof(
    request,
    vehicle_id: int | None = Form(None, ge=1, le=MAX_ID),
    plate: str = Form("", max_length=10),
    insurance: UploadedFile | None = INSURANCE_FILE,
    vehicle_tax: UploadedFile | None = TAX_FILE,
):
    """Multipart. When the records lack the vehicle's 交强险 or 车船税 (eligibility's
    ``proof_documents``), upload each: the case is accepted, due within 1 working day, and a
    clerk checks the proof (``case_status`` accepted, ``mark`` null). A file the records do
    not lack is not stored. If the records now show everything, the mark is issued at once."""
    vehicle = _vehicle(request, vehicle_id, plate)
    result = services.apply_with_proof(
        actor=actor_for(request),
        vehicle=vehicle,
        documents={"insurance": insurance, "vehicle_tax": vehicle_tax},
    )
    return Status(201, _application_out(request, result))


NUMBER = Path(..., max_length=24, pattern=r"^[0-9]{8,24}$", description="the case number")


@router.get("/checks", response={200: list[ProofCheckOut], **ERRORS})
def checks(request):
    """Clerks: the office's applications accepted on uploaded proof, earliest deadline first."""
    return [_check_out(c) for c in queries.proof_checks(actor_for(request))[:200]]


FILE_TYPES: dict[str, dict] = {"application/pdf": {}, "image/jpeg": {}, "image/png": {}}


@router.get(
    "/checks/{number}/documents/{code}",
    response=ERRORS,
    openapi_extra={"responses": {200: {"description": "the file", "content": FILE_TYPES}}},
)
def check_document(request, number: str = NUMBER, code: str = Path(..., max_length=40)):
    """Clerks: the uploaded proof itself (PDF, JPEG or PNG)."""
    case = queries.proof_check_for(actor_for(request), number)
    document = current_documents(case).filter(requirement__code=code).first()
    if document is None or not document.file:
        raise NOT_FOUND(field="code")
    response = FileResponse(document.file.open("rb"), content_type=document.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@router.post("/checks/{number}/issue", response={201: ApplyOut, **ERRORS})
def check_issue(request, number: str = NUMBER):
    """Clerks: the proof is good — the other rules run again, the case completes and the
    mark is issued."""
    actor = actor_for(request)
    result = services.issue_after_check(actor=actor, case=queries.proof_check_for(actor, number))
    return Status(201, _application_out(request, result))


@router.post("/checks/{number}/reject", response={200: ProofCheckOut, **ERRORS})
def check_reject(request, payload: ProofRejectIn, number: str = NUMBER):
    """Clerks: the proof is not good — rejected with written reasons."""
    actor = actor_for(request)
    case = services.reject_after_check(
        actor=actor,
        case=queries.proof_check_for(actor, number),
        reasons=payload.reasons,
        reasons_en=payload.reasons_en,
    )
    return _check_out(case)


@router.get("/marks/{serial}", response={200: MarkOut, **ERRORS})
def mark_detail(request, serial: str):
    mark = queries.mark_for(actor_for(request), serial[:24])
    return _mark_out(request, mark)


class RevokeIn(Schema):
    reason: str = Field(
        ...,
        max_length=200,
        description="why the mark no longer counts (at least 4 characters), e.g. issued on "
        "an insurance certificate found to be false; kept in the audit trail",
    )


@router.post("/marks/{serial}/revoke", response={200: MarkOut, **ERRORS})
def revoke(request, payload: RevokeIn, serial: str = Path(..., max_length=24)):
    """Clerks of the issuing office: the mark no longer counts (issued on proof found false
    later, the vehicle not eligible after all); its code then verifies as revoked. The
    vehicle's inspection date in the register is not changed. Another office's mark: 404;
    already revoked: 409 ``inspection.already_revoked``; no reason: 400
    ``inspection.reason_required``."""
    actor = actor_for(request)
    mark = services.revoke_mark(
        actor=actor, mark=queries.mark_for(actor, serial), reason=payload.reason
    )
    return _mark_out(request, mark)


@router.post(
    "/vehicles/{vehicle_id}/reissue",
    response={201: MarkOut, **ERRORS},
    operation_id="cheguan_inspection_reissue_api_reissue",
)
def reissue(
    request, vehicle_id: int = Path(..., ge=1, le=DB_INT_MAX, description="the vehicle's id")
):
    """The mark is lost or damaged (MVR Art 57): a new serial with the same validity, if
    交强险 is valid today; the old mark is revoked. No valid mark: 409
    ``inspection.no_current_mark``; no insurance today: 409 ``inspection.insurance_required``."""
    actor = actor_for(request)
    vehicle = queries.vehicle_for(actor, vehicle_id=vehicle_id)
    mark = services.reissue_lost_mark(actor=actor, vehicle=vehicle)
    return Status(201, _mark_out(request, mark))


@router.get("/verify", response={200: VerdictOut, **ERRORS}, auth=None)
def verify(
    request,
    s: str = Query("", max_length=64),
    v: str = Query("", max_length=64),
    p: str = Query("", max_length=64),
    sig: str = Query("", max_length=128),
    serial: str = Query("", max_length=64, description="a serial typed in (no QR code)"),
):
    """Public: valid / expired / revoked / forged (a QR code's fields) or unknown (a typed
    serial the office never issued), with the plate and validity only."""
    if serial and not (s or v or p or sig):
        verdict = signing.check_serial(serial)
    else:
        verdict = signing.check(serial=s, valid_until=v, plate=p, sig=sig)
    return {"status": verdict.status, "plate": verdict.plate, "valid_until": verdict.valid_until}
