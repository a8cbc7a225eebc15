from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cheguan.core"
    label = "core"
    verbose_name = "Cheguan core"

    def ready(self) -> None:
        # registers the deploy checks, and those of the limits and the request rates
        from cheguan.core import checks, limits, rate_limits  # noqa: F401
