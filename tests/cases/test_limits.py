"""Per-party limits on open cases: a partner organisation and each of its agent accounts per
catalogue service, and a citizen applying for themself (``CHEGUAN_LIMITS``)."""

from __future__ import annotations

import pytest

from cheguan.cases import services
from cheguan.cases.catalogue import owner_of_code
from cheguan.cases.models import Case
from cheguan.cases.services.limits import (
    LIMIT_OPEN_CASES,
    LIMIT_OPEN_CASES_CITIZEN,
    LIMIT_OPEN_CASES_OPERATOR,
)
from cheguan.core.actor import Actor
from cheguan.core.errors import DomainError
from cheguan.core.limits import DEFAULTS
from cheguan.core.roles import Role

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def dealer(world, make):
    """A dealer with two agent accounts."""
    organisation = make.partner(office_obj=world.office)
    agents = [make.user(Role.DEALER_AGENT, organisation=organisation) for _ in range(2)]
    return type("Dealer", (), {"organisation": organisation, "agents": agents})


def limits(settings, **values):
    settings.CHEGUAN_LIMITS = values


# The catalogue's dealer services are owned (plate selection by plates, registration by
# registration): the limits are the case services', so these tests open as the owner does.
PLATES = "plates"


def open_for(dealer, agent: int, service_code: str = "plate_selection") -> Case:
    return services.open_case(
        actor=Actor(user=dealer.agents[agent]),
        service_code=service_code,
        applicant_organisation=dealer.organisation,
        owner=owner_of_code(service_code),
    )


def refused(call) -> DomainError:
    with pytest.raises(DomainError) as e:
        call()
    assert e.value.status == 429
    return e.value


def test_an_agent_past_its_own_limit_is_refused_while_a_colleague_may_still_open(
    settings, world, dealer
):
    limits(settings, CASES_OPEN_PER_PARTNER_PER_SERVICE=5, CASES_OPEN_PER_OPERATOR_PER_SERVICE=2)
    open_for(dealer, 0)
    open_for(dealer, 0)

    error = refused(lambda: open_for(dealer, 0))

    assert error.code == LIMIT_OPEN_CASES_OPERATOR.code
    assert error.message_in("en").startswith(
        "Your account already has 2 open “Plate-number selection” cases, the most allowed."
    )
    assert "您的账号未办结的“机动车号牌号码选取”办件已达上限（2 件）" in error.message_in("zh-hans")
    assert "retry_after" not in error.params  # no time to promise: a case closes when it closes
    assert open_for(dealer, 1).created_by == dealer.agents[1]


def test_the_organisation_is_limited_across_its_agents_per_service(settings, world, dealer):
    limits(settings, CASES_OPEN_PER_PARTNER_PER_SERVICE=3, CASES_OPEN_PER_OPERATOR_PER_SERVICE=3)
    open_for(dealer, 0)
    open_for(dealer, 0)
    open_for(dealer, 1)

    error = refused(lambda: open_for(dealer, 1))

    assert error.code == LIMIT_OPEN_CASES.code
    assert "Your organisation already has 3 open" in error.message_in("en")
    # Per service: the dealer can still start a registration.
    assert open_for(dealer, 1, "new_registration").service.code == "new_registration"
    assert Case.objects.filter(service__code="plate_selection").count() == 3


def test_closed_cases_do_not_count(settings, world, dealer):
    limits(settings, CASES_OPEN_PER_PARTNER_PER_SERVICE=1)
    first = open_for(dealer, 0)
    refused(lambda: open_for(dealer, 1))

    services.withdraw_case(actor=Actor(user=dealer.agents[0]), case=first)

    assert open_for(dealer, 1).status == "draft"


def test_another_organisation_is_not_held_back(settings, world, dealer, make):
    limits(settings, CASES_OPEN_PER_PARTNER_PER_SERVICE=1)
    open_for(dealer, 0)
    other = make.partner(office_obj=world.office)
    agent = make.user(Role.DEALER_AGENT, organisation=other)

    case = services.open_case(
        actor=Actor(user=agent),
        service_code="plate_selection",
        applicant_organisation=other,
        owner=PLATES,
    )

    assert case.created_by == agent


def test_a_citizen_has_a_few_open_applications_per_service(settings, world):
    limits(settings, CASES_OPEN_PER_CITIZEN_PER_SERVICE=2)
    for _ in range(2):
        services.open_case(actor=world.citizen, service_code="plate_selection", owner=PLATES)

    error = refused(
        lambda: services.open_case(
            actor=world.citizen, service_code="plate_selection", owner=PLATES
        )
    )
    # The clerk at the help desk acts for the citizen: the same applications, the same limit.
    at_the_desk = refused(
        lambda: services.open_case(
            actor=world.assisted(), service_code="plate_selection", owner=PLATES
        )
    )

    assert error.code == at_the_desk.code == LIMIT_OPEN_CASES_CITIZEN.code
    assert error.message_in("en").startswith(
        "You already have 2 open “Plate-number selection” applications, the most allowed."
    )
    assert services.open_case(actor=world.citizen, service_code="contact_change").status == "draft"


def test_cases_a_dealer_files_for_a_citizen_are_the_dealers_not_the_citizens(
    settings, world, dealer
):
    limits(settings, CASES_OPEN_PER_CITIZEN_PER_SERVICE=1)
    services.open_case(
        actor=Actor(user=dealer.agents[0]),
        service_code="plate_selection",
        applicant_person=world.person,
        owner=PLATES,
    )

    mine = services.open_case(actor=world.citizen, service_code="plate_selection", owner=PLATES)

    assert mine.channel == "online"


def test_the_defaults_let_a_dealer_keep_a_weeks_work_open(world, dealer):
    assert DEFAULTS["CASES_OPEN_PER_PARTNER_PER_SERVICE"] >= 40 * 5
    for _ in range(DEFAULTS["CASES_OPEN_PER_OPERATOR_PER_SERVICE"]):
        open_for(dealer, 0)

    assert refused(lambda: open_for(dealer, 0)).code == LIMIT_OPEN_CASES_OPERATOR.code


def test_over_the_api_the_refusal_is_a_coded_429_and_no_idempotent_answer_is_kept(
    settings, client, world, dealer
):
    limits(settings, CASES_OPEN_PER_PARTNER_PER_SERVICE=1)
    client.force_login(dealer.agents[0])
    payload = {"applicant_organisation_id": dealer.organisation.pk}
    first = client.post("/api/plates/selections", payload, content_type=JSON)

    answer = client.post(
        "/api/plates/selections", payload, content_type=JSON, HTTP_IDEMPOTENCY_KEY="retry-me"
    )

    body = answer.json()
    assert (first.status_code, answer.status_code) == (201, 429)
    assert body["code"] == LIMIT_OPEN_CASES.code
    assert body["message"].startswith("贵单位未办结的“机动车号牌号码选取”办件已达上限（1 件）")
    assert not answer.has_header("Retry-After")
    # The client fixes the cause and retries with the same key: it runs, not a stored 429.
    services.withdraw_case(
        actor=Actor(user=dealer.agents[0]), case=Case.objects.get(number=first.json()["case"])
    )
    again = client.post(
        "/api/plates/selections", payload, content_type=JSON, HTTP_IDEMPOTENCY_KEY="retry-me"
    )
    assert again.status_code == 201


def test_the_count_is_one_query_after_the_partners_lock(settings, world, dealer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cheguan.cases.models import Service
    from cheguan.cases.services.limits import check_open_case_limits

    service = Service.objects.get(office=world.office, code="plate_selection")
    for _ in range(3):
        open_for(dealer, 0)

    with CaptureQueriesContext(connection) as queries:
        check_open_case_limits(actor=Actor(user=dealer.agents[0]), service=service)

    sql = [q["sql"] for q in queries.captured_queries]
    assert len(sql) == 2
    assert "registry_organisation" in sql[0]
    if connection.vendor == "postgresql":
        assert "FOR NO KEY UPDATE" in sql[0]
    assert "COUNT" in sql[1].upper()


def test_a_mistyped_or_negative_limit_refuses_to_start(settings):
    from cheguan.core.limits import check_limit_settings

    settings.CHEGUAN_LIMITS = {"CASES_OPEN_PER_PARTNER_PER_SERVICE": 300}
    assert check_limit_settings(None) == []

    settings.CHEGUAN_LIMITS = {
        "CASES_OPEN_PER_PARTNER": 10,
        "PLATES_OPEN_DRAWS_PER_PARTNER": -1,
        "PLATES_POOL_SHARE_PERCENT": "5",
    }
    problems = check_limit_settings(None)

    assert [p.id for p in problems] == ["cheguan.E010", "cheguan.E011", "cheguan.E011"]
    assert "'CASES_OPEN_PER_PARTNER'" in problems[0].msg
