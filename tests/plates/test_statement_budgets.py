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
    with statements(budget={"sqlite": 21, "postgresql": 22}):
        answer = _draw(client, case)
    assert answer.status_code == 201, answer.content
    assert len(answer.json()["numbers"]) == 20


def test_a_pick(selecting, plates):
    client, case = selecting
    # the calendar remembered, as on a running office: one draw and pick before
    warm = _draw(client, plates.case(plate_type="02")).json()
    picked = client.post(
        f"/api/plates/draws/{warm['draw_id']}/pick",
        {"number": warm["numbers"][0]},
        content_type="application/json",
    )
    assert picked.status_code == 200, picked.content
    drawn = _draw(client, case).json()
    with statements(budget={"sqlite": 18, "postgresql": 18}):
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
