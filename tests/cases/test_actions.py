"""``queries.actions_for`` and the services agree: for every case status and every role, an
action is listed exactly when its service, given valid input, accepts it. Each attempt runs
in a savepoint that is rolled back, so every action is tried on the same case."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from cheguan.cases import queries, services
from cheguan.cases.catalogue import OWNERS
from cheguan.cases.models import Case, CaseStatus, FollowUp
from cheguan.cases.rules import Action
from cheguan.cases.services import screens
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import DomainError
from cheguan.core.roles import Role
from tests.cases.conftest import pdf_upload

pytestmark = pytest.mark.django_db
S = CaseStatus
A = Action


class _Undo(Exception):
    pass


def _accepted_by_service(run) -> bool:
    """Whether the service accepts the call (its changes are rolled back either way)."""
    try:
        with transaction.atomic():
            run()
            raise _Undo
    except _Undo:
        return True
    except (DomainError, FollowUp.DoesNotExist):  # refused, or no follow-up to act on
        return False


def _follow_up(case: Case) -> FollowUp:
    return FollowUp.objects.get(case=case)


def _notice_items(case: Case) -> list[dict]:
    first = case.notices.filter(is_first=True).first()
    code = first.items[0]["requirement"] if first else case.service.requirements.first().code
    return [{"requirement": code, "problem": "missing", "reason": "请补充"}]


def _uploadable(case: Case) -> str:
    requirement = case.service.requirements.filter(data_source="").first()
    return requirement.code if requirement is not None else "none"


# How each action is tried through its service, with valid input.
ATTEMPTS = {
    A.SUBMIT: lambda actor, case: services.submit_case(actor=actor, case=case),
    A.WITHDRAW: lambda actor, case: services.withdraw_case(actor=actor, case=case),
    A.ADD_DOCUMENT: lambda actor, case: services.add_document(
        actor=actor,
        case=case,
        requirement_code=_uploadable(case),
        upload=pdf_upload(),
    ),
    A.ACCEPT: lambda actor, case: services.accept_case(
        actor=actor, case=case, rongque=bool(queries.missing_requirements(case))
    ),
    A.NOTICE: lambda actor, case: services.issue_notice(
        actor=actor, case=case, items=_notice_items(case)
    ),
    A.REJECT: lambda actor, case: services.reject_case(
        actor=actor, case=case, reasons="材料与车辆信息不符"
    ),
    A.COMPLETE: lambda actor, case: services.complete_case(actor=actor, case=case),
    A.RECORD_VISIT: lambda actor, case: services.record_visit(actor=actor, case=case),
    A.RATE: lambda actor, case: services.rate_case(actor=actor, case=case, score=4),
    A.SCREEN: lambda actor, case: screens.push_case(actor=actor, case=case),
    A.APPEAL: lambda actor, case: services.appeal_rating(
        actor=actor, follow_up=_follow_up(case), reason="评价与事实不符"
    ),
    A.DECIDE_APPEAL: lambda actor, case: services.decide_appeal(
        actor=actor, follow_up=_follow_up(case), upheld=False, note="维持评价结果"
    ),
    A.VERIFY: lambda actor, case: services.verify_follow_up(
        actor=actor, follow_up=_follow_up(case), note="已核实情况"
    ),
    A.CALL_BACK: lambda actor, case: services.record_callback(
        actor=actor, follow_up=_follow_up(case), note="已电话回访"
    ),
    A.CLOSE_FOLLOW_UP: lambda actor, case: services.close_follow_up(
        actor=actor, follow_up=_follow_up(case), fix="已整改窗口流程"
    ),
}


def test_every_action_has_an_attempt():
    assert set(ATTEMPTS) == set(Action)


def _rated(world, score: int) -> Case:
    case = world.completed()
    services.rate_case(actor=world.citizen, case=case, score=score)
    return case


def _owned(world, status: str) -> Case:
    """A case of an owned service (plate_selection, run by plates), put in ``status``."""
    code = "plate_selection"
    case = services.open_case(
        actor=world.clerk_actor,
        service_code=code,
        applicant_person=world.person,
        vehicle=world.vehicle,
        owner=OWNERS[code],
    )
    Case.objects.filter(pk=case.pk).update(
        status=status, submitted_at=clock.now(), accepted_at=clock.now()
    )
    case.refresh_from_db()
    return case


def _rongque(world, *, all_in: bool) -> Case:
    case = world.submitted(docs=("vehicle_licence",))
    services.accept_case(actor=world.clerk_actor, case=case, rongque=True, rongque_days=3)
    if all_in:
        for code in ("loss_statement", "damaged_plate"):
            services.add_document(
                actor=world.citizen, case=case, requirement_code=code, upload=pdf_upload()
            )
    return case


def _terminated(world) -> Case:
    case = _rongque(world, all_in=False)
    clock.set_now(dt.datetime(2026, 12, 7, 10, 0))
    services.terminate_overdue_cases()
    return case


def _follow_up_in(world, *, verified: bool, appealed: bool) -> Case:
    case = _rated(world, 1)
    follow_up = _follow_up(case)
    if verified:
        services.verify_follow_up(
            actor=world.supervisor_actor, follow_up=follow_up, note="已核实情况"
        )
    if appealed:
        services.appeal_rating(
            actor=world.clerk_actor, follow_up=follow_up, reason="评价与事实不符"
        )
    return case


STATES = {
    "draft": lambda w: services.open_case(
        actor=w.citizen, service_code="plate_replacement", vehicle=w.vehicle
    ),
    "submitted": lambda w: w.submitted(),
    "submitted_missing_supplementary": lambda w: w.submitted(docs=("vehicle_licence",)),
    "accepted": lambda w: services.accept_case(actor=w.clerk_actor, case=w.submitted()),
    "awaiting_after_notice": lambda w: _notice(w),
    "awaiting_rongque_documents": lambda w: _rongque(w, all_in=False),
    "awaiting_rongque_all_in": lambda w: _rongque(w, all_in=True),
    "completed": lambda w: w.completed(),
    "completed_rated_well": lambda w: _rated(w, 5),
    "follow_up_open": lambda w: _follow_up_in(w, verified=False, appealed=False),
    "follow_up_verified_appealed": lambda w: _follow_up_in(w, verified=True, appealed=True),
    "rejected": lambda w: services.reject_case(
        actor=w.clerk_actor, case=w.submitted(), reasons="材料与车辆信息不符"
    ),
    "withdrawn": lambda w: services.withdraw_case(actor=w.citizen, case=w.submitted()),
    "terminated": _terminated,
    "owned_submitted": lambda w: _owned(w, S.SUBMITTED),
    "owned_accepted": lambda w: _owned(w, S.ACCEPTED),
    "owned_completed": lambda w: _owned(w, S.COMPLETED),
}


def _notice(world) -> Case:
    case = world.submitted(docs=())
    services.issue_notice(
        actor=world.clerk_actor, case=case, items=[{"requirement": "vehicle_licence"}]
    )
    return case


def _roles(world, make) -> dict[str, Actor]:
    other_office = make.office(code="330300", prefix="浙C", name="温州市车管所")
    return {
        "applicant": world.citizen,
        "assisting_clerk": world.assisted(),
        "clerk": world.clerk_actor,
        "supervisor": world.supervisor_actor,
        "another_citizen": Actor(user=make.user(Role.CITIZEN)),
        "clerk_of_another_office": Actor(user=make.user(Role.CLERK, office=other_office)),
    }


@pytest.mark.parametrize("state", sorted(STATES))
def test_actions_for_lists_exactly_what_the_services_accept(world, make, state):
    roles = _roles(world, make)
    _screen, _secret, code = screens.new_screen()
    screens.pair_screen(actor=world.clerk_actor, code=code)  # the clerk's window has a screen
    case = STATES[state](world)
    disagreements = []
    for role, actor in roles.items():
        listed = queries.actions_for(actor, Case.objects.get(pk=case.pk))
        for action, attempt in ATTEMPTS.items():
            fresh = Case.objects.get(pk=case.pk)
            accepted = _accepted_by_service(lambda a=attempt, u=actor, c=fresh: a(u, c))
            if accepted != (action in listed):
                disagreements.append(
                    (role, str(action), "service accepts" if accepted else "refuses")
                )
    assert not disagreements, disagreements


def test_the_lists_say_what_each_audience_expects(world):
    """A few lines read plainly, so the agreement above is not two wrong answers."""
    submitted = world.submitted()
    assert queries.actions_for(world.citizen, submitted) == {A.WITHDRAW, A.ADD_DOCUMENT}
    assert queries.actions_for(world.clerk_actor, submitted) == {
        A.ACCEPT,
        A.NOTICE,
        A.REJECT,
        A.ADD_DOCUMENT,
        A.RECORD_VISIT,
    }
    completed = world.completed()
    assert queries.actions_for(world.citizen, completed) == {A.RATE}
    assert A.RATE not in queries.actions_for(world.assisted(), completed)  # rating freedom
    owned = _owned(world, S.ACCEPTED)
    assert queries.actions_for(world.clerk_actor, owned) == {A.RECORD_VISIT}
    assert queries.actions_for(world.citizen, owned) == {A.WITHDRAW}
