from django.utils.functional import SimpleLazyObject

from cheguan.accounts.partners import partner_refusal


def cheguan(request):
    user = getattr(request, "user", None)
    return {
        "elder_mode": getattr(request, "elder_mode", False),
        "assisted_session": getattr(request, "assisted_session", None),
        "actor": getattr(request, "actor", None),
        # A partner whose authorisation does not let it work today reads why on every page.
        # Lazy: a page that does not show it (the bad-input page) reads no user for it.
        "partner_refusal": SimpleLazyObject(lambda: partner_refusal(user) if user else None),
    }
