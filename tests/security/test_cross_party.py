"""Every endpoint and page that takes an object's id, tried by each partner role with
another party's ids: "not found" (404), never the object, never a change (issue 9 §1).

The routes are not listed by hand: every API operation comes from the OpenAPI document and
every page from the URL resolver, so a new endpoint is tried the day it is added. A route
whose parameter this test cannot fill fails ``test_every_id_parameter_is_known`` until the
parameter is added to ``OTHER_IDS`` (or, for what is not an object's id, to ``NOT_IDS``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from cheguan.api import api
from cheguan.audit.models import AuditEvent
from cheguan.cases.models import Case, Rating
from cheguan.inspection.models import InspectionMark
from cheguan.plates.models import Draw, PlateNumber
from tests.helpers import pdf_upload
from tests.security.conftest import PARTNER_ROLES

pytestmark = pytest.mark.django_db

# Path parameters that are not an object's id, and what to put there.
NOT_IDS = {
    "code": "vehicle_tax",  # a document code of the catalogue, with a case number
}
# Parameters that hold a secret rather than an id: the URL itself is the capability (the
# window's rating screen, a signed link). Nothing to try with another party's id.
CAPABILITY_URLS = {"token"}


def other_ids(o) -> dict[str, list]:
    """For each id parameter, objects of parties other than the partner trying them."""
    return {
        "token_id": [o.dealer_token.pk],
        "person_id": [o.person.pk],
        "vehicle_id": [o.car.pk, o.dealer_car.pk],
        "organisation_id": [o.dealer.pk],
        "follow_up_id": [o.follow_up.pk],
        "number": [o.case.number, o.proof_case.number, o.dealer_case.number],
        "case_number": [o.selection.number, o.dealer_case.number],
        "draw_id": [o.draw.pk, o.dealer_draw.pk],
        "serial": [o.mark.serial],
        "pattern_id": [o.pattern.pk],
        "plate": [o.car.plate_number, o.dealer_car.plate_number],
    }


# Query parameters that name an object (``?vehicle_id=``, ``?plate=``); other query
# parameters are filters or searches that never widen the actor's scope.
QUERY_IDS = {"vehicle_id", "plate"}
OTHER_ID_NAMES = {
    "token_id",
    "person_id",
    "vehicle_id",
    "organisation_id",
    "follow_up_id",
    "number",
    "case_number",
    "draw_id",
    "serial",
    "pattern_id",
}


# --- the routes ------------------------------------------------------------------------------


@dataclass
class Route:
    method: str
    template: str  # with {name} placeholders
    params: list[str]
    body: dict | None = None  # JSON
    multipart: bool = False
    id_fields: list[str] = field(default_factory=list)  # ids in the body or the query
    public: bool = False  # no authentication: anyone may call it


def _openapi() -> dict:
    return api.get_openapi_schema()


def _resolve_ref(doc: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].split("/")[-1]]
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return _resolve_ref(doc, schema["allOf"][0])
    return schema


def _value_for(doc: dict, name: str, schema: dict):
    """A valid value for a body field, so validation lets the request reach the handler."""
    schema = _resolve_ref(doc, schema)
    if "anyOf" in schema:
        schema = _resolve_ref(doc, next(s for s in schema["anyOf"] if s.get("type") != "null"))
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    if kind == "object":
        return {}
    if schema.get("format") == "date":
        return "2026-05-20"
    minimum = schema.get("minLength", 0)
    return ("这是一个足够长的说明理由" * 3)[: max(minimum, min(schema.get("maxLength", 30), 30))]


def api_routes() -> list[Route]:
    """The API operations that take an object's id (in the path, the query or the body)."""
    return [r for r in api_routes_all() if r.params or r.id_fields]


def api_routes_all() -> list[Route]:
    """Every API operation, with a body that passes validation."""
    doc = _openapi()
    routes = []
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            params = [p["name"] for p in op.get("parameters", []) if p["in"] == "path"]
            query_ids = [
                p["name"]
                for p in op.get("parameters", [])
                if p["in"] == "query" and p["name"] in QUERY_IDS
            ]
            content = op.get("requestBody", {}).get("content", {})
            body, multipart, body_ids = None, False, []
            for content_type, spec in content.items():
                schema = _resolve_ref(doc, spec["schema"])
                props = schema.get("properties", {})
                required = set(schema.get("required", []))
                body = {
                    name: _value_for(doc, name, prop)
                    for name, prop in props.items()
                    if name in required
                }
                body_ids = [n for n in props if n.endswith("_id")]
                multipart = content_type == "multipart/form-data"
            routes.append(
                Route(
                    method=method.upper(),
                    template=path,
                    params=params,
                    body=body,
                    multipart=multipart,
                    id_fields=query_ids + body_ids,
                    public=not op.get("security"),
                )
            )
    return routes


def _page_patterns(
    resolver=None, prefix="", *, include_plain: bool = False
) -> list[tuple[str, list[str]]]:
    """Every page's URL pattern with its parameters (only those with parameters unless
    ``include_plain``); the admin and the API are not pages."""
    found = []
    for entry in (resolver or get_resolver()).url_patterns:
        pattern = prefix + str(entry.pattern)
        if pattern.startswith(("admin/", "api/")) or pattern == "i18n/":
            continue
        if isinstance(entry, URLResolver):
            found += _page_patterns(entry, pattern, include_plain=include_plain)
        elif isinstance(entry, URLPattern):
            names = re.findall(r"<(?:\w+:)?(\w+)>", pattern)
            if names or include_plain:
                found.append(("/" + pattern, names))
    return found


def page_routes() -> list[Route]:
    routes = []
    for pattern, names in _page_patterns():
        template = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", pattern)
        for method in ("GET", "POST"):
            routes.append(Route(method=method, template=template, params=names))
    return routes


# --- the requests ------------------------------------------------------------------------------


def _fillings(route: Route, ids: dict[str, list]) -> list[tuple[str, dict, str]]:
    """Each way to fill the route with another party's ids: (path, body, what was tried)."""
    id_params = [p for p in route.params if p not in NOT_IDS]
    tries: list[tuple[str, dict, str]] = []
    for name in id_params:
        for value in ids[name]:
            values = {p: (NOT_IDS[p] if p in NOT_IDS else ids[p][0]) for p in route.params}
            values[name] = value
            tries.append(
                (route.template.format(**values), dict(route.body or {}), f"{name}={value}")
            )
    for name in route.id_fields:
        owners_ids = ids.get(name) or ids.get(
            name.removeprefix("applicant_").removeprefix("owner_")
        )
        for value in owners_ids or []:
            values = {p: (NOT_IDS[p] if p in NOT_IDS else ids[p][0]) for p in route.params}
            tries.append(
                (
                    route.template.format(**values),
                    {**(route.body or {}), name: value},
                    f"{name}={value}",
                )
            )
    return tries


def _send(client: Client, route: Route, path: str, body: dict):
    if route.method == "GET":
        query = {k: v for k, v in body.items() if k in route.id_fields}
        return client.get(path, query)
    if route.multipart:
        return client.post(path, {**body, "file": pdf_upload(), "vehicle_tax": pdf_upload()})
    if route.template.startswith("/api/"):
        return client.post(path, json.dumps(body), content_type="application/json")
    return client.post(path, body)


def _form_for_pages() -> dict:
    """Fields the pages' forms read, filled plausibly (reasons, scores, numbers, notes)."""
    return {
        "reasons": "材料不齐全，需要补正",
        "reason": "材料不齐全，需要补正",
        "note": "已电话回访",
        "score": "1",
        "number": "浙BA0001",
        "plate_type": "02",
        "to_status": "suspended",
        "step": "verify",
        "decision": "upheld",
        "consent_method": "id_card_read",
    }


# --- the tests ---------------------------------------------------------------------------------


def test_every_id_parameter_is_known():
    """A new route with an id this test cannot fill fails here until it is taught."""
    unknown = set()
    for route in api_routes() + page_routes():
        for name in route.params:
            if name not in OTHER_ID_NAMES | set(NOT_IDS) | CAPABILITY_URLS:
                unknown.add((route.template, name))
    assert unknown == set()


def _state(o) -> tuple:
    """What a stray write would change."""
    return (
        Case.objects.count(),
        sorted(Case.objects.values_list("number", "status")),
        InspectionMark.objects.filter(revoked_at__isnull=True).count(),
        Draw.objects.count(),
        sorted(PlateNumber.objects.values_list("number", "state")),
        Rating.objects.count(),
        o.dealer_token.__class__.objects.filter(revoked_at__isnull=True).count(),
    )


@pytest.mark.parametrize("role", PARTNER_ROLES)
def test_a_partner_gets_not_found_for_every_other_partys_id_in_the_api(others, make, role):
    attacker = make.user(role)
    client = Client()
    client.force_login(attacker)
    ids = other_ids(others)
    before = _state(others)
    events_before = AuditEvent.objects.count()
    leaks, tried = [], 0
    for route in api_routes():
        if set(route.params) & CAPABILITY_URLS:
            continue
        for path, body, what in _fillings(route, ids):
            tried += 1
            response = _send(client, route, path, body)
            allowed = {404}
            if not route.params:  # an id in the body or query only: a role refusal is fine
                allowed |= {403}
            if response.status_code not in allowed:
                leaks.append(f"{route.method} {path} [{what}]: {response.status_code} "
                             f"{response.content[:120]!r}")  # fmt: skip
    assert tried > 40
    assert not leaks, "\n".join(leaks)
    assert _state(others) == before
    assert AuditEvent.objects.count() == events_before


@pytest.mark.parametrize("role", PARTNER_ROLES)
def test_a_partner_gets_not_found_for_every_other_partys_id_on_the_pages(others, make, role):
    attacker = make.user(role)
    client = Client()
    client.force_login(attacker)
    ids = other_ids(others)
    before = _state(others)
    events_before = AuditEvent.objects.count()
    leaks, tried = [], 0
    for route in page_routes():
        if set(route.params) & CAPABILITY_URLS:
            continue
        route.body = _form_for_pages() if route.method == "POST" else None
        for path, body, what in _fillings(route, ids):
            tried += 1
            response = _send(client, route, path, body)
            # 405: the page takes no such method at all, whatever the id
            if response.status_code not in {404, 405}:
                leaks.append(f"{route.method} {path} [{what}]: {response.status_code}")
    assert tried > 40
    assert not leaks, "\n".join(leaks)
    assert _state(others) == before
    assert AuditEvent.objects.count() == events_before
