import datetime as dt

import pytest

from cheguan.cases import figures, services
from cheguan.cases.models import Case

pytestmark = pytest.mark.django_db
NOV = figures.Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30))


def _complete(
    world, clock, *, visits=0, notice=False, days_later=0, score=None, service="plate_replacement"
):
    clock.set_now(dt.datetime(2026, 11, 2, 9, 0))
    case = world.submitted(service=service)
    for _ in range(visits):
        services.record_visit(actor=world.clerk_actor, case=case)
    if notice:
        services.issue_notice(
            actor=world.clerk_actor, case=case, items=[{"requirement": "vehicle_licence"}]
        )
        services.submit_case(actor=world.citizen, case=case)
    services.accept_case(actor=world.clerk_actor, case=case)
    clock.set_now(dt.datetime(2026, 11, 2, 9, 0) + dt.timedelta(days=days_later))
    services.complete_case(actor=world.clerk_actor, case=case)
    if score is not None:
        services.rate_case(actor=world.citizen, case=case, score=score)
    return case


def test_one_visit_rate_against_a_hand_count(world, clock):
    _complete(world, clock, visits=0)  # online: one-visit
    _complete(world, clock, visits=1)  # one visit: one-visit
    _complete(world, clock, visits=2)  # two visits: not
    _complete(world, clock, visits=1, notice=True)  # correction round-trip: not
    [row] = figures.one_visit_rate(office_id=world.office.pk, period=NOV)
    assert row == {"key": "all", "completed": 4, "one_visit": 2, "rate": 0.5}
    [by_service] = figures.one_visit_rate(office_id=world.office.pk, period=NOV, by="service")
    assert by_service["key"] == "plate_replacement" and by_service["completed"] == 4


def test_cases_outside_the_period_are_not_counted(world, clock):
    _complete(world, clock)
    october = figures.Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert figures.one_visit_rate(office_id=world.office.pk, period=october)[0]["completed"] == 0


def test_satisfaction_rates_against_a_hand_count(world, clock):
    for score in (5, 4, 3, 2):
        _complete(world, clock, score=score)
    _complete(world, clock)  # unrated
    case = world.submitted()
    services.reject_case(
        actor=world.clerk_actor, case=case, reasons="不符合补领条件"
    )  # finished, unrated
    [row] = figures.satisfaction(office_id=world.office.pk, period=NOV)
    assert (row["finished"], row["rated"], row["satisfied"], row["strict"], row["unrated"]) == (
        6,
        4,
        3,
        2,
        2,
    )
    assert row["satisfaction_rate"] == 0.75 and row["strict_satisfaction_rate"] == 0.5
    assert row["unrated_rate"] == round(2 / 6, 4)


def test_an_upheld_appeal_takes_the_rating_out_of_the_satisfaction_rate(world, clock):
    from cheguan.cases.models import FollowUp

    _complete(world, clock, score=5)
    _complete(world, clock, score=1)
    fu = FollowUp.objects.get()
    services.appeal_rating(actor=world.clerk_actor, follow_up=fu, reason="与办件无关的评价")
    services.decide_appeal(
        actor=world.supervisor_actor, follow_up=fu, upheld=True, note="申诉成立，评价不计"
    )
    [row] = figures.satisfaction(office_id=world.office.pk, period=NOV)
    assert row["rated"] == 1 and row["satisfaction_rate"] == 1.0


def test_processing_time_average_p90_and_promise_against_a_hand_count(world, clock):
    # accepted Monday 2 Nov; completed after 0, 1, 2, 3 calendar days → 0, 1, 2, 3 working days
    for days in (0, 1, 2, 3):
        _complete(world, clock, days_later=days)
    assert sorted(Case.objects.values_list("processing_working_days", flat=True)) == [0, 1, 2, 3]
    [row] = figures.processing_time(office_id=world.office.pk, period=NOV)
    assert row["completed"] == 4 and row["average"] == 1.5
    assert row["p90"] == 2.7  # percentile_cont(0.9) over 0,1,2,3
    assert row["promised_average"] == 15 and row["within_promise_rate"] == 1.0


def test_the_dashboard_has_every_figure_and_grouping(world, clock):
    _complete(world, clock, score=5)
    data = figures.dashboard(office_id=world.office.pk, period=NOV)
    assert set(data) == {"period", "one_visit", "satisfaction", "processing_time"}
    assert data["one_visit"]["channel"][0]["key"] == "online"


def _reference_percentile(values: list[int], q: float) -> float:
    ordered = sorted(values)
    pos = q * (len(ordered) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


@pytest.mark.parametrize("q", [0.0, 0.5, 0.9, 1.0])
def test_percentile_from_a_histogram_matches_the_sorted_list(q):
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=200, deadline=None)
    @given(st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=60))
    def check(values):
        histogram: dict[int, int] = {}
        for v in values:
            histogram[v] = histogram.get(v, 0) + 1
        assert figures.percentile_from_histogram(histogram, q) == pytest.approx(
            _reference_percentile(values, q)
        )

    check()
