from cheguan.accounts.partners import partner_refusal


def cheguan(request):
    user = getattr(request, "user", None)
    return {
        "elder_mode": getattr(request, "elder_mode", False),
        "assisted_session": getattr(request, "assisted_session", None),
        "actor": getattr(request, "actor", None),
        # a partner whose authorisation does not let it work today reads why on every page
        "partner_refusal": partner_refusal(user) if user is not None else None,
    }
