"""Service points act only while authorised for inspection marks; a deregistered vehicle's
valid marks are revoked (the registry's signal, received by the inspection app)."""

import datetime as dt

import pytest

from cheguan.accounts.actor import Actor
from cheguan.audit.models import AuditEvent
from cheguan.cases.models import Case, Channel
from cheguan.core.errors import PERMISSION_DENIED, DomainError
from cheguan.inspection import errors, services, signing
from cheguan.inspection.models import InspectionMark
from cheguan.registry import services as registry
from cheguan.registry.models import VehicleStatus
from cheguan.registry.signals import vehicle_deregistered
from tests.inspection.conftest import pdf

# --- service points ----------------------------------------------------------------------------


def test_an_authorised_service_point_applies_for_its_customer(city):
    agent = city.service_point_agent()

    result = services.apply_for_mark(actor=Actor(user=agent), vehicle=city.vehicle)

    assert result.case.channel == Channel.SERVICE_POINT
    assert result.case.created_by == agent
    assert result.mark is not None


@pytest.mark.parametrize(
    "authorisation",
    [
        {"status": "suspended"},
        {"status": "revoked"},
        {"status": "applied"},
        {"services": ("plate_replacement",)},  # granted, but not for inspection marks
        {"authorised_until": dt.date(2026, 5, 10)},  # expired yesterday
        {"authorised_from": dt.date(2026, 5, 12)},  # starts tomorrow
    ],
)
def test_a_service_point_not_authorised_today_is_refused_and_nothing_is_written(
    city, authorisation
):
    agent = city.service_point_agent(**authorisation)

    with pytest.raises(DomainError) as refused:
        services.apply_for_mark(actor=Actor(user=agent), vehicle=city.vehicle)

    assert refused.value.error == errors.PARTNER_NOT_AUTHORISED
    assert refused.value.status == 403
    assert "not currently authorised" in refused.value.message_in("en")
    assert Case.objects.count() == 0
    assert InspectionMark.objects.count() == 0


def test_a_suspended_service_point_cannot_apply_with_proof_or_reissue_either(city):
    issued = services.apply_for_mark(actor=city.citizen, vehicle=city.vehicle)
    agent = Actor(user=city.service_point_agent(status="suspended"))

    with pytest.raises(DomainError) as reissue:
        services.reissue_lost_mark(actor=agent, vehicle=city.vehicle)
    city.without_tax(other := city.car(city.make.person(name="周八")))
    with pytest.raises(DomainError) as proof:
        services.apply_with_proof(actor=agent, vehicle=other, documents={"vehicle_tax": pdf()})

    assert reissue.value.error == errors.PARTNER_NOT_AUTHORISED
    assert proof.value.error == errors.PARTNER_NOT_AUTHORISED
    assert InspectionMark.objects.get().pk == issued.mark.pk


def test_a_suspended_service_point_gets_the_stable_code_from_the_api(client, city):
    client.force_login(city.service_point_agent(status="suspended"))

    response = client.post(
        "/api/inspection/apply", {"vehicle_id": city.vehicle.pk}, content_type="application/json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "inspection.partner_not_authorised"


def test_the_demo_service_points_carry_the_inspection_mark_service():
    from cheguan.demo.data import SERVICE_POINT_SERVICES

    assert services.PARTNER_SERVICE in SERVICE_POINT_SERVICES


# --- revocation on deregistration ---------------------------------------------------------------


def test_deregistering_revokes_the_valid_mark_and_the_verify_page_says_revoked(client, city):
    mark = services.apply_for_mark(actor=city.citizen, vehicle=city.vehicle).mark

    registry.deregister_vehicle(actor=city.clerk_actor, vehicle=city.vehicle, reason="已报废回收")

    mark.refresh_from_db()
    city.vehicle.refresh_from_db()
    page = client.get("/inspection/verify/?" + signing.verify_query(mark))
    assert city.vehicle.status == VehicleStatus.DEREGISTERED
    assert mark.revoked_at is not None
    assert "deregistered" in mark.revoked_reason
    revoked = AuditEvent.objects.get(action="inspection.mark_revoked")
    assert (revoked.actor_id, revoked.data["cause"]) == (city.clerk.pk, "vehicle_deregistered")
    assert AuditEvent.objects.filter(action="registry.vehicle_deregistered").count() == 1
    assert 'data-status="revoked"' in page.content.decode()


def test_expired_and_already_revoked_marks_are_left_as_they_are(city, clock):
    first = services.apply_for_mark(actor=city.citizen, vehicle=city.vehicle).mark
    current = services.reissue_lost_mark(actor=city.citizen, vehicle=city.vehicle)
    old = InspectionMark.objects.create(
        serial="330200OLD",
        vehicle=city.vehicle,
        plate_number=city.vehicle.plate_number,
        vehicle_type="K33",
        valid_until=dt.date(2024, 7, 1),
        office=city.office,
        issued_at=clock.now() - dt.timedelta(days=700),
    )
    first.refresh_from_db()
    reissued_at = first.revoked_at

    registry.deregister_vehicle(actor=city.clerk_actor, vehicle=city.vehicle, reason="车辆灭失")

    first.refresh_from_db()
    old.refresh_from_db()
    current.refresh_from_db()
    assert current.revoked_at is not None
    assert (first.revoked_at, first.revoked_reason) == (reissued_at, "reissued (lost or damaged)")
    assert old.revoked_at is None  # expired: the verify page already says so
    assert AuditEvent.objects.filter(action="inspection.mark_revoked").count() == 1


def test_deregistration_needs_a_clerk_a_reason_and_happens_once(city):
    services.apply_for_mark(actor=city.citizen, vehicle=city.vehicle)

    with pytest.raises(DomainError) as citizen:
        registry.deregister_vehicle(actor=city.citizen, vehicle=city.vehicle, reason="已报废回收")
    with pytest.raises(DomainError) as no_reason:
        registry.deregister_vehicle(actor=city.clerk_actor, vehicle=city.vehicle, reason=" ")
    registry.deregister_vehicle(actor=city.clerk_actor, vehicle=city.vehicle, reason="已报废回收")
    with pytest.raises(DomainError) as twice:
        registry.deregister_vehicle(
            actor=city.clerk_actor, vehicle=city.vehicle, reason="已报废回收"
        )

    assert citizen.value.error == PERMISSION_DENIED
    assert no_reason.value.error == registry.DEREGISTRATION_REASON_REQUIRED
    assert twice.value.error == registry.ALREADY_DEREGISTERED
    assert AuditEvent.objects.filter(action="inspection.mark_revoked").count() == 1


def test_a_receiver_that_fails_undoes_the_deregistration_and_the_revocation(city):
    mark = services.apply_for_mark(actor=city.citizen, vehicle=city.vehicle).mark

    def broken(sender, **kwargs):
        raise RuntimeError("another app failed")

    vehicle_deregistered.connect(broken, dispatch_uid="test.broken")
    try:
        with pytest.raises(RuntimeError):
            registry.deregister_vehicle(
                actor=city.clerk_actor, vehicle=city.vehicle, reason="已报废回收"
            )
    finally:
        vehicle_deregistered.disconnect(dispatch_uid="test.broken")

    mark.refresh_from_db()
    city.vehicle.refresh_from_db()
    assert city.vehicle.status == VehicleStatus.REGISTERED
    assert mark.revoked_at is None
    assert not AuditEvent.objects.filter(action="registry.vehicle_deregistered").exists()


def test_revoking_for_a_vehicle_still_registered_does_nothing(city):
    mark = services.apply_for_mark(actor=city.citizen, vehicle=city.vehicle).mark

    revoked = services.revoke_marks_of_deregistered(actor=city.clerk_actor, vehicle=city.vehicle)

    mark.refresh_from_db()
    assert revoked == []
    assert mark.revoked_at is None
