"""Writing and verifying the audit trail.

``record()`` is called by every service, inside the service's own transaction, so the
event is committed with the change it records or not at all. It locks only the head row of
its stream (one stream per organisation for partner actions, one per office and app for the
rest), so writers in different streams never wait on each other.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Model

from cheguan.accounts.actor import Actor
from cheguan.audit.models import AuditEvent, AuditStreamHead
from cheguan.core import clock
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
) -> AuditEvent:
    """Append one event. Must run inside the caller's transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record() must run inside the service's transaction")
    if subject is not None:
        subject_type = subject_type or subject._meta.label_lower
        subject_id = subject_id or subject.pk
    if organisation_id is None and actor.organisation is not None:
        organisation_id = actor.organisation.pk
    if office_id is None:
        office = actor.office
        office_id = office.pk if office is not None else getattr(subject, "office_id", None)
    stream = stream_for(action=action, organisation_id=organisation_id, office_id=office_id)
    # Round-trip through JSON so the hashed form is exactly what the database returns.
    clean_data = json.loads(json.dumps(mask_mapping(data or {}), ensure_ascii=False, default=str))

    head, _created = AuditStreamHead.objects.select_for_update().get_or_create(
        stream=stream, defaults={"seq": 0, "hash": GENESIS_HASH}
    )
    event = AuditEvent(
        stream=stream,
        seq=head.seq + 1,
        occurred_at=clock.now(),
        actor=actor.user,
        actor_label=actor.label[:150],
        on_behalf_of=actor.on_behalf_of,
        organisation_id=organisation_id,
        office_id=office_id,
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        data=clean_data,
        prev_hash=head.hash,
    )
    event.hash = compute_hash(event)
    event.save()
    AuditStreamHead.objects.filter(stream=stream).update(seq=event.seq, hash=event.hash)
    return event


@dataclass(frozen=True)
class Break:
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


def verify(*, streams: list[str] | None = None) -> VerifyResult:
    """Walk every stream in order; name the first event that breaks its chain."""
    with transaction.atomic():
        heads = {h.stream: h for h in AuditStreamHead.objects.all()}
        event_streams = set(AuditEvent.objects.values_list("stream", flat=True).distinct())
        names = sorted(set(heads) | event_streams)
        if streams is not None:
            names = [s for s in names if s in set(streams)]
        checked = 0
        for name in names:
            expected_seq, prev = 1, GENESIS_HASH
            last: AuditEvent | None = None
            for event in (
                AuditEvent.objects.filter(stream=name).order_by("seq").iterator(chunk_size=2000)
            ):
                checked += 1
                if event.seq != expected_seq:
                    reason = (
                        "missing event before this one"
                        if event.seq > expected_seq
                        else "sequence out of order"
                    )
                    return VerifyResult(
                        checked, len(names), Break(name, expected_seq, event.pk, reason)
                    )
                if event.prev_hash != prev:
                    return VerifyResult(
                        checked,
                        len(names),
                        Break(name, event.seq, event.pk, "previous hash does not match"),
                    )
                if compute_hash(event) != event.hash:
                    return VerifyResult(
                        checked,
                        len(names),
                        Break(name, event.seq, event.pk, "content does not match its hash"),
                    )
                prev, expected_seq, last = event.hash, expected_seq + 1, event
            head = heads.get(name)
            last_seq = last.seq if last else 0
            if head is None:
                return VerifyResult(
                    checked,
                    len(names),
                    Break(name, last_seq, last.pk if last else None, "stream has no head"),
                )
            if head.seq != last_seq or head.hash != (last.hash if last else GENESIS_HASH):
                return VerifyResult(
                    checked,
                    len(names),
                    Break(name, last_seq + 1, None, "events after this point were removed"),
                )
        return VerifyResult(checked, len(names), None)
