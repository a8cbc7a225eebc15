"""Bad input never gives a 500: every operation of the API, fed garbage, answers < 500.

A cheap in-process fuzz over the live OpenAPI document (so new endpoints are covered the
moment they exist): garbage path ids, garbage query values, bodies that are not JSON, not
objects, or objects whose every field has the wrong type or an extreme value; NUL and other
control characters in the path, in every query parameter and in every text field of every
body (JSON whatever the Content-Type says, and forms); wrong methods; multipart without a
boundary. Every 4xx has the error shape. Run as an admin (the widest scope), as a clerk
acting for a citizen, and anonymously. NUL is what PostgreSQL refuses and SQLite stores: the
PostgreSQL run (CI runs the whole suite on both) is the one that proves the door. The
thorough property-based run is schemathesis against a live server; this one fails fast.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.test import Client

from cheguan.core.roles import Role
from cheguan.web.management.commands.openapi import render_schema

SCHEMA = json.loads(render_schema())
METHODS = ("get", "post", "put", "patch", "delete")
OPERATIONS = [
    (method.upper(), path, op)
    for path, item in sorted(SCHEMA["paths"].items())
    for method, op in sorted(item.items())
    if method in METHODS
]

GARBAGE_IDS = ["-1", "abc", "99999999999999999999999", "%00", "%E4%B8%AD", "1%01", "%7F"]
GARBAGE_QUERY = ["-1", "abc", "99999999999999999999999", "x" * 5000, "2026-02-30", "\x00"]
GARBAGE_BODIES = [b"", b"{", b"[]", b'"text"', b'{"unknown": 1}', b'"\\u0000"', b'["\\ud800"]']
WRONG_VALUES: list[Any] = [
    None,
    "",
    "x" * 10000,
    -1,
    2**70,
    1e308,
    [],
    "2026-02-30",
    True,
    "a\x00b",
    "\x01\x7f",
    "\ud800",
    "two\nlines\tand a tab",
]
# Refused at the door whatever the field: (value, code).
CONTROL = [
    ("a\x00b", "core.nul_character"),
    ("a\x1bb", "core.control_character"),
    ("\x7f", "core.control_character"),
]


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = SCHEMA["components"]["schemas"][name]
    return node


def _body_fields(op: dict[str, Any]) -> tuple[str | None, list[str]]:
    content = (op.get("requestBody") or {}).get("content") or {}
    for media in ("application/json", "multipart/form-data", "application/x-www-form-urlencoded"):
        if media in content:
            schema = _resolve(content[media].get("schema") or {})
            return media, sorted((schema.get("properties") or {}).keys())
    return None, []


def _path_with(path: str, value: str) -> str:
    return re.sub(r"\{[^}]+\}", value, path)


def _first_path_parameter(path: str) -> str | None:
    found = re.search(r"\{([^}:]+)", path)
    return found.group(1) if found else None


def _form_text(value: Any) -> str:
    """What a form can carry: text, and no lone surrogate (no encoding writes one)."""
    return "" if value is None else str(value)[:2000].replace("\ud800", "?")


def _requests(method: str, path: str, op: dict[str, Any]):
    """(path, query, content_type, body, expected) to try, every one of them wrong somehow.

    ``expected`` is ``(status, code, field)`` where the answer is known whatever the data —
    the door's refusals, a wrong method, a broken multipart body — else ``None`` (any < 500).
    """
    media, fields = _body_fields(op)
    plain = _path_with(path, "1")
    json_type = "application/json"
    for value in GARBAGE_IDS if "{" in path else []:
        yield _path_with(path, value), {}, json_type, b"{}", None
    for value, code in CONTROL if "{" in path else []:
        control_path = _path_with(path, "1" + quote(value))
        yield control_path, {}, json_type, b"{}", (422, code, _first_path_parameter(path))
    for param in op.get("parameters") or []:
        if param.get("in") == "query":
            for value in GARBAGE_QUERY:
                yield plain, {param["name"]: value}, json_type, b"", None
            for value, code in [*CONTROL, ("a\tb", "core.control_character")]:
                yield plain, {param["name"]: value}, json_type, b"", (422, code, param["name"])
    for wrong in sorted(set(METHODS) - set(SCHEMA["paths"][path])):
        yield plain, {}, json_type, b"{}", (405, "core.method_not_allowed", None, wrong.upper())
    if method not in {"POST", "PUT", "PATCH"}:
        return
    for body in GARBAGE_BODIES:
        yield plain, {}, json_type, body, None
    for value in WRONG_VALUES:
        shaped = dict.fromkeys(fields, value)
        if media == json_type or media is None:
            yield plain, {}, json_type, json.dumps(shaped).encode(), None
        else:
            yield plain, {}, media, {f: _form_text(v) for f, v in shaped.items()}, None
    for field in fields or ["anything"]:  # every field, alone, in JSON whatever the type says
        for value, code in CONTROL:
            body = json.dumps({field: value}).encode()
            for content_type in (json_type, "text/plain", ""):
                yield plain, {}, content_type, body, (422, code, field)
            if media not in {json_type, None}:
                form = dict.fromkeys(fields, "x") | {field: value}
                yield plain, {}, media, form, (422, code, field)
    yield plain, {}, "multipart/form-data", b"--x--", (400, "core.invalid_multipart", None)


def _send(client: Client, method: str, path: str, query, content_type, body):
    call = getattr(client, method.lower())
    if method == "GET":
        return call(path, query)
    if query:
        path = path + "?" + urlencode(query)
    if content_type == "multipart/form-data" and isinstance(body, dict):
        return call(path, body)
    if content_type == "application/x-www-form-urlencoded":
        return call(path, urlencode(body), content_type=content_type)
    return call(path, body, content_type=content_type)


def _problems(client: Client, method: str, path: str, op: dict[str, Any]) -> list[str]:
    problems = []
    for req_path, query, content_type, body, expected in _requests(method, path, op):
        send_as = expected[3] if expected and len(expected) > 3 else method
        r = _send(client, send_as, req_path, query, content_type, body)
        where = f"{send_as} {req_path} {query or ''} {content_type} {str(body)[:80]}"
        if r.status_code >= 500:
            problems.append(f"{r.status_code} from {where}")
            continue
        if r.status_code < 400:
            if expected is not None:
                problems.append(f"{r.status_code}, not {expected[:3]}, from {where}")
            continue
        if not r.get("Content-Type", "").startswith("application/json"):
            problems.append(f"{r.status_code} is not JSON from {where}: {r.content[:80]}")
            continue
        data = r.json()
        if not (isinstance(data, dict) and {"code", "message", "field"} <= set(data)):
            problems.append(f"{r.status_code} without the error shape from {where}: {data}")
        elif expected is not None and (r.status_code, data["code"], data["field"]) != expected[:3]:
            got = (r.status_code, data["code"], data["field"])
            problems.append(f"{got}, not {expected[:3]}, from {where}")
        elif r.status_code == 405 and not r.get("Allow"):
            problems.append(f"405 without an Allow header from {where}")
    return problems


@pytest.fixture
def admin(make):
    client = Client(raise_request_exception=False)
    client.force_login(make.user(Role.ADMIN))
    return client


@pytest.fixture
def assisting_clerk(make):
    from cheguan.accounts import services
    from cheguan.core.actor import Actor

    clerk = make.user(Role.CLERK)
    citizen = make.person()
    make.vehicle(owner=citizen)
    services.open_assisted_session(
        actor=Actor(user=clerk), id_number=citizen.id_number, consent_method="signed"
    )
    client = Client(raise_request_exception=False)
    client.force_login(clerk)
    return client


def test_the_document_lists_operations():
    assert len(OPERATIONS) >= 7
    assert ("GET", "/api/accounts/me") in {(m, p) for m, p, _ in OPERATIONS}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path", "op"), OPERATIONS, ids=[f"{m} {p}" for m, p, _ in OPERATIONS]
)
def test_garbage_never_gets_a_server_error(admin, assisting_clerk, method, path, op):
    problems = _problems(admin, method, path, op)
    anonymous = _send(
        Client(raise_request_exception=False),
        method,
        _path_with(path, "1"),
        {},
        "application/json",
        b"{}",
    )
    clerk = _send(assisting_clerk, method, _path_with(path, "1"), {}, "application/json", b"{}")

    for who, r in (("anonymous", anonymous), ("assisting clerk", clerk)):
        if r.status_code >= 500:
            problems.append(f"{r.status_code} for {who} from {method} {path}")
    assert problems == [], "\n".join(problems[:20])
