"""Telling the applicant: the case's message list and a text message to the phone on
record, sent by the SMS task (issue 11 §2: side effects leave the request)."""

from __future__ import annotations

import pytest

from cheguan.cases import services
from cheguan.cases.models import CaseMessage
from cheguan.core import sms
from cheguan.core.sms import OutboxBackend

pytestmark = pytest.mark.django_db


def test_completing_a_case_texts_the_applicant_through_the_sms_task(world):
    world.person.phone = "13905741234"
    world.person.save(update_fields=["phone"])
    case = world.submitted()

    services.accept_case(actor=world.clerk_actor, case=case)
    services.complete_case(actor=world.clerk_actor, case=case)

    (message,) = CaseMessage.objects.filter(case=case, kind="completed")
    assert message.channels == ["case_messages", "sms"]
    # The task (run at once by the tests' task backend) handed it to the SMS backend.
    assert OutboxBackend.outbox == [
        sms.Sms(phone="13905741234", text=message.text_zh, reference=case.number)
    ]


def test_an_applicant_without_a_phone_gets_the_case_message_only(world):
    world.person.phone = ""
    world.person.save(update_fields=["phone"])
    case = world.submitted()

    services.accept_case(actor=world.clerk_actor, case=case)
    services.complete_case(actor=world.clerk_actor, case=case)

    assert CaseMessage.objects.filter(case=case, kind="completed").exists()
    assert OutboxBackend.outbox == []
