"""Redis as the cache and the session store (CHEGUAN_REDIS_URL), against the real server at
127.0.0.1:6379 (``make test`` starts it), and the fallback without it."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import override_settings

from cheguan.core.roles import Role

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/0"


def _settings_in_a_new_process(**env: str) -> str:
    """What a freshly started web server reads from its environment, and what it logs."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CHEGUAN_")}
    clean.update(CHEGUAN_DEBUG="1", DJANGO_SETTINGS_MODULE="cheguan.settings", **env)
    code = (
        "import cheguan.wsgi; from django.conf import settings as s; "
        "print(s.CACHES['default']['BACKEND']); print(s.SESSION_ENGINE)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True,
        check=True, timeout=60,
    )  # fmt: skip
    return done.stdout + done.stderr


def test_with_a_redis_url_the_cache_and_the_sessions_use_redis():
    out = _settings_in_a_new_process(CHEGUAN_REDIS_URL=REDIS_URL)
    assert "django.core.cache.backends.redis.RedisCache" in out
    assert "django.contrib.sessions.backends.cached_db" in out
    assert out.count("cheguan.startup") == 1
    assert "cache and sessions: Redis" in out


def test_without_redis_it_falls_back_to_memory_and_the_database_and_says_so_once():
    out = _settings_in_a_new_process()
    assert "django.core.cache.backends.locmem.LocMemCache" in out
    assert "django.contrib.sessions.backends.db\n" in out
    assert out.count("cheguan.startup") == 1
    assert "no CHEGUAN_REDIS_URL" in out


@pytest.fixture
def redis_cache():
    """The settings CHEGUAN_REDIS_URL gives, under a prefix of this test's own."""
    prefix = f"cheguan-test-{uuid.uuid4().hex[:12]}"
    server = redis.Redis.from_url(REDIS_URL)
    server.ping()  # a real server, or the test fails here
    with override_settings(
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": REDIS_URL,
                "KEY_PREFIX": prefix,
            }
        },
        SESSION_ENGINE="django.contrib.sessions.backends.cached_db",
    ):
        yield server, prefix
    for key in server.scan_iter(f"{prefix}:*"):
        server.delete(key)


def test_values_are_in_the_redis_server(redis_cache):
    server, prefix = redis_cache
    cache.set("catalogue", "v1", 60)
    assert any(k.decode().startswith(prefix) for k in server.scan_iter(f"{prefix}:*"))
    assert cache.get("catalogue") == "v1"
    cache.set("hits", 0, 60)
    assert cache.incr("hits") == 1
    assert cache.incr("hits") == 2  # atomic counters: what the request rates need


@pytest.mark.django_db
def test_a_session_is_read_from_redis_and_survives_losing_it(redis_cache, client, make):
    server, prefix = redis_cache
    user = make.user(Role.CITIZEN, person=make.person())
    client.force_login(user)
    session_keys = [k for k in server.scan_iter(f"{prefix}:*") if b"session" in k]
    assert session_keys, "the session is cached in Redis"
    assert client.session[SESSION_KEY] == str(user.pk)

    for key in server.scan_iter(f"{prefix}:*"):  # Redis restarted: nothing kept
        server.delete(key)

    assert client.session[SESSION_KEY] == str(user.pk)  # read back from the database
    assert Session.objects.filter(session_key=client.session.session_key).exists()
