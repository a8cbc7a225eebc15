from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "cheguan.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        from cheguan.audit.words import register_value_words
        from cheguan.registry import codes, remembered  # noqa: F401  (forgets offices on change)

        # The audit trail names a plate kind from our code table (audit does not import us).
        register_value_words(
            "plate_type", lambda value, english: codes.name_of("plate_kind", value, english=english)
        )
