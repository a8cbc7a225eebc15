from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "cheguan.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # The registry cannot call accounts' services; it tells us instead (ADR 0008).
        from cheguan.accounts import receivers
        from cheguan.registry.signals import authorisation_changed

        authorisation_changed.connect(
            receivers.close_doors_of_withdrawn_partner,
            dispatch_uid="accounts.close_doors_of_withdrawn_partner",
        )
        from cheguan.accounts import signals  # noqa: F401  (logins and logouts into the audit trail)
        from cheguan.accounts.models import ConsentScope
        from cheguan.audit.words import register_value_words

        register_value_words(
            "consent_scope",
            lambda value, english: (
                str(ConsentScope(value).label) if value in ConsentScope.values else None
            ),
        )
