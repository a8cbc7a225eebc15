"""Service points act only while authorised for inspection marks; a deregistered vehicle's
valid marks are revoked (the registry's signal, received by the inspection app)."""

import datetime as dt

import pytest

from cheguan.audit.models import AuditEvent
from cheguan.cases.models import Case, Channel
from cheguan.core.actor import Actor
from cheguan.core.errors import PERMISSION_DENIED, DomainError
from cheguan.inspection import services, signing
from cheguan.inspection.models import InspectionMark
from cheguan.registry import services as registry
from cheguan.registry.models import VehicleStatus
from cheguan.registry.signals import vehicle_deregistered
from tests.helpers import pdf_upload

# --- service points ----------------------------------------------------------------------------


def test_an_authorised_service_point_applies_for_a_citizen_who_consents_at_its_counter(city):
    agent = city.service_point_agent()

    result = services.apply_for_mark(actor=city.at_counter(agent), vehicle=city.vehicle)

    assert result.case.channel == Channel.SERVICE_POINT
    assert (result.case.created_by, result.case.applicant_person) == (agent, city.person)
    assert result.mark is not None
    issued = AuditEvent.objects.get(action="inspection.mark_issued")
    assert (issued.actor_id, issued.on_behalf_of_id) == (agent.pk, city.person.pk)


def test_a_service_point_acting_for_nobody_cannot_reach_a_strangers_car(client, city):
    """The probe's hole: a service point issued a mark for any car of the office."""
    agent = city.service_point_agent()

    with pytest.raises(DomainError) as refused:
        services.apply_for_mark(actor=Actor(user=agent), vehicle=city.vehicle)
    client.force_login(agent)
    api = client.post(
        "/api/inspection/apply", {"vehicle_id": city.vehicle.pk}, content_type="application/json"
    )
    eligibility = client.get(f"/api/inspection/eligibility?vehicle_id={city.vehicle.pk}")
    by_plate = client.get(f"/api/inspection/eligibility?plate={city.vehicle.plate_number}")
    page = client.get(f"/inspection/vehicle/{city.vehicle.pk}/")

    assert refused.value.code == "core.not_found"
    assert [r.status_code for r in (api, eligibility, by_plate, page)] == [404, 404, 404, 404]
    assert city.vehicle.plate_number not in api.content.decode() + page.content.decode()
    assert Case.objects.count() == InspectionMark.objects.count() == 0


def test_a_service_point_acting_for_one_citizen_cannot_reach_anothers_car(city):
    agent = city.service_point_agent()
    stranger = city.make.person(name="周八")
    strangers_car = city.car(stranger)

    with pytest.raises(DomainError) as refused:
        services.apply_for_mark(actor=city.at_counter(agent), vehicle=strangers_car)

    assert refused.value.code == "core.not_found"
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    ("authorisation", "code"),
    [
        ({"status": "suspended"}, "partners.suspended"),
        ({"status": "revoked"}, "partners.revoked"),
        ({"status": "applied"}, "partners.not_in_force"),
        ({"services": ("plate_replacement",)}, "partners.service_not_authorised"),
        ({"authorised_until": dt.date(2026, 5, 10)}, "partners.not_in_force"),  # expired
        ({"authorised_from": dt.date(2026, 5, 12)}, "partners.not_in_force"),  # from tomorrow
    ],
)
def test_a_service_point_not_authorised_today_is_refused_and_nothing_is_written(
    city, authorisation, code
):
    agent = city.service_point_agent(**authorisation)
    acting = Actor(user=agent, on_behalf_of=city.person)  # as if the session were open

    with pytest.raises(DomainError) as refused:
        services.apply_for_mark(actor=acting, vehicle=city.vehicle)

    assert (refused.value.code, refused.value.status) == (code, 403)
    assert Case.objects.count() == 0
    assert InspectionMark.objects.count() == 0


def test_a_suspended_service_point_cannot_apply_with_proof_or_reissue_either(city):
    issued = services.apply_for_mark(actor=city.citizen, vehicle=city.vehicle)
    agent = city.service_point_agent(status="suspended")
    acting = Actor(user=agent, on_behalf_of=city.person)

    with pytest.raises(DomainError) as reissue:
        services.reissue_lost_mark(actor=acting, vehicle=city.vehicle)
    city.without_tax(other := city.car(city.person))
    with pytest.raises(DomainError) as proof:
        services.apply_with_proof(
            actor=acting, vehicle=other, documents={"vehicle_tax": pdf_upload()}
        )

    assert reissue.value.code == proof.value.code == "partners.suspended"
    assert InspectionMark.objects.get().pk == issued.mark.pk


def test_a_suspended_service_point_gets_the_stable_code_from_the_api(client, city):
    client.force_login(city.service_point_agent(status="suspended"))

    response = client.post(
        "/api/inspection/apply", {"vehicle_id": city.vehicle.pk}, content_type="application/json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "partners.suspended"


def test_the_demo_service_points_carry_the_inspection_mark_service():
    from cheguan.demo.data import SERVICE_POINT_SERVICES

    assert services.SERVICE_CODE in SERVICE_POINT_SERVICES


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
