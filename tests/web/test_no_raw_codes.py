"""No raw codes in front of people: every citizen page (and a clerk's assisted view of it)
shows names, words and office-local times, never a code-table code, a violation code, an
audit action, an error code or an ISO timestamp. The codes stay in the API, and staff may
read a code in a secondary line."""

from __future__ import annotations

import html
import re

import pytest

from cheguan.core.roles import Role
from tests.e2e import citizen_world

pytestmark = pytest.mark.django_db

RAW = {
    "a vehicle-type code": re.compile(r"\b[KHMQGN][0-9]{2}\b"),
    "an ISO or machine timestamp": re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}|[+-]00:00\b"),
    "a violation code": re.compile(r"\b1625\b|\b1345\b"),
    "an audit action or error code": re.compile(
        r"\b(?:cases|core|registry|inspection|plates|accounts|audit)\.[a-z]+_[a-z_]+\b"
    ),
    "a record reference": re.compile(r"\b(?:person|organisation|insurance|tax):\w"),
}
LANGUAGES = ("zh-hans", "en")


def visible_text(response) -> str:
    page = response.content.decode()
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def raw_codes(text: str) -> list[str]:
    return [f"{what}: {m[0]!r}" for what, rx in RAW.items() for m in rx.finditer(text)]


@pytest.fixture
def world(db):
    return citizen_world.build()


def _read(client, user, paths, *, language: str, elder: bool) -> list[str]:
    client.force_login(user)
    client.cookies["cheguan_language"] = language
    client.cookies["cheguan_elder"] = "1" if elder else "0"
    found = []
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        found += [
            f"{path} [{language}{', elder' if elder else ''}] {r}"
            for r in raw_codes(visible_text(response))
        ]
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_citizen_page_shows_a_raw_code(client, world, language):
    paths = [p.path for p in citizen_world.citizen_pages(world)]
    found = _read(client, world.citizen, paths, language=language, elder=False)
    found += _read(client, world.citizen, paths, language=language, elder=True)
    assert found == [], "raw codes on citizen pages:\n" + "\n".join(found)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_assisted_view_shows_a_raw_code(client, world, language):
    citizen_world.start_assisted_session(world)
    # "/" is the clerk's own home page here; the vehicle page shows staff the violation
    # code in a secondary line (below)
    skip = {"/", f"/registry/vehicles/{world.blocked.pk}/"}
    paths = [p.path for p in citizen_world.citizen_pages(world) if p.assisted and not p.own]
    paths = [p for p in paths if p not in skip]
    found = _read(client, world.clerk, paths, language=language, elder=False)
    assert found == [], "raw codes on assisted pages:\n" + "\n".join(found)


def test_the_vehicle_page_names_the_type_and_use_and_shows_violations_as_words(client, world):
    client.force_login(world.citizen)
    zh = visible_text(client.get(f"/registry/vehicles/{world.blocked.pk}/"))
    client.cookies["cheguan_language"] = "en"
    en = visible_text(client.get(f"/registry/vehicles/{world.blocked.pk}/"))
    assert "小型轿车" in zh and "非营运" in zh
    assert "Small saloon car" in en and "Non-operating" in en
    assert "驾驶机动车违反道路交通信号灯通行的" in zh
    assert "2026年4月11日 10:00" in zh and "11 April 2026 10:00" in en  # office-local time
    assert raw_codes(zh) == raw_codes(en) == []


def test_staff_read_the_violation_code_in_a_secondary_line(client, world):
    citizen_world.start_assisted_session(world)
    client.force_login(world.clerk)
    page = client.get(f"/registry/vehicles/{world.blocked.pk}/").content.decode()
    assert '<span class="help staff-code">违法代码 1625</span>' in page


def test_the_error_page_shows_the_code_to_staff_only(client, make):
    citizen = make.user(Role.CITIZEN)
    clerk = make.user(Role.CLERK)
    client.force_login(citizen)
    for_citizen = client.get("/audit/")  # the trail is not for citizens: 403
    client.force_login(clerk)
    for_clerk = client.get("/audit/")
    assert for_citizen.status_code == for_clerk.status_code == 403
    assert "core.permission_denied" not in visible_text(for_citizen)
    assert "错误代码" not in visible_text(for_citizen)
    assert "错误代码（供工作人员）：" in visible_text(for_clerk)
    assert "core.permission_denied" in visible_text(for_clerk)
