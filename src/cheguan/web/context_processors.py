from django.conf import settings
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cheguan.accounts.partners import partner_refusal


def office_contact() -> dict[str, str]:
    """The office that runs the service, in the page's language (``CHEGUAN_OFFICE``)."""
    lang = "en" if (get_language() or "").startswith("en") else "zh-hans"
    contact = {}
    for key, value in settings.CHEGUAN_OFFICE.items():
        if isinstance(value, dict):
            value = value.get(lang) or value.get("zh-hans") or ""
        contact[key] = str(value or "")
    if not contact.get("name"):
        contact["name"] = _office_name(lang)
    return contact


def _office_name(lang: str) -> str:
    from cheguan.registry.remembered import first_offices

    offices = first_offices(2)
    if len(offices) == 1:
        office = offices[0]
        if lang == "en" and office.name_en:
            return _("%(city)s Vehicle Administration Office") % {"city": office.name_en}
        if lang != "en":
            return office.name
    return _("Vehicle Administration Office")


def cheguan(request):
    user = getattr(request, "user", None)
    return {
        "elder_mode": getattr(request, "elder_mode", False),
        "assisted_session": getattr(request, "assisted_session", None),
        "actor": getattr(request, "actor", None),
        "office_contact": SimpleLazyObject(office_contact),
        # A partner whose authorisation does not let it work today reads why on every page.
        # Lazy: a page that does not show it (the bad-input page) reads no user for it.
        "partner_refusal": SimpleLazyObject(lambda: partner_refusal(user) if user else None),
    }
