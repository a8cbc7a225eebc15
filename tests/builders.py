"""The office the tests build, built one way: the office with its service catalogue, and
the people, partners and cars a test asks for. Each app's world (``CaseWorld`` here; the
inspection ``City``, the ``Plates`` fixture, the permission matrix's world) is a thin
addition on top of ``OfficeWorld``.

Each step runs when it is called, in the order called, so a world reads as what it has.
"""

from __future__ import annotations

import datetime as dt

from cheguan.accounts.models import User
from cheguan.cases import services as cases
from cheguan.cases.catalogue import seed_catalogue
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.roles import Role
from cheguan.registry.models import InsurancePolicy, Organisation, Person, Vehicle, VehicleTax
from tests import factories
from tests.helpers import pdf_upload


class OfficeWorld:
    """The Ningbo office (with its catalogue unless ``catalogue=False``), the clock at
    ``now`` if given. ``with_citizen()`` adds the world's citizen."""

    def __init__(self, *, now: dt.datetime | None = None, catalogue: bool = True):
        if now is not None:
            clock.set_now(now)
        self.make = factories
        self.office = factories.office()
        if catalogue:
            seed_catalogue(self.office)

    # --- people ------------------------------------------------------------------------

    def with_citizen(self, **kw) -> User:
        """The world's citizen: ``citizen_user``, their ``person``, the ``citizen`` actor."""
        self.citizen_user = factories.user(Role.CITIZEN, **kw)
        self.person: Person = self.citizen_user.person
        return self.citizen_user

    @property
    def citizen(self) -> Actor:
        return Actor(user=self.citizen_user)

    def staff(self, role: str = Role.CLERK, **kw) -> User:
        """A member of this office's staff (a clerk unless ``role`` says otherwise)."""
        kw.setdefault("office", self.office)
        return factories.user(role, **kw)

    def acting_for(self, user: User, person: Person | None = None) -> Actor:
        """``user`` acting for ``person`` (the world's citizen by default)."""
        return Actor(user=user, on_behalf_of=person or self.person)

    # --- vehicles ----------------------------------------------------------------------

    def car(self, owner: Person | Organisation, *, insured: bool = False, **kw) -> Vehicle:
        """A car of ``owner``; ``insured`` adds this year's policy and paid tax."""
        vehicle = factories.vehicle(owner=owner, **kw)
        return self.insure(vehicle) if insured else vehicle

    @staticmethod
    def insure(vehicle: Vehicle, *, tax: bool = True) -> Vehicle:
        """Insured for 2026 (and, unless ``tax=False``, the 2026 vehicle tax paid)."""
        InsurancePolicy.objects.create(
            vehicle=vehicle,
            policy_number=f"PDZA2026{vehicle.pk:05d}",
            valid_from=dt.date(2026, 1, 1),
            valid_until=dt.date(2026, 12, 31),
        )
        if tax:
            VehicleTax.objects.create(vehicle=vehicle, year=2026, status="paid")
        return vehicle


class CaseWorld(OfficeWorld):
    """A small office on a Monday: the catalogue, a citizen with a car, a clerk, a
    supervisor; and cases submitted or completed on demand."""

    MONDAY = dt.datetime(2026, 11, 23, 10, 0)

    def __init__(self, *, now: dt.datetime | None = MONDAY):
        super().__init__(now=now)
        self.with_citizen()
        self.vehicle = self.car(self.person)
        self.clerk = self.staff(Role.CLERK)
        self.supervisor = self.staff(Role.SUPERVISOR)

    @property
    def clerk_actor(self) -> Actor:
        return Actor(user=self.clerk)

    def assisted(self) -> Actor:
        return self.acting_for(self.clerk)

    @property
    def supervisor_actor(self) -> Actor:
        return Actor(user=self.supervisor)

    def submitted(
        self,
        service="plate_replacement",
        actor=None,
        docs=("vehicle_licence", "loss_statement", "damaged_plate"),
    ):
        actor = actor or self.citizen
        case = cases.open_case(actor=actor, service_code=service, vehicle=self.vehicle)
        for code in docs:
            cases.add_document(actor=actor, case=case, requirement_code=code, upload=pdf_upload())
        return cases.submit_case(actor=actor, case=case)

    def completed(self, **kw):
        case = self.submitted(**kw)
        cases.accept_case(actor=self.clerk_actor, case=case)
        return cases.complete_case(actor=self.clerk_actor, case=case)
