"""Anchoring (docs/adr/0010-audit-anchoring.md): the three tamperings that a hash chain
cannot see (ADR 0002) go unnoticed without anchors and are found once the heads were
anchored; the anchors themselves are checked against the anchor file kept outside.

The attacker here can write anything in the database (raw ORM updates and deletes, which
skip the models' append-only guards), but not the anchor file or its off-box copy.
"""

from __future__ import annotations

import datetime as dt
import logging
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from cheguan.audit import anchoring
from cheguan.audit import services as audit
from cheguan.audit.models import AuditAnchor, AuditEvent, AuditStreamHead
from cheguan.audit.services import GENESIS_HASH, compute_hash
from cheguan.core.actor import Actor
from cheguan.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def streams(make, clock):
    """Three streams: the office's registry (4 events), its accounts (2), a dealer's (3)."""
    clock.set_now(dt.datetime(2026, 5, 11, 9, 0))
    clerk = Actor(user=make.user(Role.CLERK))
    dealer = Actor(user=make.user(Role.DEALER_AGENT))
    plan = [(clerk, "registry.tested")] * 4 + [(clerk, "accounts.tested")] * 2
    plan += [(dealer, "registry.tested")] * 3
    events = []
    with transaction.atomic():
        for n, (actor, action) in enumerate(plan):
            events.append(audit.record(actor=actor, action=action, data={"n": n}))
    names = sorted({e.stream for e in events})
    registry = next(n for n in names if n.endswith(":registry"))
    return {"registry": registry, "all": names, "events": events, "clerk": clerk}


@pytest.fixture
def anchor_now(django_capture_on_commit_callbacks):
    """Anchor as cron would: committed, so the line reaches the file and the log."""

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            return anchoring.anchor()

    return run


# --- the attacker's three moves -------------------------------------------------------------


def delete_tail_and_rewind_head(stream: str, keep: int = 2) -> None:
    AuditEvent.objects.filter(stream=stream, seq__gt=keep).delete()
    last = AuditEvent.objects.get(stream=stream, seq=keep)
    AuditStreamHead.objects.filter(stream=stream).update(seq=keep, hash=last.hash)


def recompute_whole_stream(stream: str) -> None:
    """Change the first event, then re-hash every event after it and the head."""
    prev = GENESIS_HASH
    for event in AuditEvent.objects.filter(stream=stream).order_by("seq"):
        if event.seq == 1:
            event.data = {"n": "forged"}
        event.prev_hash = prev
        event.hash = compute_hash(event)
        AuditEvent.objects.filter(pk=event.pk).update(
            data=event.data, prev_hash=event.prev_hash, hash=event.hash
        )
        prev = event.hash
    AuditStreamHead.objects.filter(stream=stream).update(hash=prev)


def delete_whole_stream(stream: str) -> None:
    AuditEvent.objects.filter(stream=stream).delete()
    AuditStreamHead.objects.filter(stream=stream).delete()


TAMPERINGS = {
    "tail deleted, head rewound": (delete_tail_and_rewind_head, 3, "events 3–4 were removed"),
    "whole stream recomputed": (
        recompute_whole_stream,
        4,
        "event 4 no longer matches anchor 1: the stream was rewritten",
    ),
    "whole stream deleted": (
        delete_whole_stream,
        4,
        "the stream is gone, but anchor 1 recorded it at event 4: the whole stream was deleted",
    ),
}


@pytest.mark.parametrize("name", TAMPERINGS)
def test_without_anchors_the_three_tamperings_go_unnoticed(streams, name):
    """ADR 0002's gap, kept as a test: the chains alone verify after each of these."""
    tamper, _seq, _reason = TAMPERINGS[name]
    tamper(streams["registry"])

    assert audit.verify().ok
    assert anchoring.verify_anchors().ok  # no anchor yet: nothing to hold the stream to


@pytest.mark.parametrize("name", TAMPERINGS)
def test_once_anchored_each_tampering_is_found_at_its_stream(streams, anchor_now, name):
    tamper, seq, reason = TAMPERINGS[name]
    anchor_now()
    tamper(streams["registry"])

    assert audit.verify().ok  # the chain still agrees with itself
    found = anchoring.verify_anchors().first_break
    assert found is not None, "tampering went unnoticed"
    assert (found.stream, found.seq) == (streams["registry"], seq)
    assert reason in found.reason


@pytest.mark.parametrize("name", TAMPERINGS)
def test_the_verify_command_reports_it_and_exits_1(streams, anchor_now, name):
    tamper, seq, reason = TAMPERINGS[name]
    anchor_now()
    tamper(streams["registry"])
    out, err = StringIO(), StringIO()

    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "verify", stdout=out, stderr=err)

    assert exit_info.value.code == 1
    assert err.getvalue().startswith(f"BROKEN stream={streams['registry']} seq={seq} ")
    assert reason in err.getvalue()


def test_a_tampering_after_the_last_anchor_is_not_covered(streams, anchor_now):
    """The window anchoring leaves: events written after the last anchor (deploy.md: hourly)."""
    anchor_now()
    with transaction.atomic():
        for _ in range(2):
            audit.record(actor=streams["clerk"], action="registry.tested")

    delete_tail_and_rewind_head(streams["registry"], keep=4)

    assert anchoring.verify_anchors().ok


# --- making anchors ------------------------------------------------------------------------


def test_an_anchor_lists_every_head_and_goes_to_the_file_and_the_log(
    streams, anchor_now, settings, caplog
):
    with caplog.at_level(logging.INFO, logger="cheguan.audit.anchor"):
        made = anchor_now()

    heads = AuditStreamHead.objects.order_by("stream")
    assert made.heads == [[h.stream, h.seq, h.hash] for h in heads]
    assert [h[0] for h in made.heads] == streams["all"]
    assert (made.seq, made.prev_hash) == (1, GENESIS_HASH)
    assert made.hash == anchoring.compute_anchor_hash(made)
    line = anchoring.anchor_line(made)
    assert line == (
        f"cheguan-audit-anchor seq=1 at=2026-05-11T01:00:00.000000Z streams=3 hash={made.hash}"
    )
    assert settings.CHEGUAN_AUDIT_ANCHOR_FILE.read_text() == line + "\n"
    assert [r.getMessage() for r in caplog.records if r.name == "cheguan.audit.anchor"] == [line]


def test_anchors_chain_and_an_unchanged_trail_is_not_anchored_again(streams, anchor_now):
    first = anchor_now()
    assert anchor_now() is None
    with transaction.atomic():
        audit.record(actor=streams["clerk"], action="registry.tested")

    second = anchor_now()

    assert (second.seq, second.prev_hash) == (2, first.hash)
    assert AuditAnchor.objects.count() == 2
    assert anchoring.verify_anchors().ok


def test_anchoring_refuses_when_a_stream_went_back(streams, anchor_now, settings, caplog):
    anchor_now()
    delete_tail_and_rewind_head(streams["registry"])

    with (
        caplog.at_level(logging.INFO, logger="cheguan.audit.anchor"),
        pytest.raises(anchoring.AnchorRefused, match="went back from event 4 to event 2"),
    ):
        anchor_now()

    assert AuditAnchor.objects.count() == 1
    assert settings.CHEGUAN_AUDIT_ANCHOR_FILE.read_text().count("\n") == 1
    assert caplog.records[-1].levelno == logging.CRITICAL


def test_the_anchor_task_and_command(streams, django_capture_on_commit_callbacks, settings):
    from cheguan.audit.tasks import anchor_audit_streams

    with django_capture_on_commit_callbacks(execute=True):
        result = anchor_audit_streams.enqueue()
    assert result.return_value == 1

    with transaction.atomic():
        audit.record(actor=streams["clerk"], action="registry.tested")
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("audit", "anchor", stdout=out)
    assert out.getvalue().startswith("cheguan-audit-anchor seq=2 ")
    assert settings.CHEGUAN_AUDIT_ANCHOR_FILE.read_text().count("\n") == 2


def test_the_anchor_command_refuses_with_exit_1(streams, anchor_now):
    anchor_now()
    delete_whole_stream(streams["registry"])
    err = StringIO()

    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "anchor", stderr=err)

    assert exit_info.value.code == 1
    assert f"stream {streams['registry']} (anchored at event 4) is missing" in err.getvalue()


# --- the anchors against the file outside ----------------------------------------------------


def test_rewriting_the_anchors_to_match_a_rewritten_stream_differs_from_the_file(
    streams, anchor_now
):
    """The attacker recomputes the stream and the anchor row too: the file still differs."""
    anchor = anchor_now()
    recompute_whole_stream(streams["registry"])
    head = AuditStreamHead.objects.get(stream=streams["registry"])
    anchor.heads = [[s, q, head.hash if s == head.stream else h] for s, q, h in anchor.heads]
    anchor.hash = anchoring.compute_anchor_hash(anchor)
    AuditAnchor.objects.filter(pk=anchor.pk).update(heads=anchor.heads, hash=anchor.hash)

    found = anchoring.verify_anchors().first_break

    assert (found.stream, found.seq) == ("anchors", 1)
    assert "anchor 1 differs from the anchor file" in found.reason


def test_an_anchor_row_changed_in_place_no_longer_matches_its_hash(streams, anchor_now):
    anchor = anchor_now()
    AuditAnchor.objects.filter(pk=anchor.pk).update(heads=anchor.heads[1:])

    found = anchoring.verify_anchors().first_break

    assert found.reason == "anchor 1 does not match its hash: it was changed"


def test_deleted_anchor_rows_are_found_from_the_file(streams, anchor_now):
    anchor_now()
    with transaction.atomic():
        audit.record(actor=streams["clerk"], action="registry.tested")
    anchor_now()
    AuditAnchor.objects.all().delete()

    found = anchoring.verify_anchors().first_break

    assert (found.stream, found.seq) == ("anchors", 1)
    assert "anchors 1–2 are in" in found.reason and "were deleted" in found.reason


def test_an_anchor_missing_from_the_file_or_a_missing_file_is_reported(
    streams, anchor_now, settings
):
    anchor_now()
    settings.CHEGUAN_AUDIT_ANCHOR_FILE.write_text("")
    assert anchoring.verify_anchors().first_break.reason == ("anchor 1 is not in the anchor file")

    settings.CHEGUAN_AUDIT_ANCHOR_FILE.unlink()
    assert "is missing: nothing to check" in anchoring.verify_anchors().first_break.reason


def test_verify_reads_an_off_box_copy_of_the_anchor_log(streams, anchor_now, settings, tmp_path):
    """Lines as syslog or journald forward them, with their own prefixes."""
    made = anchor_now()
    copy = tmp_path / "remote-syslog.log"
    copy.write_text(
        "Dec  6 10:00:01 web1 systemd[1]: Started cheguan.\n"
        f"Dec  6 10:00:02 web1 cheguan[812]: 2026-05-11 09:00:00,000 INFO "
        f"cheguan.audit.anchor {anchoring.anchor_line(made)}\n"
    )
    settings.CHEGUAN_AUDIT_ANCHOR_FILE.unlink()  # the attacker removed the local file
    out = StringIO()

    call_command("audit", "verify", "--anchor-file", str(copy), stdout=out)

    assert f"checked 1 anchors against {copy}; 3 streams against their anchored heads" in (
        out.getvalue()
    )
    assert "audit trail intact" in out.getvalue()


def test_verify_without_anchors_says_so(streams):
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "no anchors yet: run `cheguan audit anchor` from cron" in out.getvalue()
    assert "audit trail intact" in out.getvalue()
