import datetime as dt

import pytest

from cheguan.core import clock as clock_module
from cheguan.core.actor import Actor
from cheguan.core.roles import Role
from cheguan.registry.models import InsurancePolicy, VehicleTax, Violation
from tests.builders import OfficeWorld

TODAY = dt.date(2026, 5, 11)  # a Monday; the car is due 2026-07-01 at age 4


class City(OfficeWorld):
    """An office in May: a citizen whose insured, taxed car is due for its mark, a clerk."""

    def __init__(self):
        super().__init__(now=dt.datetime(2026, 5, 11, 10, 0))
        self.with_citizen()
        self.vehicle = self.car(self.person)
        self.clerk = self.staff(Role.CLERK)

    def car(self, owner, **kw):
        """An insured, taxed car of ``owner``, registered 2022-07-01 and due 2026-07-01."""
        kw.setdefault("first_registration_date", dt.date(2022, 7, 1))
        kw.setdefault("inspection_valid_until", dt.date(2026, 7, 1))
        return super().car(owner, insured=True, **kw)

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
    def clerk_actor(self):
        return Actor(user=self.clerk)

    def assisted(self):
        return self.acting_for(self.clerk)

    def service_point_agent(self, *, status="granted", services=("inspection_mark_exempt",), **kw):
        """An agent of a service point whose authorisation is as given (granted by default,
        for the demo's service-point services)."""
        agent = self.make.user(Role.SERVICE_POINT_AGENT)
        org = agent.organisation
        org.authorisation_status = status
        org.authorised_services = list(services)
        org.authorised_from = kw.get("authorised_from", dt.date(2026, 1, 1))
        org.authorised_until = kw.get("authorised_until", dt.date(2028, 12, 31))
        org.save()
        return agent

    def at_counter(self, agent, person=None) -> Actor:
        """The agent acting for ``person`` (the car's owner by default), who consented with
        the ID card read at the counter."""
        from cheguan.accounts.services import open_assisted_session

        person = person or self.person
        session = open_assisted_session(
            actor=Actor(user=agent), id_number=person.id_number, consent_method="id_card_read"
        )
        return Actor(user=agent, on_behalf_of=person, assisted_session_id=session.pk)

    def without_tax(self, vehicle=None):
        VehicleTax.objects.filter(vehicle=vehicle or self.vehicle).delete()

    def without_insurance(self, vehicle=None):
        InsurancePolicy.objects.filter(vehicle=vehicle or self.vehicle).delete()


@pytest.fixture
def city(db):
    return City()
