import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cheguan.core.roles import Role

# A Monday morning at the help desk, in the office's time zone.
START = dt.datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 costs ~1 s per test user on this machine; only test_argon2_* needs it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def desk(make, clock):
    """A clerk of the Ningbo office, an elderly citizen of that office, the clock at 10:00."""
    clock.set_now(START)
    office = make.office()
    clerk = make.user(Role.CLERK, office=office)
    citizen = make.person(office_obj=office, name="王建国", birth=dt.date(1958, 3, 1))
    return type("Desk", (), {"office": office, "clerk": clerk, "citizen": citizen})


@pytest.fixture
def other_office(make):
    return make.office(code="330100", prefix="浙A", name="杭州市车管所")


def api_json(response) -> dict:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return response.json()
