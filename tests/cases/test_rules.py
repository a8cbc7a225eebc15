"""The lifecycle's rules alone: no database, no clock."""

from cheguan.cases import rules
from cheguan.cases.models import CLOSED_STATUSES, CaseStatus

S = CaseStatus


def test_the_closed_statuses_are_those_no_transition_leaves():
    assert {s for s, to in rules.TRANSITIONS.items() if not to} == CLOSED_STATUSES


def test_a_rongque_case_awaiting_documents_is_completed_not_resubmitted():
    assert rules.may_submit(S.AWAITING_DOCUMENTS, rongque=False)
    assert not rules.may_submit(S.AWAITING_DOCUMENTS, rongque=True)
    assert rules.may_complete(S.AWAITING_DOCUMENTS, rongque=True, documents_missing=False)
    assert not rules.may_complete(S.AWAITING_DOCUMENTS, rongque=True, documents_missing=True)
    assert not rules.may_complete(S.AWAITING_DOCUMENTS, rongque=False, documents_missing=False)


def test_the_one_time_notice_answers_a_submission_only():
    assert [s for s in S if rules.may_notice(s)] == [S.SUBMITTED]


def test_the_follow_up_steps_run_in_order_and_stop_when_closed():
    steps, status = [], "open"
    while (step := rules.next_follow_up_step(status)) is not None:
        steps.append(step)
        (status,) = rules.FOLLOW_UP_TRANSITIONS[status]
    assert steps == [rules.Action.VERIFY, rules.Action.CALL_BACK, rules.Action.CLOSE_FOLLOW_UP]
