import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _immediate_tasks(settings, tmp_path):
    # Argon2 (production) costs ~0.4 s a hash on these cores; tests that need it ask for it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _reset_clock():
    from cheguan.core import clock

    yield
    clock.set_now(None)


@pytest.fixture
def clock():
    from cheguan.core import clock as c

    return c


@pytest.fixture
def office(db):
    from tests import factories

    return factories.office()


@pytest.fixture
def make(db):
    """The factories module, so tests read ``make.person(...)``."""
    from tests import factories

    return factories


@pytest.fixture
def is_postgres():
    from django.db import connection

    return connection.vendor == "postgresql"
