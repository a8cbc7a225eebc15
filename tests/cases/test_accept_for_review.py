"""即办 with a person's check: ``accept_for_review`` accepts an immediate case whose every
document is present (some uploaded), due within the promised working days, and leaves it
open for the clerk's ordinary complete or reject."""

import datetime as dt

import pytest

from cheguan.audit.models import AuditEvent
from cheguan.cases import errors, services
from cheguan.cases.models import CaseStatus
from cheguan.core.actor import Actor
from cheguan.core.errors import NOT_FOUND, DomainError
from tests.helpers import pdf_upload

SERVICE = "inspection_mark_exempt"  # immediate, promised in 1 working day
OWNER = "inspection"  # …and owned: only its owner's services move it (ADR 0013)


def _draft_with_uploads(world, codes=("insurance", "vehicle_tax")):
    case = services.open_case(
        actor=world.citizen, service_code=SERVICE, vehicle=world.vehicle, owner=OWNER
    )
    for code in codes:
        services.add_document(
            actor=world.citizen, case=case, requirement_code=code, upload=pdf_upload(), owner=OWNER
        )
    return case


def test_the_case_is_accepted_due_next_working_day_and_completed_by_a_clerk(world):
    case = services.accept_for_review(
        actor=world.citizen, case=_draft_with_uploads(world), owner=OWNER
    )

    assert case.status == CaseStatus.ACCEPTED
    assert case.due_date == dt.date(2026, 11, 24)  # Monday → Tuesday
    assert case.promised_working_days == 1
    event = AuditEvent.objects.get(action="cases.accepted")
    assert event.data == {"rongque": False, "immediate": True, "review": True}
    assert case.messages.get().kind == "accepted"
    done = services.complete_case(actor=world.clerk_actor, case=case, owner=OWNER)
    assert done.status == CaseStatus.COMPLETED


def test_a_missing_document_refuses_and_leaves_the_draft(world):
    case = _draft_with_uploads(world, codes=("insurance",))

    with pytest.raises(DomainError) as refused:
        services.accept_for_review(actor=world.citizen, case=case, owner=OWNER)

    case.refresh_from_db()
    assert refused.value.error == errors.DOCUMENTS_MISSING
    assert case.status == CaseStatus.DRAFT


def test_only_immediate_services_and_only_the_applicant_or_a_clerk(world, make):
    other = services.open_case(
        actor=world.citizen, service_code="plate_replacement", vehicle=world.vehicle
    )
    stranger = make.user("citizen")

    with pytest.raises(DomainError) as not_immediate:
        services.accept_for_review(actor=world.citizen, case=other)
    with pytest.raises(DomainError) as not_theirs:
        services.accept_for_review(
            actor=Actor(user=stranger), case=_draft_with_uploads(world), owner=OWNER
        )

    assert not_immediate.value.error == errors.ILLEGAL_TRANSITION
    assert not_theirs.value.error == NOT_FOUND
