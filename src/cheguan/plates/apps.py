from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlatesConfig(AppConfig):
    name = "cheguan.plates"
    verbose_name = _("Plate numbers")

    def ready(self) -> None:
        from cheguan.plates import receivers  # noqa: F401  (connects the signal receivers)
