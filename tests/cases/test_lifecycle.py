import datetime as dt

import pytest

from cheguan.audit.models import AuditEvent
from cheguan.cases import services
from cheguan.cases.models import Case, CaseStatus, CaseTransition, Channel
from cheguan.cases.queries import current_documents, missing_requirements
from cheguan.cases.rules import TRANSITIONS
from cheguan.cases.services.common import transition
from cheguan.core.actor import Actor
from cheguan.core.errors import DomainError

pytestmark = pytest.mark.django_db
S = CaseStatus


@pytest.mark.parametrize("current", list(S))
@pytest.mark.parametrize("target", list(S))
def test_the_transition_table_allows_exactly_its_entries(world, current, target):
    case = services.open_case(actor=world.citizen, service_code="contact_change")
    Case.objects.filter(pk=case.pk).update(status=current)
    case.refresh_from_db()
    if target in TRANSITIONS[current]:
        transition(case, target, actor=world.citizen)
        assert case.status == target
        assert (
            CaseTransition.objects.filter(case=case, from_status=current, to_status=target).count()
            == 1
        )
    else:
        with pytest.raises(DomainError) as e:
            transition(case, target, actor=world.citizen)
        assert e.value.code == "cases.illegal_transition"
        assert CaseTransition.objects.filter(case=case).count() == 0


def test_a_citizen_applying_online_opens_an_online_case_for_themself(world):
    case = services.open_case(actor=world.citizen, service_code="contact_change")
    assert case.channel == Channel.ONLINE
    assert case.applicant_person == world.person
    assert case.status == S.DRAFT
    assert AuditEvent.objects.filter(action="cases.opened", subject_id=str(case.pk)).count() == 1


def test_a_clerk_in_an_assisted_session_opens_an_assisted_case_recording_both(world):
    case = services.open_case(actor=world.assisted(), service_code="contact_change")
    assert case.channel == Channel.ASSISTED
    assert case.applicant_person == world.person and case.assisted_by == world.clerk
    event = AuditEvent.objects.get(action="cases.opened", subject_id=str(case.pk))
    assert event.actor == world.clerk and event.on_behalf_of == world.person


def test_a_channel_the_service_does_not_offer_is_refused(world):
    dealer = world.make.user("dealer_agent")
    with pytest.raises(DomainError) as e:
        services.open_case(
            actor=Actor(user=dealer), service_code="contact_change", applicant_person=world.person
        )
    assert e.value.code == "cases.channel_not_offered"


def test_the_same_idempotency_scope_returns_the_existing_live_case(world):
    a = services.open_case(
        actor=world.citizen, service_code="plate_replacement", idempotency_scope="repl:1:2026"
    )
    b = services.open_case(
        actor=world.citizen, service_code="plate_replacement", idempotency_scope="repl:1:2026"
    )
    assert a.pk == b.pk and Case.objects.count() == 1


def test_submitting_verifies_identity_insurance_and_tax_from_records_first(world, make):
    from cheguan.registry.models import InsurancePolicy, VehicleTax

    InsurancePolicy.objects.create(
        vehicle=world.vehicle,
        policy_number="PDZA2026001",
        valid_from=dt.date(2026, 1, 1),
        valid_until=dt.date(2026, 12, 31),
    )
    VehicleTax.objects.create(vehicle=world.vehicle, year=2026, status="paid")
    case = services.open_case(  # the service that checks all three (its owner opens it)
        actor=world.citizen,
        service_code="inspection_mark_exempt",
        vehicle=world.vehicle,
        owner="inspection",
    )
    services.submit_case(actor=world.citizen, case=case, owner="inspection")
    assert missing_requirements(case) == []
    refs = sorted(current_documents(case).values_list("data_reference", flat=True))
    assert refs == ["insurance:PDZA2026001", f"person:{world.person.pk}", "tax:2026:paid"]


def test_without_insurance_records_the_paper_proof_is_still_asked_for(world):
    case = services.open_case(
        actor=world.citizen,
        service_code="inspection_mark_exempt",
        vehicle=world.vehicle,
        owner="inspection",
    )
    services.submit_case(actor=world.citizen, case=case, owner="inspection")
    assert [r.code for r in missing_requirements(case)] == ["insurance", "vehicle_tax"]


def test_a_complete_case_is_accepted_and_completed_with_its_processing_time(world, clock):
    case = world.submitted()
    services.accept_case(actor=world.clerk_actor, case=case)
    clock.set_now(dt.datetime(2026, 11, 25, 15, 0))  # Wednesday
    services.complete_case(actor=world.clerk_actor, case=case)
    case.refresh_from_db()
    assert case.status == S.COMPLETED and case.processing_working_days == 2
    assert case.due_date == dt.date(2026, 12, 14)  # 15 working days after Monday 23 Nov
    assert case.is_one_visit


def test_accepting_with_an_essential_document_missing_is_refused_even_under_rongque(world):
    case = world.submitted(docs=("loss_statement",))
    with pytest.raises(DomainError) as e:
        services.accept_case(actor=world.clerk_actor, case=case, rongque=True)
    assert e.value.code == "cases.essential_documents_missing"
    assert "行驶证" in e.value.message_in("zh-hans")


def test_accepting_with_supplementary_documents_missing_needs_rongque(world):
    case = world.submitted(docs=("vehicle_licence",))
    with pytest.raises(DomainError) as e:
        services.accept_case(actor=world.clerk_actor, case=case)
    assert e.value.code == "cases.documents_missing"
    case.refresh_from_db()
    assert case.status == S.SUBMITTED


def test_rejection_needs_written_reasons_which_are_kept(world):
    case = world.submitted()
    with pytest.raises(DomainError) as e:
        services.reject_case(actor=world.clerk_actor, case=case, reasons=" ")
    assert e.value.code == "cases.reasons_required"
    services.reject_case(
        actor=world.clerk_actor,
        case=case,
        reasons="号牌并未遗失，车辆已被查封。",
        reasons_en="The vehicle is seized.",
    )
    case.refresh_from_db()
    assert case.status == S.REJECTED and case.closing_reason == "号牌并未遗失，车辆已被查封。"


def test_only_clerks_of_the_case_office_may_accept(world, make):
    case = world.submitted()
    other_office = make.office(code="330100", prefix="浙A", name="杭州市车管所")
    stranger = make.user("clerk", office=other_office)
    with pytest.raises(DomainError) as e:
        services.accept_case(actor=Actor(user=stranger), case=case)
    assert e.value.code == "core.not_found"
    with pytest.raises(DomainError) as e:
        services.accept_case(actor=world.citizen, case=case)
    assert e.value.code == "core.permission_denied"


def test_visits_are_counted_and_two_visits_are_not_one_visit(world):
    case = world.submitted()
    services.record_visit(
        actor=world.clerk_actor, case=case, kind="hall_ticket", ticket_number="A012"
    )
    services.record_visit(actor=world.clerk_actor, case=case)
    services.accept_case(actor=world.clerk_actor, case=case)
    services.complete_case(actor=world.clerk_actor, case=case)
    case.refresh_from_db()
    assert case.visit_count == 2 and not case.is_one_visit


def test_an_upload_that_is_not_pdf_jpeg_or_png_is_refused_by_its_content(world, upload):
    case = services.open_case(actor=world.citizen, service_code="plate_replacement")
    with pytest.raises(DomainError) as e:
        services.add_document(
            actor=world.citizen,
            case=case,
            requirement_code="vehicle_licence",
            upload=upload("fake.pdf", b"MZ\x90\x00 this is an exe"),
        )
    assert e.value.code == "cases.file_type_not_allowed"
    doc = services.add_document(
        actor=world.citizen, case=case, requirement_code="vehicle_licence", upload=upload()
    )
    import hashlib

    from tests.helpers import PDF

    assert doc.sha256 == hashlib.sha256(PDF).hexdigest() and doc.content_type == "application/pdf"


def test_someone_elses_case_is_not_yours_to_submit(world, make):
    case = services.open_case(actor=world.citizen, service_code="contact_change")
    other = make.user("citizen")
    with pytest.raises(DomainError) as e:
        services.submit_case(actor=Actor(user=other), case=case)
    assert e.value.code == "cases.not_applicant"


def test_a_closed_case_takes_no_more_visits(world):
    case = world.completed()
    with pytest.raises(DomainError) as e:
        services.record_visit(actor=world.clerk_actor, case=case)
    assert e.value.code == "cases.illegal_transition"
    case.refresh_from_db()
    assert case.visit_count == 0
