"""The kernel alerts app: raising (one open alert per kind and subject, repeats counted),
the audit of an opening, and who may read them (a supervisor: their own office)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from cheguan.alerts import queries
from cheguan.alerts.models import Alert, AlertStatus, Severity
from cheguan.alerts.services import raise_alert, subject_of
from cheguan.audit.models import AuditEvent
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import DomainError
from cheguan.core.roles import Role

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 5, 11, 10, 0)


def raise_one(office, *, kind="plates.pool_low", subject="plates.pool:1", **facts):
    with transaction.atomic():
        return raise_alert(
            kind=kind,
            subject=subject,
            office_id=office.pk,
            facts=facts or {"free": 10},
            via="tests",
            subject_label="浙B 小型汽车号牌",
        )


def test_raising_opens_an_alert_and_records_its_opening(office):
    clock.set_now(NOW)

    alert = raise_one(office, free=10)

    assert (alert.kind, alert.subject, alert.status, alert.times) == (
        "plates.pool_low",
        "plates.pool:1",
        AlertStatus.OPEN,
        1,
    )
    assert alert.facts == {"free": 10}
    assert alert.raised_at == alert.last_raised_at == clock.now()
    event = AuditEvent.objects.get(action="alerts.raised")
    assert event.data["kind"] == "plates.pool_low"
    assert event.actor is None  # the system: not the trail of whoever triggered it


def test_raising_again_updates_the_open_alert_instead_of_piling_up(office):
    clock.set_now(NOW)
    first = raise_one(office, free=10)
    clock.advance(dt.timedelta(minutes=5))

    again = raise_one(office, free=3)

    assert again.pk == first.pk
    assert (again.times, again.facts, again.raised_at) == (2, {"free": 3}, first.raised_at)
    assert again.last_raised_at == clock.now()
    assert Alert.objects.count() == 1
    assert AuditEvent.objects.filter(action="alerts.raised").count() == 1
    # Another subject, or another kind, is another alert.
    raise_one(office, subject="plates.pool:2")
    raise_one(office, kind="plates.partner_draw_rate")
    assert Alert.objects.count() == 3


def test_once_closed_the_same_problem_opens_a_new_alert(office):
    first = raise_one(office)
    Alert.objects.filter(pk=first.pk).update(status=AlertStatus.CLOSED)

    second = raise_one(office)

    assert second.pk != first.pk and second.times == 1


@pytest.mark.django_db(transaction=True)
def test_it_must_run_inside_the_callers_transaction(office):
    with pytest.raises(RuntimeError):
        raise_alert(kind="k.x", subject="s:1", office_id=office.pk, facts={}, via="tests")


def test_a_subject_is_named_by_its_model_and_key(office):
    assert subject_of(office) == f"registry.office:{office.pk}"


def test_a_supervisor_reads_their_own_offices_alerts_only(make):
    here, there = make.office(), make.office(code="330100", prefix="浙A", name="杭州")
    mine = raise_one(here)
    raise_one(there, subject="plates.pool:9")
    supervisor = Actor(user=make.user(Role.SUPERVISOR, office=here))

    assert list(queries.alerts_for(supervisor)) == [mine]
    assert list(queries.alerts_for(supervisor, status=AlertStatus.CLOSED)) == []
    for role in (Role.CLERK, Role.DEALER_AGENT, Role.CITIZEN):
        with pytest.raises(DomainError) as e:
            queries.alerts_for(Actor(user=make.user(role)))
        assert e.value.code == "core.permission_denied"


def test_the_api_lists_a_supervisors_alerts(client, make):
    office = make.office()
    clock.set_now(NOW)
    raise_one(office, free=10)
    clock.advance(dt.timedelta(minutes=1))
    newer = raise_one(office, kind="plates.partner_draw_rate", subject="registry.organisation:4")
    client.force_login(make.user(Role.SUPERVISOR, office=office))

    body = client.get("/api/alerts").json()
    only = client.get("/api/alerts", {"kind": "plates.pool_low", "status": "open"}).json()

    assert body["count"] == 2
    assert body["items"][0]["id"] == newer.pk
    assert body["items"][1] | {"raised_at": None, "last_raised_at": None, "id": None} == {
        "id": None,
        "kind": "plates.pool_low",
        "subject": "plates.pool:1",
        "subject_label": "浙B 小型汽车号牌",
        "severity": Severity.WARNING,
        "facts": {"free": 10},
        "raised_via": "tests",
        "raised_at": None,
        "last_raised_at": None,
        "times": 1,
        "status": "open",
    }
    assert [a["kind"] for a in only["items"]] == ["plates.pool_low"]
    client.force_login(make.user(Role.CLERK, office=office))
    assert client.get("/api/alerts").status_code == 403
    assert client.get("/api/alerts", {"status": "nonsense"}).status_code == 422


def test_the_admin_lists_alerts_read_only(admin_client, office):
    raise_one(office)

    page = admin_client.get("/admin/alerts/alert/")

    assert page.status_code == 200
    assert "plates.pool_low" in page.content.decode()
    assert admin_client.get("/admin/alerts/alert/add/").status_code == 403


@pytest.mark.pg_only(reason="the partial unique index decides a real race")
@pytest.mark.django_db(transaction=True)
def test_concurrent_raisers_share_one_open_alert(office):
    import threading

    from django.db import connection

    start = threading.Barrier(8)
    failures: list[BaseException] = []

    def run(i: int) -> None:
        try:
            start.wait(timeout=30)
            raise_one(office, free=i)
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert failures == []
    alert = Alert.objects.get()
    assert alert.times == 8
    assert AuditEvent.objects.filter(action="alerts.raised").count() == 1
