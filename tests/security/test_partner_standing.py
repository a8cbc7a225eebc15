"""Suspension and revocation bite at once, everywhere (issue 9 §2).

A partner may write only while its organisation is authorised today for that service.
Every unsafe request of the API (every POST operation of the OpenAPI document, by session
and by API token) and of the pages (every URL pattern) is tried by the agent of a suspended
dealer, with the dealer's own ids: each is refused with the reason, nothing changes, and
the pages keep reading. Revocation ends tokens, sessions and logins at once; a service the
partner is not authorised for is refused by the services themselves, whatever the door.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.test import Client

from cheguan.accounts import services as accounts
from cheguan.accounts.models import ApiToken, AssistedSession
from cheguan.audit.models import AuditEvent
from cheguan.cases import services as cases
from cheguan.cases.models import Case
from cheguan.core.actor import Actor
from cheguan.core.errors import DomainError
from cheguan.core.roles import Role
from cheguan.inspection import services as inspection
from cheguan.plates import services as plates
from cheguan.registry import services as registry
from cheguan.registry.models import AuthorisationStatus
from tests.helpers import pdf_upload
from tests.security.test_cross_party import _page_patterns, api_routes_all

pytestmark = pytest.mark.django_db

# Writes a refused partner may still make: leave, change language or text size, close its
# own doors (revoke a token, end an assisted session).
STILL_ALLOWED = {
    "/accounts/logout/",
    "/i18n/setlang/",
    "/settings/elder-mode/",
    "/accounts/assisted/end/",
    "/api/accounts/tokens/{token_id}/revoke",
    "/api/accounts/assisted-sessions/end",
}


def _change(others, to_status, **kw):
    return registry.change_authorisation(
        actor=Actor(user=others.supervisor),
        organisation=others.dealer,
        to_status=to_status,
        reason=kw.pop("reason", "抽查发现重复使用照片"),
        **kw,
    )


def _own_ids(o) -> dict:
    return {
        "token_id": o.dealer_token.pk,
        "person_id": o.person.pk,
        "vehicle_id": o.dealer_car.pk,
        "organisation_id": o.dealer.pk,
        "follow_up_id": o.follow_up.pk,
        "number": o.dealer_case.number,
        "case_number": o.dealer_case.number,
        "draw_id": o.dealer_draw.pk,
        "serial": o.mark.serial,
        "pattern_id": o.pattern.pk,
        "code": "vehicle_tax",
        "token": "x",
    }


def _state(o) -> tuple:
    return (
        sorted(Case.objects.values_list("number", "status")),
        sorted(o.dealer_draw.__class__.objects.values_list("pk", "status")),
        ApiToken.objects.filter(revoked_at__isnull=True).count(),
        AuditEvent.objects.exclude(action__startswith="accounts.api_token").count(),
    )


def _post_api(client, route, path, headers=None):
    body = dict(route.body or {})
    if route.multipart:
        return client.post(path, {**body, "file": pdf_upload()}, headers=headers or {})
    return client.post(
        path, json.dumps(body), content_type="application/json", headers=headers or {}
    )


def test_a_suspended_partner_makes_no_write_through_any_api_operation(others):
    _change(others, AuthorisationStatus.SUSPENDED)
    session = Client()
    session.force_login(others.dealer_agent)
    ids = _own_ids(others)
    before = _state(others)
    wrong, tried = [], 0
    for route in api_routes_all():
        if route.method != "POST" or route.template in STILL_ALLOWED:
            continue
        path = route.template.format(**{p: ids[p] for p in route.params})
        tried += 1
        r = _post_api(session, route, path)
        if r.status_code != 403 or r.json().get("code") != "partners.suspended":
            wrong.append(f"POST {path}: {r.status_code} {r.content[:100]!r}")
    assert tried > 25
    assert not wrong, "\n".join(wrong)
    assert _state(others) == before


def test_a_suspended_partners_api_token_makes_no_write_either(others):
    _token, secret = accounts.create_api_token(actor=others.dealer_actor, name="dms 2")
    _change(others, AuthorisationStatus.SUSPENDED)
    client = Client()
    bearer = {"Authorization": f"Bearer {secret}"}
    ids = _own_ids(others)
    before = _state(others)
    wrong = []
    for route in api_routes_all():
        if route.method != "POST" or route.template in STILL_ALLOWED or route.public:
            continue  # a public operation takes no token: anyone may (the window's screen)
        path = route.template.format(**{p: ids[p] for p in route.params})
        r = _post_api(client, route, path, headers=bearer)
        if r.status_code != 403 or r.json().get("code") != "partners.suspended":
            wrong.append(f"POST {path}: {r.status_code} {r.content[:100]!r}")
    reading = client.get(f"/api/cases/{others.dealer_case.number}", headers=bearer)
    assert not wrong, "\n".join(wrong)
    assert _state(others) == before
    assert reading.status_code == 200  # readable, not advanceable


def test_a_suspended_partner_makes_no_write_through_any_page_and_reads_why(others):
    _change(others, AuthorisationStatus.SUSPENDED, reason="抽查发现重复使用照片")
    client = Client()
    client.force_login(others.dealer_agent)
    ids = _own_ids(others)
    before = _state(others)
    wrong, tried = [], 0
    for pattern, names in _page_patterns(include_plain=True):
        template = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", pattern)
        if template in STILL_ALLOWED:
            continue
        path = template.format(**{n: ids[n] for n in names})
        tried += 1
        r = client.post(path, {"reasons": "材料不齐全", "score": "1", "number": "浙BA0001"})
        if r.status_code != 403 or "partners.suspended" not in r.content.decode():
            wrong.append(f"POST {path}: {r.status_code}")
    home = client.get("/")
    case_page = client.get(f"/cases/{others.dealer_case.number}/")
    assert tried > 30
    assert not wrong, "\n".join(wrong)
    assert _state(others) == before
    assert case_page.status_code == 200
    assert "抽查发现重复使用照片" in home.content.decode()  # every page says why
    assert "partner-banner" in case_page.content.decode()


def test_the_partner_may_still_leave_and_close_its_own_doors_while_suspended(others):
    _change(others, AuthorisationStatus.SUSPENDED)
    client = Client()
    client.force_login(others.dealer_agent)

    revoked = client.post(
        f"/api/accounts/tokens/{others.dealer_token.pk}/revoke",
        "{}",
        content_type="application/json",
    )
    out = client.post("/accounts/logout/")

    assert revoked.status_code == 200
    assert out.status_code == 302
    assert client.get("/api/accounts/me").status_code == 401


def test_revocation_ends_tokens_sessions_and_logins_at_once_and_is_audited(others, make):
    _token, secret = accounts.create_api_token(actor=others.dealer_actor, name="dms 2")
    person = make.person(name="赵六")
    session_row = accounts.open_assisted_session(
        actor=others.dealer_actor, id_number=person.id_number, consent_method="id_card_read"
    )
    browser = Client()
    browser.force_login(others.dealer_agent)
    assert browser.get("/api/accounts/me").status_code == 200

    _change(others, AuthorisationStatus.REVOKED, reason="吊销回收资质")

    bearer = Client().get("/api/accounts/me", headers={"Authorization": f"Bearer {secret}"})
    page = browser.get("/")
    api = browser.get("/api/accounts/me")
    login = Client().post(
        "/accounts/login/",
        {"username": others.dealer_agent.username, "password": make.PASSWORD},
    )
    assert bearer.status_code == 401
    assert api.status_code == 401  # the session ended: anonymous from now on
    assert "_auth_user_id" not in browser.session
    assert page.status_code == 200 and others.dealer_agent.username not in page.content.decode()
    assert login.status_code == 200 and "吊销回收资质" in login.content.decode()
    assert ApiToken.objects.filter(user=others.dealer_agent, revoked_at__isnull=True).count() == 0
    session_row.refresh_from_db()
    assert session_row.end_reason == "auth_ended"
    revoked = AuditEvent.objects.filter(
        action="accounts.api_token_revoked", organisation_id=others.dealer.pk
    )
    assert revoked.count() == 2  # both tokens, each with its own event
    assert {e.data["reason"] for e in revoked} == {"吊销回收资质"}


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"to_status": "suspended"}, "partners.suspended"),
        ({"to_status": "revoked"}, "partners.revoked"),
        ({"valid_until": dt.date(2026, 5, 10)}, "partners.not_in_force"),  # expired yesterday
        ({"valid_from": dt.date(2026, 5, 12)}, "partners.not_in_force"),  # from tomorrow
        ({"services": ["new_registration"]}, "partners.service_not_authorised"),
    ],
)
def test_every_partner_write_service_refuses_a_partner_not_authorised_for_it(others, change, code):
    org = others.dealer
    if "to_status" in change:
        _change(others, change["to_status"])
    else:
        org.authorised_from = change.get("valid_from", org.authorised_from)
        org.authorised_until = change.get("valid_until", org.authorised_until)
        org.authorised_services = change.get("services", org.authorised_services)
        org.save()
    actor = Actor(user=type(others.dealer_agent).objects.get(pk=others.dealer_agent.pk))
    case, draw = others.dealer_case, others.dealer_draw
    writes = {
        "start_selection": lambda: plates.start_selection(actor=actor, applicant_organisation=org),
        "add_document": lambda: cases.add_document(
            actor=actor, case=case, requirement_code="identity", upload=pdf_upload()
        ),
        "submit_case": lambda: cases.submit_case(actor=actor, case=case),
        "withdraw_case": lambda: cases.withdraw_case(actor=actor, case=case),
        "draw_numbers": lambda: plates.draw_numbers(actor=actor, case=case, plate_type="02"),
        "pick_number": lambda: plates.pick_number(actor=actor, draw=draw, number=draw.numbers[0]),
        "apply_for_mark": lambda: inspection.apply_for_mark(actor=actor, vehicle=others.dealer_car),
    }
    if code != "partners.service_not_authorised":  # not tied to one catalogue service
        writes["create_api_token"] = lambda: accounts.create_api_token(actor=actor, name="x")
        writes["open_assisted_session"] = lambda: accounts.open_assisted_session(
            actor=actor, id_number=others.person.id_number, consent_method="id_card_read"
        )
    before = _state(others)
    refused = {}
    for name, write in writes.items():
        with pytest.raises(DomainError) as e:
            write()
        refused[name] = e.value.code
    expected = dict.fromkeys(writes, code)
    if code == "partners.service_not_authorised":
        expected["apply_for_mark"] = code  # its own service: inspection marks
    assert refused == expected
    assert _state(others) == before


def test_a_partner_acting_for_a_citizen_needs_the_service_it_acts_in(others, make):
    """A dealer authorised for plate selection cannot issue inspection marks for a citizen,
    consent or not; a service point authorised for marks can."""
    dealer = Actor(user=others.dealer_agent)
    owner = others.person
    accounts.open_assisted_session(
        actor=dealer, id_number=owner.id_number, consent_method="id_card_read"
    )
    session = AssistedSession.objects.get(agent=others.dealer_agent, ended_at__isnull=True)
    acting = Actor(user=others.dealer_agent, on_behalf_of=owner, assisted_session_id=session.pk)
    with pytest.raises(DomainError) as refused:
        inspection.apply_for_mark(actor=acting, vehicle=others.car)
    assert refused.value.code == "partners.service_not_authorised"
    agent = make.user(Role.SERVICE_POINT_AGENT)
    row = accounts.open_assisted_session(
        actor=Actor(user=agent), id_number=owner.id_number, consent_method="id_card_read"
    )
    counter = Actor(user=agent, on_behalf_of=owner, assisted_session_id=row.pk)
    car = others.insured_car(owner)
    issued = inspection.apply_for_mark(actor=counter, vehicle=car)
    assert issued.mark is not None and issued.case.channel == "service_point"
