"""Fixtures for the plates tests: an office with its catalogue, a small-car pool of 1,000
numbers (浙B·A0000–A0999), a citizen with a plate-selection case, clerks and an admin."""

import datetime as dt

import pytest

from cheguan.cases import services as cases
from cheguan.cases.catalogue import seed_catalogue
from cheguan.core import clock as clock_module
from cheguan.core.actor import Actor
from cheguan.plates import services

NOW = dt.datetime(2026, 5, 11, 10, 0)  # a Monday


class Plates:
    def __init__(self, make):
        self.make = make
        self.office = make.office()
        seed_catalogue(self.office)
        self.admin = Actor(user=make.user("admin"))
        self.clerk = Actor(user=make.user("clerk"))
        self.citizen_user = make.user("citizen")
        self.citizen = Actor(user=self.citizen_user)
        self.person = self.citizen_user.person

    def release(self, first="A0000", last="A0999", plate_type="02"):
        return services.release_segment(
            actor=self.admin, office=self.office, plate_type=plate_type, first=first, last=last
        )

    def case(self, actor=None, service_code="plate_selection", **kw):
        """A selection is started through plates, its owner; other services generically."""
        if service_code == "plate_selection":
            return services.start_selection(actor=actor or self.citizen, **kw).case
        return cases.open_case(actor=actor or self.citizen, service_code=service_code, **kw)

    def another_citizen(self):
        user = self.make.user("citizen")
        return Actor(user=user)


@pytest.fixture
def plates(make):
    clock_module.set_now(NOW)
    return Plates(make)
