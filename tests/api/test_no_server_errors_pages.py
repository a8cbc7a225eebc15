"""Bad input never gives a 500 on the pages either: every page URL, fed garbage, answers < 500.

The page counterpart of ``test_no_server_errors.py``. It lists every route of the URL
configuration (so a new page is covered the moment it exists), fills the path from a small
world (a submitted case, a vehicle, a person), reads the forms each page shows to learn the
fields every URL takes, and then, anonymously and as a clerk, a partner, a citizen and an
administrator:

- GETs and POSTs each URL with plain garbage in every field it takes: < 500;
- puts NUL and other control characters in the path, in every query field and in every
  form field: refused at the door with exactly 400, before any view runs.

NUL is what PostgreSQL refuses and SQLite stores, so the PostgreSQL run is the one that
proves the door; both runs prove the pages themselves.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404

from cheguan.core.roles import Role
from tests.builders import CaseWorld

pytestmark = pytest.mark.django_db

GARBAGE = ["", "-1", "99999999999999999999", "x" * 3000, "2026-02-30", "中文", "0"]
CONTROL = ["a\x00b", "\x00", "a\x01b", "\x1b[31m", "\x7f", "a\tb"]  # tab: not in a query
CONTROL_IN_FORMS = ["a\x00b", "\x00", "a\x01b", "\x7f"]  # tab, LF, CR are fine in form text
COMMON_QUERY = ["q", "page", "offset", "date", "office", "status", "next"]


def _routes(patterns=None, prefix: str = ""):
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern) in {"api/", "admin/"}:
                continue  # the API has its own sweep; the admin's changelists are added below
            yield from _routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


ROUTES = sorted(set(_routes()))


def _admin_pages() -> list[str]:
    pages = ["/admin/", "/admin/login/"]
    for model in admin.site._registry:
        meta = model._meta
        pages.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    return pages


def test_the_sweep_knows_the_pages():
    assert {"plates/draws/", "cases/console/<case:number>/reject/", "inspection/desk/"} <= set(
        ROUTES
    )
    assert len(ROUTES) >= 60
    assert "/admin/auth/group/" in _admin_pages()


class _Forms(HTMLParser):
    """``(method, action, [field names])`` of every form on a page."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, str, list[str]]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append(((a.get("method") or "get").lower(), a.get("action") or "", []))
        elif (
            tag in {"input", "select", "textarea", "button"}
            and self.forms
            and a.get("name") not in {None, "", "csrfmiddlewaretoken"}
            and a.get("type") != "file"
        ):
            self.forms[-1][2].append(a["name"])


def _fill(route: str, ids: dict[str, str]) -> str:
    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: ids.get(m.group(2), "1"), route)


class Sweep:
    def __init__(self, client: Client, login):
        self.client = client
        self.login = login
        self.problems: list[str] = []
        self.fields: dict[tuple[str, str], set[str]] = {}  # (method, path) → field names

    def send(self, method: str, path: str, data=None, *, expect: int | None = None):
        self.login()
        if method == "GET":
            r = self.client.get(path, data or {})
        else:
            r = self.client.post(path, data or {})
        where = f"{method} {path} {str(data)[:120]}"
        if r.status_code >= 500:
            self.problems.append(f"{r.status_code} from {where}")
        elif expect is not None and r.status_code != expect:
            self.problems.append(f"{r.status_code}, not {expect}, from {where}")
        return r

    def learn(self, page_path: str, response) -> None:
        if not response.get("Content-Type", "").startswith("text/html"):
            return
        parser = _Forms()
        parser.feed(response.content.decode(errors="replace"))
        for method, action, names in parser.forms:
            target = urlsplit(action).path or page_path
            self.fields.setdefault((method.upper(), target), set()).update(names)

    def fields_for(self, method: str, path: str) -> list[str]:
        found = set(self.fields.get((method, path), set()))
        try:
            match = resolve(path)
        except Resolver404:
            return sorted(found)
        for (m, target), names in self.fields.items():  # the same route with other ids
            if m == method and target != path:
                try:
                    if resolve(target).route == match.route:
                        found |= names
                except Resolver404:
                    pass
        return sorted(found)


@pytest.fixture
def world(make):
    w = CaseWorld()
    w.case = w.submitted()
    w.partner = make.user(Role.DEALER_AGENT)
    w.admin = make.user(Role.ADMIN, is_staff=True, is_superuser=True)
    return w


@pytest.mark.parametrize("who", ["anonymous", "clerk", "partner", "citizen", "admin"])
def test_no_page_gives_a_server_error_and_control_characters_are_refused(world, who):
    user = {
        "anonymous": None,
        "clerk": world.clerk,
        "partner": world.partner,
        "citizen": world.citizen_user,
        "admin": world.admin,
    }[who]
    client = Client(raise_request_exception=False)

    def login():
        if user is not None and "_auth_user_id" not in client.session:
            client.force_login(user)

    sweep = Sweep(client, login)
    ids = {
        "number": world.case.number,
        "vehicle_id": str(world.vehicle.pk),
        "person_id": str(world.person.pk),
        "organisation_id": str(world.partner.organisation_id),
        "code": "plate_replacement",
        "token": "x",
        "serial": "x",
    }
    pages = [_fill(route, ids) for route in ROUTES] + _admin_pages()

    for path in pages:  # what each page is and which fields its forms send where
        sweep.learn(path, sweep.send("GET", path))

    for path in pages:
        query = sweep.fields_for("GET", path) + COMMON_QUERY
        form = sweep.fields_for("POST", path) or ["name"]
        for value in GARBAGE:
            sweep.send("GET", path, dict.fromkeys(query, value))
            sweep.send("POST", path, dict.fromkeys(form, value))
        for i, field in enumerate(query):  # each field, each character in turn
            sweep.send("GET", path, {field: CONTROL[i % len(CONTROL)]}, expect=400)
        for i, field in enumerate(form):
            value = CONTROL_IN_FORMS[i % len(CONTROL_IN_FORMS)]
            sweep.send("POST", path, {**dict.fromkeys(form, "x"), field: value}, expect=400)
        sweep.send("GET", path + "?" + urlencode({"x": "1"}) + "%00", expect=400)
        if path.count("/") > 2:
            sweep.send("GET", path.rstrip("/") + "%00/", expect=400)

    assert sweep.problems == [], "\n".join(sweep.problems[:40])


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_an_over_long_user_name_is_a_form_error_not_a_crash(path):
    """Found by the sweep: the name went on to django-axes' lockout record (255 characters),
    which PostgreSQL refused with a 500 (SQLite stored it)."""
    from axes.models import AccessAttempt

    r = Client(raise_request_exception=False).post(path, {"username": "x" * 300, "password": "p"})

    assert r.status_code == 200
    assert 'name="username"' in r.content.decode()
    assert not AccessAttempt.objects.exists()
