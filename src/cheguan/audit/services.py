"""Writing and verifying the audit trail (docs/adr/0002-audit-chain-per-stream.md).

``record()`` is called by every service, inside the service's own transaction, so the
event is committed with the change it records or not at all; ``record_all()`` writes the
several events of one business transaction (an immediate case's submit, accept and
complete) with one head lock and one insert per stream. It locks only the head row of
its stream (one stream per organisation for partner actions, one per office and app for the
rest), so writers in different streams never wait on each other.

``verify()`` walks each stream in sequence order and names the first event that breaks its
chain. It needs no lock: an event is committed together with its head update, and the head
only grows, so a head read *after* the events always covers them; a head that is ahead of
what was read means either new events (read them too) or a truncated tail.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Model

from cheguan.audit.models import AuditEvent, AuditStreamHead
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.masking import mask_mapping

GENESIS_HASH = "0" * 64


def stream_for(*, action: str, organisation_id: int | None, office_id: int | None) -> str:
    if organisation_id is not None:
        return f"org:{organisation_id}"
    app = action.split(".", 1)[0]
    return f"office:{office_id or 0}:{app}"


def canonical_bytes(fields: dict[str, Any]) -> bytes:
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def hash_fields(event: AuditEvent) -> dict[str, Any]:
    """The fields the hash covers: everything but the hash itself and the row id."""
    return {
        "stream": event.stream,
        "seq": event.seq,
        "occurred_at": event.occurred_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "on_behalf_of_id": event.on_behalf_of_id,
        "organisation_id": event.organisation_id,
        "office_id": event.office_id,
        "action": event.action,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "data": event.data,
        "prev_hash": event.prev_hash,
    }


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(canonical_bytes(hash_fields(event))).hexdigest()


def _storable(value: Any) -> Any:
    """``value`` in the form every database hands back unchanged, so its hash stays stable.

    PostgreSQL's jsonb returns an integral float (``1e16``) as an integer, rejects NUL
    characters, NaN and infinities; a lone surrogate cannot be encoded at all. Normalising
    here, before hashing, keeps a legitimate event from ever looking tampered with.
    """
    if isinstance(value, dict):
        return {_storable(str(k)): _storable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_storable(v) for v in value]
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        return int(value) if value.is_integer() else value
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd").encode("utf-8", "replace").decode("utf-8")
    return value


def record(
    *,
    actor: Actor,
    action: str,
    subject: Model | None = None,
    subject_type: str = "",
    subject_id: str | int = "",
    data: dict[str, Any] | None = None,
    organisation_id: int | None = None,
    office_id: int | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Append one event. Must run inside the caller's transaction.

    ``actor_label`` names an actor who is nobody's account (``"anonymous"`` for a failed
    login); by default it is the actor's own label."""
    event = Event(
        action=action,
        subject=subject,
        subject_type=subject_type,
        subject_id=subject_id,
        data=data,
        organisation_id=organisation_id,
        office_id=office_id,
        actor_label=actor_label,
    )
    return record_all(actor=actor, events=[event])[0]


@dataclass(frozen=True)
class Event:
    """One event for :func:`record_all`: the arguments of :func:`record` but the actor."""

    action: str
    subject: Model | None = None
    subject_type: str = ""
    subject_id: str | int = ""
    data: dict[str, Any] | None = None
    organisation_id: int | None = None
    office_id: int | None = None
    actor_label: str = ""


def record_all(*, actor: Actor, events: Sequence[Event]) -> list[AuditEvent]:
    """Append several events of one business transaction, in order, in one go: each stream's
    head is locked once (streams in name order, so two writers never wait on each other in
    a circle), its events inserted together and the head moved once — three statements a
    stream, not three an event. Must run inside the caller's transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record() must run inside the service's transaction")
    now = clock.now()
    made = [_unsaved(actor, e, now) for e in events]
    for stream in sorted({e.stream for e in made}):
        head, _created = AuditStreamHead.objects.select_for_update().get_or_create(
            stream=stream, defaults={"seq": 0, "hash": GENESIS_HASH}
        )
        chain = [e for e in made if e.stream == stream]
        seq, prev = head.seq, head.hash
        for event in chain:
            seq += 1
            event.seq, event.prev_hash = seq, prev
            event.hash = prev = compute_hash(event)
        AuditEvent.objects.bulk_create(chain)
        AuditStreamHead.objects.filter(stream=stream).update(seq=seq, hash=prev)
    return made


def _unsaved(actor: Actor, e: Event, now: dt.datetime) -> AuditEvent:
    """The event with every field but its place in the chain (seq, prev_hash, hash)."""
    app, _dot, verb = e.action.partition(".")
    if not app or not verb:
        raise ValueError(f"audit action {e.action!r} is not of the form '<app>.<past_tense>'")
    subject_type, subject_id = e.subject_type, e.subject_id
    if e.subject is not None:
        subject_type = subject_type or e.subject._meta.label_lower
        subject_id = subject_id or e.subject.pk
    organisation_id, office_id = e.organisation_id, e.office_id
    if organisation_id is None and actor.organisation is not None:
        organisation_id = actor.organisation.pk
    if office_id is None:
        office = actor.office
        office_id = office.pk if office is not None else getattr(e.subject, "office_id", None)
    stream = stream_for(action=e.action, organisation_id=organisation_id, office_id=office_id)
    # Round-trip through JSON so the hashed form is exactly what the database returns.
    clean_data = _storable(
        json.loads(json.dumps(mask_mapping(e.data or {}), ensure_ascii=False, default=str))
    )
    return AuditEvent(
        stream=stream,
        occurred_at=now,
        actor=actor.user,
        actor_label=(e.actor_label or actor.label)[:150],
        on_behalf_of=actor.on_behalf_of,
        organisation_id=organisation_id,
        office_id=office_id,
        action=e.action,
        subject_type=subject_type[:60],
        subject_id=str(subject_id)[:64],
        data=clean_data,
    )


@dataclass(frozen=True)
class Break:
    """The first event of a stream that breaks its chain (``event_id`` None: the tail)."""

    stream: str
    seq: int
    event_id: int | None
    reason: str


@dataclass(frozen=True)
class VerifyResult:
    events_checked: int
    streams_checked: int
    first_break: Break | None

    @property
    def ok(self) -> bool:
        return self.first_break is None


def stream_names() -> list[str]:
    heads = set(AuditStreamHead.objects.values_list("stream", flat=True))
    events = set(AuditEvent.objects.values_list("stream", flat=True).distinct())
    return sorted(heads | events)


def verify(*, streams: Iterable[str] | None = None) -> VerifyResult:
    """Walk every stream (or the ones named) in order; name the first broken event."""
    names = stream_names()
    if streams is not None:
        wanted = set(streams)
        names = [s for s in names if s in wanted]
    checked = 0
    for name in names:
        count, found = _verify_stream(name)
        checked += count
        if found is not None:
            return VerifyResult(checked, len(names), found)
    return VerifyResult(checked, len(names), None)


def _verify_stream(name: str) -> tuple[int, Break | None]:
    """Check one stream; returns (events checked, first break or None)."""
    checked, last_seq, prev = 0, 0, GENESIS_HASH
    last_id: int | None = None
    floor = -1  # the first pass reads every event, a forged one numbered 0 included
    while True:
        events = (
            AuditEvent.objects.filter(stream=name, seq__gt=floor)
            .order_by("seq")
            .iterator(chunk_size=2000)
        )
        for event in events:
            checked += 1
            found = _check_link(name, event, expected_seq=last_seq + 1, prev_hash=prev)
            if found is not None:
                return checked, found
            last_seq, prev, last_id = event.seq, event.hash, event.pk
        floor = max(floor, last_seq)
        # Read the head only now: whatever we read above was committed with a head update.
        head = AuditStreamHead.objects.filter(stream=name).first()
        if head is None:
            return checked, Break(name, last_seq, last_id, "the stream has no head record")
        if head.seq == last_seq:
            if head.hash != prev:
                return checked, Break(
                    name, last_seq, last_id, "the last event does not match the stream head"
                )
            return checked, None
        if head.seq < last_seq:
            beyond = AuditEvent.objects.filter(stream=name, seq=head.seq + 1).first()
            return checked, Break(
                name,
                head.seq + 1,
                beyond.pk if beyond is not None else None,
                f"event is beyond the stream head (seq {head.seq}): inserted",
            )
        # The head is ahead: events written since we read, or a removed tail.
        if not AuditEvent.objects.filter(stream=name, seq__gt=last_seq).exists():
            return checked, Break(
                name,
                last_seq + 1,
                None,
                f"events {last_seq + 1}–{head.seq} were removed from the end of the stream",
            )


def _check_link(name: str, event: AuditEvent, *, expected_seq: int, prev_hash: str) -> Break | None:
    if event.seq < expected_seq:
        return Break(name, event.seq, event.pk, f"sequence number {event.seq} is out of order")
    if event.seq != expected_seq:
        missing = (
            f"event {expected_seq}"
            if event.seq == expected_seq + 1
            else f"events {expected_seq}–{event.seq - 1}"
        )
        return Break(name, event.seq, event.pk, f"{missing} missing before this one")
    if event.prev_hash != prev_hash:
        return Break(name, event.seq, event.pk, "previous hash does not match the event before")
    if compute_hash(event) != event.hash:
        return Break(name, event.seq, event.pk, "content does not match its hash")
    return None
