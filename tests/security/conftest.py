"""A small office in which every kind of object a URL can name exists and belongs to
somebody: a citizen (a car with a mark, a plate-selection case with a draw, a badly rated
case with its follow-up, a mark application waiting for a proof check), a dealer (its car,
its selection case and draw, its API token), the admin's blocklist — and, for each partner
role, an authorised partner with an agent who owns none of it."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from cheguan.accounts import services as accounts
from cheguan.cases import services as cases
from cheguan.cases.catalogue import seed_catalogue
from cheguan.cases.models import FollowUp
from cheguan.core import clock as clock_module
from cheguan.core.actor import Actor
from cheguan.core.roles import Role
from cheguan.inspection import services as inspection
from cheguan.plates import services as plates
from cheguan.plates.services import blocklist
from cheguan.registry.models import Encumbrance, VehicleTax, Violation
from tests.builders import OfficeWorld
from tests.helpers import pdf_upload

NOW = dt.datetime(2026, 5, 11, 10, 0)  # a Monday
PARTNER_ROLES = [
    Role.DEALER_AGENT,
    Role.SCRAPYARD_AGENT,
    Role.DRIVING_SCHOOL_AGENT,
    Role.SERVICE_POINT_AGENT,
]


class Others:
    """The objects nobody but their owners (and the office) may see."""

    def __init__(self, make):
        clock_module.set_now(NOW)
        self.make = make
        self.office = make.office()
        seed_catalogue(self.office)
        self.admin = make.user(Role.ADMIN)
        self.clerk = make.user(Role.CLERK)
        self.supervisor = make.user(Role.SUPERVISOR)
        plates.release_segment(
            actor=Actor(user=self.admin), office=self.office, plate_type="02",
            first="A0000", last="A0199",
        )  # fmt: skip
        self.pattern = blocklist.add_pattern(
            actor=Actor(user=self.admin), office=self.office, pattern="444", reason="不吉利"
        )

        # A citizen: a car with a mark, a plate-selection case with an open draw, a
        # completed case rated "very dissatisfied" (a follow-up), a proof check waiting.
        self.citizen_user = make.user(Role.CITIZEN)
        self.citizen = Actor(user=self.citizen_user)
        self.person = self.citizen_user.person
        self.car = self.insured_car(self.person)
        self.mark = inspection.apply_for_mark(actor=self.citizen, vehicle=self.car).mark
        self.case = self.mark.case
        self.selection = plates.start_selection(actor=self.citizen).case
        self.draw = plates.draw_numbers(
            actor=self.citizen, case=self.selection, plate_type="02"
        ).draw
        cases.rate_case(actor=self.citizen, case=self.case, score=1, comment="等太久")
        self.follow_up = FollowUp.objects.get(case=self.case)
        untaxed = self.insured_car(self.person)
        VehicleTax.objects.filter(vehicle=untaxed).delete()
        self.proof_case = inspection.apply_with_proof(
            actor=self.citizen, vehicle=untaxed, documents={"vehicle_tax": pdf_upload()}
        ).case

        # A dealer: its own car, its selection case with a draw, its API token.
        self.dealer_agent = make.user(Role.DEALER_AGENT)
        self.dealer = self.dealer_agent.organisation
        self.dealer_actor = Actor(user=self.dealer_agent)
        self.dealer_car = self.insured_car(self.dealer)
        self.dealer_case = plates.start_selection(
            actor=self.dealer_actor, applicant_organisation=self.dealer
        ).case
        self.dealer_draw = plates.draw_numbers(
            actor=self.dealer_actor, case=self.dealer_case, plate_type="02"
        ).draw
        self.dealer_token, _secret = accounts.create_api_token(
            actor=self.dealer_actor, name="dealer system"
        )

        # What the office recorded on the dealer's car: a violation (processed) and a
        # mortgage (released), so neither blocks a service the other tests use.
        self.violation = Violation.objects.create(
            vehicle=self.dealer_car,
            occurred_at=dt.datetime(2026, 1, 5, 1, 0, tzinfo=dt.UTC),
            code="1625",
            description="闯红灯",
            processed=True,
            processed_at=dt.datetime(2026, 1, 6, 1, 0, tzinfo=dt.UTC),
        )
        self.encumbrance = Encumbrance.objects.create(
            vehicle=self.dealer_car,
            kind="mortgage",
            authority="某银行",
            started_on=dt.date(2025, 1, 5),
            released_on=dt.date(2025, 12, 5),
        )

    def insured_car(self, owner):
        return OfficeWorld.insure(
            self.make.vehicle(
                owner=owner,
                first_registration_date=dt.date(2022, 7, 1),
                inspection_valid_until=dt.date(2026, 7, 1),
            )
        )


@pytest.fixture
def others(make):
    return Others(make)


def io_bytes(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)
