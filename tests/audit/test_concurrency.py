"""Concurrent writers on PostgreSQL: one stream serialises on its head, others run freely."""

from __future__ import annotations

import threading
from collections import defaultdict

import pytest
from django.db import connection, transaction

from cheguan.audit import services as audit
from cheguan.audit.models import AuditEvent, AuditStreamHead
from cheguan.core.actor import Actor
from cheguan.core.roles import Role

THREADS, EVENTS_PER_THREAD = 20, 10


@pytest.mark.pg_only(reason="row locks on the stream head")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_every_stream_contiguous_and_verifiable(make):
    if connection.vendor != "postgresql":
        pytest.skip("row locks on the stream head are only exercised on PostgreSQL")
    clerk = make.user(Role.CLERK)
    partners = [make.user(Role.DEALER_AGENT) for _ in range(THREADS)]
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def write(partner) -> None:
        try:
            start.wait()
            for i in range(EVENTS_PER_THREAD):
                # Even events go to the shared office stream, odd ones to the partner's own.
                actor = Actor(user=clerk) if i % 2 == 0 else Actor(user=partner)
                with transaction.atomic():
                    audit.record(actor=actor, action="registry.tested", data={"i": i})
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    writing = threading.Event()
    verdicts: list[audit.VerifyResult] = []

    def verify_while_writing() -> None:
        """A verifier racing the writers must never report a break that isn't there."""
        try:
            while writing.is_set():
                verdicts.append(audit.verify())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(p,)) for p in partners]
    verifier = threading.Thread(target=verify_while_writing)
    writing.set()
    for t in threads:
        t.start()
    verifier.start()
    for t in threads:
        t.join(timeout=120)
    writing.clear()
    verifier.join(timeout=120)
    assert errors == []
    assert verdicts, "the verifier never ran"
    assert [v.first_break for v in verdicts if not v.ok] == []

    result = audit.verify()
    assert result.ok, result.first_break
    assert result.events_checked == THREADS * EVENTS_PER_THREAD
    assert result.streams_checked == THREADS + 1
    seqs: dict[str, list[int]] = defaultdict(list)
    for stream, seq in AuditEvent.objects.order_by("stream", "seq").values_list("stream", "seq"):
        seqs[stream].append(seq)
    shared = f"office:{clerk.office_id}:registry"
    assert seqs[shared] == list(range(1, THREADS * EVENTS_PER_THREAD // 2 + 1))
    for partner in partners:
        assert seqs[f"org:{partner.organisation_id}"] == [1, 2, 3, 4, 5]
    assert AuditStreamHead.objects.get(stream=shared).seq == THREADS * EVENTS_PER_THREAD // 2
