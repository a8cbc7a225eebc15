"""Elder mode (关怀模式): remembered in a cookie, and on the user's profile when logged in."""

ELDER_COOKIE = "cheguan_elder"


class ElderModeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cookie = request.COOKIES.get(ELDER_COOKIE)
        if cookie in {"1", "0"}:
            request.elder_mode = cookie == "1"
        else:
            user = getattr(request, "user", None)
            request.elder_mode = bool(
                user is not None and user.is_authenticated and user.elder_mode
            )
        return self.get_response(request)
