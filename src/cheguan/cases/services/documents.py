"""Case documents: uploads (type- and size-checked, SHA-256), and "verified by data" —
the office checks identity, insurance and tax from its records before asking for paper."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from cheguan.accounts.partners import require_partner_authorised
from cheguan.audit.services import record
from cheguan.cases import errors
from cheguan.cases.evidence import evidence_for
from cheguan.cases.locks import lock_case
from cheguan.cases.models import (
    Case,
    CaseDocument,
    CaseStatus,
    DocumentStatus,
)
from cheguan.cases.queries import current_documents, is_applicant, missing_requirements
from cheguan.cases.remembered import requirements_of
from cheguan.cases.rules import takes_documents
from cheguan.cases.services.common import require_clerk_of, status_words
from cheguan.cases.services.owned import require_owner
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import Bi

# Accepted types, recognised by their first bytes (not by the name or the browser's word).
MAGIC = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}


def names_of(requirements) -> Bi:
    return Bi(
        "、".join(r.name_zh for r in requirements), ", ".join(r.name_en for r in requirements)
    )


def _sniff(head: bytes) -> str | None:
    for magic, content_type in MAGIC.items():
        if head.startswith(magic):
            return content_type
    return None


def verify_by_data(*, case: Case, actor: Actor, have: set[int] | None = None) -> list[CaseDocument]:
    """Check each data-verifiable requirement that has no document yet (``have``: the
    requirements with a current document, if the caller has read them) against the records.
    Runs inside the caller's transaction (submitting or settling the case)."""
    if have is None:
        have = set(current_documents(case).values_list("requirement_id", flat=True))
    made = []
    for requirement in requirements_of(case.service_id):
        if requirement.pk in have or not requirement.data_source:
            continue
        reference = evidence_for(
            requirement.data_source,
            person_id=case.applicant_person_id,
            organisation_id=case.applicant_organisation_id,
            vehicle_id=case.vehicle_id,
        )
        if reference is None:
            continue  # the paper (or upload) is the fallback
        made.append(
            CaseDocument(
                case=case,
                requirement=requirement,
                status=DocumentStatus.VERIFIED_BY_DATA,
                data_source=requirement.data_source,
                data_reference=reference[:80],
                added_at=clock.now(),
                added_by=actor.user,
            )
        )
    return CaseDocument.objects.bulk_create(made)


@transaction.atomic
def add_document(
    *,
    actor: Actor,
    case: Case,
    requirement_code: str,
    upload: UploadedFile,
    owner: str | None = None,
) -> CaseDocument:
    """An upload for one requirement. A case of an owned service takes its documents only
    through its owner's pages (``owner=…``)."""
    case = lock_case(case, related=("service",))
    if is_applicant(actor, case):
        require_partner_authorised(actor, service=case.service.code)
    else:
        require_clerk_of(actor, case)
    require_owner(case.service, owner)
    if not takes_documents(case.status):
        raise errors.ILLEGAL_TRANSITION(
            current=status_words(case.status),
            action=Bi("上传材料", "given documents"),
        )
    requirement = next(
        (r for r in requirements_of(case.service_id) if r.code == requirement_code), None
    )
    if requirement is None:
        raise errors.UNKNOWN_REQUIREMENT(field="requirement", code=str(requirement_code)[:40])
    max_bytes = settings.CHEGUAN_MAX_UPLOAD_MB * 1024 * 1024
    if upload.size is not None and upload.size > max_bytes:
        raise errors.FILE_TOO_LARGE(field="file", max_mb=settings.CHEGUAN_MAX_UPLOAD_MB)
    if not upload.size:
        raise errors.FILE_EMPTY(field="file")
    upload.seek(0)
    content_type = _sniff(upload.read(16))
    if content_type is None:
        raise errors.FILE_TYPE(field="file")
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    CaseDocument.objects.filter(case=case, requirement=requirement, superseded=False).update(
        superseded=True
    )
    document = CaseDocument(
        case=case,
        requirement=requirement,
        status=DocumentStatus.PROVIDED,
        original_name=(upload.name or "")[-120:],
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        added_at=clock.now(),
        added_by=actor.user,
    )
    document.file.save(
        f"{case.number}-{requirement.code}-{digest.hexdigest()[:12]}", upload, save=False
    )
    document.save()
    record(
        actor=actor,
        action="cases.document_added",
        subject=case,
        office_id=case.office_id,
        data={"requirement": requirement.code, "sha256": document.sha256, "size": document.size},
    )
    if (
        case.status == CaseStatus.AWAITING_DOCUMENTS
        and case.rongque
        and not missing_requirements(case)
    ):
        from cheguan.cases.notifications import notify

        notify(
            case,
            kind="documents_received",
            text=Bi(
                "承诺补齐的材料已全部收到，等待窗口办结。",
                "All the promised documents have arrived; the window will now complete the case.",
            ),
        )
    return document
