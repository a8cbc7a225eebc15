"""Anchoring the audit streams outside the database (docs/adr/0010-audit-anchoring.md).

A stream's hash chain proves only that the stream agrees with itself. Someone who can
write to the database can delete a stream's last events and move its head back, recompute
a whole stream from a changed event, or delete a stream with its head, and every chain
still checks (ADR 0002). Anchoring closes that:

- ``anchor()`` (``cheguan audit anchor`` from cron, or the ``anchor_audit_streams`` task)
  writes one :class:`AuditAnchor` row listing every stream's head ``(stream, seq, hash)``,
  hashed together and chained to the anchor before. Once committed, the anchor's line —
  ``cheguan-audit-anchor seq=… at=… streams=… hash=…`` — is appended to
  ``CHEGUAN_AUDIT_ANCHOR_FILE`` and logged to ``cheguan.audit.anchor``, which the deploy
  guide ships off the machine. It refuses to anchor a state in which a stream went back.
- ``verify_anchors()`` (run by ``cheguan audit verify`` after the chains) checks the anchor
  rows against themselves and against the anchor file (or an off-box copy of the log: the
  line is found anywhere in a line), and every anchored stream against its latest
  anchored head: a stream behind it lost its tail, one whose event there no longer
  hashes to it was rewritten, one that is gone was deleted whole.

What happened after the last anchor is not covered: anchor often (the guide says hourly).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from cheguan.audit.models import AuditAnchor, AuditEvent, AuditStreamHead
from cheguan.audit.services import GENESIS_HASH, Break, canonical_bytes, compute_hash
from cheguan.core import clock

logger = logging.getLogger("cheguan.audit.anchor")

ANCHORS = "anchors"  # the "stream" named in a Break about the anchors themselves
ANCHOR_LINE = re.compile(
    r"cheguan-audit-anchor seq=(?P<seq>\d+) at=(?P<at>\S+) streams=(?P<streams>\d+) "
    r"hash=(?P<hash>[0-9a-f]{64})"
)


class AnchorRefused(Exception):
    """A stream went back since the last anchor: anchoring it would bless the tampering."""


# --- the anchor and its line -----------------------------------------------------------------


def anchor_fields(anchor: AuditAnchor) -> dict[str, Any]:
    return {
        "seq": anchor.seq,
        "created_at": anchor.created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "heads": anchor.heads,
        "prev_hash": anchor.prev_hash,
    }


def compute_anchor_hash(anchor: AuditAnchor) -> str:
    return hashlib.sha256(canonical_bytes(anchor_fields(anchor))).hexdigest()


def anchor_line(anchor: AuditAnchor) -> str:
    at = anchor.created_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return (
        f"cheguan-audit-anchor seq={anchor.seq} at={at} streams={len(anchor.heads)} "
        f"hash={anchor.hash}"
    )


def anchor_file() -> Path:
    return Path(settings.CHEGUAN_AUDIT_ANCHOR_FILE)


def current_heads() -> list[list[Any]]:
    return [
        [stream, seq, hash_]
        for stream, seq, hash_ in AuditStreamHead.objects.order_by("stream").values_list(
            "stream", "seq", "hash"
        )
    ]


def went_back(before: dict[str, tuple[int, str]], heads: list[list[Any]]) -> str | None:
    """How ``heads`` contradict heads anchored ``before`` (a head only ever moves on)."""
    now = {stream: (seq, hash_) for stream, seq, hash_ in heads}
    for stream, (seq, hash_) in sorted(before.items()):
        if stream not in now:
            return f"stream {stream} (anchored at event {seq}) is missing"
        later_seq, later_hash = now[stream]
        if later_seq < seq:
            return f"stream {stream} went back from event {seq} to event {later_seq}"
        if later_seq == seq and later_hash != hash_:
            return f"stream {stream} has a different event {seq}"
    return None


def _as_state(heads: list[list[Any]]) -> dict[str, tuple[int, str]]:
    return {stream: (seq, hash_) for stream, seq, hash_ in heads}


def anchor() -> AuditAnchor | None:
    """Anchor every stream's head now; None when nothing moved since the last anchor."""
    with transaction.atomic():
        last = AuditAnchor.objects.select_for_update().order_by("-seq").first()
        heads = current_heads()
        if last is not None:
            problem = went_back(_as_state(last.heads), heads)
            if problem is not None:
                logger.critical(
                    "REFUSED to anchor the audit trail: since anchor %d, %s. "
                    "Run `cheguan audit verify`.",
                    last.seq,
                    problem,
                )
                raise AnchorRefused(f"since anchor {last.seq}, {problem}")
            if last.heads == heads:
                return None
        new = AuditAnchor(
            seq=last.seq + 1 if last is not None else 1,
            created_at=clock.now(),
            heads=heads,
            prev_hash=last.hash if last is not None else GENESIS_HASH,
        )
        new.hash = compute_anchor_hash(new)
        new.save()
        transaction.on_commit(lambda: publish(new))
    return new


def publish(anchor: AuditAnchor) -> None:
    """The anchor's line, outside the database: the log first (it leaves the machine), then
    the anchor file, synced to disk."""
    line = anchor_line(anchor)
    logger.info(line)
    path = anchor_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as out:
            out.write(line + "\n")
            out.flush()
            os.fsync(out.fileno())
    except OSError as exc:
        logger.error("could not append anchor %d to %s: %s", anchor.seq, path, exc)


# --- verifying -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnchorResult:
    anchors_checked: int
    streams_checked: int
    anchor_file: Path
    latest: AuditAnchor | None
    first_break: Break | None

    @property
    def ok(self) -> bool:
        return self.first_break is None


def read_anchor_lines(path: Path) -> dict[int, set[str]] | None:
    """Anchor hashes by sequence number, from any text holding anchor lines (None: no file)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return None
    found: dict[int, set[str]] = {}
    for match in ANCHOR_LINE.finditer(text):
        found.setdefault(int(match["seq"]), set()).add(match["hash"])
    return found


def verify_anchors(
    *, streams: Iterable[str] | None = None, path: Path | None = None
) -> AnchorResult:
    """Check the anchors against the anchor file and the streams against the anchors."""
    path = path or anchor_file()
    state: dict[str, tuple[int, str, int]] = {}  # stream → (seq, hash, anchor seq)
    checked, latest = 0, None

    def result(found: Break | None, streams_checked: int = 0) -> AnchorResult:
        return AnchorResult(checked, streams_checked, path, latest, found)

    recorded = read_anchor_lines(path)
    if recorded is None:
        if AuditAnchor.objects.exists():
            return result(
                Break(ANCHORS, 0, None, f"the anchor file {path} is missing: nothing to check")
            )
        recorded = {}
    for seq, hashes in sorted(recorded.items()):
        if len(hashes) > 1:
            return result(Break(ANCHORS, seq, None, f"{path} holds two hashes for anchor {seq}"))

    prev_hash = GENESIS_HASH
    for row in AuditAnchor.objects.order_by("seq").iterator(chunk_size=100):
        checked += 1
        found = _check_anchor(row, expected_seq=checked, prev_hash=prev_hash, recorded=recorded)
        if found is None:
            before = {stream: (seq, hash_) for stream, (seq, hash_, _a) in state.items()}
            problem = went_back(before, row.heads)
            if problem is not None:
                found = Break(ANCHORS, row.seq, None, f"anchor {row.seq}: {problem}")
        if found is not None:
            return result(found)
        for stream, seq, hash_ in row.heads:
            state[stream] = (seq, hash_, row.seq)
        prev_hash, latest = row.hash, row
    beyond = sorted(seq for seq in recorded if seq > checked)
    if beyond:
        return result(
            Break(
                ANCHORS,
                beyond[0],
                None,
                f"anchors {beyond[0]}–{beyond[-1]} are in {path} but not in the database: "
                "they were deleted",
            )
        )

    wanted = set(streams) if streams is not None else None
    names = [s for s in sorted(state) if wanted is None or s in wanted]
    for name in names:
        seq, hash_, anchor_seq = state[name]
        found = _check_stream(name, seq=seq, hash_=hash_, anchor_seq=anchor_seq)
        if found is not None:
            return result(found, len(names))
    return result(None, len(names))


def _check_anchor(
    row: AuditAnchor, *, expected_seq: int, prev_hash: str, recorded: dict[int, set[str]]
) -> Break | None:
    seq = row.seq
    if seq != expected_seq:
        return Break(ANCHORS, expected_seq, None, f"anchor {expected_seq} is missing")
    if row.prev_hash != prev_hash:
        return Break(ANCHORS, seq, None, f"anchor {seq} does not follow the anchor before")
    if compute_anchor_hash(row) != row.hash:
        return Break(ANCHORS, seq, None, f"anchor {seq} does not match its hash: it was changed")
    if seq not in recorded:
        return Break(ANCHORS, seq, None, f"anchor {seq} is not in the anchor file")
    if row.hash not in recorded[seq]:
        return Break(
            ANCHORS,
            seq,
            None,
            f"anchor {seq} differs from the anchor file: the anchors in the database were "
            "rewritten",
        )
    return None


def _check_stream(name: str, *, seq: int, hash_: str, anchor_seq: int) -> Break | None:
    head = AuditStreamHead.objects.filter(stream=name).first()
    events = AuditEvent.objects.filter(stream=name)
    if head is None and not events.exists():
        return Break(
            name,
            seq,
            None,
            f"the stream is gone, but anchor {anchor_seq} recorded it at event {seq}: "
            "the whole stream was deleted",
        )
    end = head.seq if head is not None else max(events.values_list("seq", flat=True))
    if end < seq:
        return Break(
            name,
            end + 1,
            None,
            f"the stream ends at event {end}, but anchor {anchor_seq} recorded event {seq}: "
            f"events {end + 1}–{seq} were removed",
        )
    event = events.filter(seq=seq).first()
    if event is None:
        return Break(name, seq, None, f"event {seq}, recorded by anchor {anchor_seq}, is missing")
    if event.hash != hash_ or compute_hash(event) != hash_:
        return Break(
            name,
            seq,
            event.pk,
            f"event {seq} no longer matches anchor {anchor_seq}: the stream was rewritten",
        )
    return None
