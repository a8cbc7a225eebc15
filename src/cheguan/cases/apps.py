from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cheguan.cases"
    label = "cases"
    verbose_name = _("Service cases")

    def ready(self) -> None:
        from cheguan.cases import remembered  # noqa: F401  (forgets the catalogue on change)
