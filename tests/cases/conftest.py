import datetime as dt
import io

import pytest

from cheguan.cases import services
from cheguan.cases.catalogue import seed_catalogue
from cheguan.core import clock as clock_module
from cheguan.core.actor import Actor
from tests.helpers import pdf_upload


class World:
    """A small office: the catalogue, a citizen with a car, a clerk, a supervisor."""

    def __init__(self, make):
        self.make = make
        self.office = make.office()
        seed_catalogue(self.office)
        self.citizen_user = make.user("citizen")
        self.person = self.citizen_user.person
        self.vehicle = make.vehicle(owner=self.person)
        self.clerk = make.user("clerk")
        self.supervisor = make.user("supervisor")

    @property
    def citizen(self) -> Actor:
        return Actor(user=self.citizen_user)

    @property
    def clerk_actor(self) -> Actor:
        return Actor(user=self.clerk)

    def assisted(self) -> Actor:
        return Actor(user=self.clerk, on_behalf_of=self.person)

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
        case = services.open_case(actor=actor, service_code=service, vehicle=self.vehicle)
        for code in docs:
            services.add_document(
                actor=actor, case=case, requirement_code=code, upload=pdf_upload()
            )
        return services.submit_case(actor=actor, case=case)

    def completed(self, **kw):
        case = self.submitted(**kw)
        services.accept_case(actor=self.clerk_actor, case=case)
        return services.complete_case(actor=self.clerk_actor, case=case)


@pytest.fixture
def world(make):
    clock_module.set_now(dt.datetime(2026, 11, 23, 10, 0))  # a Monday
    return World(make)


@pytest.fixture
def upload():
    return pdf_upload


@pytest.fixture
def bytes_io():
    return io.BytesIO
