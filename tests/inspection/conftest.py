import datetime as dt

import pytest

from cheguan.accounts.actor import Actor
from cheguan.cases.catalogue import seed_catalogue
from cheguan.core import clock as clock_module
from cheguan.registry.models import InsurancePolicy, VehicleTax, Violation

TODAY = dt.date(2026, 5, 11)  # a Monday; the car is due 2026-07-01 at age 4


class City:
    def __init__(self, make):
        self.make = make
        self.office = make.office()
        seed_catalogue(self.office)
        self.citizen_user = make.user("citizen")
        self.person = self.citizen_user.person
        self.vehicle = self.car(self.person)
        self.clerk = make.user("clerk")

    def car(self, owner, **kw):
        kw.setdefault("first_registration_date", dt.date(2022, 7, 1))
        kw.setdefault("inspection_valid_until", dt.date(2026, 7, 1))
        v = self.make.vehicle(owner=owner, **kw)
        InsurancePolicy.objects.create(
            vehicle=v,
            policy_number=f"P{v.pk}",
            valid_from=dt.date(2026, 1, 1),
            valid_until=dt.date(2026, 12, 31),
        )
        VehicleTax.objects.create(vehicle=v, year=2026, status="paid")
        return v

    def violation(self, vehicle, n=1):
        for i in range(n):
            Violation.objects.create(
                vehicle=vehicle,
                occurred_at=clock_module.now(),
                code=f"1{i:03d}",
                description="闯红灯",
                points=6,
                fine_yuan=200,
            )

    @property
    def citizen(self):
        return Actor(user=self.citizen_user)

    @property
    def clerk_actor(self):
        return Actor(user=self.clerk)

    def assisted(self):
        return Actor(user=self.clerk, on_behalf_of=self.person)


@pytest.fixture
def city(make):
    clock_module.set_now(dt.datetime(2026, 5, 11, 10, 0))
    return City(make)
