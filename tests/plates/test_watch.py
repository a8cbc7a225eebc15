"""Alerts from the number pool: at once when a draw finds fewer than twenty numbers or none,
and from the periodic check (pools below the threshold, a partner drawing far faster than
its peers) — each deduplicated per pool or partner."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from cheguan.alerts.models import Alert, Severity
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.roles import Role
from cheguan.plates import errors, services, tasks
from cheguan.plates.models import Draw, Pool
from cheguan.plates.services.watch import (
    PARTNER_DRAW_RATE,
    POOL_LOW,
    watch_draw_rates,
    watch_pools,
)

pytestmark = pytest.mark.django_db

JSON = "application/json"


def citizen_draw(plates):
    actor = plates.another_citizen()
    return services.draw_numbers(actor=actor, case=plates.case(actor), plate_type="02")


# --- at once, from the draw ---------------------------------------------------------------


def test_a_draw_that_finds_fewer_than_twenty_numbers_raises_pool_low(plates):
    plates.release(first="A0000", last="A0029")
    citizen_draw(plates)
    assert not Alert.objects.exists()

    short = citizen_draw(plates)

    alert = Alert.objects.get()
    pool = Pool.objects.get()
    assert len(short.numbers) == 10
    assert (alert.kind, alert.subject, alert.severity) == (
        POOL_LOW,
        f"plates.pool:{pool.pk}",
        Severity.WARNING,
    )
    assert alert.facts == {"plate_type": "02", "pool_size": 30, "draw_found": 10}
    assert (alert.raised_via, alert.raised_by, alert.office) == (
        "plates.draw",
        short.draw.drawn_by,
        plates.office,
    )
    assert alert.subject_label == "浙B 小型汽车号牌（蓝牌）"


def test_a_draw_refused_on_an_empty_pool_still_raises_the_alert(client, plates):
    plates.release(first="A0000", last="A0019")
    citizen_draw(plates)
    late = plates.another_citizen()
    case = plates.case(late)
    client.force_login(late.user)

    answers = [
        client.post(
            f"/api/plates/cases/{case.number}/draws", {"plate_type": "02"}, content_type=JSON
        )
        for _ in range(2)
    ]

    assert [a.status_code for a in answers] == [409, 409]
    assert answers[0].json()["code"] == errors.POOL_EMPTY.code
    assert not Draw.objects.filter(case=case).exists()  # the refused draw left nothing
    alert = Alert.objects.get()
    assert (alert.severity, alert.facts["draw_found"], alert.times) == (Severity.CRITICAL, 0, 2)
    assert alert.raised_by == late.user


# --- the periodic check ---------------------------------------------------------------------


def test_the_periodic_check_raises_pool_low_below_the_absolute_threshold(settings, plates):
    plates.release()  # 1,000 numbers
    settings.CHEGUAN_PLATES = {"POOL_LOW_FREE_NUMBERS": 990, "POOL_LOW_FREE_PERCENT": 0}
    assert watch_pools() == 0
    citizen_draw(plates)  # 20 offered: 980 free

    assert watch_pools() == 1
    assert watch_pools() == 1

    alert = Alert.objects.get()
    assert (alert.kind, alert.times, alert.raised_via) == (POOL_LOW, 2, "plates.watch")
    assert alert.facts == {"plate_type": "02", "pool_size": 1000, "free": 980, "threshold": 990}
    # Lapsed offers are free again, as the draw sees them.
    clock.advance(dt.timedelta(minutes=5, seconds=1))
    assert watch_pools() == 0


def test_the_periodic_check_raises_pool_low_below_the_percentage(settings, plates):
    plates.release()
    settings.CHEGUAN_PLATES = {"POOL_LOW_FREE_NUMBERS": 0, "POOL_LOW_FREE_PERCENT": 99}
    assert watch_pools() == 0
    citizen_draw(plates)

    assert watch_pools() == 1
    assert Alert.objects.get().facts["threshold"] == 990


def test_the_pool_check_is_one_grouped_query(settings, plates, django_assert_max_num_queries):
    plates.release()
    plates.release(first="D00000", last="D00099", plate_type="52")
    settings.CHEGUAN_PLATES = {"POOL_LOW_FREE_NUMBERS": 0, "POOL_LOW_FREE_PERCENT": 0}

    with django_assert_max_num_queries(1):
        assert watch_pools() == 0


class Partners:
    def __init__(self, plates, count: int):
        self.plates = plates
        self.agents = []
        for _ in range(count):
            organisation = plates.make.partner(office_obj=plates.office)
            self.agents.append(
                Actor(user=plates.make.user(Role.DEALER_AGENT, organisation=organisation))
            )

    def draws(self, partner: int, times: int):
        agent = self.agents[partner]
        for _ in range(times):
            case = services.start_selection(
                actor=agent, applicant_organisation=agent.user.organisation
            ).case
            services.draw_numbers(actor=agent, case=case, plate_type="02")


@pytest.fixture
def partners(settings, plates):
    plates.release()
    settings.CHEGUAN_LIMITS = {
        "PLATES_DRAWS_PER_MINUTE_PER_PARTNER": 100,
        "PLATES_OPEN_DRAWS_PER_PARTNER": 100,
        "PLATES_OPEN_DRAWS_PER_OPERATOR": 100,
        "PLATES_POOL_SHARE_PERCENT": 100,
    }
    settings.CHEGUAN_PLATES = {"DRAW_RATE_FACTOR": 5, "DRAW_RATE_MIN_DRAWS": 11}
    return Partners(plates, 3)


def test_a_partner_drawing_far_faster_than_its_peers_raises_an_alert(partners):
    partners.draws(0, 11)
    partners.draws(1, 2)
    partners.draws(2, 2)

    assert watch_draw_rates() == 1

    alert = Alert.objects.get()
    organisation = partners.agents[0].user.organisation
    assert (alert.kind, alert.subject, alert.subject_label) == (
        PARTNER_DRAW_RATE,
        f"registry.organisation:{organisation.pk}",
        organisation.name,
    )
    assert alert.facts == {"draws_last_hour": 11, "peer_median": 2, "peers": 2, "factor": 5}
    assert watch_draw_rates() == 1
    assert Alert.objects.get().times == 2


def test_a_handful_of_draws_or_a_rate_close_to_the_peers_is_no_anomaly(partners):
    partners.draws(0, 10)  # 5 × the peers' median, but fewer than the minimum
    partners.draws(1, 1)
    partners.draws(2, 2)
    assert watch_draw_rates() == 0

    partners.draws(1, 2)  # peers of partner 0 now 3 and 2: median 2.5; partner 0 at 11
    partners.draws(0, 1)
    assert watch_draw_rates() == 0


def test_only_the_last_hour_counts_and_a_lone_partner_has_no_peers(partners):
    partners.draws(0, 11)
    assert watch_draw_rates() == 0  # nobody else drew: nothing to compare with
    partners.draws(1, 1)
    assert watch_draw_rates() == 1
    Alert.objects.all().delete()

    clock.advance(dt.timedelta(hours=1))
    partners.draws(1, 1)
    partners.draws(2, 1)

    assert watch_draw_rates() == 0


def test_the_sweep_runs_the_watch_and_so_does_its_own_command(settings, plates):
    plates.release()
    settings.CHEGUAN_PLATES = {"POOL_LOW_FREE_NUMBERS": 2000}

    done = tasks.sweep.call()
    out = io.StringIO()
    call_command("plates", "watch", stdout=out)
    call_command("plates", "sweep", stdout=out)

    assert done["pools_low"] == 1 and done["partners_drawing_fast"] == 0
    assert "alerts: 1 pools low, 0 partners drawing far faster than their peers" in out.getvalue()
    assert Alert.objects.get().times == 3
