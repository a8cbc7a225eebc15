def cheguan(request):
    return {
        "elder_mode": getattr(request, "elder_mode", False),
        "assisted_session": getattr(request, "assisted_session", None),
        "actor": getattr(request, "actor", None),
    }
