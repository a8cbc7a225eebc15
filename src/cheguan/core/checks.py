"""Deploy safety: with DEBUG off, refuse to start on the dev key or an empty ALLOWED_HOSTS."""

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

DEV_KEY_ERROR = (
    "CHEGUAN_SECRET_KEY is the development key; set a long random secret before running "
    "with CHEGUAN_DEBUG=0."
)
HOSTS_ERROR = "CHEGUAN_ALLOWED_HOSTS is empty; list the host names Cheguan is served on."


def production_problems() -> list[str]:
    if settings.DEBUG:
        return []
    problems = []
    if settings.SECRET_KEY == settings.DEV_SECRET_KEY or len(settings.SECRET_KEY) < 32:
        problems.append(DEV_KEY_ERROR)
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
