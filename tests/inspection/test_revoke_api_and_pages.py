"""Revoking a mark that should not count (issued on proof found false later), through the
API and the page: a clerk of the issuing office, with the reason in writing; the audit
event keeps it; refusals come with their codes; nobody else sees the mark."""

from __future__ import annotations

import pytest

from cheguan.audit.models import AuditEvent
from cheguan.inspection import services

REASON = "交强险保单经核实为伪造"


@pytest.fixture
def mark(city):
    return services.apply_for_mark(actor=city.citizen, vehicle=city.vehicle).mark


def test_a_clerk_of_the_office_revokes_a_mark_with_the_reason_over_the_api(client, city, mark):
    client.force_login(city.clerk)

    response = client.post(
        f"/api/inspection/marks/{mark.serial}/revoke",
        {"reason": REASON},
        content_type="application/json",
    )

    body = response.json()
    assert response.status_code == 200, body
    assert (body["serial"], body["revoked"]) == (mark.serial, True)
    mark.refresh_from_db()
    assert mark.revoked_reason == REASON
    event = AuditEvent.objects.get(action="inspection.mark_revoked")
    assert event.actor_id == city.clerk.pk
    assert event.data == {"serial": mark.serial, "reason": REASON}
    city.vehicle.refresh_from_db()
    assert city.vehicle.inspection_valid_until == mark.valid_until  # the register is left


def test_a_revocation_without_a_reason_is_refused_with_its_code(client, city, mark):
    client.force_login(city.clerk)

    response = client.post(
        f"/api/inspection/marks/{mark.serial}/revoke",
        {"reason": " 伪造 "},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == (
        "inspection.reason_required",
        "reason",
    )
    mark.refresh_from_db()
    assert mark.revoked_at is None


def test_a_mark_already_revoked_is_a_409(client, city, mark):
    services.revoke_mark(actor=city.clerk_actor, mark=mark, reason=REASON)
    client.force_login(city.clerk)

    response = client.post(
        f"/api/inspection/marks/{mark.serial}/revoke",
        {"reason": "再次撤销试试"},
        content_type="application/json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "inspection.already_revoked"
    assert AuditEvent.objects.filter(action="inspection.mark_revoked").count() == 1


def test_another_offices_mark_is_not_found_by_its_clerk(client, city, make, mark):
    elsewhere = make.office(code="330100", prefix="浙A", name="杭州市车管所")
    client.force_login(make.user("clerk", office=elsewhere))

    api = client.post(
        f"/api/inspection/marks/{mark.serial}/revoke",
        {"reason": REASON},
        content_type="application/json",
    )
    page = client.post(f"/inspection/mark/{mark.serial}/revoke/", {"reason": REASON})

    assert (api.status_code, page.status_code) == (404, 404)
    assert api.json()["code"] == "core.not_found"
    assert client.get(f"/inspection/mark/{mark.serial}/revoke/").status_code == 404
    mark.refresh_from_db()
    assert mark.revoked_at is None


def test_the_owner_sees_the_mark_but_may_not_revoke_it(client, city, mark):
    client.force_login(city.citizen_user)

    page = client.get(f"/inspection/mark/{mark.serial}/").content.decode()
    api = client.post(
        f"/api/inspection/marks/{mark.serial}/revoke",
        {"reason": REASON},
        content_type="application/json",
    )

    assert 'id="revoke-link"' not in page
    assert api.status_code == 403
    assert client.get(f"/inspection/mark/{mark.serial}/revoke/").status_code == 403
    mark.refresh_from_db()
    assert mark.revoked_at is None


def test_the_page_revokes_the_mark_and_its_page_then_says_so(client, city, mark):
    client.force_login(city.clerk)
    page = client.get(f"/inspection/mark/{mark.serial}/").content.decode()
    assert f'href="/inspection/mark/{mark.serial}/revoke/"' in page
    form = client.get(f"/inspection/mark/{mark.serial}/revoke/")
    assert form.status_code == 200 and 'name="reason"' in form.content.decode()

    short = client.post(f"/inspection/mark/{mark.serial}/revoke/", {"reason": "伪造"})
    assert short.status_code == 400
    assert 'id="reason-error"' in short.content.decode()

    response = client.post(f"/inspection/mark/{mark.serial}/revoke/", {"reason": REASON})

    assert response.status_code == 302
    assert response["Location"] == f"/inspection/mark/{mark.serial}/"
    mark.refresh_from_db()
    assert mark.revoked_reason == REASON
    after = client.get(f"/inspection/mark/{mark.serial}/").content.decode()
    assert 'id="revoke-link"' not in after
    again = client.post(f"/inspection/mark/{mark.serial}/revoke/", {"reason": REASON})
    assert again.status_code == 409
