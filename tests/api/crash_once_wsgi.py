"""Test-only WSGI application: Cheguan's own, whose worker process dies once, mid-request.

Served by gunicorn in ``test_idempotency_crash.py``. The first API token any request saves
(while the file named by ``CHEGUAN_TEST_CRASH_FLAG`` does not exist yet) kills the worker
with ``os._exit``, so nothing of Python's or Django's clean-up runs, as with a SIGKILL or an
out-of-memory kill:

- ``CHEGUAN_TEST_CRASH=before_commit``: at once, inside the request's transaction;
- ``CHEGUAN_TEST_CRASH=after_commit``: from ``transaction.on_commit``, so whatever the request
  commits with the token is in the database, and the answer never leaves the process.

gunicorn's master starts a new worker; the test then retries the same request.
"""

import os
from pathlib import Path

from django.db import transaction
from django.db.models.signals import post_save

from cheguan.wsgi import application  # sets Django up; served as it is

__all__ = ["application"]

KILLED = 70  # any status but gunicorn's 3 and 4 (which stop the master): a new worker starts


def _die() -> None:
    os._exit(KILLED)


def _crash_once(sender, instance, created, **kwargs) -> None:
    flag = Path(os.environ["CHEGUAN_TEST_CRASH_FLAG"])
    if not created or flag.exists():
        return
    flag.touch()
    if os.environ["CHEGUAN_TEST_CRASH"] == "before_commit":
        _die()
    transaction.on_commit(_die)


post_save.connect(_crash_once, sender="accounts.ApiToken", dispatch_uid="tests.api.crash_once_wsgi")
