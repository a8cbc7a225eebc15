import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _immediate_tasks(settings, tmp_path):
    # Argon2 (production) costs ~0.4 s a hash on these cores; tests that need it ask for it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CHEGUAN_SMS_BACKEND = "cheguan.core.sms.OutboxBackend"
    from cheguan.core.sms import OutboxBackend

    OutboxBackend.outbox.clear()
    settings.CHEGUAN_AUDIT_ANCHOR_FILE = tmp_path / "audit-anchors.log"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _clear_caches():
    """The request-rate counters live in the cache: every test starts with none counted."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield


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
def office_world(db):
    """The office with its catalogue, built by ``tests.builders.OfficeWorld``: add the
    people and cars a test needs (``office_world.with_citizen()``, ``.staff()``, ``.car()``)."""
    from tests.builders import OfficeWorld

    return OfficeWorld()


@pytest.fixture
def make(db):
    """The factories module, so tests read ``make.person(...)``."""
    from tests import factories

    return factories


@pytest.fixture
def is_postgres():
    from django.db import connection

    return connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def _pg_only(request):
    """``@pytest.mark.pg_only``: skipped, with a reason, only when the database isn't PostgreSQL.

    CI runs the suite on both databases, so these run there on the PostgreSQL pass.
    """
    marker = request.node.get_closest_marker("pg_only")
    if marker is None:
        return
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip(f"needs PostgreSQL: {marker.kwargs.get('reason', 'concurrency')}")


@pytest.fixture
def in_process_wsgi():
    """For tests that call Django's WSGI handler in-process (schemathesis ``from_wsgi``, …).

    On PostgreSQL, ``close_old_connections`` runs on ``request_finished`` inside pytest-django's
    per-test transaction and closes the connection ("the connection is closed"). Django's test
    client avoids it by disconnecting the handler around each request; this does the same for
    the whole test (STACK-NOTES.md). Opt-in: ``@pytest.mark.usefixtures("in_process_wsgi")``.
    """
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _working_day_calendar(request):
    """The calendar is migration data; a transactional test's flush empties it. Put it back
    for any database test that finds it empty (≈ 0.5 s, only after such a flush)."""
    marker = request.node.get_closest_marker("django_db")
    names = request.fixturenames
    if marker is None and not {"db", "transactional_db", "live_server"} & set(names):
        return
    transactional = (
        (marker is not None and marker.kwargs.get("transaction"))
        or "transactional_db" in names
        or "live_server" in names
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    from cheguan.workdays.models import CalendarDay
    from cheguan.workdays.services import read_holidays, rebuild

    if not CalendarDay.objects.exists():
        rebuild(read_holidays())
