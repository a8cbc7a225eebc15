"""Bad input never gives a 500: every operation of the API, fed garbage, answers < 500.

A cheap in-process fuzz over the live OpenAPI document (so new endpoints are covered the
moment they exist): garbage path ids, garbage query values, bodies that are not JSON, not
objects, or objects whose every field has the wrong type or an extreme value. Run as an
admin (the widest scope), as a clerk acting for a citizen, and anonymously. The thorough
property-based run is schemathesis against a live server (another job); this one fails fast.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from cheguan.accounts.models import Role
from cheguan.web.management.commands.openapi import render_schema

SCHEMA = json.loads(render_schema())
METHODS = ("get", "post", "put", "patch", "delete")
OPERATIONS = [
    (method.upper(), path, op)
    for path, item in sorted(SCHEMA["paths"].items())
    for method, op in sorted(item.items())
    if method in METHODS
]

GARBAGE_IDS = ["-1", "abc", "99999999999999999999999", "%00", "%E4%B8%AD"]
GARBAGE_QUERY = ["-1", "abc", "99999999999999999999999", "x" * 5000, "2026-02-30"]
GARBAGE_BODIES = [b"", b"{", b"[]", b'"text"', b'{"unknown": 1}']
WRONG_VALUES: list[Any] = [None, "", "x" * 10000, -1, 2**70, 1e308, [], "2026-02-30"]


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


def _requests(method: str, path: str, op: dict[str, Any]):
    """(path, query, content_type, body) tuples to try, every one of them wrong somehow."""
    media, fields = _body_fields(op)
    plain = _path_with(path, "1")
    json_type = "application/json"
    for value in GARBAGE_IDS if "{" in path else []:
        yield _path_with(path, value), {}, json_type, b"{}"
    for param in op.get("parameters") or []:
        if param.get("in") == "query":
            for value in GARBAGE_QUERY:
                yield plain, {param["name"]: value}, json_type, b""
    if method in {"POST", "PUT", "PATCH"}:
        for body in GARBAGE_BODIES:
            yield plain, {}, json_type, body
        for value in WRONG_VALUES:
            shaped = dict.fromkeys(fields, value)
            if media == json_type or media is None:
                yield plain, {}, json_type, json.dumps(shaped).encode()
            else:
                form = {f: "" if v is None else str(v)[:2000] for f, v in shaped.items()}
                yield plain, {}, media, form


def _send(client: Client, method: str, path: str, query, content_type, body):
    call = getattr(client, method.lower())
    if method == "GET":
        return call(path, query)
    if query:
        path = path + "?" + "&".join(f"{k}={v}" for k, v in query.items())
    if content_type == "multipart/form-data":
        return call(path, body)
    if content_type == "application/x-www-form-urlencoded":
        from urllib.parse import urlencode

        return call(path, urlencode(body), content_type=content_type)
    return call(path, body, content_type=content_type)


def _problems(client: Client, method: str, path: str, op: dict[str, Any]) -> list[str]:
    problems = []
    for req_path, query, content_type, body in _requests(method, path, op):
        r = _send(client, method, req_path, query, content_type, body)
        where = f"{method} {req_path} {query or ''} {str(body)[:80]}"
        if r.status_code >= 500:
            problems.append(f"{r.status_code} from {where}")
        elif r.status_code != 405 and r.get("Content-Type", "").startswith("application/json"):
            data = r.json()
            if r.status_code >= 400 and not (
                isinstance(data, dict) and {"code", "message"} <= set(data)
            ):
                problems.append(f"{r.status_code} without the error shape from {where}: {data}")
    return problems


@pytest.fixture
def admin(make):
    client = Client(raise_request_exception=False)
    client.force_login(make.user(Role.ADMIN))
    return client


@pytest.fixture
def assisting_clerk(make):
    from cheguan.accounts import services
    from cheguan.accounts.actor import Actor

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
