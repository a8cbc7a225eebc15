"""Property tests: any single tampering with the audit trail is found, at the tampered event.

Each example builds a chain of N events across 2–3 streams inside its own savepoint,
tampers with it once, checks what ``verify()`` reports, and rolls the savepoint back.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cheguan.audit import services as audit
from cheguan.audit.models import AuditEvent
from cheguan.core.actor import Actor
from cheguan.core.roles import Role

pytestmark = pytest.mark.django_db

PROPERTY = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

values = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.booleans(),
    st.none(),
    st.text(max_size=12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.lists(st.integers(min_value=0, max_value=99), max_size=3),
)
payloads = st.dictionaries(
    st.sampled_from(["plate", "count", "note", "id_number", "phone", "name", "flag"]),
    values,
    max_size=4,
)
# One event: which stream (0..2), its subject id and data.
event_specs = st.tuples(st.integers(min_value=0, max_value=2), st.integers(1, 10**6), payloads)


@dataclass
class Cast:
    clerk: Actor
    partner: Actor
    other_user_id: int


@pytest.fixture
def cast(make):
    clerk = make.user(Role.CLERK)
    partner = make.user(Role.DEALER_AGENT)
    other = make.user(Role.SUPERVISOR)
    return Cast(Actor(user=clerk), Actor(user=partner), other.pk)


def build_chain(cast: Cast, specs, stream_count: int) -> list[AuditEvent]:
    """Record the events; stream 0 = office registry, 1 = office accounts, 2 = partner org."""
    events = []
    for stream_index, subject_id, data in specs:
        which = stream_index % stream_count
        actor = cast.partner if which == 2 else cast.clerk
        action = "accounts.tested" if which == 1 else "registry.tested"
        events.append(
            audit.record(
                actor=actor,
                action=action,
                subject_type="registry.vehicle",
                subject_id=subject_id,
                data=data,
            )
        )
    return events


def chains(min_size: int = 1):
    return st.tuples(st.lists(event_specs, min_size=min_size, max_size=12), st.sampled_from([2, 3]))


def run_in_savepoint(fn):
    """Run ``fn`` and undo everything it wrote, so examples don't see each other's rows."""
    with transaction.atomic():
        try:
            return fn()
        finally:
            transaction.set_rollback(True)


def raw_update(event_id: int, column: str, value) -> None:
    with connection.cursor() as cur:
        cur.execute(f"UPDATE audit_auditevent SET {column} = %s WHERE id = %s", [value, event_id])  # noqa: S608


def assert_break_at(result: audit.VerifyResult, *, stream: str, seq: int, event_id) -> None:
    brk = result.first_break
    assert brk is not None, "tampering went unnoticed"
    assert (brk.stream, brk.seq, brk.event_id) == (stream, seq, event_id), brk


@PROPERTY
@given(chain=chains())
def test_an_untouched_chain_verifies(cast, chain):
    specs, stream_count = chain

    def check():
        events = build_chain(cast, specs, stream_count)
        result = audit.verify()
        assert result.ok, result.first_break
        assert result.events_checked == len(events)
        assert result.streams_checked == len({e.stream for e in events})

    run_in_savepoint(check)


FIELDS = ["data", "action", "actor", "occurred_at", "subject_id", "prev_hash", "hash"]


def _tampered_value(event: AuditEvent, field: str):
    if field == "data":
        return {**event.data, "tampered": True}
    if field == "action":
        return event.action + "_x"
    if field == "occurred_at":
        return event.occurred_at + dt.timedelta(microseconds=1)
    if field == "subject_id":
        return event.subject_id + "9"
    if field in {"prev_hash", "hash"}:
        old = getattr(event, field)
        return ("1" if old[0] != "1" else "2") + old[1:]
    raise AssertionError(field)


@PROPERTY
@given(
    chain=chains(),
    pick=st.integers(min_value=0),
    field=st.sampled_from(FIELDS),
    via_sql=st.booleans(),
)
def test_changing_any_field_of_any_event_is_found_at_that_event(cast, chain, pick, field, via_sql):
    specs, stream_count = chain

    def check():
        events = build_chain(cast, specs, stream_count)
        victim = events[pick % len(events)]
        if field == "actor":
            new_actor = None if victim.actor_id == cast.other_user_id else cast.other_user_id
            if via_sql:
                raw_update(victim.pk, "actor_id", new_actor)
            else:
                AuditEvent.objects.filter(pk=victim.pk).update(actor_id=new_actor)
        else:
            value = _tampered_value(victim, field)
            if via_sql:
                column_value = json.dumps(value) if field == "data" else value
                raw_update(victim.pk, field, column_value)
            else:
                AuditEvent.objects.filter(pk=victim.pk).update(**{field: value})
        assert_break_at(audit.verify(), stream=victim.stream, seq=victim.seq, event_id=victim.pk)

    run_in_savepoint(check)


@PROPERTY
@given(chain=chains(), pick=st.integers(min_value=0))
def test_deleting_an_event_is_found_at_the_next_event_or_the_head(cast, chain, pick):
    specs, stream_count = chain

    def check():
        events = build_chain(cast, specs, stream_count)
        victim = events[pick % len(events)]
        with connection.cursor() as cur:
            cur.execute("DELETE FROM audit_auditevent WHERE id = %s", [victim.pk])
        following = [e for e in events if e.stream == victim.stream and e.seq > victim.seq]
        if following:
            expected = {"seq": following[0].seq, "event_id": following[0].pk}
        else:  # the tail: only the head knows it existed
            expected = {"seq": victim.seq, "event_id": None}
        assert_break_at(audit.verify(), stream=victim.stream, **expected)

    run_in_savepoint(check)


def test_deleting_through_the_model_is_refused(make):
    with transaction.atomic():
        event = audit.record(actor=Actor(user=make.user(Role.CLERK)), action="registry.tested")
    with pytest.raises(RuntimeError, match="append-only"):
        event.delete()
    assert audit.verify().ok


@PROPERTY
@given(
    chain=chains(),
    how=st.sampled_from(["appended", "numbered_zero", "new_stream"]),
    pick=st.integers(min_value=0),
)
def test_a_forged_event_is_found_and_named(cast, chain, how, pick):
    specs, stream_count = chain

    def check():
        events = build_chain(cast, specs, stream_count)
        model = events[pick % len(events)]
        stream_last = max((e for e in events if e.stream == model.stream), key=lambda e: e.seq)
        forged = AuditEvent(
            stream=model.stream,
            seq=stream_last.seq + 1,
            occurred_at=stream_last.occurred_at,
            actor_id=model.actor_id,
            actor_label=model.actor_label,
            organisation_id=model.organisation_id,
            office_id=model.office_id,
            action="registry.forged",
            subject_type=model.subject_type,
            subject_id="1",
            data={"forged": True},
            prev_hash=stream_last.hash,
        )
        if how == "numbered_zero":
            forged.seq, forged.prev_hash = 0, audit.GENESIS_HASH
        elif how == "new_stream":
            forged.stream, forged.seq, forged.prev_hash = "org:999999", 1, audit.GENESIS_HASH
        forged.hash = audit.compute_hash(forged)  # a careful forger: the hash is right
        forged.save()
        assert_break_at(audit.verify(), stream=forged.stream, seq=forged.seq, event_id=forged.pk)

    run_in_savepoint(check)


@PROPERTY
@given(chain=chains(min_size=2), picks=st.tuples(st.integers(0), st.integers(0)))
def test_swapping_two_events_sequence_numbers_is_found(cast, chain, picks):
    specs, stream_count = chain
    # Put at least two events in stream 0 so there is something to swap.
    specs = [(0, 1, {}), (0, 2, {}), *specs]

    def check():
        events = build_chain(cast, specs, stream_count)
        stream = events[0].stream
        mine = [e for e in events if e.stream == stream]
        a = mine[picks[0] % len(mine)]
        b = mine[picks[1] % len(mine)]
        if a.pk == b.pk:
            b = mine[(mine.index(a) + 1) % len(mine)]
        AuditEvent.objects.filter(pk=a.pk).update(seq=10**9)
        AuditEvent.objects.filter(pk=b.pk).update(seq=a.seq)
        AuditEvent.objects.filter(pk=a.pk).update(seq=b.seq)
        first = min(a, b, key=lambda e: e.seq)
        other = b if first is a else a
        # At the lower number now sits the other event: that is the first broken one.
        assert_break_at(audit.verify(), stream=stream, seq=first.seq, event_id=other.pk)

    run_in_savepoint(check)
