"""Statement budgets of a partner's reads over the API with a token and a clerk's read of a
vehicle (issue 12's mix), and of the bare authenticated endpoint the benchmark uses as its
framework floor."""

from __future__ import annotations

import pytest

from cheguan.accounts import services as accounts
from cheguan.core.actor import Actor
from cheguan.core.roles import Role
from tests.budgets import statements

pytestmark = pytest.mark.django_db


@pytest.fixture
def dealer(make, client):
    agent = make.user(Role.DEALER_AGENT)
    for _ in range(25):
        make.vehicle(owner=agent.organisation)
    _token, secret = accounts.create_api_token(actor=Actor(user=agent), name="ERP")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_the_bare_authenticated_endpoint(client, dealer):
    # the token with its user and the user's office, organisation and person (its last use
    # noted at most every 5 minutes), any assisted session of the agent
    with statements(budget={"sqlite": 3, "postgresql": 3}):
        answer = client.get("/api/accounts/me", **dealer)
    assert answer.status_code == 200, answer.content


def test_a_partner_lists_its_vehicles(client, dealer):
    with statements(budget={"sqlite": 4, "postgresql": 4}):
        answer = client.get("/api/registry/vehicles?limit=20", **dealer)
    assert answer.status_code == 200, answer.content
    assert len(answer.json()["items"]) == 20


def test_a_clerk_reads_a_vehicle(client, make):
    clerk = make.user(Role.CLERK)
    vehicle = make.vehicle(owner=make.person(office_obj=clerk.office))
    client.force_login(clerk)
    # the session, the user, any assisted session; the vehicle; each kind of its records
    with statements(budget={"sqlite": 10, "postgresql": 10}):
        answer = client.get(f"/api/registry/vehicles/{vehicle.pk}")
    assert answer.status_code == 200, answer.content
    assert answer.json()["id"] == vehicle.pk
