"""Paper proof, the fallback: insurance or tax missing from the records is uploaded as the
case's document; the case is accepted, due within 1 working day; a clerk checks the proof
and issues the mark (the other rules run again) or rejects it with reasons."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cheguan.audit.models import AuditEvent
from cheguan.cases import errors as case_errors
from cheguan.cases.models import Case, CaseDocument, CaseStatus, DocumentStatus
from cheguan.core.actor import Actor
from cheguan.core.errors import NOT_FOUND, PERMISSION_DENIED, DomainError
from cheguan.inspection import errors, queries, services
from cheguan.inspection.models import InspectionMark
from cheguan.inspection.queries import eligibility_of
from cheguan.registry.models import VehicleTax
from cheguan.workdays.services import add_working_days
from tests.helpers import pdf_upload
from tests.inspection.conftest import TODAY


def _apply_with_tax_proof(city, actor=None):
    city.without_tax()
    return services.apply_with_proof(
        actor=actor or city.citizen, vehicle=city.vehicle, documents={"vehicle_tax": pdf_upload()}
    )


# --- the rules say when paper can help ---------------------------------------------------------


def test_only_missing_insurance_and_tax_can_be_proven_on_paper(city):
    city.without_tax()
    city.without_insurance()
    both = eligibility_of(city.vehicle, on=TODAY)
    city.violation(city.vehicle)
    with_violation = eligibility_of(city.vehicle, on=TODAY)

    assert both.proof_documents == ["insurance", "vehicle_tax"]
    assert with_violation.proof_documents == []
    assert eligibility_of(city.car(city.person), on=TODAY).proof_documents == []  # eligible


def test_applying_without_the_tax_record_says_the_proof_can_be_uploaded(city):
    city.without_tax()

    with pytest.raises(DomainError) as refused:
        services.apply_for_mark(actor=city.citizen, vehicle=city.vehicle)

    assert refused.value.error == errors.PROOF_NEEDED
    assert "upload" in refused.value.message_in("en")
    assert "车船税纳税或免税证明" in refused.value.message_in("zh-hans")
    assert "1 working day" in refused.value.message_in("en")
    assert Case.objects.count() == 0


# --- applying with the proof ------------------------------------------------------------------


def test_the_uploaded_proof_opens_a_case_accepted_and_due_within_one_working_day(city):
    result = _apply_with_tax_proof(city)

    case = result.case
    city.vehicle.refresh_from_db()
    document = CaseDocument.objects.get(case=case, requirement__code="vehicle_tax")
    assert result.created is True
    assert result.mark is None
    assert case.status == CaseStatus.ACCEPTED
    assert case.due_date == add_working_days(TODAY, 1) == dt.date(2026, 5, 12)
    assert document.status == DocumentStatus.PROVIDED
    assert len(document.sha256) == 64
    assert CaseDocument.objects.get(case=case, requirement__code="insurance").status == (
        DocumentStatus.VERIFIED_BY_DATA
    )
    assert list(queries.proof_checks(city.clerk_actor)) == [case]
    assert InspectionMark.objects.count() == 0
    assert city.vehicle.inspection_valid_until == dt.date(2026, 7, 1)  # unchanged until issued
    event = AuditEvent.objects.get(action="inspection.applied_with_proof")
    assert event.data["documents"] == ["vehicle_tax"]
    assert case.messages.filter(kind="accepted").exists()


def test_both_proofs_are_needed_when_both_records_are_missing(city):
    city.without_tax()
    city.without_insurance()

    with pytest.raises(DomainError) as refused:
        services.apply_with_proof(
            actor=city.citizen, vehicle=city.vehicle, documents={"vehicle_tax": pdf_upload()}
        )

    assert refused.value.error == errors.PROOF_MISSING
    assert refused.value.field == "insurance"
    assert "交强险凭证" in refused.value.message_in("zh-hans")
    assert Case.objects.count() == 0


def test_a_file_that_is_not_a_pdf_or_image_writes_nothing(city):
    city.without_tax()
    text = SimpleUploadedFile("tax.pdf", b"just words", content_type="application/pdf")

    with pytest.raises(DomainError) as refused:
        services.apply_with_proof(
            actor=city.citizen, vehicle=city.vehicle, documents={"vehicle_tax": text}
        )

    assert refused.value.error == case_errors.FILE_TYPE
    assert Case.objects.count() == 0
    assert CaseDocument.objects.count() == 0


def test_paper_does_not_help_when_something_else_stands_in_the_way(city):
    city.without_tax()
    city.violation(city.vehicle, 2)

    with pytest.raises(DomainError) as refused:
        services.apply_with_proof(
            actor=city.citizen, vehicle=city.vehicle, documents={"vehicle_tax": pdf_upload()}
        )

    assert refused.value.error == errors.NOT_ELIGIBLE
    assert "2 unprocessed violation(s)" in refused.value.message_in("en")
    assert Case.objects.count() == 0


def test_when_the_records_show_everything_the_mark_is_issued_at_once(city):
    result = services.apply_with_proof(
        actor=city.citizen, vehicle=city.vehicle, documents={"vehicle_tax": pdf_upload()}
    )

    assert result.mark is not None
    assert result.case.status == CaseStatus.COMPLETED
    assert not CaseDocument.objects.filter(status=DocumentStatus.PROVIDED).exists()


def test_applying_again_while_the_check_is_pending_returns_the_same_case(city):
    first = _apply_with_tax_proof(city)

    again = services.apply_with_proof(
        actor=city.citizen, vehicle=city.vehicle, documents={"vehicle_tax": pdf_upload()}
    )
    plain = services.apply_for_mark(actor=city.citizen, vehicle=city.vehicle)

    assert (again.case.pk, again.created, again.mark) == (first.case.pk, False, None)
    assert (plain.case.pk, plain.created, plain.mark) == (first.case.pk, False, None)
    assert Case.objects.count() == 1
    assert CaseDocument.objects.filter(requirement__code="vehicle_tax").count() == 1


def test_a_clerk_in_an_assisted_session_uploads_the_elders_proof(city):
    result = _apply_with_tax_proof(city, actor=city.assisted())

    assert result.case.channel == "assisted"
    assert result.case.applicant_person == city.person
    assert result.case.status == CaseStatus.ACCEPTED


# --- the clerk's check -------------------------------------------------------------------------


def test_the_clerk_finds_the_proof_good_and_the_mark_is_issued(city):
    case = _apply_with_tax_proof(city).case

    issued = services.issue_after_check(actor=city.clerk_actor, case=case)

    case.refresh_from_db()
    city.vehicle.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED
    assert issued.mark.valid_until == dt.date(2028, 7, 1)
    assert issued.mark.case == case
    assert city.vehicle.inspection_valid_until == dt.date(2028, 7, 1)
    event = AuditEvent.objects.get(action="inspection.mark_issued")
    assert (event.actor_id, event.data["proof_checked"]) == (city.clerk.pk, ["vehicle_tax"])
    assert list(queries.proof_checks(city.clerk_actor)) == []
    # the citizen's next application for the period is answered with this mark
    again = services.apply_for_mark(actor=city.citizen, vehicle=city.vehicle)
    assert (again.mark.pk, again.created) == (issued.mark.pk, False)


def test_issuing_runs_the_other_rules_again(city):
    case = _apply_with_tax_proof(city).case
    city.violation(city.vehicle, 1)  # recorded after the application

    with pytest.raises(DomainError) as refused:
        services.issue_after_check(actor=city.clerk_actor, case=case)

    case.refresh_from_db()
    assert refused.value.error == errors.NOT_ELIGIBLE
    assert "1 unprocessed violation(s)" in refused.value.message_in("en")
    assert "vehicle tax" not in refused.value.message_in("en")  # the proof stands in for it
    assert case.status == CaseStatus.ACCEPTED
    assert InspectionMark.objects.count() == 0


def test_the_tax_recorded_meanwhile_is_fine_too(city):
    case = _apply_with_tax_proof(city).case
    VehicleTax.objects.create(vehicle=city.vehicle, year=2026, status="paid")

    issued = services.issue_after_check(actor=city.clerk_actor, case=case)

    assert issued.mark is not None


def test_the_clerk_rejects_bad_proof_with_reasons_and_the_citizen_may_apply_again(city):
    case = _apply_with_tax_proof(city).case

    with pytest.raises(DomainError) as short:
        services.reject_after_check(actor=city.clerk_actor, case=case, reasons="no")
    services.reject_after_check(
        actor=city.clerk_actor,
        case=case,
        reasons="完税证明不清晰，无法辨认",
        reasons_en="The tax proof cannot be read",
    )
    again = services.apply_with_proof(
        actor=city.citizen, vehicle=city.vehicle, documents={"vehicle_tax": pdf_upload()}
    )

    case.refresh_from_db()
    assert short.value.error == case_errors.REASONS_REQUIRED
    assert case.status == CaseStatus.REJECTED
    assert case.closing_reason == "完税证明不清晰，无法辨认"
    assert AuditEvent.objects.filter(action="inspection.proof_rejected").count() == 1
    assert again.created is True and again.case.pk != case.pk
    assert InspectionMark.objects.count() == 0


def test_only_a_clerk_of_the_office_checks_and_only_a_waiting_case(city, make):
    case = _apply_with_tax_proof(city).case
    elsewhere = make.user("clerk", office=make.office(code="330100", prefix="浙A", name="杭州"))

    with pytest.raises(DomainError) as citizen:
        services.issue_after_check(actor=city.citizen, case=case)
    with pytest.raises(DomainError) as other_office:
        services.issue_after_check(actor=Actor(user=elsewhere), case=case)
    services.issue_after_check(actor=city.clerk_actor, case=case)
    with pytest.raises(DomainError) as twice:
        services.issue_after_check(actor=city.clerk_actor, case=case)
    with pytest.raises(DomainError) as reject_done:
        services.reject_after_check(actor=city.clerk_actor, case=case, reasons="看不清楚")

    assert citizen.value.error == PERMISSION_DENIED
    assert other_office.value.error == NOT_FOUND
    assert twice.value.error == errors.NOT_AWAITING_CHECK
    assert reject_done.value.error == errors.NOT_AWAITING_CHECK
    assert InspectionMark.objects.count() == 1
