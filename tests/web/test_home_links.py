"""Every role's home leads somewhere: every link on it answers 200 for that role (in both
languages), a partner's home says what it is authorised for and until when, or why not, and
a clerk reads the office's figures."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from cheguan.core import clock
from cheguan.core.roles import Role

pytestmark = pytest.mark.django_db

ROLES = [r.value for r in Role]


def _main_links(html: str) -> list[str]:
    main = html.split('<main id="main">', 1)[1].split("</main>", 1)[0]
    return sorted(set(re.findall(r'<a [^>]*href="(/[^"]*)"', main)))


def _user(make, role: str):
    if role == Role.ADMIN:
        return make.user(role, is_staff=True, is_superuser=True)
    return make.user(role)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("role", ROLES)
def test_every_link_on_every_roles_home_answers(make, office_world, role, language):
    user = _user(make, role)
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)

    home = client.get("/")
    links = _main_links(home.content.decode())
    answers = {href: client.get(href, follow=True).status_code for href in links}

    assert home.status_code == 200
    assert len(links) >= 2, f"{role}'s home leads almost nowhere: {links}"
    assert {href: code for href, code in answers.items() if code != 200} == {}


@pytest.mark.parametrize("role", ["dealer_agent", "service_point_agent"])
def test_a_partner_that_serves_citizens_finds_the_counter_on_its_home(make, role):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(make.user(role))
    assert 'href="/accounts/assisted/"' in client.get("/").content.decode()


def test_a_partners_home_says_what_it_is_authorised_for_and_until_when(make, office_world):
    org = make.partner(
        kind="service_point",
        services=["plate_replacement"],
        authorised_from=dt.date(2025, 1, 1),
        authorised_until=dt.date(2027, 12, 31),
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(make.user(Role.SERVICE_POINT_AGENT, organisation=org))

    html = client.get("/").content.decode()

    assert "from 2025-01-01 until 2027-12-31" in html
    authorised = html.split('class="authorised-services"')[1].split("</ul>")[0]
    assert "<li>" in authorised and "plate_replacement" not in authorised  # a name, not a code
    assert 'class="standing status-ok"' in html


def test_a_suspended_partners_home_says_so_and_why_and_offers_no_counter(make):
    org = make.partner(
        kind="service_point",
        authorisation_status="suspended",
        authorisation_reason="Complaints under review",
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(make.user(Role.SERVICE_POINT_AGENT, organisation=org))

    html = client.get("/").content.decode()

    assert "Authorisation suspended" in html and "Complaints under review" in html
    assert 'href="/accounts/assisted/"' not in html


def test_an_expired_partner_is_told_it_expired(make):
    clock.set_now(dt.datetime(2026, 11, 23, 10, 0))
    org = make.partner(kind="dealer", authorised_until=dt.date(2026, 1, 31))
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(make.user(Role.DEALER_AGENT, organisation=org))
    assert "Authorisation expired" in client.get("/").content.decode()


def test_a_clerk_reads_the_office_figures_but_not_the_export(make):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(make.user(Role.CLERK))

    figures = client.get("/cases/figures/")
    export = client.get("/cases/figures.csv")

    assert figures.status_code == 200 and "figures.csv" not in figures.content.decode()
    assert export.status_code == 403
