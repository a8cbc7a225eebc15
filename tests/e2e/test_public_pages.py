"""The public pages that tell the office's story, in the browser (axe in both modes):

- the footer names the office (name, address, hours, hotline) in both languages; /favicon.ico;
- the countdown of an offer ticks, from a static script, with no CSP violation;
- the verify page for an officer at the roadside, on a 360 px phone in elder mode: valid,
  expired, revoked and not genuine each in their own colour, icon and word, the plate in
  full, a serial typed in;
- the public draw log's check in the browser (Web Crypto) agrees with Python on real draws
  and catches a tampered day seed and a tampered draw (ADR 0014).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.roles import Role
from cheguan.inspection import services as inspection
from cheguan.inspection import signing
from cheguan.plates import services
from cheguan.plates.models import DaySeed, Draw
from tests import factories
from tests.e2e import citizen_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
OFFICE = {
    "name": {"zh-hans": "宁波市车辆管理所", "en": "Ningbo Vehicle Administration Office"},
    "address": {"zh-hans": "宁波市鄞州区天童南路1号", "en": "1 Tiantong South Road, Ningbo"},
    "hours": {"zh-hans": "周一至周五 8:30–17:00", "en": "Monday to Friday 8:30–17:00"},
    "hotline": "0574-12345678",
}


def _preferences(ui, *, language: str, elder: bool) -> None:
    ui.page.context.add_cookies(
        [
            {"name": "cheguan_language", "value": language, "url": ui.base_url},
            {"name": "cheguan_elder", "value": "1" if elder else "0", "url": ui.base_url},
        ]
    )


def _csp_violations(page) -> list[str]:
    """Collects the page's CSP violations (console errors and securitypolicyviolation)."""
    seen: list[str] = []
    page.on(
        "console",
        lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return seen


def test_the_footer_names_the_office_and_the_favicon_exists(ui, settings):
    settings.CHEGUAN_OFFICE = OFFICE
    factories.office()
    footer = ui.page.locator("footer.site")

    _preferences(ui, language="zh-hans", elder=False)
    ui.goto("/")
    expect(footer).to_contain_text("宁波市车辆管理所")
    expect(footer).to_contain_text("地址：宁波市鄞州区天童南路1号")
    expect(footer).to_contain_text("办公时间：周一至周五 8:30–17:00")
    expect(footer.locator("a[href='tel:0574-12345678']")).to_be_visible()
    expect(footer).not_to_contain_text("API")
    _preferences(ui, language="en", elder=True)
    ui.goto("/")
    expect(footer).to_contain_text("Ningbo Vehicle Administration Office")
    expect(footer).to_contain_text("Opening hours: Monday to Friday 8:30–17:00")

    icon = ui.page.request.get(ui.url("/favicon.ico"))
    assert icon.status == 200
    assert icon.headers["content-type"] == "image/vnd.microsoft.icon"
    linked = ui.page.locator("link[rel=icon]").get_attribute("href")
    assert ui.page.request.get(ui.url(linked)).status == 200


def test_the_countdown_ticks_without_a_csp_violation(ui):
    world = citizen_world.build()
    page = ui.page
    violations = _csp_violations(page)
    draw = world.draw

    ui.login(world.citizen, factories.PASSWORD)
    for path in (
        f"/plates/cases/{world.selection.number}/",
        f"/plates/draws/{draw.pk}/pick/?number={draw.numbers[0]}",
    ):
        ui.goto(path)
        countdown = page.locator("#countdown")
        shown = countdown.inner_text()
        expect(countdown).not_to_have_text(shown, timeout=5_000)
        expect(countdown).to_have_text(re.compile(r"^[0-4]:[0-5]\d$"))

    assert violations == []


def _verdict(page) -> tuple[str, str, str, str]:
    panel = page.locator("main .verdict")
    return (
        panel.get_attribute("data-status"),
        panel.locator(".verdict-icon").inner_text(),
        panel.locator(".verdict-word").inner_text(),
        panel.evaluate("e => getComputedStyle(e).backgroundColor"),
    )


def test_an_officer_at_the_roadside_tells_each_verdict_apart_on_a_phone(ui):
    world = citizen_world.build()
    mark = world.mark
    page = ui.page
    page.set_viewport_size(PHONE)
    good = "/inspection/verify/?" + signing.verify_query(mark)
    forged = good[:-1] + ("1" if good.endswith("0") else "0")  # one character of the signature

    seen = {}
    for language in ("zh-hans", "en"):
        _preferences(ui, language=language, elder=True)
        ui.goto(good)
        seen[(language, "valid")] = _verdict(page)
        plate = page.locator("#verdict-plate")
        expect(plate).to_have_text(mark.plate_number)
        box = plate.bounding_box()
        assert box["y"] + box["height"] <= PHONE["height"], "the plate is below the first screen"
        ui.goto(forged)
        seen[(language, "forged")] = _verdict(page)
        ui.goto("/inspection/verify/")
        page.fill("#serial", " ".join([mark.serial[:6], mark.serial[6:]]).lower())
        ui.click_and_wait(page.locator("#check-serial"))
        seen[(language, "typed")] = _verdict(page)
        page.fill("#serial", "NO-SUCH-SERIAL")
        ui.click_and_wait(page.locator("#check-serial"))
        seen[(language, "unknown")] = _verdict(page)
    clock.set_now(dt.datetime(2030, 1, 1, 9, 0))
    ui.goto(good)
    seen[("en", "expired")] = _verdict(page)
    clock.set_now(citizen_world.NOW)
    inspection.revoke_mark(actor=Actor(user=world.clerk), mark=mark, reason="事后发现不符合条件")
    ui.goto(good)
    seen[("en", "revoked")] = _verdict(page)

    words = {key: (status, icon, word) for key, (status, icon, word, _bg) in seen.items()}
    assert words[("zh-hans", "valid")] == ("valid", "✓", "有效")
    assert words[("en", "valid")] == ("valid", "✓", "Valid")
    assert words[("en", "typed")] == ("valid", "✓", "Valid")
    assert words[("en", "forged")] == ("forged", "✗", "Not genuine")
    assert words[("zh-hans", "forged")][2] == "不是真实凭证"
    assert words[("en", "unknown")] == ("unknown", "?", "Not found")
    assert words[("en", "expired")] == ("expired", "!", "Expired")
    assert words[("en", "revoked")] == ("revoked", "—", "Revoked")
    colours = {seen[("en", s)][3] for s in ("valid", "forged", "expired", "revoked")}
    assert len(colours) == 4, colours


def _check_in_browser(ui, path: str) -> dict[int, dict]:
    page = ui.page
    ui.goto(path)
    page.locator("#check-draws").click()
    expect(page.locator("#check-summary[data-done]")).to_be_attached(timeout=20_000)
    out = {}
    for entry in page.locator("main article.draw-entry").all():
        out[int(entry.get_attribute("data-draw-id"))] = {
            "check": entry.get_attribute("data-check"),
            "outcome": entry.get_attribute("data-check-outcome"),
            "seed": entry.get_attribute("data-computed-seed"),
            "words": entry.locator(".check-result").inner_text(),
        }
    return out


def test_the_browser_check_agrees_with_python_and_catches_tampering(ui):
    world = citizen_world.build()  # 2026-05-11, with one draw made
    actors = [Actor(user=factories.user(Role.CITIZEN)) for _ in range(2)]
    draws = [world.draw]
    for actor in actors:
        case = services.start_selection(actor=actor).case
        draws.append(services.draw_numbers(actor=actor, case=case, plate_type="02").draw)
    legacy = draws[2]
    Draw.objects.filter(pk=legacy.pk).update(day_seed=None)  # as if made before ADR 0014
    day_seed = DaySeed.objects.get()
    log = "/plates/draws/?date=2026-05-11"
    _preferences(ui, language="en", elder=False)

    today = _check_in_browser(ui, log)
    assert ui.page.locator("main").inner_text().count(day_seed.secret) == 0
    expect(ui.page.locator("main .day-seed .commitment")).to_have_text(day_seed.commitment)

    clock.set_now(dt.datetime(2026, 5, 12, 9, 0))  # the day has closed: the seed is public
    closed = _check_in_browser(ui, log)
    expect(ui.page.locator("main .day-seed .day-secret")).to_have_text(day_seed.secret)
    _preferences(ui, language="zh-hans", elder=True)
    closed_zh = _check_in_browser(ui, log)

    DaySeed.objects.filter(pk=day_seed.pk).update(secret="11" * 32)
    bad_day = _check_in_browser(ui, log)
    DaySeed.objects.filter(pk=day_seed.pk).update(secret=day_seed.secret)
    tampered = Draw.objects.get(pk=draws[1].pk)
    tampered.candidates[0][0] = tampered.candidates[0][0] % tampered.pool_size + 1
    tampered.save(update_fields=["candidates"])
    bad_draw = _check_in_browser(ui, log)

    python_seeds = {d.pk: Draw.objects.get(pk=d.pk).seed for d in draws}
    assert {pk: r["outcome"] for pk, r in today.items()} == {
        draws[0].pk: "ok_today",
        draws[1].pk: "ok_today",
        legacy.pk: "ok_before",
    }
    assert {pk: (r["outcome"], r["seed"]) for pk, r in closed.items()} == {
        draws[0].pk: ("ok_full", python_seeds[draws[0].pk]),
        draws[1].pk: ("ok_full", python_seeds[draws[1].pk]),
        legacy.pk: ("ok_before", ""),
    }
    assert closed_zh[draws[0].pk]["words"].startswith("✔ 已核对")
    assert {pk: r["outcome"] for pk, r in bad_day.items()} == {
        draws[0].pk: "bad_commitment",
        draws[1].pk: "bad_commitment",
        legacy.pk: "ok_before",
    }
    assert bad_day[draws[0].pk]["words"].startswith("✘ 不一致")
    assert {pk: r["outcome"] for pk, r in bad_draw.items()} == {
        draws[0].pk: "ok_full",
        draws[1].pk: "bad_slots",
        legacy.pk: "ok_before",
    }
