"""Deploy safety: with DEBUG off, refuse to start on a guessable secret key or empty hosts.

A key is refused when it is the development key, or when Django's own deploy check would
call it weak (``security.W009``: under 50 characters, fewer than 5 different characters, or
Django's ``django-insecure-`` prefix), so "32 × a" is refused just like the development key.
"""

import logging

from django.conf import settings
from django.core.checks import Error, register
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured

DEVELOPMENT = " (For development, set CHEGUAN_DEBUG=1, as `make run` does.)"
DEV_KEY_ERROR = (
    "CHEGUAN_SECRET_KEY is the development key; set a long random secret before running "
    "with CHEGUAN_DEBUG=0." + DEVELOPMENT
)
WEAK_KEY_ERROR = (
    f"CHEGUAN_SECRET_KEY is too weak: it needs at least {SECRET_KEY_MIN_LENGTH} characters, "
    f"at least {SECRET_KEY_MIN_UNIQUE_CHARACTERS} of them different, e.g. "
    '`python3 -c "import secrets; print(secrets.token_urlsafe(50))"`.'
)
HOSTS_ERROR = (
    "CHEGUAN_ALLOWED_HOSTS is empty; list the host names Cheguan is served on." + DEVELOPMENT
)


startup_log = logging.getLogger("cheguan.startup")


def weak_secret_key(key: str) -> bool:
    return (
        len(key) < SECRET_KEY_MIN_LENGTH
        or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
        or key.startswith(SECRET_KEY_INSECURE_PREFIX)
    )


def production_problems() -> list[str]:
    if settings.DEBUG:
        return []
    problems = []
    if settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        problems.append(DEV_KEY_ERROR)
    elif weak_secret_key(settings.SECRET_KEY):
        problems.append(WEAK_KEY_ERROR)
    if not settings.ALLOWED_HOSTS:
        problems.append(HOSTS_ERROR)
    return problems


def assert_safe_to_serve() -> None:
    """Called by the WSGI entry point and the CLI: fail fast instead of serving unsafely."""
    problems = production_problems()
    if problems:
        raise ImproperlyConfigured(" ".join(problems))


@register("security", deploy=False)
def check_production_settings(app_configs, **kwargs):
    return [Error(p, id="cheguan.E001") for p in production_problems()]


def say_where_the_cache_is() -> None:
    """Once at start-up of the web server (cheguan.wsgi; gunicorn loads it once, before its
    workers): where the cache and the sessions live, so that running without Redis is a
    choice that is seen. Commands stay quiet."""
    if settings.CHEGUAN_REDIS_URL:
        startup_log.info(
            "cache and sessions: Redis (CHEGUAN_REDIS_URL), sessions backed by the database"
        )
    else:
        startup_log.info(
            "cache: this process's memory; sessions: the database (no CHEGUAN_REDIS_URL: "
            "request rates count per worker, docs/deploy.md)"
        )
