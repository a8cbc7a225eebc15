"""Booleans are not numbers: ``{"vehicle_id": true}`` is refused, not taken as vehicle 1.

The rule lives in one place (``cheguan.core.schemas.Schema``); the sweep below walks every
integer and number of every JSON request body in the OpenAPI document, so a schema that does
not derive from it is found the day it is added.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from cheguan.cases.models import Case
from cheguan.core.roles import Role
from cheguan.web.management.commands.openapi import render_schema

pytestmark = pytest.mark.django_db

SCHEMA = json.loads(render_schema())


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = SCHEMA["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _numbers(node: dict[str, Any], path: tuple[str, ...] = ()):
    """(path, "integer" | "number") of every number in a JSON schema, nested ones included."""
    node = _resolve(node)
    for alternative in node.get("anyOf", []):
        yield from _numbers(alternative, path)
    if node.get("type") in {"integer", "number"}:
        yield path, node["type"]
    for name, child in (node.get("properties") or {}).items():
        yield from _numbers(child, (*path, name))
    if isinstance(node.get("additionalProperties"), dict):
        yield from _numbers(node["additionalProperties"], (*path, "k"))
    if node.get("type") == "array":
        yield from _numbers(node.get("items") or {}, (*path, "0"))


def _nested(path: tuple[str, ...], value: Any) -> Any:
    """``("dimensions", "k"), true`` → ``{"dimensions": {"k": true}}``; "0" makes a list."""
    for part in reversed(path):
        value = [value] if part == "0" else {part: value}
    return value


NUMBER_FIELDS = [
    (path, ".".join(field), kind)
    for path, item in sorted(SCHEMA["paths"].items())
    for method, op in item.items()
    if method == "post"
    for media, content in ((op.get("requestBody") or {}).get("content") or {}).items()
    if media == "application/json"
    for field, kind in _numbers(content["schema"])
]


def test_the_sweep_finds_the_number_fields():
    assert ("/api/cases/open", "vehicle_id", "integer") in NUMBER_FIELDS
    assert ("/api/cases/{number}/rate", "dimensions.k", "integer") in NUMBER_FIELDS
    assert ("/api/registry/organisations", "latitude", "number") in NUMBER_FIELDS


@pytest.fixture
def admin(make):
    client = Client()
    client.force_login(make.user(Role.ADMIN))
    return client


def _path(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "20261123000001", path)  # fits every path parameter's pattern


@pytest.mark.parametrize(("path", "field", "kind"), NUMBER_FIELDS)
@pytest.mark.parametrize("boolean", [True, False])
def test_a_boolean_is_not_a_number_in_any_request_body(admin, path, field, kind, boolean):
    body = _nested(tuple(field.split(".")), boolean)

    r = admin.post(_path(path), body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")

    expected = "must be a whole number" if kind == "integer" else "must be a number"
    assert r.status_code == 422, r.content
    refused = [e for e in r.json()["errors"] if e["field"] == field]
    assert [e["code"] for e in refused] == ["core.invalid_input"], r.json()
    assert refused[0]["message"].endswith(f"{field}: {expected}")


def test_true_is_not_vehicle_1(office_world):
    citizen = office_world.with_citizen()
    office_world.car(citizen.person)
    client = Client()
    client.force_login(citizen)

    r = client.post(
        "/api/cases/open",
        {"service_code": "plate_replacement", "vehicle_id": True},
        content_type="application/json",
    )

    assert r.status_code == 422
    assert (r.json()["code"], r.json()["field"]) == ("core.invalid_input", "vehicle_id")
    assert r.json()["message"] == "输入不符合要求：vehicle_id：应为整数"
    assert not Case.objects.exists()


def test_a_number_sent_as_digits_is_still_a_number(office_world):
    """Only booleans are refused: the API stays lax about "12" (query strings are all text)."""
    citizen = office_world.with_citizen()
    car = office_world.car(citizen.person)
    client = Client()
    client.force_login(citizen)

    opened = client.post(
        "/api/cases/open",
        {"service_code": "plate_replacement", "vehicle_id": str(car.pk)},
        content_type="application/json",
    )
    page = client.get("/api/cases/my?limit=12&offset=0")

    assert opened.status_code == 201, opened.content
    assert Case.objects.get().vehicle_id == car.pk
    assert (page.status_code, page.json()["limit"]) == (200, 12)
