"""The window's second screen (ADR 0017): paired by the code it shows, it rates only the
case its own clerk pushed to it; an unpaired screen sees nothing; a partner cannot pair."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from cheguan.audit.models import AuditEvent
from cheguan.cases import services
from cheguan.cases.models import Rating, WindowScreen
from cheguan.cases.services import screens
from cheguan.core.actor import Actor
from cheguan.core.errors import DomainError

pytestmark = pytest.mark.django_db


def _code(page: str) -> str:
    return re.search(r'class="pairing-code"[^>]*><strong>(\d{6})</strong>', page)[1]


def _new_screen() -> tuple[Client, str]:
    """A browser on a window's screen opens the public page: its cookie and its code."""
    browser = Client()
    page = browser.get("/cases/window/screen/")
    assert page.status_code == 200
    return browser, _code(page.content.decode())


def _pair(clerk, code: str, language: str = "zh-hans") -> Client:
    desk = Client()
    desk.force_login(clerk)
    r = desk.post("/cases/window/pair/", {"code": code}, HTTP_ACCEPT_LANGUAGE=language)
    assert r.status_code == 302, r.content.decode()[:500]
    return desk


def test_a_paired_screen_opens_the_finished_case_by_itself_and_rates_it(world):
    screen, code = _new_screen()
    desk = _pair(world.clerk, code)
    idle = screen.get("/cases/window/screen/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    case = world.completed()

    pushed = desk.post(f"/cases/console/{case.number}/screen/")
    state = screen.get("/cases/window/screen/state/").json()
    page = screen.get("/cases/window/screen/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    thanks = screen.post("/cases/window/screen/rate/", {"case": case.number, "score": "4"})
    after = screen.get("/cases/window/screen/").content.decode()

    assert "Welcome" in idle and 'name="score"' not in idle
    assert pushed.status_code == 302 and state["version"] == f"rate-{case.pk}"
    # It names the case and the clerk, in elder mode, without the site's header or menu.
    assert case.number in page and world.clerk.label in page
    assert '<body class="elder kiosk"' in page
    assert 'class="site"' not in page and 'name="language"' not in page
    assert all(f'name="score" value="{v}"' in page for v in range(1, 6))
    assert thanks.status_code == 200
    rating = Rating.objects.get(case=case)
    assert (rating.score, rating.channel) == (4, "window_screen")
    assert 'name="score"' not in after
    assert AuditEvent.objects.filter(action="cases.screen_paired").count() == 1


def test_an_unpaired_screen_sees_nothing_and_cannot_rate(world):
    screen, _code_shown = _new_screen()
    case = world.completed()

    state = screen.get("/cases/window/screen/state/").json()
    rate = screen.post("/cases/window/screen/rate/", {"case": case.number, "score": "1"})
    stranger = Client().post("/cases/window/screen/rate/", {"case": case.number, "score": "1"})

    assert state["version"].startswith("code-")
    assert rate.status_code == 404 and stranger.status_code == 404
    assert not Rating.objects.filter(case=case).exists()


def test_a_screen_cannot_read_or_rate_another_windows_case(world, make):
    mine, code = _new_screen()
    _pair(world.clerk, code)
    other_clerk = make.user("clerk")
    theirs, their_code = _new_screen()
    their_desk = _pair(other_clerk, their_code)
    case = world.completed()

    their_desk.post(f"/cases/console/{case.number}/screen/")
    my_page = mine.get("/cases/window/screen/").content.decode()
    my_try = mine.post("/cases/window/screen/rate/", {"case": case.number, "score": "1"})
    their_page = theirs.get("/cases/window/screen/").content.decode()

    assert case.number not in my_page and 'name="score"' not in my_page
    assert my_try.status_code == 404
    assert not Rating.objects.filter(case=case).exists()
    assert case.number in their_page


def test_a_partner_cannot_pair_and_a_wrong_code_pairs_nothing(world, make):
    _screen, code = _new_screen()
    dealer = make.user("dealer_agent")

    with pytest.raises(DomainError) as refused:
        screens.pair_screen(actor=Actor(user=dealer), code=code)
    with pytest.raises(DomainError) as wrong:
        screens.pair_screen(actor=Actor(user=world.clerk), code=f"{(int(code) + 1) % 10**6:06d}")

    assert refused.value.status == 403
    assert wrong.value.code == "cases.screen_code_wrong"
    assert WindowScreen.objects.get().clerk is None


def test_ending_the_pairing_hides_the_pushed_case_and_pairing_again_lets_the_old_screen_go(world):
    first, code = _new_screen()
    desk = _pair(world.clerk, code)
    case = world.completed()
    desk.post(f"/cases/console/{case.number}/screen/")
    second, second_code = _new_screen()

    _pair(world.clerk, second_code)
    old = first.get("/cases/window/screen/").content.decode()
    old_try = first.post("/cases/window/screen/rate/", {"case": case.number, "score": "5"})
    desk.post("/cases/window/pair/", {"action": "end"})
    ended = second.get("/cases/window/screen/state/").json()
    anew = second.get("/cases/window/screen/").content.decode()

    assert case.number not in old and old_try.status_code == 404
    assert ended["version"] == "gone"  # the page reloads: a new screen, asking to be paired
    assert 'class="pairing-code"' in anew and case.number not in anew
    assert WindowScreen.objects.filter(clerk=world.clerk, ended_at__isnull=True).count() == 0


def test_without_a_paired_screen_the_console_says_how_to_pair(world):
    case = world.completed()
    desk = Client()
    desk.force_login(world.clerk)

    page = desk.get(f"/cases/console/{case.number}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    push = desk.post(f"/cases/console/{case.number}/screen/", HTTP_ACCEPT_LANGUAGE="en")

    assert 'href="/cases/window/pair/"' in page
    assert push.status_code == 409
    assert "no paired screen" in push.content.decode()


def test_a_rated_case_is_not_pushed_again(world):
    _screen, code = _new_screen()
    _pair(world.clerk, code)
    case = world.completed()
    services.rate_case(actor=world.citizen, case=case, score=5)

    with pytest.raises(DomainError) as refused:
        screens.push_case(actor=world.clerk_actor, case=case)

    assert refused.value.code == "cases.already_rated"


def test_the_citizen_agrees_on_the_paired_screen_and_only_there(world, make):
    from cheguan.accounts import services as accounts_services

    screen, code = _new_screen()
    _pair(world.clerk, code)
    other_screen, other_code = _new_screen()
    _pair(make.user("clerk"), other_code)
    session = accounts_services.open_assisted_session(
        actor=world.clerk_actor,
        id_number=world.person.id_number,
        consent_method="screen_signed",
        scope=["inspection"],
    )

    shown = screen.get("/cases/window/screen/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    elsewhere = other_screen.get("/cases/window/screen/").content.decode()
    foreign = other_screen.post(
        "/cases/window/screen/consent/", {"session": session.pk, "answer": "agree"}
    )
    session.refresh_from_db()
    assert "Apply for inspection marks" in shown and world.clerk.label in shown
    assert f'value="{session.pk}"' not in elsewhere and foreign.status_code == 404
    assert session.confirmed_at is None

    agreed = screen.post(
        "/cases/window/screen/consent/", {"session": session.pk, "answer": "agree"}
    )
    session.refresh_from_db()

    assert agreed.status_code == 200 and session.confirmed_at is not None
    assert accounts_services.current_assisted_session(world.clerk).pk == session.pk


def test_an_unpaired_screen_is_not_told_to_reload_until_it_is_paired_or_its_code_is_old(
    world, clock
):
    """The page reloads when the state's version changes; a reload shows a new code, so an
    unpaired screen's version must not change by itself (the code the clerk reads stays)."""
    screen, _code_shown = _new_screen()
    page = screen.get("/cases/window/screen/")  # a reload: a new code
    shown = re.search(r'data-screen-version="([^"]+)"', page.content.decode())[1]

    assert screen.get("/cases/window/screen/state/").json()["version"] == shown
    clock.set_now(clock.now() + dt.timedelta(minutes=11))
    assert screen.get("/cases/window/screen/state/").json()["version"] != shown


def test_screens_never_paired_are_forgotten_after_a_day(world, clock):
    _new_screen()
    _paired, code = _new_screen()
    _pair(world.clerk, code)
    clock.set_now(clock.now() + dt.timedelta(days=2))

    _new_screen()

    assert WindowScreen.objects.count() == 2
    assert WindowScreen.objects.filter(clerk=world.clerk).exists()
