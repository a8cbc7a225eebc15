"""record(): inside the service's transaction, append-only, personal data masked."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from cheguan.audit import services as audit
from cheguan.audit.models import AuditEvent, AuditStreamHead
from cheguan.core.actor import Actor
from cheguan.core.roles import Role


def _record(actor, **kw):
    with transaction.atomic():
        return audit.record(actor=actor, **kw)


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_is_refused(make):
    clerk = make.user(Role.CLERK)
    assert not connection.in_atomic_block
    with pytest.raises(RuntimeError, match="inside the service's transaction"):
        audit.record(actor=Actor(user=clerk), action="registry.tested")
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db
def test_saving_an_existing_event_again_is_refused(make):
    event = _record(Actor(user=make.user(Role.CLERK)), action="registry.tested")
    event.data = {"changed": True}
    with pytest.raises(RuntimeError, match="append-only"):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).data == {}


@pytest.mark.django_db
def test_personal_data_in_the_event_data_is_masked(make):
    event = _record(
        Actor(user=make.user(Role.CLERK)),
        action="registry.person_revealed",
        data={
            "id_number": "330203195803010012",
            "phone": "13812345678",
            "name": "王建国",
            "nested": {"phone": "13987654321"},
            "plate": "浙B12345",
        },
    )
    stored = AuditEvent.objects.get(pk=event.pk).data
    assert stored == {
        "id_number": "330203********0012",
        "phone": "138****5678",
        "name": "王*国",
        "nested": {"phone": "139****4321"},
        "plate": "浙B12345",
    }


@pytest.mark.django_db
def test_partner_actions_chain_in_the_organisation_stream(make):
    partner = make.user(Role.DEALER_AGENT)
    event = _record(Actor(user=partner), action="registry.tested")
    assert event.stream == f"org:{partner.organisation_id}"
    assert event.organisation_id == partner.organisation_id


@pytest.mark.django_db
def test_office_actions_chain_per_office_and_app(make):
    clerk = make.user(Role.CLERK)
    first = _record(Actor(user=clerk), action="registry.tested")
    second = _record(Actor(user=clerk), action="accounts.tested")
    third = _record(Actor(user=clerk), action="registry.tested_again")
    assert (first.stream, first.seq) == (f"office:{clerk.office_id}:registry", 1)
    assert (second.stream, second.seq) == (f"office:{clerk.office_id}:accounts", 1)
    assert (third.seq, third.prev_hash) == (2, first.hash)
    head = AuditStreamHead.objects.get(stream=first.stream)
    assert (head.seq, head.hash) == (2, third.hash)


@pytest.mark.django_db
def test_an_action_without_app_prefix_is_refused(make):
    with pytest.raises(ValueError, match=r"<app>\.<past_tense>"):
        _record(Actor(user=make.user(Role.CLERK)), action="tested")


@pytest.mark.django_db
def test_values_the_database_would_reshape_still_verify(make):
    """jsonb turns 1e16 into an integer and refuses NUL and NaN: stored so the hash holds."""
    event = _record(
        Actor(user=make.user(Role.CLERK)),
        action="registry.tested",
        data={"big": 1e16, "nan": float("nan"), "note": "a\x00b", "half": 0.5},
    )
    assert AuditEvent.objects.get(pk=event.pk).data == {
        "big": 10**16,
        "nan": "nan",
        "note": "a\ufffdb",
        "half": 0.5,
    }
    assert audit.verify().ok


@pytest.mark.django_db
def test_a_changed_head_is_reported_at_the_last_event(make):
    event = _record(Actor(user=make.user(Role.CLERK)), action="registry.tested")
    AuditStreamHead.objects.filter(stream=event.stream).update(hash="f" * 64)
    brk = audit.verify().first_break
    assert (brk.stream, brk.seq, brk.event_id) == (event.stream, 1, event.pk)
    assert brk.reason == "the last event does not match the stream head"


@pytest.mark.django_db
def test_a_removed_head_is_reported(make):
    event = _record(Actor(user=make.user(Role.CLERK)), action="registry.tested")
    AuditStreamHead.objects.filter(stream=event.stream).delete()
    brk = audit.verify().first_break
    assert (brk.stream, brk.seq, brk.event_id, brk.reason) == (
        event.stream,
        1,
        event.pk,
        "the stream has no head record",
    )


@pytest.mark.django_db
def test_verify_can_be_limited_to_named_streams(make):
    clerk = Actor(user=make.user(Role.CLERK))
    bad = _record(clerk, action="registry.tested")
    good = _record(clerk, action="accounts.tested")
    AuditEvent.objects.filter(pk=bad.pk).update(action="registry.changed")
    only_good = audit.verify(streams=[good.stream])
    assert (only_good.ok, only_good.events_checked, only_good.streams_checked) == (True, 1, 1)
    assert audit.verify().first_break.event_id == bad.pk
