"""The door (``cheguan.core.input_guard``): text the database cannot store, or that makes no
sense as text, is refused before any view, session or database sees the request.

NUL is the character PostgreSQL refuses (a 500 if it got that far) and SQLite silently
stores, so these tests prove most on the PostgreSQL run. Each one names the field.
"""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cheguan.accounts.models import ApiToken, AssistedSession
from cheguan.cases.models import Case, CaseStatus, Visit
from cheguan.core.input_guard import CONTROL_CHARACTER, NUL_CHARACTER
from cheguan.core.roles import Role
from tests.builders import CaseWorld
from tests.helpers import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return CaseWorld()


@pytest.fixture
def admin(make):
    client = Client()
    client.force_login(make.user(Role.ADMIN))
    return client


@pytest.fixture
def clerk(world):
    client = Client()
    client.force_login(world.clerk)
    return client


def _coded(r, status: int, code: str, field: str | None):
    assert r["Content-Type"].startswith("application/json"), r.content[:300]
    body = r.json()
    assert (r.status_code, body["code"], body["field"]) == (status, code, field), body
    return body


# --- the API: JSON bodies, whatever the Content-Type says -----------------------------------


@pytest.mark.parametrize("content_type", ["text/plain", "application/json", ""])
def test_a_nul_in_a_json_body_is_refused_whatever_the_content_type(admin, content_type):
    """The issue's first example: ninja parses a text/plain body as JSON, so the door does too."""
    r = admin.post("/api/accounts/tokens", '{"name":"a\\u0000b"}', content_type=content_type)

    _coded(r, 422, "core.nul_character", "name")
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    ("escaped", "code"),
    [
        ("\\u0001", "core.control_character"),
        ("\\u001b", "core.control_character"),
        ("\\u007f", "core.control_character"),
        ("\\b", "core.control_character"),  # JSON's own escape for backspace
        ("\\f", "core.control_character"),
        ("\\u0000", "core.nul_character"),
        ("\\ud800", "core.invalid_character"),  # a lone surrogate: not a character at all
        ("\\udfff", "core.invalid_character"),
    ],
)
def test_control_characters_and_lone_surrogates_in_json_text_are_refused(admin, escaped, code):
    r = admin.post(
        "/api/accounts/tokens", '{"name": "x' + escaped + 'y"}', content_type="text/plain"
    )

    _coded(r, 422, code, "name")
    assert not ApiToken.objects.exists()


def test_a_raw_delete_character_in_json_text_is_refused(admin):
    """DEL may stand unescaped in a JSON string; it is still no part of a name."""
    r = admin.post("/api/accounts/tokens", b'{"name": "x\x7fy"}', content_type="application/json")

    _coded(r, 422, "core.control_character", "name")


def test_the_error_says_what_is_expected_in_both_languages(admin):
    zh = admin.post("/api/accounts/tokens", '{"name": "a\\u0001"}', content_type="text/plain")
    en = admin.post(
        "/api/accounts/tokens",
        '{"name": "a\\u0001"}',
        content_type="text/plain",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert zh.json()["message"] == CONTROL_CHARACTER.zh
    assert en.json()["message"] == CONTROL_CHARACTER.en
    assert en.json()["message"].startswith("Text may not contain control characters")


def test_nested_json_text_is_checked_and_named_by_its_dotted_path(world, clerk):
    case = world.submitted()
    body = {"items": [{"requirement": "vehicle_licence", "reason": "ok"}, {"reason": "a\x00"}]}

    r = clerk.post(f"/api/cases/{case.number}/notice", body, content_type="application/json")

    _coded(r, 422, "core.nul_character", "items.1.reason")


def test_a_nul_in_a_json_key_is_refused(admin):
    r = admin.post("/api/accounts/tokens", '{"na\\u0000me": "x"}', content_type="text/plain")

    assert (r.status_code, r.json()["code"]) == (422, "core.nul_character")


@pytest.mark.parametrize("content_type", ["text/plain", "application/json"])
def test_reject_reasons_with_a_nul_are_refused_and_the_case_is_untouched(
    world, clerk, content_type
):
    case = world.submitted()
    body = json.dumps({"reasons": "材料不全\u0000"})

    r = clerk.post(f"/api/cases/{case.number}/reject", body, content_type=content_type)

    _coded(r, 422, "core.nul_character", "reasons")
    assert Case.objects.get(pk=case.pk).status == CaseStatus.SUBMITTED


def test_line_breaks_and_tabs_in_body_text_are_accepted(world, clerk):
    case = world.submitted()
    reasons = "第一，材料不全；\r\n第二，\t照片模糊。"

    r = clerk.post(
        f"/api/cases/{case.number}/reject",
        json.dumps({"reasons": reasons}),
        content_type="text/plain",
    )

    assert r.status_code == 200, r.content
    assert Case.objects.get(pk=case.pk).closing_reason == reasons


def test_a_consent_note_with_a_nul_is_refused(world, clerk):
    body = json.dumps(
        {"id_number": world.person.id_number, "consent_method": "signed", "consent_note": "\0"}
    )

    r = clerk.post("/api/accounts/assisted-sessions", body, content_type="text/plain")

    _coded(r, 422, "core.nul_character", "consent_note")
    assert not AssistedSession.objects.exists()


# --- the API: path, query, forms, headers ------------------------------------------------


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("note=%00", "core.nul_character"),
        ("note=a%09b", "core.control_character"),  # a tab makes no sense in a query
        ("note=a%0Ab", "core.control_character"),
        ("note=%7F", "core.control_character"),
    ],
)
def test_the_query_string_may_hold_no_control_character_at_all(admin, query, code):
    r = admin.get(f"/api/accounts/tokens?{query}")

    _coded(r, 422, code, "note")


def test_a_control_character_in_a_query_parameter_name_is_refused(admin):
    r = admin.get("/api/accounts/tokens?a%00b=1")

    assert (r.status_code, r.json()["code"]) == (422, "core.nul_character")


@pytest.mark.parametrize("path", ["/api/cases/2026%00", "/api/cases/1%01/submit"])
def test_a_control_character_in_the_path_is_refused_naming_the_parameter(admin, path):
    r = admin.get(path)

    body = r.json()
    assert r.status_code == 422
    assert body["code"] in {"core.nul_character", "core.control_character"}
    assert body["field"] == "number"


def test_a_nul_in_a_multipart_field_is_refused_but_not_in_the_file(world, make):
    citizen = Client()
    citizen.force_login(world.citizen_user)
    from cheguan.cases import services

    case = services.open_case(
        actor=world.citizen, service_code="plate_replacement", vehicle=world.vehicle
    )
    url = f"/api/cases/{case.number}/documents"

    def file():
        return SimpleUploadedFile("licence.pdf", PDF + b"\x00\x01\x7f", "application/pdf")

    refused = citizen.post(url, {"requirement": "vehicle_licence\x00", "file": file()})
    taken = citizen.post(url, {"requirement": "vehicle_licence", "file": file()})

    _coded(refused, 422, "core.nul_character", "requirement")
    assert taken.status_code == 201, taken.content


def test_a_nul_in_a_urlencoded_body_is_refused(admin):
    r = admin.post(
        "/api/accounts/tokens", "name=a%00b", content_type="application/x-www-form-urlencoded"
    )

    _coded(r, 422, "core.nul_character", "name")


@pytest.mark.parametrize(
    ("header", "value", "code"),
    [
        ("HTTP_AUTHORIZATION", "Bearer cg_abc\x00def", "core.nul_character"),
        ("HTTP_IDEMPOTENCY_KEY", "key\x00", "core.nul_character"),
        ("HTTP_X_ANYTHING", "a\x01b", "core.control_character"),
    ],
)
def test_a_header_with_a_control_character_is_refused(make, header, value, code):
    """HTTP allows none in header values (real servers refuse them too); the test client could
    send one, and the token and idempotency lookups would take it to the database."""
    r = Client().post("/api/accounts/tokens", {"name": "x"}, "application/json", **{header: value})

    assert (r.status_code, r.json()["code"]) == (422, code)


def test_a_tab_in_a_header_is_fine(make):
    r = Client().get("/api/accounts/me", HTTP_X_ANYTHING="a\tb")

    assert (r.status_code, r.json()["code"]) == (401, "core.not_authenticated")


# --- nothing touches the database first ---------------------------------------------------


@pytest.mark.parametrize("logged_in", [False, True])
@pytest.mark.parametrize(
    "url", ["/api/accounts/me?x=%00", "/plates/draws/?office=33%00", "/cases/my/?q=%01"]
)
def test_a_refused_request_runs_no_database_query(make, django_assert_num_queries, logged_in, url):
    client = Client()
    if logged_in:
        client.force_login(make.user(Role.CLERK))

    with django_assert_num_queries(0):
        r = client.get(url)

    assert r.status_code in {400, 422}


# --- pages: a plain, translated HTML page ------------------------------------------------


def _page(r, status: int = 400) -> str:
    assert r.status_code == status, r.content[:500]
    assert r["Content-Type"].startswith("text/html")
    return r.content.decode()


def test_an_anonymous_draw_log_with_a_nul_office_is_a_400_page_not_a_crash(office):
    """The issue: ``GET /plates/draws/?office=33%00`` without login."""
    page = _page(Client().get("/plates/draws/?office=33%00"))

    assert NUL_CHARACTER.zh in page and "字段：<code>office</code>" in page
    assert '<html lang="zh-Hans">' in page
    assert "core.nul_character" in page


def test_the_page_follows_the_language(office):
    page = _page(Client().get("/plates/draws/?office=33%00", HTTP_ACCEPT_LANGUAGE="en"))

    assert NUL_CHARACTER.en in page and "Field: <code>office</code>" in page
    assert '<html lang="en">' in page


def test_the_page_is_simple_and_accessible(office):
    client = Client()
    client.cookies["cheguan_elder"] = "1"

    page = _page(client.get("/plates/draws/?office=33%00"))

    assert "<h1>" in page and 'role="alert"' in page
    assert '<body class="elder">' in page
    assert 'href="/"' in page  # a way on


def test_the_inspection_desk_search_with_a_nul_is_refused(world, clerk):
    page = _page(clerk.get("/inspection/desk/?q=%00"))

    assert NUL_CHARACTER.zh in page and "<code>q</code>" in page


def test_a_page_path_with_a_control_character_is_refused(clerk):
    page = _page(clerk.get("/cases/console/2026%01/"))

    assert "core.control_character" in page


def test_a_clerk_rejecting_with_a_nul_in_the_reasons_gets_a_400_page(world, clerk):
    case = world.submitted()

    page = _page(clerk.post(f"/cases/console/{case.number}/reject/", {"reasons": "材料不全\x00"}))

    assert NUL_CHARACTER.zh in page and "<code>reasons</code>" in page
    assert Case.objects.get(pk=case.pk).status == CaseStatus.SUBMITTED


def test_multi_line_reasons_on_the_reject_form_still_work(world, clerk):
    case = world.submitted()

    r = clerk.post(
        f"/cases/console/{case.number}/reject/", {"reasons": "一，缺件；\r\n二，\t模糊。"}
    )

    assert r.status_code == 302
    assert Case.objects.get(pk=case.pk).closing_reason == "一，缺件；\r\n二，\t模糊。"


def test_a_visit_with_a_control_character_in_the_ticket_is_refused(world, clerk):
    case = world.submitted()

    page = _page(clerk.post(f"/cases/console/{case.number}/visit/", {"ticket_number": "A\x1b001"}))

    assert CONTROL_CHARACTER.zh in page and "<code>ticket_number</code>" in page
    assert not Visit.objects.exists()


def test_a_consent_note_with_a_nul_on_the_page_is_refused(world, clerk):
    form = {
        "id_number": world.person.id_number,
        "consent_method": "signed",
        "consent_note": "本人\x00签字",
    }

    page = _page(clerk.post("/accounts/assisted/", form))

    assert NUL_CHARACTER.zh in page and "<code>consent_note</code>" in page
    assert not AssistedSession.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        b'{"name": "a\xed\xa0\x80b"}',  # a surrogate as UTF-8 bytes: json.loads lets it through
        '{"name": "a\\u0000b"}'.encode("utf-16-be"),  # JSON in UTF-16, which json.loads reads
        '{"name": "a\\u0000b"}'.encode("utf-16"),
    ],
)
def test_json_the_parser_would_read_is_checked_however_it_is_encoded(admin, body):
    r = admin.post("/api/accounts/tokens", body, content_type="application/json")

    assert r.status_code == 422
    assert r.json()["code"] in {"core.invalid_character", "core.nul_character"}
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    ("path", "body", "content_type", "status", "code"),
    [
        (
            "/api/accounts/tokens",
            b'{"name": "a\xffb"}',
            "application/json",
            400,
            "core.invalid_json",
        ),
        ("/api/accounts/tokens?note=%FF%FE", b'{"name": "ok"}', "application/json", 201, None),
        (
            "/api/accounts/tokens",
            b"name=%FF",
            "application/x-www-form-urlencoded",
            400,
            "core.invalid_json",
        ),
        ("/api/cases/%FF", b"", "application/json", 405, "core.method_not_allowed"),
    ],
)
def test_invalid_utf8_is_never_a_crash(admin, path, body, content_type, status, code):
    """Django reads paths, queries and forms with errors="replace" (U+FFFD, a real character);
    a JSON body that is not UTF-8 is not JSON."""
    r = admin.post(path, body, content_type=content_type)

    assert r.status_code == status, r.content
    if code is not None:
        assert r.json()["code"] == code
