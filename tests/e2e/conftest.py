"""Browser tests: pytest-playwright driving Debian's Chromium against ``live_server``.

Every test here is marked ``e2e`` (also added below, so none slips through) and runs with
``django_db(transaction=True)``: the live server's thread must see the rows a test makes.

The ``ui`` fixture is the way tests drive a page. Every navigation through it runs axe-core
on the page reached, in standard AND elder mode (the ``elder`` class toggled on <body>),
and fails on any "serious" or "critical" violation, printing rule ids and targets. A guard
at teardown fails the test if the page ever reached a URL that was not checked.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
BLOCKING_IMPACTS = {"serious", "critical"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in item.nodeid.replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A browser in China: Chinese first, as the office's users have it."""
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def serious_violations(response: dict) -> list[str]:
    """One line per serious or critical violation: rule id, impact and the targets."""
    lines = []
    for violation in response.get("violations", []):
        if violation.get("impact") in BLOCKING_IMPACTS:
            targets = [" ".join(map(str, node.get("target", []))) for node in violation["nodes"]]
            lines.append(f"{violation['id']} ({violation['impact']}): {targets}")
    return lines


@dataclass
class UI:
    """A page plus the live server's address; every page reached is checked with axe."""

    page: object
    base_url: str
    axe: object
    checked: set[str] = field(default_factory=set)
    reached: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base_url + path

    def path(self) -> str:
        parts = urlsplit(self.page.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def goto(self, path: str) -> None:
        self.page.goto(self.url(path))
        self.check()

    def click_and_wait(self, locator) -> None:
        """Click something that loads a new page (a link, a form's submit button)."""
        with self.page.expect_navigation():
            locator.click()
        self.check()

    def check(self) -> None:
        """axe-core on the current page in standard and in elder mode."""
        self.page.wait_for_load_state("load")
        problems = []
        elder_now = self.is_elder()
        for elder in (elder_now, not elder_now):
            self._set_elder_class(elder)
            found = serious_violations(self.axe.run(self.page).response)
            mode = "elder" if elder else "standard"
            problems += [f"{self.path()} [{mode} mode] {line}" for line in found]
        self._set_elder_class(elder_now)
        self.checked.add(self.path())
        assert problems == [], "axe-core found serious or critical violations:\n" + "\n".join(
            problems
        )

    def is_elder(self) -> bool:
        return self.page.evaluate("document.body.classList.contains('elder')")

    def _set_elder_class(self, on: bool) -> None:
        self.page.evaluate(f"document.body.classList.toggle('elder', {'true' if on else 'false'})")

    def login(self, user, password: str) -> None:
        """Log in through the real login page (axe-checked like any other page)."""
        self.goto("/accounts/login/")
        self.page.fill("#id_username", user.username)
        self.page.fill("#id_password", password)
        self.click_and_wait(self.page.locator("main form button[type=submit]"))
        assert not self.path().startswith("/accounts/login/"), "login failed"

    def unchecked(self) -> list[str]:
        return [u for u in dict.fromkeys(self.reached) if u not in self.checked]


@pytest.fixture
def ui(page, live_server, axe):
    helper = UI(page=page, base_url=live_server.url, axe=axe)
    page.set_default_timeout(15_000)

    def on_navigated(frame) -> None:
        if frame == page.main_frame and frame.url.startswith(live_server.url):
            helper.reached.append(re.sub(r"^https?://[^/]+", "", frame.url))

    page.on("framenavigated", on_navigated)
    yield helper
    assert helper.unchecked() == [], "pages reached without an axe-core check"
