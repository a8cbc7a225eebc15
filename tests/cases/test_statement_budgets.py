"""Statement budgets of the case transactions of a day at the office (issue 12's mix): a
clerk accepts a submitted case, records a visit and completes it; the citizen rates it."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.budgets import statements

pytestmark = pytest.mark.django_db


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client, path, body=None):
    return client.post(path, body or {}, content_type="application/json")


def test_a_clerk_accepts_records_a_visit_and_completes(world):
    clerk = _logged_in(world.clerk)
    # the catalogue and the calendar remembered, as on a running office: one case before
    warm = world.submitted()
    for step in ("accept", "complete"):
        assert _post(clerk, f"/api/cases/{warm.number}/{step}").status_code == 200
    case = world.submitted()
    # accept and complete answer with the case and what the clerk may do next (actions_for)
    with statements(budget={"sqlite": 17, "postgresql": 17}):
        accepted = _post(clerk, f"/api/cases/{case.number}/accept")
    with statements(budget={"sqlite": 13, "postgresql": 13}):
        visit = _post(clerk, f"/api/cases/{case.number}/visit", {"kind": "window"})
    with statements(budget={"sqlite": 19, "postgresql": 19}):
        completed = _post(clerk, f"/api/cases/{case.number}/complete")
    assert accepted.status_code == 200, accepted.content
    assert visit.status_code == 201, visit.content
    assert completed.status_code == 200, completed.content
    assert completed.json()["status"] == "completed"


def test_a_citizen_rates_a_completed_case(world):
    case = world.completed()
    citizen = _logged_in(world.citizen_user)
    with statements(budget={"sqlite": 14, "postgresql": 14}):
        rated = _post(citizen, f"/api/cases/{case.number}/rate", {"score": 5})
    assert rated.status_code == 201, rated.content


def test_a_clerk_reads_a_case(world):
    case = world.completed()
    clerk = _logged_in(world.clerk)
    # the session, the user, any assisted session; the case with its service, office,
    # applicant, vehicle, rating and commitment; documents, notices, messages
    with statements(budget={"sqlite": 7, "postgresql": 7}):
        answer = clerk.get(f"/api/cases/{case.number}")
    assert answer.status_code == 200, answer.content
    assert answer.json()["number"] == case.number
