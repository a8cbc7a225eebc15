"""One citizen's world for the small-screen browser tests: an elderly citizen with every
kind of vehicle the citizen pages tell apart, a case in each state the pages show, a mark,
an open plate-number draw; and a clerk at the help desk in an assisted session for her.

``citizen_pages(world)`` lists every citizen page with the selector of its task's main
button (what an elder must see on the first screen), so one list serves every test that
walks them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cheguan.accounts import services as accounts_services
from cheguan.accounts.models import User
from cheguan.cases import services as cases
from cheguan.cases.models import Case
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.roles import Role
from cheguan.inspection import services as inspection
from cheguan.inspection.models import InspectionMark
from cheguan.plates import services as plates
from cheguan.plates.models import Draw
from cheguan.registry.models import (
    Accident,
    Person,
    Vehicle,
    Violation,
)
from tests import factories
from tests.builders import OfficeWorld

NOW = dt.datetime(2026, 5, 11, 10, 0)  # a Monday, 10:00 in Ningbo
CITIZEN_NAME = "王秀英"
CITIZEN_MASKED = "王*英"


@dataclass
class World:
    citizen: User
    person: Person
    clerk: User
    ready: Vehicle  # may get its mark now
    marked: Vehicle  # has its mark; the next window opens later
    blocked: Vehicle  # violations, an accident and no tax: things to handle
    no_tax: Vehicle  # only the tax proof missing: upload it
    minivan: Vehicle  # must be tested at a station
    mark: InspectionMark
    draft: Case
    completed: Case
    selection: Case
    draw: Draw


def build() -> World:
    base = OfficeWorld(now=NOW)
    admin = base.staff(Role.ADMIN)
    plates.release_segment(
        actor=Actor(user=admin), office=base.office, plate_type="02", first="A0000", last="A0999"
    )
    clerk = base.staff(Role.CLERK)
    person = factories.person(name=CITIZEN_NAME, birth=dt.date(1958, 9, 3))
    citizen = factories.user(Role.CITIZEN, person=person)
    due = {"first_registration_date": dt.date(2022, 7, 1)}
    ready = base.insure(
        factories.vehicle(owner=person, inspection_valid_until=dt.date(2026, 7, 1), **due)
    )
    marked = base.insure(
        factories.vehicle(
            owner=person,
            make="比亚迪",
            model="秦PLUS DM-i",
            inspection_valid_until=dt.date(2026, 6, 20),
            **due,
        )
    )
    blocked = base.insure(
        factories.vehicle(owner=person, inspection_valid_until=dt.date(2026, 6, 1), **due),
        tax=False,
    )
    for code, what in (("1625", "驾驶机动车违反道路交通信号灯通行的"), ("1345", "违反禁令标志")):
        Violation.objects.create(
            vehicle=blocked,
            occurred_at=clock.now() - dt.timedelta(days=30),
            code=code,
            description=what,
            points=6,
            fine_yuan=200,
        )
    Accident.objects.create(
        vehicle=blocked,
        occurred_on=dt.date(2026, 3, 2),
        with_casualties=False,
        settled=False,
        description="追尾，未处理完毕",
    )
    no_tax = base.insure(
        factories.vehicle(owner=person, inspection_valid_until=dt.date(2026, 6, 15), **due),
        tax=False,
    )
    minivan = base.insure(
        factories.vehicle(
            owner=person,
            make="五菱",
            model="宏光",
            vehicle_type="K39",
            seats=7,
            inspection_valid_until=dt.date(2026, 6, 10),
            **due,
        )
    )
    me = Actor(user=citizen)
    mark = inspection.apply_for_mark(actor=me, vehicle=marked).mark
    draft = cases.open_case(actor=me, service_code="plate_replacement", vehicle=ready)
    completed = cases.open_case(actor=me, service_code="contact_change")
    cases.submit_case(actor=me, case=completed)
    window = Actor(user=clerk)
    completed = cases.accept_case(actor=window, case=completed)
    completed = cases.complete_case(actor=window, case=completed)
    selection = plates.start_selection(actor=me, plate_type="02").case
    draw = plates.draw_numbers(actor=me, case=selection, plate_type="02").draw
    return World(
        citizen=citizen,
        person=person,
        clerk=clerk,
        ready=ready,
        marked=marked,
        blocked=blocked,
        no_tax=no_tax,
        minivan=minivan,
        mark=mark,
        draft=draft,
        completed=completed,
        selection=selection,
        draw=draw,
    )


def start_assisted_session(world: World) -> None:
    accounts_services.open_assisted_session(
        actor=Actor(user=world.clerk), id_number=world.person.id_number, consent_method="signed"
    )


@dataclass(frozen=True)
class CitizenPage:
    path: str
    main: str  # the selector of the page's main button (its task)
    assisted: bool = True  # a clerk in an assisted session sees it too
    own: bool = False  # the user's own page (not the citizen's): not for the clerk
    # The password page (the accounts app's) keeps its three fields and the password rules
    # above its button: they are read before it is pressed. It is checked for sideways
    # scrolling like every page, not for its button on the first screen.
    first_screen: bool = True


def citizen_pages(world: World) -> list[CitizenPage]:
    offered = world.draw.numbers[0]
    return [
        CitizenPage("/", "main a.vehicle-card >> nth=0"),
        CitizenPage("/registry/my/vehicles/", "main a.vehicle-card >> nth=0"),
        CitizenPage(f"/registry/vehicles/{world.blocked.pk}/", "main [data-main]"),
        CitizenPage("/inspection/", "main a.vehicle-card >> nth=0"),
        CitizenPage(f"/inspection/vehicle/{world.ready.pk}/", "#get-mark"),
        CitizenPage(f"/inspection/vehicle/{world.blocked.pk}/", "main [data-main]"),
        CitizenPage(f"/inspection/vehicle/{world.no_tax.pk}/", "#proof-link"),
        CitizenPage(f"/inspection/vehicle/{world.minivan.pk}/", "main [data-main]"),
        CitizenPage(f"/inspection/vehicle/{world.marked.pk}/", "main [data-main]"),
        CitizenPage(f"/inspection/vehicle/{world.no_tax.pk}/proof/", "main form button"),
        CitizenPage(f"/inspection/mark/{world.mark.serial}/", "main [data-main]"),
        CitizenPage("/cases/my/", "main [data-main]"),
        CitizenPage("/cases/apply/", "main ul.big-links a >> nth=0"),
        CitizenPage("/cases/apply/plate_replacement/", "main form button[type=submit] >> nth=0"),
        CitizenPage(f"/cases/{world.draft.number}/", "main [data-main]"),
        CitizenPage(f"/cases/{world.draft.number}/documents/", "main form button"),
        CitizenPage(f"/cases/{world.completed.number}/", "main [data-main]"),
        CitizenPage(
            f"/cases/{world.completed.number}/rate/", "main button.rating-choice", assisted=False
        ),
        CitizenPage("/plates/", "main [data-main]"),
        CitizenPage(f"/plates/cases/{world.selection.number}/", "main ul.plate-grid button"),
        CitizenPage(f"/plates/draws/{world.draw.pk}/pick/?number={offered}", "#keep"),
        CitizenPage("/plates/check/", "main form button"),
        CitizenPage(
            "/accounts/password/", "main form button[type=submit]", own=True, first_screen=False
        ),
    ]
