"""The one error shape: {"code", "message", "field"} with a 4xx, in the request's language."""

import pytest
from django.test import Client

from cheguan.accounts.services import TOKEN_NAME_REQUIRED
from cheguan.core.errors import INVALID_INPUT, NOT_AUTHENTICATED, NOT_FOUND
from cheguan.core.input_guard import METHOD_NOT_ALLOWED
from cheguan.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(make, client):
    client.force_login(make.user(Role.ADMIN))
    return client


def _post(client, path, body, **extra):
    return client.post(path, body, content_type="application/json", **extra)


def test_a_domain_error_is_code_message_field(admin_client):
    r = _post(admin_client, "/api/accounts/tokens", {"name": "  "})

    assert r.status_code == 400
    assert r.json() == {
        "code": "accounts.token_name_required",
        "message": TOKEN_NAME_REQUIRED.zh,
        "field": "name",
    }


def test_a_schema_violation_is_422_invalid_input_naming_the_field(admin_client):
    r = _post(admin_client, "/api/accounts/tokens", {"name": "x" * 61}, HTTP_ACCEPT_LANGUAGE="en")

    body = r.json()
    assert r.status_code == 422
    assert (body["code"], body["field"]) == ("core.invalid_input", "name")
    assert body["message"] == (
        "The input is not in the expected form: name: must have at most 60 characters"
    )
    assert body["errors"] == [{k: body[k] for k in ("code", "message", "field")}]


def test_a_missing_field_is_422_in_chinese_by_default(admin_client):
    r = _post(admin_client, "/api/accounts/tokens", {})

    assert r.status_code == 422
    assert r.json()["field"] == "name"
    assert r.json()["message"] == "输入不符合要求：name：必须填写"


def test_a_bad_path_id_is_422_naming_the_parameter(admin_client):
    r = admin_client.post("/api/accounts/tokens/abc/revoke", HTTP_ACCEPT_LANGUAGE="en")

    assert r.status_code == 422
    assert (r.json()["code"], r.json()["field"]) == ("core.invalid_input", "token_id")
    assert r.json()["message"].endswith("token_id: must be a whole number")


def test_a_body_that_is_not_json_is_400_invalid_json(admin_client):
    r = _post(admin_client, "/api/accounts/tokens", '{"name": ', HTTP_ACCEPT_LANGUAGE="en")

    assert r.status_code == 400
    assert r.json()["code"] == "core.invalid_json"
    assert r.json()["message"].startswith("The request body is not valid JSON")


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/accounts/tokens", '{"name": "a\\u0000b"}', "name"),
        ("/api/accounts/tokens?note=%00", '{"name": "ok"}', "note"),
    ],
)
def test_text_with_a_nul_character_is_refused_before_it_reaches_the_database(
    admin_client, path, body, field
):
    r = _post(admin_client, path, body)

    assert (r.status_code, r.json()["code"], r.json()["field"]) == (
        422,
        "core.nul_character",
        field,
    )


@pytest.mark.parametrize(
    "path", ["/api/accounts/tokens/987654/revoke", "/api/accounts/tokens/0/revoke"]
)
def test_an_unknown_id_is_404_not_found(admin_client, path):
    r = admin_client.post(path)

    assert r.status_code == 404
    assert r.json() == {"code": "core.not_found", "message": NOT_FOUND.zh, "field": None}


def test_a_huge_id_is_404_not_a_crash(admin_client):
    r = admin_client.post("/api/accounts/tokens/99999999999999999999999999/revoke")

    assert (r.status_code, r.json()["code"]) == (404, "core.not_found")


def test_no_credentials_is_401_not_authenticated(client):
    r = client.get("/api/accounts/tokens")

    assert r.status_code == 401
    assert r.json() == {
        "code": "core.not_authenticated",
        "message": NOT_AUTHENTICATED.zh,
        "field": None,
    }


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_wrong_method_is_a_coded_405_naming_the_allowed_ones(admin_client, method):
    """ninja answers this in its router, before any handler, in plain text; the door
    (``cheguan.core.input_guard``) gives it the error shape and keeps the Allow header."""
    r = getattr(admin_client, method)("/api/accounts/tokens/1/revoke", HTTP_ACCEPT_LANGUAGE="en")

    assert (r.status_code, r["Allow"]) == (405, "POST")
    assert r.json() == {
        "code": "core.method_not_allowed",
        "message": METHOD_NOT_ALLOWED.en.format(allowed="POST"),
        "field": None,
    }


def test_a_wrong_method_is_405_for_anonymous_callers_too():
    r = Client().put("/api/accounts/me")

    assert (r.status_code, r["Allow"], r.json()["code"]) == (405, "GET", "core.method_not_allowed")


@pytest.mark.parametrize("path", ["/api/nothing-here", "/api/accounts/me/more", "/api/cases/"])
def test_an_unknown_api_path_is_a_coded_404_not_an_html_page(path):
    for r in (Client().get(path), Client().post(path, {}, content_type="application/json")):
        assert r.status_code == 404
        assert r.json() == {"code": "core.not_found", "message": NOT_FOUND.zh, "field": None}


def test_an_unknown_page_is_still_an_html_404(client):
    r = client.get("/nothing-here/")

    assert r.status_code == 404
    assert r["Content-Type"].startswith("text/html")


def test_a_body_over_the_upload_limit_is_413_too_large(admin_client, settings):
    big = b'{"name": "' + b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1) + b'"}'

    r = _post(admin_client, "/api/accounts/tokens", big, HTTP_ACCEPT_LANGUAGE="en")

    assert r.status_code == 413
    assert r.json()["code"] == "core.too_large"
    assert r.json()["message"].startswith("The request is too large: send at most 12 MB")


def test_a_page_body_over_the_limit_is_a_413_page(client, settings):
    big = "reasons=" + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)

    r = client.post("/accounts/login/", big, content_type="application/x-www-form-urlencoded")

    assert r.status_code == 413
    assert r["Content-Type"].startswith("text/html")
    assert "core.too_large" in r.content.decode()


def test_too_many_form_fields_is_413_too_large(admin_client, settings):
    form = "&".join(f"f{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))

    r = admin_client.post(
        "/api/accounts/tokens", form, content_type="application/x-www-form-urlencoded"
    )

    assert (r.status_code, r.json()["code"]) == (413, "core.too_large")


@pytest.mark.parametrize("path", ["/api/accounts/tokens", "/api/cases/20261123000001/documents"])
def test_multipart_without_a_boundary_is_a_coded_400(admin_client, path):
    body = b'--x\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--x--\r\n'

    r = admin_client.post(path, body, content_type="multipart/form-data")

    assert r.status_code == 400
    assert (r.json()["code"], r.json()["field"]) == ("core.invalid_multipart", None)


def test_multipart_without_a_boundary_on_a_page_is_a_400_page(client):
    r = client.post("/accounts/login/", b"--x--", content_type="multipart/form-data")

    assert r.status_code == 400
    assert "core.invalid_multipart" in r.content.decode()


def test_a_server_error_under_the_api_keeps_its_500_but_has_the_shape(make, monkeypatch):
    """A 500 is still a bug and still a 500 (logged); the client gets a body it can parse."""
    from cheguan.accounts import queries

    def broken(actor):
        raise RuntimeError("a bug")

    monkeypatch.setattr(queries, "open_assisted_session", broken)
    client = Client(raise_request_exception=False)
    client.force_login(make.user(Role.CITIZEN))

    r = client.get("/api/accounts/me")

    assert r.status_code == 500
    assert (r.json()["code"], r.json()["field"]) == ("core.server_error", None)


# --- language -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "cookies", "message"),
    [
        ({}, {}, NOT_AUTHENTICATED.zh),
        ({"HTTP_ACCEPT_LANGUAGE": "en"}, {}, NOT_AUTHENTICATED.en),
        ({"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}, {}, NOT_AUTHENTICATED.en),
        ({"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9,en;q=0.5"}, {}, NOT_AUTHENTICATED.zh),
        ({}, {"cheguan_language": "en"}, NOT_AUTHENTICATED.en),
        ({"HTTP_ACCEPT_LANGUAGE": "en"}, {"cheguan_language": "zh-hans"}, NOT_AUTHENTICATED.zh),
        ({"HTTP_ACCEPT_LANGUAGE": "fr"}, {}, NOT_AUTHENTICATED.zh),
    ],
)
def test_messages_follow_the_language_cookie_then_accept_language(headers, cookies, message):
    client = Client()
    for name, value in cookies.items():
        client.cookies[name] = value

    r = client.get("/api/accounts/me", **headers)

    assert r.json()["message"] == message


def test_validation_messages_are_translated_too(admin_client):
    zh = _post(admin_client, "/api/accounts/tokens", {"name": 7})
    en = _post(admin_client, "/api/accounts/tokens", {"name": 7}, HTTP_ACCEPT_LANGUAGE="en")

    assert zh.json()["message"] == INVALID_INPUT.zh.format(detail="name：应为文本")
    assert en.json()["message"] == INVALID_INPUT.en.format(detail="name: must be text")


def test_an_anonymous_post_is_401_not_a_csrf_failure():
    r = Client(enforce_csrf_checks=True).post(
        "/api/accounts/tokens", {"name": "x"}, content_type="application/json"
    )

    assert (r.status_code, r.json()["code"]) == (401, "core.not_authenticated")


@pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer   ", "Token abc"])
def test_other_authorization_schemes_are_401(header):
    r = Client().get("/api/accounts/me", HTTP_AUTHORIZATION=header)

    assert (r.status_code, r.json()["code"]) == (401, "core.not_authenticated")
