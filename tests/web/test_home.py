"""Each role's home page shows that role's own work."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from cheguan.audit import services as audit
from cheguan.core.actor import Actor
from cheguan.core.roles import Role
from cheguan.registry.models import AuthorisationStatus

pytestmark = pytest.mark.django_db


def page(client, user) -> str:
    client.force_login(user)
    r = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200
    return r.content.decode()


def test_a_citizen_sees_their_vehicles_masked_with_plain_status(client, make):
    owner = make.person(name="王建国")
    citizen = make.user(Role.CITIZEN, person=owner)
    car = make.vehicle(owner=owner, plate_number="浙B12345")
    seized = make.vehicle(owner=owner, plate_number="浙B54321", status="seized")
    make.vehicle(owner=owner, plate_number=None, status="deregistered")
    make.vehicle(owner=make.person(name="李四"), plate_number="浙B99999")
    html = page(client, citizen)
    assert "王*国" in html and "王建国" not in html
    assert "浙B12345" in html and "浙B54321" in html
    assert "浙B99999" not in html  # someone else's
    assert html.count('class="card vehicle-card') == 2  # the deregistered one is not shown
    assert "***********" + car.vin[-6:] in html
    assert car.vin not in html and seized.vin not in html
    # the status words (registry.status_words): no insurance or tax on record for either
    assert "2 things to sort out first:" in html
    assert "Seized by an authority. Most services are stopped until released." in html
    assert 'href="/registry/my/vehicles/"' in html
    assert 'name="elder_mode" value="1"' in html


def test_a_citizen_without_vehicles_is_told_so(client, make):
    html = page(client, make.user(Role.CITIZEN))
    assert "No vehicle is registered to you at this office." in html


def test_a_clerk_without_a_session_is_offered_to_start_one(client, make):
    html = page(client, make.user(Role.CLERK))
    assert 'href="/accounts/assisted/"' in html
    assert "Start assisted service" in html
    assert "Assisted service in progress" not in html


def test_a_clerk_in_an_assisted_session_sees_the_citizen_masked(client, make, clock):
    from cheguan.accounts.services import open_assisted_session

    clock.set_now(dt.datetime(2026, 3, 2, 9, 0))
    clerk = make.user(Role.CLERK)
    citizen = make.person(name="张秀英", birth=dt.date(1950, 5, 5))
    make.vehicle(owner=citizen, plate_number="浙B77777")
    open_assisted_session(
        actor=Actor(user=clerk), id_number=citizen.id_number, consent_method="signed"
    )
    html = page(client, clerk)
    assert "Assisted service in progress" in html
    assert "张*英" in html and "张秀英" not in html
    # the vehicle's whole state, every thing to sort out, not only a headline
    assert (
        "2 things to sort out first: No compulsory insurance (交强险) valid today on record. "
        "No vehicle tax (车船税) paid or exempt for 2026 on record." in html
    )
    assert citizen.masked_id_number in html and citizen.id_number not in html
    assert "浙B77777" in html
    assert 'action="/accounts/assisted/end/"' in html


def test_a_supervisor_sees_the_trail_the_latest_events_and_the_figures_links(client, make):
    supervisor = make.user(Role.SUPERVISOR)
    with transaction.atomic():
        audit.record(actor=Actor(user=make.user(Role.CLERK)), action="registry.person_revealed")
    html = page(client, supervisor)
    assert 'href="/audit/"' in html
    assert "registry.person_revealed" in html
    assert 'href="/cases/figures/"' in html and 'href="/cases/follow-ups/"' in html


@pytest.mark.parametrize(
    "role",
    [Role.DEALER_AGENT, Role.SCRAPYARD_AGENT, Role.DRIVING_SCHOOL_AGENT, Role.SERVICE_POINT_AGENT],
)
def test_a_partner_sees_its_organisation_and_authorisation(client, make, clock, role):
    clock.set_now(dt.datetime(2026, 3, 2, 9, 0))
    agent = make.user(role)
    org = agent.organisation
    org.name = "宁波甬新汽车销售服务有限公司"
    org.authorisation_status = AuthorisationStatus.GRANTED
    org.authorised_from = dt.date(2026, 1, 1)
    org.authorised_until = dt.date(2028, 12, 31)
    org.save()
    html = page(client, agent)
    assert "宁波甬新汽车销售服务有限公司" in html
    assert 'class="standing status-ok">Authorised<' in html
    assert "from 2026-01-01 until 2028-12-31" in html
    assert "Your organisation is authorised today for the services above." in html
    assert 'href="/audit/"' in html


def test_a_suspended_partner_is_told_it_cannot_serve(client, make):
    agent = make.user(Role.DEALER_AGENT)
    agent.organisation.authorisation_status = AuthorisationStatus.SUSPENDED
    agent.organisation.save()
    html = page(client, agent)
    assert "Authorisation suspended" in html
    assert "not authorised today" in html


def test_an_administrator_gets_admin_trail_and_import_links(client, make):
    html = page(client, make.user(Role.ADMIN))
    assert 'href="/admin/"' in html
    assert 'href="/audit/"' in html
    assert "cheguan import" in html


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.EXAMINER])
def test_inspectors_and_examiners_are_told_no_work_is_assigned_yet(client, make, role):
    user = make.user(role)
    html = page(client, user)
    assert user.office.name in html
    assert "No work assigned yet." in html


def test_an_anonymous_visitor_gets_the_public_page_with_the_elder_switch(client):
    r = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    html = r.content.decode()
    assert "Log in to my services" in html
    assert "Switch to elder mode" in html
