"""The window's second screen (ADR 0017): the public page the screen keeps open, its state
for polling, the citizen's taps on it, and the clerk's page to pair it and let it go."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cheguan.cases.models import Score
from cheguan.cases.services import screens
from cheguan.core.actor import actor_for
from cheguan.core.errors import DomainError
from cheguan.core.pages import english, field_errors, pages, public
from cheguan.core.permissions import require

COOKIE = "cheguan_window_screen"
COOKIE_AGE = 14 * 3600  # a working day; a new day's screen pairs again
SCORES = [(value, label) for value, label in sorted(Score.choices, reverse=True)]


def _render(request, screen, view: dict, code: str = "", **extra):
    lang = "en" if english(request) else "zh-hans"
    context = {
        "kiosk": True,
        "elder_mode": True,
        "screen": screen,
        "view": view,
        "code": code,
        "scores": SCORES,
        "clerk_name": screen.clerk.label if screen.clerk_id else "",
        **extra,
    }
    if view["state"] == "rate":
        context["service_name"] = view["case"].service.name_in(lang)
    return render(request, "cases/window_screen.html", context, status=extra.get("status", 200))


@never_cache
@public
def window_screen(request):
    """What the window's screen shows; a new screen gets its secret and a pairing code."""
    screen = screens.screen_for_secret(request.COOKIES.get(COOKIE))
    secret = code = ""
    if screen is None:
        screen, secret, code = screens.new_screen()
    elif not screen.is_paired:
        code = screens.renew_code(screen)  # a code is shown once: a reload shows a new one
    response = _render(request, screen, screens.screen_view(screen), code=code)
    if secret:
        response.set_cookie(
            COOKIE,
            secret,
            max_age=COOKIE_AGE,
            httponly=True,
            samesite="Strict",
            secure=settings.SESSION_COOKIE_SECURE,
            path="/cases/window/",
        )
    return response


@never_cache
@public
def window_screen_state(request):
    """The screen's page polls this; it reloads when ``version`` changes."""
    screen = screens.screen_for_secret(request.COOKIES.get(COOKIE))
    if screen is None:
        return JsonResponse({"version": "gone"})
    version = screens.screen_view(screen)["version"]
    if not screen.is_paired and screens.code_expired(screen):
        version += "-expired"
    return JsonResponse({"version": version})


@require_POST
@public
def window_screen_rate(request):
    secret = request.COOKIES.get(COOKIE)
    score = request.POST.get("score", "")
    try:
        screens.rate_on_screen(
            secret=secret,
            case_number=request.POST.get("case", ""),
            score=int(score) if score.isdigit() else 0,
        )
    except DomainError as e:
        if e.status == 404:
            raise
        screen = screens.screen_for_secret(secret)
        return _render(request, screen, screens.screen_view(screen), error=e.message, status=400)
    screen = screens.screen_for_secret(secret)
    return _render(request, screen, {"state": "thanks", "version": "thanks"})


@require_POST
@public
def window_screen_consent(request):
    secret = request.COOKIES.get(COOKIE)
    session_id = request.POST.get("session", "")
    agreed = request.POST.get("answer") == "agree"
    screens.answer_consent_on_screen(
        secret=secret,
        session_id=int(session_id) if session_id.isdigit() else 0,
        agreed=agreed,
    )
    screen = screens.screen_for_secret(secret)
    return _render(
        request, screen, {"state": "agreed" if agreed else "declined", "version": "answered"}
    )


@pages
def pair(request):
    """The clerk's window: pair the screen by the code it shows, or let it go."""
    actor = actor_for(request)
    require(request.user, "cases.process")
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            if request.POST.get("action") == "end":
                screens.end_pairing(actor=actor)
                messages.success(request, _("The window's screen is no longer paired."))
            else:
                screens.pair_screen(actor=actor, code=request.POST.get("code", ""))
                messages.success(request, _("The window's screen is paired with your window."))
        except DomainError as e:
            errors = field_errors(e)
        else:
            target = request.POST.get("next", "")
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = "cases:pair"
            return redirect(target or "cases:pair")
    return render(
        request,
        "cases/pair.html",
        {"screen": screens.current_screen(actor), "errors": errors},
        status=400 if errors else 200,
    )
