import datetime as dt

import pytest

from cheguan.audit.models import AuditEvent
from cheguan.cases.models import Case, CaseStatus, Channel
from cheguan.core.errors import NOT_FOUND, DomainError
from cheguan.inspection import errors, services
from cheguan.inspection.models import InspectionMark, InspectionReminder
from cheguan.inspection.queries import due_list, eligibility_of
from cheguan.registry.models import Accident, Encumbrance, ModificationPenalty


def test_an_eligible_citizen_gets_the_mark_at_once_and_the_validity_moves_on(city):
    result = services.apply_for_mark(actor=city.citizen, vehicle=city.vehicle)

    city.vehicle.refresh_from_db()
    assert result.created is True
    assert result.case.status == CaseStatus.COMPLETED
    assert result.case.channel == Channel.ONLINE
    assert result.mark.valid_until == dt.date(2028, 7, 1)
    assert result.mark.exempt is True
    assert result.mark.plate_number == city.vehicle.plate_number
    assert city.vehicle.inspection_valid_until == dt.date(2028, 7, 1)
    assert AuditEvent.objects.filter(action="inspection.mark_issued").count() == 1


def test_applying_again_for_the_same_period_returns_the_same_mark(city):
    first = services.apply_for_mark(actor=city.citizen, vehicle=city.vehicle)

    second = services.apply_for_mark(actor=city.citizen, vehicle=city.vehicle)

    assert second.created is False
    assert second.mark.pk == first.mark.pk
    assert second.case.pk == first.case.pk
    assert InspectionMark.objects.count() == 1
    assert Case.objects.count() == 1


def test_a_clerk_in_an_assisted_session_applies_for_the_citizen(city):
    result = services.apply_for_mark(actor=city.assisted(), vehicle=city.vehicle)

    assert result.case.channel == Channel.ASSISTED
    assert result.case.assisted_by == city.clerk
    assert result.case.applicant_person == city.person


def test_a_clerk_at_the_window_and_a_service_point_agent_apply(city, make):
    li = make.person(name="李四")
    other = city.car(li)
    window = services.apply_for_mark(actor=city.clerk_actor, vehicle=city.vehicle)
    agent = city.service_point_agent()

    point = services.apply_for_mark(actor=city.at_counter(agent, li), vehicle=other)

    assert window.case.channel == Channel.WINDOW
    assert point.case.channel == Channel.SERVICE_POINT


def test_every_reason_is_in_the_refusal_and_nothing_is_written(city):
    city.violation(city.vehicle, 2)
    ModificationPenalty.objects.create(
        vehicle=city.vehicle, decided_on=dt.date(2025, 1, 1), description="加装"
    )

    with pytest.raises(DomainError) as refused:
        services.apply_for_mark(actor=city.citizen, vehicle=city.vehicle)

    assert refused.value.error == errors.NOT_ELIGIBLE
    assert "2 unprocessed violation(s)" in refused.value.message_in("en")
    assert "illegal modification" in refused.value.message_in("en")
    assert Case.objects.count() == 0
    assert InspectionMark.objects.count() == 0


def test_someone_elses_vehicle_is_not_found(city, make):
    stranger = city.car(make.person(name="张三"))

    with pytest.raises(DomainError) as refused:
        services.apply_for_mark(actor=city.citizen, vehicle=stranger)

    assert refused.value.error == NOT_FOUND


def test_records_are_counted_from_the_database(city):
    city.violation(city.vehicle, 2)
    Accident.objects.create(vehicle=city.vehicle, occurred_on=dt.date(2025, 1, 1), settled=True)
    Accident.objects.create(
        vehicle=city.vehicle, occurred_on=dt.date(2025, 2, 1), with_casualties=True
    )
    Encumbrance.objects.create(
        vehicle=city.vehicle, kind="seizure", authority="法院", started_on=dt.date(2026, 1, 1)
    )

    result = eligibility_of(city.vehicle, on=dt.date(2026, 5, 11))

    assert result.codes == [
        "inspection.open_seizure",
        "inspection.casualty_accident",
        "inspection.unprocessed_violations",
        "inspection.unsettled_accidents",
    ]


def test_a_lost_mark_is_reissued_with_the_same_validity_and_the_old_one_revoked(city):
    first = services.apply_for_mark(actor=city.citizen, vehicle=city.vehicle).mark

    new = services.reissue_lost_mark(actor=city.citizen, vehicle=city.vehicle)

    first.refresh_from_db()
    assert new.valid_until == first.valid_until
    assert new.reissue_of == first
    assert first.revoked_at is not None
    assert new.serial != first.serial


def test_revoking_is_audited_and_needs_a_reason(city):
    mark = services.apply_for_mark(actor=city.citizen, vehicle=city.vehicle).mark
    with pytest.raises(DomainError) as short:
        services.revoke_mark(actor=city.clerk_actor, mark=mark, reason="x")

    services.revoke_mark(actor=city.clerk_actor, mark=mark, reason="车辆已注销登记")

    mark.refresh_from_db()
    assert short.value.error == errors.REASON_REQUIRED
    assert mark.revoked_reason == "车辆已注销登记"
    assert AuditEvent.objects.filter(action="inspection.mark_revoked").count() == 1


def test_reminders_go_out_once_per_band(city, make, clock):
    city.car(make.person(name="赵六"), inspection_valid_until=dt.date(2026, 5, 15))

    first = services.send_expiry_reminders()
    again = services.send_expiry_reminders()

    assert first == 2  # the 90-day band (due 2026-07-01) and the 7-day band (due 2026-05-15)
    assert again == 0
    assert sorted(InspectionReminder.objects.values_list("days_before", flat=True)) == [7, 90]


def test_the_due_list_gives_every_vehicle_coming_due_with_its_reasons(city, make):
    late = city.car(make.person(name="钱七"), inspection_valid_until=dt.date(2026, 12, 1))
    city.violation(city.vehicle, 1)

    rows = [(v.pk, r.codes) for v, r in due_list(on=dt.date(2026, 5, 11), within_days=90)]

    assert rows == [(city.vehicle.pk, ["inspection.unprocessed_violations"])]
    assert late.pk not in [pk for pk, _ in rows]
