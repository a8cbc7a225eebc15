"""Each role × each foundation endpoint (accounts, registry, audit): who may, who may not.

Every request carries a VALID body, so what is tested is the permission, not validation.
Allowed roles get the stated 2xx (or the stated business answer); every other role gets
403 (its role may not) or 404 (the object is outside its scope); anonymous gets 401.
The cases and inspection routers have their own per-endpoint permission tests.
"""

from __future__ import annotations

import itertools
import json

import pytest
from django.test import Client

from cheguan.accounts import services as account_services
from cheguan.core.actor import Actor
from cheguan.core.roles import Role
from tests import factories
from tests.builders import OfficeWorld

pytestmark = pytest.mark.django_db

R = Role
PARTNERS = {R.DEALER_AGENT, R.SCRAPYARD_AGENT, R.DRIVING_SCHOOL_AGENT, R.SERVICE_POINT_AGENT}
ALL = set(R)
OFFICE_VIEW = {R.CLERK, R.INSPECTOR, R.SUPERVISOR, R.ADMIN}
ACTING_PARTNERS = {R.DEALER_AGENT, R.SERVICE_POINT_AGENT}  # may act for consenting citizens
_n = itertools.count(1)


class World(OfficeWorld):
    """The office (no catalogue): a person with a car, a dealer with a car and an API token."""

    def __init__(self):
        super().__init__(catalogue=False)
        self.citizen_person = factories.person(name="李秀英")
        self.vehicle = self.car(self.citizen_person)
        self.dealer = factories.partner(kind="dealer", name="宁波某4S店")
        self.dealer_vehicle = self.car(self.dealer)
        self.token_owner = factories.user(R.DEALER_AGENT, organisation=self.dealer)
        token, _secret = account_services.create_api_token(
            actor=Actor(user=self.token_owner), name="dms"
        )
        self.token = token


def _person_body():
    n = next(_n)
    return {
        "name": "赵新民",
        "id_number": factories.resident_id(factories.dt.date(1960, 1, 1), seq=300 + n),
    }


def _org_body():
    return {
        "name": f"服务网点{next(_n)}",
        "uscc": factories.uscc(9000 + next(_n)),
        "kind": "service_point",
    }


def _vehicle_body(world):
    n = 50000 + next(_n)
    return {
        "vin": factories.vin(n),
        "engine_number": f"E{n}",
        "make": "比亚迪",
        "model": "秦",
        "vehicle_type": "K33",
        "seats": 5,
        "manufacture_date": "2024-01-01",
        "owner_person_id": world.citizen_person.pk,
    }


# (method, path template, body factory, {role: expected status or set})
def operations(w: World):
    def only(allowed: set, ok, denied=frozenset({403, 404})):
        return {role: (ok if role in allowed else denied) for role in ALL}

    return [
        ("GET", "/api/accounts/me", None, only(ALL, {200})),
        (
            "POST",
            "/api/accounts/assisted-sessions",
            lambda: {"id_number": w.citizen_person.id_number, "consent_method": "signed"},
            # a partner's agent may act for citizens, but must prove the consent (a code
            # or the ID card read at its counter), not merely record a signature
            only({R.CLERK}, {201}) | {key: {400} for key in ACTING_PARTNERS},
        ),
        (
            "POST",
            "/api/accounts/assisted-sessions/confirm",
            lambda: {"code": "123456"},
            only(set(), set())
            | {key: {404} for key in ACTING_PARTNERS | {R.CLERK}},  # none pending
        ),
        (
            "GET",
            "/api/accounts/assisted-sessions/current",
            None,
            only({R.CLERK}, {200}) | {key: {404} for key in ACTING_PARTNERS},
        ),
        (
            "POST",
            "/api/accounts/assisted-sessions/end",
            lambda: {},
            only({R.CLERK}, {200}) | {key: {404} for key in ACTING_PARTNERS},
        ),
        ("GET", "/api/accounts/tokens", None, only(PARTNERS | {R.ADMIN}, {200})),
        (
            "POST",
            "/api/accounts/tokens",
            lambda: {"name": "dealer system"},
            only(PARTNERS | {R.ADMIN}, {201}),
        ),
        (
            "POST",
            f"/api/accounts/tokens/{w.token.pk}/revoke",
            lambda: {},
            only(set(), set()),
        ),  # not theirs
        ("GET", "/api/audit/events", None, only(PARTNERS | {R.SUPERVISOR, R.ADMIN}, {200})),
        ("GET", "/api/audit/verify", None, only({R.SUPERVISOR, R.ADMIN}, {200})),
        ("GET", "/api/registry/my/vehicles", None, only({R.CITIZEN}, {200})),
        ("GET", "/api/registry/organisations", None, only(OFFICE_VIEW | PARTNERS, {200})),
        ("POST", "/api/registry/organisations", _org_body, only({R.SUPERVISOR, R.ADMIN}, {201})),
        ("GET", f"/api/registry/organisations/{w.dealer.pk}", None, only(OFFICE_VIEW, {200})),
        (
            "POST",
            f"/api/registry/organisations/{w.dealer.pk}/authorisation",
            lambda: {"to_status": "revoked", "reason": "矩阵测试"},
            only({R.SUPERVISOR, R.ADMIN}, {200, 409}),
        ),
        ("GET", "/api/registry/people", None, only(OFFICE_VIEW, {200})),
        ("POST", "/api/registry/people", _person_body, only({R.CLERK, R.ADMIN}, {201})),
        (
            "POST",
            "/api/registry/people/search",
            lambda: {"q": "王"},
            only(OFFICE_VIEW, {200}),
        ),
        ("GET", f"/api/registry/people/{w.citizen_person.pk}", None, only(OFFICE_VIEW, {200})),
        (
            "POST",
            f"/api/registry/people/{w.citizen_person.pk}/reveal",
            lambda: {"reason": "核对身份"},
            only({R.CLERK, R.SUPERVISOR, R.ADMIN}, {200}),
        ),
        ("GET", "/api/registry/vehicles", None, only(OFFICE_VIEW | PARTNERS | {R.CITIZEN}, {200})),
        (
            "POST",
            "/api/registry/vehicles",
            lambda: _vehicle_body(w),
            only({R.CLERK, R.ADMIN}, {201}),
        ),
        ("GET", f"/api/registry/vehicles/{w.vehicle.pk}", None, only(OFFICE_VIEW, {200})),
        ("GET", f"/api/registry/vehicles/{w.dealer_vehicle.pk}", None, only(OFFICE_VIEW, {200})),
        (  # last: the vehicle is deregistered (exported, lost, court order)
            "POST",
            f"/api/registry/vehicles/{w.vehicle.pk}/deregister",
            lambda: {"reason": "lost", "note": "矩阵测试"},
            only({R.CLERK, R.ADMIN}, {200}),
        ),
    ]


def _call(client: Client, method: str, path: str, body):
    if method == "GET":
        return client.get(path)
    return client.post(
        path, data=json.dumps(body() if body else {}), content_type="application/json"
    )


def test_every_foundation_endpoint_is_in_the_matrix():
    from cheguan.web.management.commands.openapi import render_schema

    schema = json.loads(render_schema())
    documented = {
        (m.upper(), p)
        for p, ops in schema["paths"].items()
        for m in ops
        if p.startswith(("/api/accounts/", "/api/registry/", "/api/audit/"))
    }
    w = World()
    covered = set()
    for method, path, _body, _exp in operations(w):
        for template in documented:
            t_method, t_path = template
            parts, real = t_path.split("/"), path.split("/")
            if (
                t_method == method
                and len(parts) == len(real)
                and all(a == b or a.startswith("{") for a, b in zip(parts, real, strict=True))
            ):
                covered.add(template)
    assert documented - covered == set()


@pytest.mark.parametrize("role", [*list(R), "anonymous"])
def test_each_role_gets_exactly_its_permissions(role):
    w = World()
    client = Client()
    if role != "anonymous":
        client.force_login(factories.user(role))
    failures = []
    for method, path, body, expected in operations(w):
        response = _call(client, method, path, body)
        want = {401} if role == "anonymous" else expected[role]
        if response.status_code not in want:
            failures.append(f"{method} {path}: {response.status_code}, expected {sorted(want)}")
        if response.status_code >= 400:
            assert set(response.json()) >= {"code", "message", "field"}, path
    assert failures == []


def test_the_owner_may_revoke_their_own_token_and_nobody_else_may():
    w = World()
    client = Client()
    client.force_login(w.token_owner)
    assert client.post(f"/api/accounts/tokens/{w.token.pk}/revoke").status_code == 200
