import datetime as dt

import pytest

from cheguan.cases import services
from cheguan.cases.models import AppealDecision, FollowUp, FollowUpStatus, Rating
from cheguan.core.actor import Actor
from cheguan.core.errors import DomainError

pytestmark = pytest.mark.django_db


def test_the_applicant_rates_a_completed_case_once(world):
    case = world.completed()
    rating = services.rate_case(
        actor=world.citizen,
        case=case,
        score=5,
        dimensions={"overall": 5, "efficiency": 4},
        comment="很快",
    )
    assert rating.score == 5 and rating.dimensions == {"overall": 5, "efficiency": 4}
    with pytest.raises(DomainError) as e:
        services.rate_case(actor=world.citizen, case=case, score=1)
    assert e.value.code == "cases.already_rated"
    assert Rating.objects.get(case=case).score == 5


def test_a_rating_cannot_be_changed(world):
    rating = services.rate_case(actor=world.citizen, case=world.completed(), score=4)
    rating.score = 1
    with pytest.raises(RuntimeError):
        rating.save()


def test_an_open_case_cannot_be_rated(world):
    case = world.submitted()
    with pytest.raises(DomainError) as e:
        services.rate_case(actor=world.citizen, case=case, score=5)
    assert e.value.code == "cases.not_rateable"


def test_nobody_rates_someone_elses_case_not_even_an_assisting_clerk(world, make):
    case = world.completed()
    stranger = make.user("citizen")
    for actor in (Actor(user=stranger), world.assisted(), world.clerk_actor):
        with pytest.raises(DomainError) as e:
            services.rate_case(actor=actor, case=case, score=5)
        assert e.value.code == "cases.not_applicant"
    assert not Rating.objects.exists()


def test_scores_and_dimensions_are_checked(world):
    case = world.completed()
    for kw in (
        {"score": 0},
        {"score": 6},
        {"score": True},
        {"score": 3, "dimensions": {"taste": 3}},
        {"score": 3, "dimensions": {"overall": 9}},
    ):
        with pytest.raises(DomainError):
            services.rate_case(actor=world.citizen, case=case, **kw)
    assert not Rating.objects.exists()


def test_the_window_second_screen_rates_with_a_signed_link(world):
    case = world.completed()
    token = services.screen_token_for(actor=world.clerk_actor, case=case)
    rating = services.rate_case_on_screen(token=token, score=3, dimensions={"attitude": 5})
    assert rating.channel == "window_screen"
    with pytest.raises(DomainError) as e:
        services.rate_case_on_screen(token=token[:-2] + "xx", score=5)
    assert e.value.code == "cases.screen_token_invalid"


def test_a_bad_rating_opens_a_follow_up_due_in_15_working_days(world):
    rating = services.rate_case(
        actor=world.citizen, case=world.completed(), score=2, comment="排队太久"
    )
    follow_up = FollowUp.objects.get(rating=rating)
    assert follow_up.status == FollowUpStatus.OPEN
    assert follow_up.due_date == dt.date(2026, 12, 14)  # Monday 23 Nov + 15 working days


def test_good_ratings_open_no_follow_up(world):
    services.rate_case(actor=world.citizen, case=world.completed(), score=3)
    assert not FollowUp.objects.exists()


def test_the_follow_up_steps_go_in_order(world):
    rating = services.rate_case(actor=world.citizen, case=world.completed(), score=1)
    fu = FollowUp.objects.get(rating=rating)
    sup = world.supervisor_actor
    with pytest.raises(DomainError) as e:
        services.close_follow_up(actor=sup, follow_up=fu, fix="已整改窗口流程")
    assert e.value.code == "cases.illegal_follow_up_step"
    services.verify_follow_up(actor=sup, follow_up=fu, note="核实：等候 90 分钟属实")
    services.record_callback(actor=sup, follow_up=fu, note="已电话回访，群众表示理解")
    services.close_follow_up(actor=sup, follow_up=fu, fix="高峰期增开两个窗口")
    fu.refresh_from_db()
    assert fu.status == FollowUpStatus.CLOSED and fu.closed_at is not None


def test_only_supervisors_handle_follow_ups(world):
    rating = services.rate_case(actor=world.citizen, case=world.completed(), score=1)
    fu = FollowUp.objects.get(rating=rating)
    with pytest.raises(DomainError) as e:
        services.verify_follow_up(actor=world.clerk_actor, follow_up=fu, note="自己核实自己")
    assert e.value.code == "core.permission_denied"


def test_a_clerk_appeals_and_an_upheld_appeal_excludes_the_rating(world):
    rating = services.rate_case(
        actor=world.citizen, case=world.completed(), score=1, comment="停车场收费贵"
    )
    fu = FollowUp.objects.get(rating=rating)
    services.appeal_rating(actor=world.clerk_actor, follow_up=fu, reason="评价内容与本办件无关")
    with pytest.raises(DomainError) as e:
        services.appeal_rating(actor=world.clerk_actor, follow_up=fu, reason="再次申诉一次")
    assert e.value.code == "cases.appeal_exists"
    services.decide_appeal(
        actor=world.supervisor_actor, follow_up=fu, upheld=True, note="停车场非本所管理"
    )
    fu.refresh_from_db()
    rating.refresh_from_db()
    assert fu.appeal == AppealDecision.UPHELD and rating.excluded and rating.score == 1
