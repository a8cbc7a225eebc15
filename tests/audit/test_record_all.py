"""Several events of one business transaction in one go (audit.services.record_all): one
head lock, one insert and one head move per stream, the chain exactly as record() makes it."""

from __future__ import annotations

import pytest
from django.db import transaction

from cheguan.audit.models import AuditEvent, AuditStreamHead
from cheguan.audit.services import Event, record, record_all, verify
from cheguan.core.actor import Actor
from tests.budgets import statements

pytestmark = pytest.mark.django_db


def test_events_of_two_streams_chain_in_order_and_verify(office_world):
    actor = Actor(user=office_world.staff())
    office = office_world.office.pk
    with transaction.atomic():
        record(actor=actor, action="cases.opened", subject_id=1, office_id=office)
        made = record_all(
            actor=actor,
            events=[
                Event(action="cases.submitted", subject_id=1, office_id=office),
                Event(action="inspection.mark_issued", subject_id=7, office_id=office),
                Event(action="cases.completed", subject_id=1, office_id=office, data={"v": 1}),
            ],
        )
    cases_stream = f"office:{office}:cases"
    assert [(e.stream, e.seq) for e in made] == [
        (cases_stream, 2),
        (f"office:{office}:inspection", 1),
        (cases_stream, 3),
    ]
    assert all(e.pk is not None for e in made)
    stored = list(AuditEvent.objects.filter(stream=cases_stream).order_by("seq"))
    assert [e.action for e in stored] == ["cases.opened", "cases.submitted", "cases.completed"]
    assert stored[1].prev_hash == stored[0].hash and stored[2].prev_hash == stored[1].hash
    head = AuditStreamHead.objects.get(stream=cases_stream)
    assert (head.seq, head.hash) == (3, stored[2].hash)
    assert verify().ok


def test_three_statements_a_stream_whatever_the_number_of_events(office_world):
    actor = Actor(user=office_world.staff())
    office = office_world.office.pk
    with transaction.atomic():
        record(actor=actor, action="cases.opened", subject_id=1, office_id=office)  # the head
        events = [Event(action="cases.noted", subject_id=n, office_id=office) for n in range(5)]
        with statements(budget={"sqlite": 3, "postgresql": 3}):
            record_all(actor=actor, events=events)
    assert AuditEvent.objects.filter(action="cases.noted").count() == 5
    assert verify().ok
