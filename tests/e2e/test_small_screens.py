"""Phones: every citizen page at 360 × 740, in both modes and both languages.

- nothing scrolls sideways (``scrollWidth`` of the document and of the body ≤ 360), for the
  citizen and for a clerk acting for her in an assisted session; and the Chinese pages'
  text uses Chinese punctuation;
- in elder mode the page's task, its main button, is on the first screen (within 740 px);
- a vehicle card is one tap target; its state reads the same on the home page and on the
  vehicle's page; an assisted clerk reads whose vehicles they are;
- the mark's PDF prints the time of issue in Beijing time.

A failure lists each offending page with its width and what sticks out.
"""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.e2e import citizen_world
from tests.web.test_translations import punctuation_problems

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
LANGUAGES = ("zh-hans", "en")

# The document's and the body's widths, and the elements sticking out past the right edge.
MEASURE = """() => {
  const limit = window.innerWidth;
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > limit + 0.5 && r.width > 0) {
      const cls = typeof el.className === 'string' && el.className.trim()
        ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
      wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + cls + ' ' +
                Math.round(r.right));
    }
  }
  return {doc: document.documentElement.scrollWidth, body: document.body.scrollWidth,
          wide: wide.slice(-4), text: document.body.innerText};
}"""


def _set_preferences(ui, *, language: str, elder: bool) -> None:
    ui.page.context.add_cookies(
        [
            {"name": "cheguan_language", "value": language, "url": ui.base_url},
            {"name": "cheguan_elder", "value": "1" if elder else "0", "url": ui.base_url},
        ]
    )


def _visit(ui, path: str) -> None:
    """axe once per page (in both modes, by the ``ui`` fixture); later visits just load."""
    if path in ui.checked:
        ui.page.goto(ui.url(path))
        ui.page.wait_for_load_state("load")
    else:
        ui.goto(path)


def _walk(ui, paths, who: str) -> tuple[list[str], list[str]]:
    """Every page in both languages and both modes: the pages wider than the phone, and the
    Chinese pages whose text has ASCII punctuation after Chinese."""
    wide, punctuation = [], []
    for language in LANGUAGES:
        for elder in (False, True):
            _set_preferences(ui, language=language, elder=elder)
            mode = "elder" if elder else "standard"
            for path in paths:
                _visit(ui, path)
                m = ui.page.evaluate(MEASURE)
                if m["doc"] > PHONE["width"] or m["body"] > PHONE["width"]:
                    wide.append(
                        f"{who} {path} [{language}, {mode}]: document {m['doc']} px, "
                        f"body {m['body']} px; past the edge: {', '.join(m['wide'])}"
                    )
                if language == "zh-hans" and not elder:
                    punctuation += [
                        f"{who} {path}: {line!r}"
                        for line in m["text"].splitlines()
                        if punctuation_problems(line)
                    ]
    return wide, punctuation


@pytest.fixture
def phone(page):
    page.set_viewport_size(PHONE)
    return page


@pytest.fixture
def world(db):
    return citizen_world.build()


def test_no_citizen_page_scrolls_sideways_on_a_phone(ui, phone, world):
    wide, punctuation = _walk(ui, ["/accounts/login/", "/plates/check/"], "anonymous")
    ui.login(world.citizen, factories.PASSWORD)
    more = _walk(ui, [p.path for p in citizen_world.citizen_pages(world)], "citizen")
    wide, punctuation = wide + more[0], punctuation + more[1]
    assert wide == [], "pages wider than 360 px:\n" + "\n".join(wide)
    assert punctuation == [], "ASCII punctuation in Chinese text:\n" + "\n".join(punctuation)


def test_no_assisted_session_page_scrolls_sideways_on_a_phone(ui, phone, world):
    citizen_world.start_assisted_session(world)
    ui.login(world.clerk, factories.PASSWORD)
    paths = ["/"] + [
        p.path for p in citizen_world.citizen_pages(world) if p.assisted and p.path != "/"
    ]
    wide, punctuation = _walk(ui, paths, "assisted clerk")
    assert wide == [], "pages wider than 360 px:\n" + "\n".join(wide)
    assert punctuation == [], "ASCII punctuation in Chinese text:\n" + "\n".join(punctuation)


def test_elder_mode_shows_each_citizen_pages_task_on_the_first_screen(ui, phone, world):
    ui.login(world.citizen, factories.PASSWORD)
    found = []
    for language in LANGUAGES:
        _set_preferences(ui, language=language, elder=True)
        for item in [p for p in citizen_world.citizen_pages(world) if p.first_screen]:
            _visit(ui, item.path)
            assert ui.is_elder()
            main = ui.page.locator(item.main).first
            box = main.bounding_box() if main.count() else None
            heading = ui.page.locator("main h1").bounding_box()
            if box is None or box["y"] + box["height"] > PHONE["height"]:
                where = (
                    "missing" if box is None else f"its bottom at {box['y'] + box['height']:.0f} px"
                )
                found.append(f"{item.path} [{language}]: main button {item.main} {where}")
            elif heading is None or heading["y"] > box["y"]:
                found.append(f"{item.path} [{language}]: no heading above the main button")
            elif box["height"] < 60:
                found.append(f"{item.path} [{language}]: main button {box['height']:.0f} px high")
    assert found == [], "in elder mode at 360 × 740:\n" + "\n".join(found)


def _state(locator) -> str:
    """The state in words; the links beside the things to sort out (where to do them, on
    the vehicle page) are actions, not state."""
    text = locator.inner_text()
    for action in locator.locator(".todo-link").all_inner_texts():
        text = text.replace(action, "")
    return " ".join(text.split())


def test_a_vehicle_card_is_one_tap_target_and_its_state_reads_the_same_everywhere(ui, phone, world):
    page = ui.page
    ui.login(world.citizen, factories.PASSWORD)
    _set_preferences(ui, language="zh-hans", elder=True)
    ui.goto("/")
    card = page.locator(f'main a.vehicle-card[href="/registry/vehicles/{world.blocked.pk}/"]')
    expect(card).to_have_count(1)
    # its name for a screen reader: the plate and the state
    plate = world.blocked.plate_number
    expect(card).to_have_accessible_name(f"{plate} 有2件事要先处理：")
    on_home = _state(card.locator(".status-words"))
    assert "正常" not in on_home
    assert "有2条交通违法未处理" in on_home and "没有2026年度车船税" in on_home
    box = card.bounding_box()
    # a tap anywhere on the card opens the vehicle: its bottom right corner, far from the plate
    with page.expect_navigation():
        card.click(position={"x": box["width"] - 8, "y": box["height"] - 8})
    ui.check()
    assert ui.path() == f"/registry/vehicles/{world.blocked.pk}/"
    assert _state(page.locator("main .status-words").first) == on_home

    # the inspection cards: one tap target too; the mark's words list every reason
    ui.goto("/inspection/")
    card = page.locator(f'main a.vehicle-card[href="/inspection/vehicle/{world.blocked.pk}/"]')
    box = card.bounding_box()
    mark_words = _state(card.locator(".status-words"))
    with page.expect_navigation():
        card.click(position={"x": 8, "y": box["height"] - 8})
    ui.check()
    assert ui.path() == f"/inspection/vehicle/{world.blocked.pk}/"
    assert _state(page.locator("main .status-words")) == mark_words
    reasons = page.locator("main .status-words ol.reasons li")
    expect(reasons).to_have_count(3)  # violations, the accident, the tax: all of them
    # the vehicle whose window is not open yet has a date, not a thing to sort out
    ui.goto(f"/inspection/vehicle/{world.marked.pk}/")
    expect(page.locator("main .status-words")).to_contain_text("还不到申领时间")
    expect(page.locator("main .status-words ol.reasons")).to_have_count(0)


def test_an_assisted_clerk_reads_whose_vehicles_they_are(ui, world):
    citizen_world.start_assisted_session(world)
    ui.login(world.clerk, factories.PASSWORD)
    page = ui.page
    ui.goto("/registry/my/vehicles/")
    expect(page.locator("main h1")).to_have_text(f"{citizen_world.CITIZEN_MASKED}的车辆")
    ui.goto("/cases/my/")
    expect(page.locator("main h1")).to_have_text(f"{citizen_world.CITIZEN_MASKED}的办件")
    _set_preferences(ui, language="en", elder=False)
    ui.goto("/registry/my/vehicles/")
    expect(page.locator("main h1")).to_have_text(f"{citizen_world.CITIZEN_MASKED}'s vehicles")
    expect(page.locator("main")).not_to_contain_text("My vehicles")
    expect(page.locator("main")).not_to_contain_text(citizen_world.CITIZEN_NAME)

    # the citizen herself reads "my"
    ui.click_and_wait(page.locator(".assisted-banner button[type=submit]"))
    page.context.clear_cookies()
    ui.login(world.citizen, factories.PASSWORD)
    _set_preferences(ui, language="zh-hans", elder=False)
    ui.goto("/registry/my/vehicles/")
    expect(page.locator("main h1")).to_have_text("我的车辆")


def test_the_mark_pdf_prints_beijing_time(ui, world):
    ui.login(world.citizen, factories.PASSWORD)
    ui.goto(f"/inspection/mark/{world.mark.serial}/")
    assert world.mark.issued_at.astimezone(dt.UTC).hour == 2  # 10:00 in Beijing is 02:00 UTC
    expect(ui.page.locator("main")).to_contain_text("2026年5月11日 10:00")
    pdf = ui.page.request.get(ui.url(f"/inspection/mark/{world.mark.serial}/pdf/"))
    assert pdf.ok
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf.body(), capture_output=True, check=True
    ).stdout.decode()
    assert "2026年5月11日 10:00" in text
    assert "02:00" not in text
    assert "小型轿车" in text and "K33" not in text
