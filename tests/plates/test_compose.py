"""自编自选: checking composed numbers (limits, the 7-day random-only rule, the blocklist)
and holding one that a check reported available."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connection
from django.utils import timezone

from cheguan.audit.models import AuditEvent
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import DomainError
from cheguan.plates import errors, services
from cheguan.plates.models import (
    ComposeCheck,
    Draw,
    DrawStatus,
    EventKind,
    NumberEvent,
    NumberState,
    PlateNumber,
)
from cheguan.plates.services import blocklist
from tests.plates.conftest import NOW

AFTER_RANDOM_ONLY = dt.timedelta(days=7, seconds=1)


def result_of(check: ComposeCheck, number: str) -> dict:
    return next(r for r in check.results if r["number"] == number)


@pytest.fixture
def composing(plates):
    """A released small-car pool whose random-only week is over, and a citizen's case."""
    plates.release()
    clock.advance(AFTER_RANDOM_ONLY)
    return plates.case()


def test_a_check_reports_each_number_available_or_why_not(plates, composing):
    PlateNumber.objects.filter(number="浙BA0002").update(
        state=NumberState.RETIRED, slot=None
    )  # taken: retired from an old vehicle

    check = services.check_composed(
        actor=plates.citizen,
        case=composing,
        numbers=["浙B·a0001", "浙BA0002", "浙BA5000", "浙BABC01", "浙BA0001"],
        plate_type="02",
    )

    assert [r["number"] for r in check.results] == ["浙BA0001", "浙BA0002", "浙BA5000", "浙BABC01"]
    assert result_of(check, "浙BA0001")["available"] is True
    assert result_of(check, "浙BA0002")["code"] == errors.COMPOSE_TAKEN.code
    assert result_of(check, "浙BA5000")["code"] == errors.COMPOSE_NOT_IN_POOL.code
    assert result_of(check, "浙BABC01")["code"] == errors.TOO_MANY_LETTERS.code
    assert "浙B·A5000" in result_of(check, "浙BA5000")["problems"][0]["en"]
    assert services.compose_checks_left(composing) == 19


def test_six_numbers_in_one_check_are_refused_and_not_counted(plates, composing):
    six = [f"浙BA000{i}" for i in range(6)]

    with pytest.raises(DomainError) as refused:
        services.check_composed(actor=plates.citizen, case=composing, numbers=six, plate_type="02")

    assert refused.value.error == errors.COMPOSE_TOO_MANY
    assert refused.value.params == {"max": 5, "count": 6}
    assert ComposeCheck.objects.count() == 0
    five = services.check_composed(
        actor=plates.citizen, case=composing, numbers=six[:5], plate_type="02"
    )
    assert len(five.results) == 5


def test_an_empty_check_is_refused(plates, composing):
    with pytest.raises(DomainError) as refused:
        services.check_composed(
            actor=plates.citizen, case=composing, numbers=["", "  "], plate_type="02"
        )

    assert refused.value.error == errors.COMPOSE_NO_NUMBERS
    assert ComposeCheck.objects.count() == 0


def test_the_twenty_first_check_of_a_case_is_refused(plates, composing):
    for i in range(20):
        services.check_composed(
            actor=plates.citizen, case=composing, numbers=[f"浙BA{i:04d}"], plate_type="02"
        )
    assert services.compose_checks_left(composing) == 0

    with pytest.raises(DomainError) as refused:
        services.check_composed(
            actor=plates.citizen, case=composing, numbers=["浙BA0100"], plate_type="02"
        )

    assert refused.value.error == errors.COMPOSE_QUOTA_USED
    assert ComposeCheck.objects.filter(case=composing).count() == 20
    other = plates.case()  # the limit is per case
    services.check_composed(actor=plates.citizen, case=other, numbers=["浙BA0100"], plate_type="02")


def test_a_segment_is_random_only_until_seven_days_after_release(plates):
    plates.release()
    case = plates.case()

    clock.set_now(NOW + dt.timedelta(days=7))  # exactly seven days: not "more than"
    on_the_day = services.check_composed(
        actor=plates.citizen, case=case, numbers=["浙BA0001"], plate_type="02"
    )
    clock.set_now(NOW + dt.timedelta(days=7, seconds=1))
    just_after = services.check_composed(
        actor=plates.citizen, case=case, numbers=["浙BA0001"], plate_type="02"
    )

    refused = result_of(on_the_day, "浙BA0001")
    assert refused["available"] is False
    assert refused["code"] == errors.COMPOSE_RANDOM_ONLY.code
    assert "2026-05-18" in refused["problems"][0]["zh"]
    assert result_of(just_after, "浙BA0001")["available"] is True


def test_a_blocklisted_number_is_not_available_and_cannot_be_held(plates, composing):
    blocklist.add_pattern(
        actor=plates.admin, office=plates.office, pattern=r"(\d)\1\1", reason="三个相同数字"
    )

    check = services.check_composed(
        actor=plates.citizen, case=composing, numbers=["浙BA0888"], plate_type="02"
    )

    assert result_of(check, "浙BA0888")["code"] == errors.BLOCKED_COMBINATION.code
    with pytest.raises(DomainError) as refused:
        services.hold_composed(actor=plates.citizen, case=composing, number="浙BA0888")
    assert refused.value.error == errors.COMPOSE_NOT_CHECKED


def test_a_pattern_blocked_after_the_check_stops_the_hold(plates, composing):
    services.check_composed(
        actor=plates.citizen, case=composing, numbers=["浙BA0777"], plate_type="02"
    )
    blocklist.add_pattern(
        actor=plates.admin, office=plates.office, pattern="777", reason="保留号码"
    )

    with pytest.raises(DomainError) as refused:
        services.hold_composed(actor=plates.citizen, case=composing, number="浙BA0777")

    assert refused.value.error == errors.BLOCKED_COMBINATION
    assert PlateNumber.objects.get(number="浙BA0777").state == NumberState.FREE


def test_a_number_no_check_of_this_case_reported_available_cannot_be_held(plates, composing):
    other = plates.another_citizen()
    their_case = plates.case(actor=other)
    services.check_composed(actor=other, case=their_case, numbers=["浙BA0042"], plate_type="02")
    services.check_composed(
        actor=plates.citizen, case=composing, numbers=["浙BA5000"], plate_type="02"
    )

    for number in ("浙BA0042", "浙BA5000"):  # checked by someone else; reported not in pool
        with pytest.raises(DomainError) as refused:
            services.hold_composed(actor=plates.citizen, case=composing, number=number)
        assert refused.value.error == errors.COMPOSE_NOT_CHECKED
        assert refused.value.params["left"] == 19
    assert PlateNumber.objects.filter(state=NumberState.HELD).count() == 0


def test_a_checked_number_is_held_for_the_case_like_a_picked_one(plates, composing):
    services.check_composed(
        actor=plates.citizen, case=composing, numbers=["浙BA0520"], plate_type="02"
    )

    plate = services.hold_composed(actor=plates.citizen, case=composing, number="浙B·A0520")

    plate.refresh_from_db()
    assert plate.state == NumberState.HELD and plate.case == composing and plate.draw is None
    # checked on Monday 2026-05-18 (a week after release): held to the end of Thursday 05-21
    assert timezone.localtime(plate.until) == timezone.make_aware(dt.datetime(2026, 5, 22))
    events = list(NumberEvent.objects.filter(number=plate).values_list("kind", "case"))
    assert events[-1] == (EventKind.HELD, composing.pk)
    assert [k for k, _c in events].count(EventKind.HELD) == 1
    assert not AuditEvent.objects.filter(action="plates.held").exists()  # the citizen alone
    with pytest.raises(DomainError) as again:
        services.hold_composed(actor=plates.citizen, case=composing, number="浙BA0520")
    assert again.value.error == errors.ALREADY_HOLDING


def test_a_number_held_by_someone_else_since_the_check_is_refused_as_taken(plates, composing):
    services.check_composed(
        actor=plates.citizen, case=composing, numbers=["浙BA0300"], plate_type="02"
    )
    other = plates.another_citizen()
    their_case = plates.case(actor=other)
    services.check_composed(actor=other, case=their_case, numbers=["浙BA0300"], plate_type="02")
    services.hold_composed(actor=other, case=their_case, number="浙BA0300")

    with pytest.raises(DomainError) as refused:
        services.hold_composed(actor=plates.citizen, case=composing, number="浙BA0300")

    assert refused.value.error == errors.COMPOSE_TAKEN
    assert PlateNumber.objects.get(number="浙BA0300").case == their_case


def test_holding_a_composed_number_ends_the_cases_open_draw(plates, composing):
    draw = services.draw_numbers(actor=plates.citizen, case=composing, plate_type="02")
    candidate = next(n for n in (f"浙BA{i:04d}" for i in range(1000)) if n not in draw.numbers)
    services.check_composed(
        actor=plates.citizen, case=composing, numbers=[candidate], plate_type="02"
    )

    services.hold_composed(actor=plates.citizen, case=composing, number=candidate)

    assert Draw.objects.get(pk=draw.draw.pk).status == DrawStatus.REPLACED
    assert PlateNumber.objects.filter(state=NumberState.OFFERED).count() == 0
    with pytest.raises(DomainError) as refused:
        services.pick_number(actor=plates.citizen, draw=draw.draw, number=draw.numbers[0])
    assert refused.value.error == errors.DRAW_CLOSED


def test_a_clerk_composing_at_the_window_is_audited(plates, composing):
    case = plates.case(actor=plates.clerk, applicant_person=plates.person)
    services.check_composed(actor=plates.clerk, case=case, numbers=["浙BA0123"], plate_type="02")
    services.hold_composed(actor=plates.clerk, case=case, number="浙BA0123")

    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions.count("plates.compose_checked") == 1
    assert actions.count("plates.held") == 1


def test_composition_is_closed_for_large_plates_by_default(plates):
    plates.release(first="10000", last="10099", plate_type="01")
    clock.advance(AFTER_RANDOM_ONLY)

    with pytest.raises(DomainError) as refused:
        services.check_composed(
            actor=plates.citizen, case=plates.case(), numbers=["浙B10001"], plate_type="01"
        )

    assert refused.value.error == errors.COMPOSE_CLOSED


def test_a_barred_citizen_cannot_compose_online(plates, composing):
    from cheguan.plates.models import SelectionBan

    SelectionBan.objects.create(
        person=plates.person,
        office=plates.office,
        starts_at=clock.now(),
        ends_at=clock.now() + dt.timedelta(days=730),
        expired_holds=3,
    )

    with pytest.raises(DomainError) as refused:
        services.check_composed(
            actor=plates.citizen, case=composing, numbers=["浙BA0001"], plate_type="02"
        )

    assert refused.value.error == errors.BANNED_ONLINE


# --- concurrency (PostgreSQL) ----------------------------------------------------------------

THREADS = 10


@pytest.mark.pg_only(reason="row locks on the number")
@pytest.mark.django_db(transaction=True)
def test_ten_cases_holding_the_same_composed_number_at_once_one_wins(plates):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only exercised on PostgreSQL")
    plates.release(first="A0000", last="A0099")
    clock.advance(AFTER_RANDOM_ONLY)
    applicants = [plates.another_citizen() for _ in range(THREADS)]
    cases = [plates.case(actor=a) for a in applicants]
    for actor, case in zip(applicants, cases, strict=True):
        check = services.check_composed(
            actor=actor, case=case, numbers=["浙BA0066"], plate_type="02"
        )
        assert check.results[0]["available"] is True
    start = threading.Barrier(THREADS)
    won: list[int] = []
    refused: list[DomainError] = []
    other: list[BaseException] = []

    def hold(actor: Actor, case) -> None:
        try:
            start.wait()
            services.hold_composed(actor=actor, case=case, number="浙BA0066")
            won.append(case.pk)
        except DomainError as exc:
            refused.append(exc)
        except BaseException as exc:  # IntegrityError or anything else: a failure
            other.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=hold, args=(a, c)) for a, c in zip(applicants, cases, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert other == [], [repr(e) for e in other]
    assert not any(isinstance(e, IntegrityError) for e in other)
    assert len(won) == 1
    assert [e.code for e in refused] == [errors.COMPOSE_TAKEN.code] * (THREADS - 1)
    plate = PlateNumber.objects.get(number="浙BA0066")
    assert plate.state == NumberState.HELD and plate.case_id == won[0]
    assert NumberEvent.objects.filter(number=plate, kind=EventKind.HELD).count() == 1
