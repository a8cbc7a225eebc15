"""Statement budgets of the plate transactions of a day at the office (issue 12's mix): a
draw of twenty numbers, the pick of one, a read of the public draw log."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.budgets import statements

pytestmark = pytest.mark.django_db


@pytest.fixture
def selecting(plates):
    plates.release()
    case = plates.case(plate_type="02")
    client = Client()
    client.force_login(plates.citizen_user)
    return client, case


def _draw(client, case):
    return client.post(
        f"/api/plates/cases/{case.number}/draws",
        {"plate_type": "02"},
        content_type="application/json",
    )


def test_a_draw(selecting):
    client, case = selecting
    with statements(budget={"sqlite": 22, "postgresql": 23}):
        answer = _draw(client, case)
    assert answer.status_code == 201, answer.content
    assert len(answer.json()["numbers"]) == 20


def test_a_pick(selecting):
    client, case = selecting
    drawn = _draw(client, case).json()
    with statements(budget={"sqlite": 20, "postgresql": 20}):
        answer = client.post(
            f"/api/plates/draws/{drawn['draw_id']}/pick",
            {"number": drawn["numbers"][3]},
            content_type="application/json",
        )
    assert answer.status_code == 200, answer.content
    assert answer.json()["number"] == drawn["numbers"][3]


def test_a_read_of_the_public_draw_log(selecting, client):
    citizen, case = selecting
    _draw(citizen, case)
    with statements(budget={"sqlite": 3, "postgresql": 3}):
        answer = client.get("/api/plates/draws?date=2026-05-11")
    assert answer.status_code == 200, answer.content
    assert len(answer.json()["draws"]) == 1
