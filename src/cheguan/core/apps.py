from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cheguan.core"
    label = "core"
    verbose_name = "Cheguan core"

    def ready(self) -> None:
        from cheguan.core import checks  # noqa: F401  (registers the deploy checks)
