import datetime as dt
from types import SimpleNamespace

import pytest

from cheguan.core.roles import Role

NOW = dt.datetime(2026, 3, 2, 10, 0)  # a Monday morning


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 costs ~1 s per test user on this machine; these tests don't test hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def city(make, clock):
    """One office with staff of every kind, an elderly citizen with a car, two dealers with
    a car each, a younger person with a car; and another office with its own clerk."""
    clock.set_now(NOW)
    office = make.office()
    elsewhere = make.office(code="330100", prefix="浙A", name="杭州市车管所")
    elder = make.person(name="王建国", birth=dt.date(1950, 1, 1), phone="13812345678")
    young = make.person(name="李小红", birth=dt.date(1995, 7, 9), phone="13900001111")
    # Dealer A has applied for nothing yet: the authorisation tests take it through the
    # lifecycle from the start. Dealer B is authorised (the usual partner).
    dealer_a = make.user(Role.DEALER_AGENT, organisation=make.organisation(kind="dealer"))
    dealer_b = make.user(Role.DEALER_AGENT)
    return SimpleNamespace(
        office=office,
        elsewhere=elsewhere,
        clerk=make.user(Role.CLERK, username="clerk_li"),
        supervisor=make.user(Role.SUPERVISOR),
        inspector=make.user(Role.INSPECTOR),
        examiner=make.user(Role.EXAMINER),
        admin=make.user(Role.ADMIN),
        far_clerk=make.user(Role.CLERK, office=elsewhere),
        elder=elder,
        citizen=make.user(Role.CITIZEN, person=elder),
        young=young,
        dealer_a=dealer_a,
        dealer_b=dealer_b,
        elder_car=make.vehicle(owner=elder, plate_number="浙B12345"),
        young_car=make.vehicle(owner=young),
        a_car=make.vehicle(owner=dealer_a.organisation),
        b_car=make.vehicle(owner=dealer_b.organisation),
    )
