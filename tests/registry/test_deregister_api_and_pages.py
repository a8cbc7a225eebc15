"""注销登记 at the window (export, loss, court order): a clerk's page and API record it with
the reason; a citizen may not; another office's or party's vehicle is "not found"."""

from __future__ import annotations

from cheguan.audit.models import AuditEvent
from cheguan.core.roles import Role
from cheguan.registry.models import VehicleStatus
from tests import factories

JSON = "application/json"


def test_a_clerk_deregisters_an_exported_vehicle_over_the_api(client, db):
    owner = factories.person()
    car = factories.vehicle(owner=owner)
    client.force_login(factories.user(Role.CLERK))

    response = client.post(
        f"/api/registry/vehicles/{car.pk}/deregister",
        {"reason": "export", "note": "出口证明 2026-001"},
        content_type=JSON,
    )

    assert response.status_code == 200, response.json()
    car.refresh_from_db()
    assert car.status == VehicleStatus.DEREGISTERED
    event = AuditEvent.objects.get(action="registry.vehicle_deregistered")
    assert event.data["reason"] == "出口 (exported): 出口证明 2026-001"
    again = client.post(
        f"/api/registry/vehicles/{car.pk}/deregister", {"reason": "lost"}, content_type=JSON
    )
    assert (again.status_code, again.json()["code"]) == (409, "registry.already_deregistered")


def test_an_unknown_reason_is_a_422_not_a_500(client, db):
    car = factories.vehicle(owner=factories.person())
    client.force_login(factories.user(Role.CLERK))
    response = client.post(
        f"/api/registry/vehicles/{car.pk}/deregister", {"reason": "scrapped"}, content_type=JSON
    )
    assert response.status_code == 422
    car.refresh_from_db()
    assert car.status != VehicleStatus.DEREGISTERED


def test_the_owner_cannot_deregister_their_own_car(client, db):
    owner = factories.person()
    car = factories.vehicle(owner=owner)
    client.force_login(factories.user(Role.CITIZEN, person=owner))
    response = client.post(
        f"/api/registry/vehicles/{car.pk}/deregister", {"reason": "lost"}, content_type=JSON
    )
    assert response.status_code == 403
    assert client.get(f"/registry/vehicles/{car.pk}/deregister/").status_code == 403
    car.refresh_from_db()
    assert car.status != VehicleStatus.DEREGISTERED


def test_the_clerks_page_asks_the_reason_and_deregisters(client, db):
    car = factories.vehicle(owner=factories.person())
    client.force_login(factories.user(Role.CLERK))
    detail = client.get(f"/registry/vehicles/{car.pk}/").content.decode()
    assert f'href="/registry/vehicles/{car.pk}/deregister/"' in detail

    missing = client.post(f"/registry/vehicles/{car.pk}/deregister/", {"note": "x"})
    assert missing.status_code == 400
    assert 'data-field="reason"' in missing.content.decode()

    done = client.post(
        f"/registry/vehicles/{car.pk}/deregister/",
        {"reason": "court_order", "note": "(2026)浙0203执1号"},
    )
    assert done.status_code == 302
    car.refresh_from_db()
    assert car.status == VehicleStatus.DEREGISTERED
