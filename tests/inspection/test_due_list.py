"""The due-list's one set-based statement must reach the same answer as the per-vehicle
query the application and the API use (two ways to read the same records)."""

import datetime as dt

from cheguan.inspection.queries import due_list, eligibility_of
from cheguan.registry.models import (
    Accident,
    Encumbrance,
    InsurancePolicy,
    ModificationPenalty,
    Vehicle,
    VehicleTax,
)

TODAY = dt.date(2026, 5, 11)


def test_the_due_list_agrees_with_the_single_vehicle_rules_for_every_kind_of_record(city, make):
    owner = make.person(name="孙八")
    cars = {
        name: city.car(owner)
        for name in (
            "clean",
            "violations",
            "unsettled",
            "casualty",
            "modified",
            "seized",
            "uninsured",
            "insurance_ended",
            "untaxed",
            "exempt_tax",
            "old_tax_only",
            "future_insurance",
        )
    }
    city.violation(cars["violations"], 2)
    Accident.objects.create(
        vehicle=cars["unsettled"], occurred_on=TODAY, settled=False, with_casualties=False
    )
    Accident.objects.create(
        vehicle=cars["casualty"], occurred_on=TODAY, settled=True, with_casualties=True
    )
    Accident.objects.create(
        vehicle=cars["casualty"], occurred_on=TODAY, settled=True, with_casualties=True
    )
    ModificationPenalty.objects.create(vehicle=cars["modified"], decided_on=TODAY)
    Encumbrance.objects.create(
        vehicle=cars["seized"], kind="seizure", authority="法院", started_on=TODAY
    )
    Encumbrance.objects.create(
        vehicle=cars["seized"],
        kind="seizure",
        authority="法院",
        started_on=TODAY,
        released_on=TODAY,
    )
    InsurancePolicy.objects.filter(vehicle=cars["uninsured"]).delete()
    InsurancePolicy.objects.filter(vehicle=cars["insurance_ended"]).update(
        valid_until=TODAY - dt.timedelta(days=1)
    )
    InsurancePolicy.objects.create(
        vehicle=cars["future_insurance"],
        policy_number="F1",
        valid_from=TODAY + dt.timedelta(days=1),
        valid_until=TODAY + dt.timedelta(days=400),
    )
    VehicleTax.objects.filter(vehicle=cars["untaxed"]).delete()
    VehicleTax.objects.filter(vehicle=cars["exempt_tax"]).update(status="exempt")
    VehicleTax.objects.filter(vehicle=cars["old_tax_only"]).update(year=2025)
    gone = city.car(owner, status="deregistered")
    far = city.car(owner, inspection_valid_until=TODAY + dt.timedelta(days=200))

    listed = {v.pk: r for v, r in due_list(on=TODAY, within_days=90)}

    assert gone.pk not in listed and far.pk not in listed
    for name, car in cars.items():
        expected = eligibility_of(Vehicle.objects.get(pk=car.pk), on=TODAY)
        assert listed[car.pk] == expected, name
    assert listed[cars["violations"].pk].codes == ["inspection.unprocessed_violations"]
    assert "inspection.casualty_accident" in listed[cars["casualty"].pk].codes
    assert "inspection.open_seizure" in listed[cars["seized"].pk].codes
    assert listed[cars["exempt_tax"].pk].may_issue
    assert listed[cars["old_tax_only"].pk].codes == ["inspection.tax_not_paid"]
    assert listed[cars["clean"].pk].may_issue


def test_the_due_list_can_be_limited_to_one_office(city, make):
    other = make.office(code="330100", prefix="浙A", name="杭州市车管所")
    theirs = city.car(make.person(name="周九", office_obj=other), office_obj=other)

    mine = [v.pk for v, _r in due_list(on=TODAY, within_days=90, office_id=city.office.pk)]
    everyone = [v.pk for v, _r in due_list(on=TODAY, within_days=90)]

    assert theirs.pk not in mine
    assert theirs.pk in everyone and city.vehicle.pk in mine
