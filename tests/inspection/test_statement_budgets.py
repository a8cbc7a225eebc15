"""Statement budgets of the inspection transactions of a day at the office (issue 12's mix):
an eligibility check, an application that issues the mark, a public verification."""

from __future__ import annotations

import pytest
from django.test import Client

from cheguan.core.actor import Actor
from cheguan.inspection import services
from cheguan.inspection.models import InspectionMark
from tests.budgets import statements

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen(city) -> Client:
    client = Client()
    client.force_login(city.citizen_user)
    return client


def test_an_eligibility_check(city, citizen):
    # the session, the user, the vehicle in scope, its records in one query
    with statements(budget={"sqlite": 4, "postgresql": 4}):
        answer = citizen.get(f"/api/inspection/eligibility?vehicle_id={city.vehicle.pk}")
    assert answer.status_code == 200, answer.content
    assert answer.json()["may_issue"] is True


def test_an_application_that_issues_the_mark(city, citizen):
    # The vehicle found and locked in one statement; an immediate case opened, submitted,
    # accepted and completed at once (cases.open_and_settle: its history rows and proofs in
    # one insert each, its four events in one: audit.record_all), the mark and its event.
    # The catalogue and the calendar are remembered, as on a running office: one application
    # before (another car) remembered them.
    warm = citizen.post(
        "/api/inspection/apply",
        {"vehicle_id": city.car(city.person).pk},
        content_type="application/json",
    )
    assert warm.status_code == 201, warm.content
    with statements(budget={"sqlite": 36, "postgresql": 36}):
        answer = citizen.post(
            "/api/inspection/apply",
            {"vehicle_id": city.vehicle.pk},
            content_type="application/json",
        )
    assert answer.status_code == 201, answer.content
    assert InspectionMark.objects.filter(vehicle=city.vehicle).count() == 1


def test_a_public_verification(city, client):
    mark = services.apply_for_mark(actor=Actor(user=city.citizen_user), vehicle=city.vehicle).mark
    with statements(budget={"sqlite": 1, "postgresql": 1}):  # the mark by its serial
        answer = client.get(f"/api/inspection/verify?serial={mark.serial}")
    assert answer.json()["status"] == "valid"
