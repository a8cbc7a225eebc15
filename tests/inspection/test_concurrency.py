"""Duplicate applications at the same moment (PostgreSQL, real threads, each with its own
connection): one case and one mark; every caller gets that case back, never an error."""

from __future__ import annotations

import datetime as dt
import json
import threading
import urllib.error
import urllib.request
import uuid

import pytest
from django.db import connection

from cheguan.accounts import services as accounts
from cheguan.audit.models import AuditEvent
from cheguan.cases.models import Case, CaseDocument, CaseStatus
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import DomainError
from cheguan.inspection import errors, services
from cheguan.inspection.models import InspectionMark
from cheguan.registry.models import Vehicle
from tests.helpers import pdf_upload

THREADS = 10
pytestmark = [pytest.mark.pg_only(reason="row locks"), pytest.mark.django_db(transaction=True)]


def _race(work) -> tuple[list, list[BaseException]]:
    """Run ``work()`` in THREADS threads released together; each closes its connection."""
    start = threading.Barrier(THREADS)
    results: list = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            start.wait()
            outcome = work()
            with lock:
                results.append(outcome)
        except BaseException as exc:  # reported by the main thread
            with lock:
                failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results, failures


def _fresh_vehicle(city) -> Vehicle:
    return Vehicle.objects.get(pk=city.vehicle.pk)  # each thread its own instance


def test_ten_simultaneous_applications_make_one_case_and_one_mark(city):
    results, failures = _race(
        lambda: services.apply_for_mark(actor=city.citizen, vehicle=_fresh_vehicle(city))
    )

    assert failures == []
    assert len(results) == THREADS
    assert len({r.case.pk for r in results}) == 1
    assert len({r.mark.pk for r in results}) == 1
    assert sorted(r.created for r in results) == [False] * (THREADS - 1) + [True]
    assert Case.objects.count() == 1
    assert InspectionMark.objects.count() == 1
    assert AuditEvent.objects.filter(action="inspection.mark_issued").count() == 1
    city.vehicle.refresh_from_db()
    assert city.vehicle.inspection_valid_until == dt.date(2028, 7, 1)  # moved on once


def test_ten_simultaneous_uploads_of_proof_make_one_case_with_one_document(city):
    city.without_tax()
    results, failures = _race(
        lambda: services.apply_with_proof(
            actor=city.citizen,
            vehicle=_fresh_vehicle(city),
            documents={"vehicle_tax": pdf_upload()},
        )
    )

    assert failures == []
    assert len({r.case.pk for r in results}) == 1
    assert [r.mark for r in results] == [None] * THREADS
    assert sum(r.created for r in results) == 1
    assert Case.objects.get().status == CaseStatus.ACCEPTED
    assert CaseDocument.objects.filter(requirement__code="vehicle_tax").count() == 1


def test_plain_applications_racing_one_with_proof_get_the_case_or_a_clear_answer(city):
    city.without_tax()
    turn = iter(range(THREADS))
    turn_lock = threading.Lock()

    def work():
        with turn_lock:
            n = next(turn)
        vehicle = _fresh_vehicle(city)
        if n == 0:
            return services.apply_with_proof(
                actor=city.citizen, vehicle=vehicle, documents={"vehicle_tax": pdf_upload()}
            )
        try:
            return services.apply_for_mark(actor=city.citizen, vehicle=vehicle)
        except DomainError as e:  # ran before the proof was in: told to upload it
            return e.error

    results, failures = _race(work)

    case = Case.objects.get()
    assert failures == []
    for outcome in results:
        assert outcome == errors.PROOF_NEEDED or outcome.case.pk == case.pk
    assert InspectionMark.objects.count() == 0


def test_ten_simultaneous_api_calls_from_a_service_point_all_answer_201_with_one_case(
    city, live_server
):
    clock.set_now(dt.datetime(2026, 5, 11, 10, 0))  # the live server shares this clock
    agent = city.service_point_agent()
    _token, secret = accounts.create_api_token(actor=Actor(user=agent), name="race")
    session = city.at_counter(agent).assisted_session_id  # the owner consents at the counter
    body = json.dumps({"vehicle_id": city.vehicle.pk}).encode()

    def send():
        request = urllib.request.Request(  # noqa: S310 (our live server, http)
            live_server.url + "/api/inspection/apply",
            data=body,
            method="POST",
            headers={
                "Authorization": f"Bearer {secret}",
                "X-Assisted-Session": str(session),
                "Content-Type": "application/json",
                "Idempotency-Key": uuid.uuid4().hex,  # distinct calls, not replays
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as r:  # noqa: S310 (live server)
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())

    results, failures = _race(send)

    assert failures == []
    assert sorted(status for status, _ in results) == [201] * THREADS, results
    assert len({body["case_number"] for _, body in results}) == 1
    assert len({body["mark"]["serial"] for _, body in results}) == 1
    assert sum(body["created"] for _, body in results) == 1
    assert Case.objects.get().channel == "service_point"
    assert InspectionMark.objects.count() == 1


def test_an_application_locks_its_vehicle_not_the_office(city):
    """While one application holds its vehicle, another transaction can still take the key
    share lock a foreign key to the office takes at commit (a case, an audit event):
    locking the office row too made concurrent writes deadlock under load."""
    from django.db import transaction

    from cheguan.inspection.services.marks import lock_for_application

    held, done = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                lock_for_application(city.citizen, _fresh_vehicle(city))
                held.set()
                done.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(timeout=30)
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(
                "SELECT 1 FROM registry_office WHERE id = %s FOR KEY SHARE NOWAIT",
                [city.vehicle.office_id],
            )  # raises "could not obtain lock" if the application locked the office row
            cur.execute(
                "SELECT 1 FROM registry_vehicle WHERE id = %s FOR KEY SHARE SKIP LOCKED",
                [city.vehicle.pk],
            )
            assert cur.fetchall() == []  # the vehicle itself is locked
    finally:
        done.set()
        holder.join(timeout=30)
