"""The public check (API and page) and the admin's blocklist (API and page)."""

from __future__ import annotations

import pytest

from cheguan.audit.models import AuditEvent
from cheguan.core.actor import Actor
from cheguan.core.roles import Role
from cheguan.plates.models import BlockedPattern, BlockScope
from cheguan.plates.services import blocklist

CHECK_KEYS = {
    "number",
    "display",
    "plate_type",
    "plate_type_name",
    "office",
    "valid",
    "problems",
    "composable",
    "compose_problems",
}
EVERY_PROBLEM = ["沪AI234A", "02"]  # wrong province, wrong authority, I, last not a digit


@pytest.fixture
def admin(make):
    return make.user(Role.ADMIN)


def _check(client, number, plate_type, **headers):
    return client.get("/api/plates/check", {"number": number, "type": plate_type}, **headers)


# --- the public check: API -------------------------------------------------------------------


def test_anyone_checks_a_valid_number_without_logging_in(client, office):
    response = _check(client, "浙b·a1234", "02")

    body = response.json()
    assert response.status_code == 200
    assert set(body) == CHECK_KEYS  # nothing about the number's state in the pool
    assert body["number"] == "浙BA1234"
    assert body["display"] == "浙B·A1234"
    assert body["office"] == "浙B"
    assert (body["valid"], body["problems"]) == (True, [])
    assert (body["composable"], body["compose_problems"]) == (True, [])


def test_every_problem_comes_back_in_chinese_by_default(client, office):
    body = _check(client, *EVERY_PROBLEM).json()

    assert body["valid"] is False
    assert body["composable"] is False
    assert [p["code"] for p in body["problems"]] == [
        "plates.wrong_province",
        "plates.wrong_authority",
        "plates.letter_i_or_o",
        "plates.last_must_be_digit",
    ]
    assert body["problems"][0]["message"] == "号牌第1个字应为省份简称“浙”（本所号牌以浙B开头）。"
    assert "不使用字母I和O" in body["problems"][2]["message"]


def test_every_problem_comes_back_in_english_when_asked(client, office):
    body = _check(client, *EVERY_PROBLEM, HTTP_ACCEPT_LANGUAGE="en").json()

    messages = [p["message"] for p in body["problems"]]
    assert len(messages) == 4
    assert messages[0] == (
        "The first character of the number should be the province character 浙 "
        "(this office's numbers begin 浙B)."
    )
    assert messages[3].startswith("The last character of the serial should be a digit.")


def test_a_valid_but_blocked_number_is_valid_and_not_composable(client, admin):
    blocklist.add_pattern(
        actor=Actor(user=admin),
        office=admin.office,
        pattern=r"(\d)\1\1",
        reason="三个相同数字留作拍卖",
        scope=BlockScope.COMPOSE,
    )

    body = _check(client, "浙BA1112", "02").json()

    assert body["valid"] is True
    assert body["composable"] is False
    assert [p["code"] for p in body["compose_problems"]] == ["plates.blocked_combination"]
    assert "三个相同数字留作拍卖" in body["compose_problems"][0]["message"]


def test_a_type_closed_to_composition_is_valid_but_not_composable(client, office):
    body = _check(client, "浙B12345D", "51").json()

    assert (body["valid"], body["composable"]) == (True, False)
    assert [p["code"] for p in body["compose_problems"]] == ["plates.compose_not_offered"]


@pytest.mark.parametrize("plate_type", ["", "99", "x"])
def test_an_unknown_type_is_a_problem_not_an_error(client, office, plate_type):
    body = _check(client, "浙BA1234", plate_type).json()

    assert [p["code"] for p in body["problems"]] == ["plates.unknown_type"]
    assert body["plate_type_name"] == ""


def test_a_number_is_checked_against_the_office_of_its_prefix(client, make):
    make.office()
    make.office("440300", "粤B", "深圳市车管所")

    shenzhen = _check(client, "粤B·D12345", "52").json()
    nowhere = _check(client, "京A·D12345", "52").json()

    assert (shenzhen["office"], shenzhen["valid"], shenzhen["composable"]) == ("粤B", True, True)
    assert (nowhere["office"], nowhere["valid"], nowhere["composable"]) == (None, True, False)
    assert [p["code"] for p in nowhere["compose_problems"]] == ["plates.not_this_office"]


def test_an_unknown_office_code_is_not_found(client, office):
    response = client.get("/api/plates/check", {"number": "浙BA1234", "type": "02", "office": "1"})

    assert response.status_code == 404
    assert response.json()["code"] == "core.not_found"


def test_an_overlong_number_is_refused_as_input(client, office):
    response = _check(client, "浙B" + "1" * 40, "02")

    assert response.status_code == 422
    assert response.json()["code"] == "core.invalid_input"


# --- the public check: page ------------------------------------------------------------------


def test_the_check_page_lists_every_problem_in_plain_words(client, office):
    response = client.get("/plates/check/", {"number": EVERY_PROBLEM[0], "type": "02"})

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-valid="false"' in page
    for code in ("wrong_province", "wrong_authority", "letter_i_or_o", "last_must_be_digit"):
        assert f'data-code="plates.{code}"' in page
    assert "号牌第1个字应为省份简称“浙”" in page


def test_the_check_page_says_a_good_number_may_be_chosen(client, office):
    page = client.get(
        "/plates/check/", {"number": "浙BD12345", "type": "52"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert 'data-valid="true"' in page
    assert "浙B·D12345" in page
    assert "Yes: it follows this office's rules" in page


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("\x00B12345", "core.nul_character"),
        ("浙\x00A1234", "core.nul_character"),
        ("\x01\x02", "core.control_character"),
    ],
)
def test_control_characters_on_the_check_page_are_refused_not_errors(client, office, number, code):
    """Refused at the door (cheguan.core.input_guard): a query holds no control character."""
    response = client.get("/plates/check/", {"number": number, "type": "02"})

    assert response.status_code == 400
    assert code in response.content.decode()
    assert "<code>number</code>" in response.content.decode()


def test_the_empty_check_page_shows_only_the_form(client, office):
    page = client.get("/plates/check/").content.decode()

    assert 'name="number"' in page and 'name="type"' in page
    assert "data-valid" not in page


# --- the blocklist: API ----------------------------------------------------------------------

NEW = {"pattern": r"(\d)\1\1", "reason": "三个相同数字留作拍卖", "scope": "all"}


def test_a_citizen_may_not_see_or_change_the_blocklist(client, make, admin):
    row = blocklist.add_pattern(
        actor=Actor(user=admin), office=admin.office, pattern="^A", reason="保留字头"
    )
    client.force_login(make.user(Role.CITIZEN))

    listing = client.get("/api/plates/blocklist")
    adding = client.post("/api/plates/blocklist", NEW, content_type="application/json")
    stopping = client.post(f"/api/plates/blocklist/{row.pk}/deactivate")

    assert [r.status_code for r in (listing, adding)] == [403, 403]
    assert {r.json()["code"] for r in (listing, adding)} == {"core.permission_denied"}
    # a pattern is an object outside the citizen's scope: not found (ADR 0003, 0011)
    assert (stopping.status_code, stopping.json()["code"]) == (404, "core.not_found")
    assert BlockedPattern.objects.count() == 1 and BlockedPattern.objects.get().active


def test_nobody_logged_in_gets_401(client, office):
    assert client.get("/api/plates/blocklist").status_code == 401


def test_an_admin_adds_lists_and_deactivates_through_the_api(client, admin):
    client.force_login(admin)

    added = client.post("/api/plates/blocklist", NEW, content_type="application/json")
    listed = client.get("/api/plates/blocklist")
    pattern_id = added.json()["id"]
    stopped = client.post(f"/api/plates/blocklist/{pattern_id}/deactivate")

    assert added.status_code == 201
    assert added.json() | {"created_at": None} == {
        "id": pattern_id,
        "pattern": r"(\d)\1\1",
        "scope": "all",
        "scope_name": str(BlockScope.ALL.label),
        "reason": "三个相同数字留作拍卖",
        "active": True,
        "created_at": None,
        "created_by": admin.label,
    }
    assert [r["id"] for r in listed.json()] == [pattern_id]
    assert (stopped.status_code, stopped.json()["active"]) == (200, False)
    plates_events = AuditEvent.objects.filter(action__startswith="plates.").order_by("seq")
    actions = list(plates_events.values_list("action", "actor_id"))
    assert actions == [
        ("plates.pattern_added", admin.pk),
        ("plates.pattern_deactivated", admin.pk),
    ]


def test_a_bad_pattern_through_the_api_names_the_field(client, admin):
    client.force_login(admin)

    response = client.post(
        "/api/plates/blocklist",
        {**NEW, "pattern": r"\d*"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("plates.bad_pattern", "pattern")
    assert "matches an empty serial" in response.json()["message"]


def test_deactivating_an_unknown_pattern_is_not_found(client, admin):
    client.force_login(admin)

    assert client.post("/api/plates/blocklist/999999/deactivate").status_code == 404


# --- the blocklist: page ---------------------------------------------------------------------


def test_the_blocklist_page_is_for_admins_only(client, make):
    client.force_login(make.user(Role.CLERK))

    response = client.get("/plates/blocklist/")

    assert response.status_code == 403


def test_an_admin_blocks_and_unblocks_on_the_page(client, admin):
    client.force_login(admin)

    added = client.post("/plates/blocklist/", NEW)
    row = BlockedPattern.objects.get()
    page = client.get("/plates/blocklist/").content.decode()
    stopped = client.post(f"/plates/blocklist/{row.pk}/deactivate/")

    assert added.status_code == 302
    assert "三个相同数字留作拍卖" in page
    assert stopped.status_code == 302
    assert BlockedPattern.objects.get().active is False
    assert AuditEvent.objects.filter(action__startswith="plates.pattern_").count() == 2


def test_a_nul_character_on_the_blocklist_page_is_refused_not_a_server_error(client, admin):
    client.force_login(admin)

    response = client.post("/plates/blocklist/", {**NEW, "reason": "保留\x00字头"})

    assert response.status_code == 400  # at the door (cheguan.core.input_guard)
    assert "core.nul_character" in response.content.decode()
    assert "<code>reason</code>" in response.content.decode()
    assert not BlockedPattern.objects.exists()


def test_a_bad_pattern_on_the_page_is_shown_beside_the_field(client, admin):
    client.force_login(admin)

    response = client.post("/plates/blocklist/", {**NEW, "pattern": "(\\d"})

    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="pattern-error"' in page
    assert "不是有效的正则表达式" in page
    assert not BlockedPattern.objects.exists()
