import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cheguan.cases import services
from cheguan.cases.models import (
    CaseMessage,
    CaseStatus,
    CommitmentStatus,
    RongqueCommitment,
    Service,
)
from cheguan.cases.services.rongque import max_rongque_days
from cheguan.core import clock as clock_module
from cheguan.core.errors import DomainError
from cheguan.workdays.services import add_working_days

pytestmark = pytest.mark.django_db
S = CaseStatus


def test_a_notice_lists_everything_and_the_case_goes_back_to_the_applicant(world):
    case = world.submitted(docs=())
    notice = services.issue_notice(
        actor=world.clerk_actor,
        case=case,
        items=[
            {"requirement": "vehicle_licence", "problem": "missing", "reason": "未上传行驶证"},
            {"requirement": "loss_statement", "problem": "missing"},
        ],
    )
    case.refresh_from_db()
    assert case.status == S.AWAITING_DOCUMENTS and case.correction_rounds == 1
    assert notice.is_first and [i["requirement"] for i in notice.items] == [
        "vehicle_licence",
        "loss_statement",
    ]
    assert CaseMessage.objects.filter(case=case, kind="notice").count() == 1


def test_asking_later_for_something_not_in_the_first_notice_is_refused(world, upload):
    case = world.submitted(docs=())
    services.issue_notice(
        actor=world.clerk_actor, case=case, items=[{"requirement": "vehicle_licence"}]
    )
    services.add_document(
        actor=world.citizen, case=case, requirement_code="vehicle_licence", upload=upload()
    )
    services.submit_case(actor=world.citizen, case=case)
    with pytest.raises(DomainError) as e:
        services.issue_notice(
            actor=world.clerk_actor, case=case, items=[{"requirement": "damaged_plate"}]
        )
    assert e.value.code == "cases.not_in_first_notice"
    case.refresh_from_db()
    assert case.status == S.SUBMITTED and case.correction_rounds == 1
    # asking again for an item of the first notice (still wrong) is allowed
    again = services.issue_notice(
        actor=world.clerk_actor,
        case=case,
        items=[{"requirement": "vehicle_licence", "problem": "illegible"}],
    )
    assert not again.is_first


def test_an_empty_notice_and_unknown_documents_are_refused(world):
    case = world.submitted(docs=())
    for items, code in (
        ([], "cases.notice_empty"),
        ([{"requirement": "passport"}], "cases.unknown_requirement"),
        ([{"requirement": "vehicle_licence", "problem": "smelly"}], "cases.invalid_problem"),
    ):
        with pytest.raises(DomainError) as e:
            services.issue_notice(actor=world.clerk_actor, case=case, items=items)
        assert e.value.code == code


def test_a_case_after_a_notice_is_not_one_visit_even_if_completed(world, upload):
    case = world.submitted(docs=("vehicle_licence", "loss_statement"))
    services.issue_notice(
        actor=world.clerk_actor, case=case, items=[{"requirement": "damaged_plate"}]
    )
    services.add_document(
        actor=world.citizen, case=case, requirement_code="damaged_plate", upload=upload()
    )
    services.submit_case(actor=world.citizen, case=case)
    services.accept_case(actor=world.clerk_actor, case=case)
    services.complete_case(actor=world.clerk_actor, case=case)
    case.refresh_from_db()
    assert case.status == S.COMPLETED and not case.is_one_visit


def test_rongque_acceptance_records_a_commitment_with_a_working_day_deadline(world):
    case = world.submitted(docs=("vehicle_licence",))
    services.accept_case(actor=world.clerk_actor, case=case, rongque=True, rongque_days=3)
    case.refresh_from_db()
    c = RongqueCommitment.objects.get(case=case)
    assert case.status == S.AWAITING_DOCUMENTS and case.rongque
    assert c.missing == ["loss_statement", "damaged_plate"]
    assert c.deadline == dt.date(2026, 11, 26)  # Monday + 3 working days


def test_rongque_deadline_limits_are_20_days_and_2_below_the_promise(world):
    service = Service.objects.get(office=world.office, code="plate_replacement")  # promised 15
    assert max_rongque_days(service) == 13
    for days in (0, 14, 21):
        case = world.submitted(docs=("vehicle_licence",))
        with pytest.raises(DomainError) as e:
            services.accept_case(
                actor=world.clerk_actor, case=case, rongque=True, rongque_days=days
            )
        assert e.value.code == "cases.rongque_days_out_of_range"
    service.promised_working_days = 40
    service.save()
    assert max_rongque_days(service) == 20


def test_services_with_a_short_promise_cannot_use_rongque(world):
    service = Service.objects.get(office=world.office, code="plate_replacement")
    service.promised_working_days = 2
    service.save()
    case = world.submitted(docs=("vehicle_licence",))
    with pytest.raises(DomainError) as e:
        services.accept_case(actor=world.clerk_actor, case=case, rongque=True)
    assert e.value.code == "cases.rongque_not_allowed"


@pytest.fixture
def many_open_cases(settings):
    """Every example opens one more case for the same citizen (not what is tested here)."""
    settings.CHEGUAN_LIMITS = {"CASES_OPEN_PER_CITIZEN_PER_SERVICE": 100}


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    start=st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2026, 12, 10)),
    days=st.integers(min_value=1, max_value=13),
)
def test_rongque_deadlines_skip_weekends_and_holidays(world, many_open_cases, start, days):
    clock_module.set_now(start.replace(hour=10))
    case = world.submitted(docs=("vehicle_licence",))
    services.accept_case(actor=world.clerk_actor, case=case, rongque=True, rongque_days=days)
    deadline = RongqueCommitment.objects.get(case=case).deadline
    assert deadline == add_working_days(start.date(), days)
    # the deadline is itself a working day, and exactly `days` working days away
    from cheguan.workdays.services import is_working_day, working_days_between

    assert is_working_day(deadline) and working_days_between(start.date(), deadline) == days


def test_overdue_commitments_terminate_their_cases_with_the_reason(world, clock):
    case = world.submitted(docs=("vehicle_licence",))
    services.accept_case(
        actor=world.clerk_actor, case=case, rongque=True, rongque_days=2
    )  # due Wed 25th
    clock.set_now(dt.datetime(2026, 11, 25, 23, 0))
    assert services.terminate_overdue_cases() == 0  # the deadline day itself still counts
    clock.set_now(dt.datetime(2026, 11, 26, 8, 0))
    assert services.terminate_overdue_cases() == 1
    case.refresh_from_db()
    assert case.status == S.TERMINATED
    assert "2026-11-25" in case.closing_reason and "号牌遗失或损坏情况说明" in case.closing_reason
    assert RongqueCommitment.objects.get(case=case).status == CommitmentStatus.BROKEN
    assert services.terminate_overdue_cases() == 0  # idempotent


def test_supplying_the_documents_in_time_lets_the_clerk_complete(world, upload, clock):
    case = world.submitted(docs=("vehicle_licence",))
    services.accept_case(actor=world.clerk_actor, case=case, rongque=True, rongque_days=2)
    with pytest.raises(DomainError) as e:
        services.complete_case(actor=world.clerk_actor, case=case)
    assert e.value.code == "cases.commitment_open"
    clock.set_now(dt.datetime(2026, 11, 24, 9, 0))
    for code in ("loss_statement", "damaged_plate"):
        services.add_document(
            actor=world.citizen, case=case, requirement_code=code, upload=upload()
        )
    assert CaseMessage.objects.filter(case=case, kind="documents_received").count() == 1
    services.complete_case(actor=world.clerk_actor, case=case)
    case.refresh_from_db()
    assert case.status == S.COMPLETED
    assert RongqueCommitment.objects.get(case=case).status == CommitmentStatus.FULFILLED
    clock.set_now(dt.datetime(2026, 12, 1, 9, 0))
    assert services.terminate_overdue_cases() == 0


def test_a_broken_commitment_in_the_last_12_months_bars_rongque(world, clock):
    first = world.submitted(docs=("vehicle_licence",))
    services.accept_case(actor=world.clerk_actor, case=first, rongque=True, rongque_days=1)
    clock.set_now(dt.datetime(2026, 11, 27, 9, 0))
    services.terminate_overdue_cases()
    second = world.submitted(docs=("vehicle_licence",))
    with pytest.raises(DomainError) as e:
        services.accept_case(actor=world.clerk_actor, case=second, rongque=True)
    assert e.value.code == "cases.rongque_credit_blocked"
    assert "2026-11-24" in e.value.message_in("en")
    # a year and a day later the credit is restored
    clock.set_now(dt.datetime(2027, 11, 25, 9, 0))
    assert services.rongque_credit_block(person=world.person, organisation=None) is None


def test_reminders_go_out_once_a_day_in_the_last_two_working_days(world, clock):
    case = world.submitted(docs=("vehicle_licence",))
    services.accept_case(
        actor=world.clerk_actor, case=case, rongque=True, rongque_days=5
    )  # due Mon 30th
    assert services.send_rongque_reminders() == 0  # too early
    clock.set_now(dt.datetime(2026, 11, 26, 9, 0))  # Thursday: 2 working days before
    assert services.send_rongque_reminders() == 1
    assert services.send_rongque_reminders() == 0  # once a day
    clock.set_now(dt.datetime(2026, 11, 27, 9, 0))
    assert services.send_rongque_reminders() == 1
    texts = list(
        CaseMessage.objects.filter(case=case, kind="rongque_reminder").values_list(
            "text_zh", flat=True
        )
    )
    assert len(texts) == 2 and all("2026年11月30日" in t for t in texts)
