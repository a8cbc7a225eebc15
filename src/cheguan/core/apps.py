import logging

from django.apps import AppConfig
from django.conf import settings

logger = logging.getLogger("cheguan.startup")


class CoreConfig(AppConfig):
    name = "cheguan.core"
    label = "core"
    verbose_name = "Cheguan core"

    def ready(self) -> None:
        # registers the deploy checks, and those of the limits and the request rates
        from cheguan.core import checks, limits, rate_limits  # noqa: F401


def say_where_the_cache_is() -> None:
    """Once at start-up of the web server (cheguan.wsgi; gunicorn loads it once, before its
    workers): where the cache and the sessions live, so that running without Redis is a
    choice that is seen. Commands stay quiet."""
    if settings.CHEGUAN_REDIS_URL:
        logger.info(
            "cache and sessions: Redis (CHEGUAN_REDIS_URL), sessions backed by the database"
        )
    else:
        logger.info(
            "cache: this process's memory; sessions: the database (no CHEGUAN_REDIS_URL: "
            "request rates count per worker, docs/deploy.md)"
        )
