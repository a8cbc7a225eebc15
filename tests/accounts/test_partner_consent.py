"""A partner's agent acts for a citizen only with proven consent (issue 9 §1): a code sent
to the phone on record and read back, or the ID card read at the counter — as the office's
setting allows — and both the agent and the citizen are in the audit trail."""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
from django.test import Client

from cheguan.accounts import services
from cheguan.accounts.models import AssistedSession
from cheguan.audit.models import AuditEvent
from cheguan.core.actor import Actor
from cheguan.core.errors import DomainError
from cheguan.core.roles import Role
from cheguan.core.sms import OutboxBackend

pytestmark = pytest.mark.django_db


@pytest.fixture
def counter(make, clock):
    clock.set_now(dt.datetime(2026, 5, 11, 10, 0))
    agent = make.user(Role.SERVICE_POINT_AGENT)
    citizen = make.person(name="王秀英", phone="13905741234")
    car = make.vehicle(owner=citizen)
    return agent, citizen, car


def _code() -> str:
    (message,) = OutboxBackend.outbox
    return re.search(r"验证码(\d{6})", message.text)[1]


def _api(client, path, body, **headers):
    import json

    return client.post(path, json.dumps(body), content_type="application/json", headers=headers)


def test_a_code_goes_to_the_citizens_phone_and_nobody_acts_until_it_is_read_back(counter, caplog):
    agent, citizen, car = counter
    client = Client()
    client.force_login(agent)
    caplog.set_level(logging.INFO)

    opened = _api(client, "/api/accounts/assisted-sessions",
                  {"id_number": citizen.id_number, "consent_method": "sms_code", "scope": "cases"})  # fmt: skip
    pending_read = client.get(f"/api/inspection/eligibility?vehicle_id={car.pk}")
    code = _code()
    confirmed = _api(client, "/api/accounts/assisted-sessions/confirm", {"code": code})
    acting_read = client.get(f"/api/inspection/eligibility?vehicle_id={car.pk}")

    assert (opened.status_code, opened.json()["confirmed"]) == (201, False)
    assert OutboxBackend.outbox[0].phone == "13905741234"
    assert pending_read.status_code == 404  # a pending session lets nobody act
    assert (confirmed.status_code, confirmed.json()["confirmed"]) == (200, True)
    assert acting_read.status_code == 200
    opened_event = AuditEvent.objects.get(action="accounts.assisted_session_opened")
    assert opened_event.data["code_sent_to"] == "139****1234"
    assert (opened_event.actor_id, opened_event.on_behalf_of_id) == (agent.pk, citizen.pk)
    assert AuditEvent.objects.filter(action="accounts.assisted_session_confirmed").count() == 1
    assert code not in caplog.text and "13905741234" not in caplog.text


def test_a_wrong_code_is_counted_and_the_fifth_ends_the_session(counter):
    agent, citizen, _car = counter
    actor = Actor(user=agent)
    services.open_assisted_session(
        actor=actor, id_number=citizen.id_number, consent_method="sms_code"
    )
    wrong = "000000" if _code() != "000000" else "111111"
    codes = []
    for _ in range(5):
        with pytest.raises(DomainError) as refused:
            services.confirm_assisted_session(actor=actor, code=wrong)
        codes.append(refused.value.code)

    session = AssistedSession.objects.get()
    assert codes == ["accounts.consent_code_wrong"] * 4 + ["accounts.consent_code_expired"]
    assert (session.consent_attempts, session.end_reason) == (5, "code_failed")
    assert session.confirmed_at is None


def test_a_code_read_back_after_five_minutes_is_refused(counter, clock):
    agent, citizen, _car = counter
    actor = Actor(user=agent)
    services.open_assisted_session(
        actor=actor, id_number=citizen.id_number, consent_method="sms_code"
    )
    code = _code()
    clock.advance(dt.timedelta(minutes=5, seconds=1))

    with pytest.raises(DomainError) as refused:
        services.confirm_assisted_session(actor=actor, code=code)

    assert refused.value.code == "accounts.consent_code_expired"
    assert AssistedSession.objects.get().ended_at is not None


def test_no_phone_on_record_means_no_code_and_a_clear_answer(counter, make):
    agent, _citizen, _car = counter
    silent = make.person(name="李大爷", phone="")

    with pytest.raises(DomainError) as refused:
        services.open_assisted_session(
            actor=Actor(user=agent), id_number=silent.id_number, consent_method="sms_code"
        )

    assert refused.value.code == "accounts.no_phone_on_record"
    assert OutboxBackend.outbox == [] and not AssistedSession.objects.exists()


def test_the_office_decides_which_proofs_a_partner_may_use(counter, settings):
    agent, citizen, _car = counter
    settings.CHEGUAN_PARTNER_CONSENT_METHODS = ["sms_code"]

    with pytest.raises(DomainError) as refused:
        services.open_assisted_session(
            actor=Actor(user=agent), id_number=citizen.id_number, consent_method="id_card_read"
        )
    with pytest.raises(DomainError) as clerkish:
        services.open_assisted_session(
            actor=Actor(user=agent), id_number=citizen.id_number, consent_method="signed"
        )

    assert refused.value.code == clerkish.value.code == "accounts.consent_required"
    assert "Code sent to the phone" in refused.value.message_in("en")


def test_a_token_acts_for_the_citizen_only_when_it_names_its_confirmed_session(counter, make):
    agent, citizen, car = counter
    _token, secret = services.create_api_token(actor=Actor(user=agent), name="counter app")
    session = services.open_assisted_session(
        actor=Actor(user=agent), id_number=citizen.id_number, consent_method="id_card_read"
    )
    other_agent = make.user(Role.SERVICE_POINT_AGENT)
    _other, other_secret = services.create_api_token(actor=Actor(user=other_agent), name="x")
    client = Client()
    url = f"/api/inspection/eligibility?vehicle_id={car.pk}"

    unnamed = client.get(url, headers={"Authorization": f"Bearer {secret}"})
    named = client.get(
        url, headers={"Authorization": f"Bearer {secret}", "X-Assisted-Session": str(session.pk)}
    )
    borrowed = client.get(
        url,
        headers={"Authorization": f"Bearer {other_secret}", "X-Assisted-Session": str(session.pk)},
    )

    assert unnamed.status_code == 404
    assert named.status_code == 200
    assert (borrowed.status_code, borrowed.json()["code"]) == (
        409,
        "accounts.assisted_session_not_open",
    )


def test_the_counter_page_asks_for_the_code_then_acts(counter):
    agent, citizen, _car = counter
    client = Client()
    client.force_login(agent)

    start = client.post(
        "/accounts/assisted/",
        {"id_number": citizen.id_number, "consent_method": "sms_code", "scope": "cases"},
    )
    ask = client.get("/accounts/assisted/confirm/")
    done = client.post("/accounts/assisted/confirm/", {"code": _code()})

    assert (start.status_code, start["Location"]) == (302, "/accounts/assisted/confirm/")
    assert "139****1234" in ask.content.decode()
    assert (done.status_code, done["Location"]) == (302, "/accounts/assisted/current/")
    assert AssistedSession.objects.get().confirmed_at is not None
