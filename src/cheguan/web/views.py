from pathlib import Path

from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from cheguan.core.actor import Actor
from cheguan.web import services
from cheguan.web.middleware import ELDER_COOKIE

ONE_YEAR = 365 * 24 * 3600


def home(request):
    """The home page: each role sees its own work (``web/home/<role>.html``)."""
    if not request.user.is_authenticated:
        return render(request, "web/home/public.html")
    from cheguan.web.home import context_for

    role = request.user.role
    return render(request, f"web/home/{role}.html", context_for(request))


@require_POST
def set_elder_mode(request):
    """The elder-mode switch (home page and header): a cookie for this device, and the
    profile of a logged-in user so it follows them to another device."""
    on = request.POST.get("elder_mode") == "1"
    if request.user.is_authenticated:
        services.set_elder_mode(actor=Actor(user=request.user), on=on)
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = HttpResponseRedirect(target)
    response.set_cookie(ELDER_COOKIE, "1" if on else "0", max_age=ONE_YEAR, samesite="Lax")
    return response


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


FAVICON = Path(__file__).parent / "static" / "cheguan" / "favicon.ico"


@require_GET
def favicon(request):
    """/favicon.ico, where browsers and bookmarks look for it without asking the page."""
    response = HttpResponse(FAVICON.read_bytes(), content_type="image/vnd.microsoft.icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response
