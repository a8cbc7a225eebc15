"""The other ways to a plate number, in the browser (issue 11 §4):

- 自编自选: an elderly citizen on a phone composes five numbers, sees which are available
  and why the others are not, and holds one;
- 保留原号牌: an owner keeps the number of the car they scrapped and later puts it on a new
  car (in English); a clerk keeps a number for the owner's spouse with the marriage date;
- 号牌号码互换: an owner swaps the numbers of two of their cars;
- a clerk in an assisted session reads whose number it is on each of these pages, and no
  page scrolls sideways at 360 × 740, in either language or mode.
"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from cheguan.accounts import services as accounts_services
from cheguan.cases.catalogue import seed_catalogue
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.roles import Role
from cheguan.plates import services
from cheguan.plates.models import NumberState, PlateNumber, Swap
from cheguan.registry.services.deregistration import deregister_vehicle
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
START = dt.datetime(2026, 5, 4, 10, 0)  # the segment's release: a Monday
ELDER_TARGET_PX = 60
WIDTHS = "() => [document.documentElement.scrollWidth, document.body.scrollWidth]"


def _preferences(ui, *, language: str, elder: bool) -> None:
    ui.page.context.add_cookies(
        [
            {"name": "cheguan_language", "value": language, "url": ui.base_url},
            {"name": "cheguan_elder", "value": "1" if elder else "0", "url": ui.base_url},
        ]
    )


class World:
    """An office with a small-car pool released a week ago, a clerk and an admin."""

    def __init__(self):
        clock.set_now(START)
        self.office = factories.office()
        seed_catalogue(self.office)
        self.admin = Actor(user=factories.user(Role.ADMIN))
        self.clerk_user = factories.user(Role.CLERK)
        self.clerk = Actor(user=self.clerk_user)
        services.release_segment(
            actor=self.admin, office=self.office, plate_type="02", first="A0000", last="A0999"
        )
        clock.set_now(dt.datetime(2026, 5, 11, 11, 0))  # the random-only week is over

    def citizen(self, name="王秀英", birth=dt.date(1958, 9, 3), **kw):
        person = factories.person(name=name, birth=birth)
        return person, factories.user(Role.CITIZEN, person=person, **kw)

    def numbered_car(self, person, user):
        """A car of the person with a number from the pool, put on it at registration."""
        car = factories.vehicle(owner=person, plate_number=None)
        citizen = Actor(user=user)
        case = services.start_selection(actor=citizen, vehicle=car).case
        drawn = services.draw_numbers(actor=citizen, case=case)
        services.pick_number(actor=citizen, draw=drawn.draw, number=drawn.numbers[0])
        services.assign_held_number(actor=self.clerk, case=case, vehicle=car)
        car.refresh_from_db()
        return car

    def scrapped_car(self, person, user):
        """A car whose number was used for 400 days, then scrapped (deregistered)."""
        car = self.numbered_car(person, user)
        clock.advance(dt.timedelta(days=400))
        deregister_vehicle(actor=self.clerk, vehicle=car, reason="已报废回收")
        return car, PlateNumber.objects.get(last_vehicle=car)


@pytest.fixture
def world(db):
    return World()


def _fits_the_phone(ui, where: str) -> None:
    doc, body = ui.page.evaluate(WIDTHS)
    assert doc <= PHONE["width"] and body <= PHONE["width"], f"{where}: {doc} / {body} px"


def _on_first_screen(ui, selector: str) -> None:
    box = ui.page.locator(selector).first.bounding_box()
    assert box is not None, selector
    assert box["y"] + box["height"] <= PHONE["height"], (selector, box)
    assert box["height"] >= ELDER_TARGET_PX, (selector, box)


def test_an_elderly_citizen_composes_five_numbers_and_holds_an_available_one(ui, world):
    person, user = world.citizen(elder_mode=True)
    PlateNumber.objects.filter(number="浙BA0002").update(state=NumberState.RETIRED, slot=None)
    page = ui.page
    page.set_viewport_size(PHONE)
    ui.login(user, factories.PASSWORD)
    ui.goto("/")
    assert ui.is_elder()
    ui.click_and_wait(page.locator("main a[href='/plates/']"))
    ui.click_and_wait(page.locator("#start-selection-link"))
    page.check("input[name='vehicle'][value='new']")
    ui.click_and_wait(page.locator("#start-selection"))
    ui.click_and_wait(page.locator("#compose-link"))

    expect(page.locator("main h1")).to_have_text("我的自编号码")
    _on_first_screen(ui, "main #n1")
    _on_first_screen(ui, "main #check")
    _fits_the_phone(ui, "compose")
    for i, serial in enumerate(["A0001", "A0002", "A5000", "ABC01", "a0003"], start=1):
        page.fill(f"#n{i}", serial)
    ui.click_and_wait(page.locator("#check"))

    results = page.locator("main ul.compose-results > li")
    expect(results).to_have_count(5)
    available = page.locator("main ul.compose-results > li[data-available='yes']")
    expect(available).to_have_count(2)
    expect(available.nth(0)).to_contain_text("浙B·A0001")
    expect(available.nth(1)).to_contain_text("浙B·A0003")
    expect(page.locator("li[data-number='浙BA0002'] .reasons")).to_contain_text("已被选用")
    expect(page.locator("li[data-number='浙BA5000'] .reasons")).to_contain_text("不在本所")
    expect(page.locator("li[data-number='浙BABC01'] .reasons li")).not_to_have_count(0)
    expect(page.locator("#checks-left")).to_contain_text("19")
    _on_first_screen(ui, "main [data-main]")
    _fits_the_phone(ui, "compose results")

    ui.click_and_wait(available.nth(1).locator("button[type=submit]"))

    held = page.locator("#held")
    expect(held.locator(".plate")).to_have_text("浙B·A0003")
    plate = PlateNumber.objects.get(number="浙BA0003")
    assert plate.state == NumberState.HELD and plate.case.applicant_person == person


def test_an_owner_keeps_a_scrapped_cars_number_and_puts_it_on_a_new_car(ui, world):
    person, user = world.citizen(name="李建华", birth=dt.date(1980, 1, 5))
    car, plate = world.scrapped_car(person, user)
    page = ui.page
    ui.login(user, factories.PASSWORD)
    _preferences(ui, language="en", elder=False)
    ui.goto("/plates/")
    ui.click_and_wait(page.locator("#keep-link"))
    expect(page.locator("main h1")).to_have_text("Keep my old plate number")
    card = page.locator(f"main li[data-vehicle-id='{car.pk}']")
    expect(card.locator(".plate")).to_have_text(plate.display)
    ui.click_and_wait(card.locator("button[type=submit]"))

    expect(page.locator("main .messages")).to_contain_text(plate.display)
    expect(page.locator(f"#kept li[data-number='{plate.number}']")).to_be_visible()
    plate.refresh_from_db()
    assert (plate.state, plate.retained_for) == (NumberState.RETAINED, person)

    # Then a new car (the session's clock stays: an idle session ends after two hours).
    # The new car's selection page offers the kept number.
    new_car = factories.vehicle(owner=person, plate_number=None)
    ui.click_and_wait(page.locator("#start-for-kept"))
    page.check(f"input[name='vehicle'][value='{new_car.pk}']")
    ui.click_and_wait(page.locator("#start-selection"))
    ui.click_and_wait(page.locator("#use-kept-link"))
    expect(page.locator("main h1")).to_have_text("Use my kept number")
    ui.click_and_wait(page.locator(f"#kept li[data-number='{plate.number}'] button"))

    expect(page.locator("#held .plate")).to_have_text(plate.display)
    plate.refresh_from_db()
    assert plate.state == NumberState.HELD and plate.case.vehicle == new_car


def test_a_clerk_keeps_a_number_for_the_owners_spouse_from_the_console(ui, world):
    person, user = world.citizen(name="张伟", birth=dt.date(1975, 3, 2))
    wife = factories.person(name="刘芳", birth=dt.date(1978, 6, 1))
    _car, plate = world.scrapped_car(person, user)
    page = ui.page
    ui.login(world.clerk_user, factories.PASSWORD)
    ui.goto("/")
    ui.click_and_wait(page.locator("main a[href='/plates/']"))
    ui.click_and_wait(page.locator("#keep-spouse-link"))
    page.fill("#number", plate.display)
    page.fill("#id_number", wife.id_number)
    page.fill("#married_on", clock.today().isoformat())
    ui.click_and_wait(page.locator("#keep-for-spouse"))
    expect(page.locator("#errors li[data-field='married_on']")).to_be_visible()
    expect(page.locator("#married_on")).to_have_attribute("aria-invalid", "true")

    page.fill("#married_on", "2010-10-01")
    ui.click_and_wait(page.locator("#keep-for-spouse"))
    expect(page.locator("main .messages")).to_contain_text("刘*")
    plate.refresh_from_db()
    assert (plate.state, plate.retained_for) == (NumberState.RETAINED, wife)


def test_an_owner_swaps_the_numbers_of_two_cars(ui, world):
    person, user = world.citizen(name="陈明", birth=dt.date(1985, 4, 4))
    a = world.numbered_car(person, user)
    b = world.numbered_car(person, user)
    number_a, number_b = a.plate_number, b.plate_number
    page = ui.page
    ui.login(user, factories.PASSWORD)
    ui.goto("/plates/")
    ui.click_and_wait(page.locator("#swap-link"))
    expect(page.locator("main h1")).to_have_text("我的车辆号码互换")
    page.check(f"#vehicle-{a.pk}")
    ui.click_and_wait(page.locator("#swap"))
    expect(page.locator("#errors")).to_contain_text("两辆")
    page.check(f"#vehicle-{a.pk}")
    page.check(f"#vehicle-{b.pk}")
    ui.click_and_wait(page.locator("#swap"))

    expect(page.locator("main .messages")).to_be_visible()
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.plate_number, b.plate_number) == (number_b, number_a)
    assert Swap.objects.count() == 1


def test_an_assisted_clerk_reads_whose_number_it_is_and_nothing_scrolls_sideways(ui, world):
    person, user = world.citizen()
    world.scrapped_car(person, user)
    case = services.start_selection(actor=Actor(user=user)).case
    accounts_services.open_assisted_session(
        actor=world.clerk, id_number=person.id_number, consent_method="signed"
    )
    page = ui.page
    page.set_viewport_size(PHONE)
    ui.login(world.clerk_user, factories.PASSWORD)
    pages = {
        f"/plates/cases/{case.number}/compose/": ("王*英的自编号码", "王*英's composed number"),
        "/plates/keep/": ("保留王*英的原号牌", "Keep 王*英's old plate number"),
        f"/plates/cases/{case.number}/kept/": ("使用王*英保留的号码", "Use 王*英's kept number"),
        "/plates/swap/": ("王*英的车辆号码互换", "Swap 王*英's cars' numbers"),
    }
    for language, which in (("zh-hans", 0), ("en", 1)):
        for elder in (False, True):
            _preferences(ui, language=language, elder=elder)
            for path, headings in pages.items():
                if path in ui.checked:
                    page.goto(ui.url(path))
                else:
                    ui.goto(path)
                expect(page.locator("main h1")).to_have_text(headings[which])
                expect(page.locator("main")).not_to_contain_text("王秀英")
                _fits_the_phone(ui, f"{path} [{language}, elder={elder}]")
