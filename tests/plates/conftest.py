"""Fixtures for the plates tests: an office with its catalogue, a small-car pool of 1,000
numbers (浙B·A0000–A0999), a citizen with a plate-selection case, clerks and an admin."""

import datetime as dt

import pytest

from cheguan.cases import services as cases
from cheguan.core.actor import Actor
from cheguan.core.roles import Role
from cheguan.plates import services
from tests.builders import OfficeWorld

NOW = dt.datetime(2026, 5, 11, 10, 0)  # a Monday


class Plates(OfficeWorld):
    """The office with an admin and a clerk (as actors) and the world's citizen."""

    def __init__(self):
        super().__init__(now=NOW)
        self.admin = Actor(user=self.staff(Role.ADMIN))
        self.clerk = Actor(user=self.staff(Role.CLERK))
        self.with_citizen()

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
def plates(db):
    return Plates()
