"""A partner's draws against the office's limits (``CHEGUAN_LIMITS``): open draws of the
organisation and of one agent, draws per minute, and the organisation's share of the pool —
each refused with a coded 429 that says when to retry (``Retry-After`` over the API)."""

from __future__ import annotations

import datetime as dt

import pytest

from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import DomainError
from cheguan.core.roles import Role
from cheguan.plates import errors, services
from cheguan.plates.models import Draw, NumberState, PlateNumber, Pool
from cheguan.plates.services.limits import pool_share_cap

pytestmark = pytest.mark.django_db

JSON = "application/json"
OFFER = dt.timedelta(minutes=5)


class Dealer:
    def __init__(self, plates, agents: int = 2):
        make = plates.make
        self.organisation = make.partner(office_obj=plates.office)
        self.users = [
            make.user(Role.DEALER_AGENT, organisation=self.organisation) for _ in range(agents)
        ]

    def agent(self, i: int = 0) -> Actor:
        return Actor(user=self.users[i])

    def case(self, i: int = 0):
        return services.start_selection(
            actor=self.agent(i), applicant_organisation=self.organisation
        ).case

    def draw(self, i: int = 0, case=None):
        return services.draw_numbers(
            actor=self.agent(i), case=case or self.case(i), plate_type="02"
        )


@pytest.fixture
def dealer(plates):
    plates.release()  # 1,000 small-car numbers
    return Dealer(plates)


def limits(settings, **values):
    settings.CHEGUAN_LIMITS = {
        "PLATES_OPEN_DRAWS_PER_PARTNER": 100,
        "PLATES_OPEN_DRAWS_PER_OPERATOR": 100,
        "PLATES_DRAWS_PER_MINUTE_PER_PARTNER": 100,
        "PLATES_POOL_SHARE_PERCENT": 100,
        **values,
    }


def refused(call) -> DomainError:
    with pytest.raises(DomainError) as e:
        call()
    assert e.value.status == 429
    return e.value


def test_an_agent_with_its_open_draws_used_up_waits_for_the_first_to_lapse(
    settings, plates, dealer
):
    limits(settings, PLATES_OPEN_DRAWS_PER_OPERATOR=2)
    dealer.draw()
    clock.advance(dt.timedelta(seconds=70))
    dealer.draw()

    error = refused(dealer.draw)

    assert error.code == errors.LIMIT_OPEN_DRAWS_OPERATOR.code
    assert error.params["retry_after"] == 300 - 70  # the first draw's offer runs out then
    assert error.message_in("en") == (
        "Your account already has 2 draws open at once, the most allowed; try again in "
        "4 minutes, or pick a number from one of them first."
    )
    assert "请于4 分钟后重试" in error.message_in("zh-hans")
    assert dealer.draw(1).numbers  # a colleague is not held back by this agent's limit
    clock.advance(dt.timedelta(seconds=231))
    assert dealer.draw().numbers  # the first offer has lapsed


def test_drawing_again_for_the_same_case_replaces_its_draw_and_is_not_counted_twice(
    settings, plates, dealer
):
    limits(settings, PLATES_OPEN_DRAWS_PER_OPERATOR=1)
    case = dealer.case()
    dealer.draw(case=case)

    again = dealer.draw(case=case)

    assert again.draws_left == 3
    assert Draw.objects.filter(case=case, status="open").count() == 1


def test_the_organisation_is_limited_across_its_agents(settings, plates, dealer):
    limits(settings, PLATES_OPEN_DRAWS_PER_PARTNER=3, PLATES_OPEN_DRAWS_PER_OPERATOR=2)
    dealer.draw(0)
    dealer.draw(0)
    dealer.draw(1)

    error = refused(lambda: dealer.draw(1))

    assert error.code == errors.LIMIT_OPEN_DRAWS.code
    assert error.params["retry_after"] == 300
    assert "Your organisation already has 3 draws open at once" in error.message_in("en")


def test_picking_a_number_closes_the_draw_and_frees_its_place(settings, plates, dealer):
    limits(settings, PLATES_OPEN_DRAWS_PER_OPERATOR=1)
    first = dealer.draw()
    refused(dealer.draw)

    services.pick_number(actor=dealer.agent(), draw=first.draw, number=first.numbers[0])

    assert len(dealer.draw().numbers) == 20


def test_draws_per_minute_of_the_organisation(settings, plates, dealer):
    limits(settings, PLATES_DRAWS_PER_MINUTE_PER_PARTNER=3)
    for i in range(3):
        drawn = dealer.draw(i % 2)
        services.pick_number(actor=dealer.agent(i % 2), draw=drawn.draw, number=drawn.numbers[0])
        clock.advance(dt.timedelta(seconds=10))

    error = refused(lambda: dealer.draw(1))

    assert error.code == errors.LIMIT_DRAW_RATE.code
    assert error.params["retry_after"] == 60 - 30  # when the first leaves the minute
    assert error.message_in("en") == (
        "Your organisation may draw at most 3 times a minute; try again in 30 seconds."
    )
    clock.advance(dt.timedelta(seconds=30))
    assert dealer.draw(1).numbers


def test_the_organisations_share_of_the_pool_counts_offered_and_held_numbers(
    settings, plates, dealer
):
    limits(settings, PLATES_POOL_SHARE_PERCENT=5)  # 5 % of 1,000: 50 numbers
    pool = Pool.objects.get()
    assert pool_share_cap(pool) == 50
    held = dealer.draw()
    services.pick_number(actor=dealer.agent(), draw=held.draw, number=held.numbers[0])
    dealer.draw()  # 1 held + 20 offered
    dealer.draw(1)  # + 20 offered = 41; one more draw would make 61

    error = refused(dealer.draw)

    assert error.code == errors.LIMIT_POOL_SHARE.code
    assert error.params["taken"] == 41
    assert error.params["retry_after"] == 300  # the offers lapse first
    assert error.message_in("en").startswith(
        "Your organisation already has 41 Small vehicle plate (blue) numbers on offer or held, "
        "and may have at most 5% of the pool (50) at once; try again in 5 minutes"
    )
    # Redrawing for a case that has an open draw replaces those 20: allowed.
    assert dealer.draw(1, case=Draw.objects.filter(drawn_by=dealer.users[1]).get().case)
    clock.advance(OFFER)
    assert dealer.draw().numbers


def test_the_share_is_never_less_than_one_draw(settings, plates):
    settings.CHEGUAN_LIMITS = {"PLATES_POOL_SHARE_PERCENT": 1}
    plates.release(first="A0000", last="A0099")  # 100 numbers: 1 % is one number

    assert pool_share_cap(Pool.objects.get()) == 20


def test_holding_a_composed_number_counts_against_the_share(settings, plates, dealer):
    limits(settings, PLATES_POOL_SHARE_PERCENT=2)  # 2 % of 1,000: 20, one draw
    clock.advance(dt.timedelta(days=7, seconds=1))  # composition opens after a week
    dealer.draw()  # 20 offered, drawn at random
    # A number the draw did not offer, so the check reports it available.
    number = PlateNumber.objects.filter(state=NumberState.FREE).order_by("-number")[0].number
    case = dealer.case(1)
    check = services.check_composed(
        actor=dealer.agent(1), case=case, numbers=[number], plate_type="02"
    )
    assert check.results[0]["available"]

    error = refused(lambda: services.hold_composed(actor=dealer.agent(1), case=case, number=number))

    assert error.code == errors.LIMIT_POOL_SHARE.code
    assert PlateNumber.objects.get(number=number).state == NumberState.FREE
    clock.advance(OFFER)
    held = services.hold_composed(actor=dealer.agent(1), case=case, number=number)
    assert held.state == NumberState.HELD


def test_citizens_and_clerks_are_not_limited_by_the_partner_limits(settings, plates, dealer):
    limits(
        settings,
        PLATES_OPEN_DRAWS_PER_PARTNER=0,
        PLATES_OPEN_DRAWS_PER_OPERATOR=0,
        PLATES_DRAWS_PER_MINUTE_PER_PARTNER=0,
        PLATES_POOL_SHARE_PERCENT=0,
    )
    mine = services.draw_numbers(actor=plates.citizen, case=plates.case(), plate_type="02")
    for_the_dealer = services.draw_numbers(actor=plates.clerk, case=dealer.case(), plate_type="02")

    assert len(mine.numbers) == len(for_the_dealer.numbers) == 20
    error = refused(dealer.draw)
    assert error.code == errors.LIMIT_OPEN_DRAWS.code
    assert "retry_after" not in error.params  # closed by the office: no time to promise
    assert "try again in a while" in error.message_in("en")


def test_over_the_api_a_refused_draw_is_429_with_retry_after(settings, client, plates, dealer):
    limits(settings, PLATES_OPEN_DRAWS_PER_OPERATOR=1)
    client.force_login(dealer.users[0])
    dealer.draw()
    case = dealer.case()

    answer = client.post(
        f"/api/plates/cases/{case.number}/draws",
        {"plate_type": "02"},
        content_type=JSON,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    body = answer.json()
    assert answer.status_code == 429
    assert body["code"] == errors.LIMIT_OPEN_DRAWS_OPERATOR.code
    assert answer["Retry-After"] == "300"
    assert "try again in 5 minutes" in body["message"]


def test_the_selection_page_shows_the_refusal(settings, client, plates, dealer):
    limits(settings, PLATES_OPEN_DRAWS_PER_OPERATOR=1)
    client.force_login(dealer.users[0])
    dealer.draw()
    case = dealer.case()

    page = client.post(
        f"/plates/cases/{case.number}/draw/", {"plate_type": "02"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert page.status_code == 429
    assert "Your account already has 1 draws open at once" in page.content.decode()
