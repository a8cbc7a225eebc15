"""The window's second screen (ADR 0017): paired with the clerk who works the window by a
short code the screen shows, it shows only what that clerk pushes to it — the case they just
finished, to rate, or an assisted service waiting for the citizen's consent.

The screen proves itself with a secret in a cookie (only its hash is stored); the code is
shown on the screen while it is unpaired and is good for ``CODE_VALID_FOR``. Pairing,
pushing and ending are audited with ids only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils.crypto import salted_hmac

from cheguan.accounts import services as accounts_services
from cheguan.audit.services import record
from cheguan.cases import errors
from cheguan.cases.locks import lock_case
from cheguan.cases.models import Case, Rating, RatingChannel, WindowScreen
from cheguan.cases.rules import RATEABLE_STATUSES
from cheguan.cases.services.common import require_clerk_of
from cheguan.cases.services.ratings import _rate
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import NOT_FOUND, ErrorCode
from cheguan.core.permissions import require

CODE_DIGITS = 6
CODE_VALID_FOR = dt.timedelta(minutes=10)

PAIRING_CODE_WRONG = ErrorCode(
    "cases.screen_code_wrong",
    "没有显示这个配对码的屏幕（或配对码已超过10分钟）；请核对窗口屏幕上的号码。",
    "No screen shows this pairing code (or it is more than 10 minutes old); check the number on the window's screen.",
    422,
)
SCREEN_NOT_PAIRED = ErrorCode(
    "cases.screen_not_paired",
    "您的窗口还没有配对的评价屏；请先在窗口屏幕上打开评价屏页面，并输入其显示的配对码。",
    "Your window has no paired screen yet: open the screen page on the window's screen and enter the code it shows.",
    409,
)


def _hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _hash_code(code: str) -> str:
    return salted_hmac("cheguan.cases.window-screen-code", code).hexdigest()


def _fresh_code(now: dt.datetime) -> tuple[str, str]:
    """A code no other unpaired screen shows now."""
    while True:
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        hashed = _hash_code(code)
        if not WindowScreen.objects.filter(
            code_hash=hashed, clerk__isnull=True, ended_at__isnull=True, code_expires_at__gt=now
        ).exists():
            return code, hashed


@transaction.atomic
def new_screen() -> tuple[WindowScreen, str, str]:
    """A screen opens the page for the first time: its secret (for its cookie) and code."""
    now = clock.now()
    # Screens that were never paired leave nothing behind after a day.
    WindowScreen.objects.filter(
        clerk__isnull=True, created_at__lt=now - dt.timedelta(days=1)
    ).delete()
    secret = secrets.token_urlsafe(32)
    code, hashed = _fresh_code(now)
    screen = WindowScreen.objects.create(
        secret_hash=_hash_secret(secret),
        code_hash=hashed,
        code_expires_at=now + CODE_VALID_FOR,
        created_at=now,
    )
    return screen, secret, code


def renew_code(screen: WindowScreen) -> str:
    """An unpaired screen whose code is old shows a new one."""
    now = clock.now()
    code, hashed = _fresh_code(now)
    screen.code_hash, screen.code_expires_at = hashed, now + CODE_VALID_FOR
    screen.save(update_fields=["code_hash", "code_expires_at"])
    return code


def screen_for_secret(secret: str | None) -> WindowScreen | None:
    """The screen whose cookie holds ``secret``, unless its pairing has ended."""
    if not secret or len(secret) > 100:
        return None
    return (
        WindowScreen.objects.select_related("clerk", "case", "case__service")
        .filter(secret_hash=_hash_secret(secret), ended_at__isnull=True)
        .first()
    )


def current_screen(actor: Actor) -> WindowScreen | None:
    """The clerk's paired screen, if any."""
    if actor.user is None or not actor.user.is_authenticated:
        return None
    return WindowScreen.objects.filter(clerk=actor.user, ended_at__isnull=True).first()


def _audit(actor: Actor, action: str, screen: WindowScreen, **data) -> None:
    record(
        actor=Actor(user=actor.user),
        action=action,
        subject=screen,
        office_id=screen.office_id,
        data={"screen_id": screen.pk, **data},
    )


@transaction.atomic
def pair_screen(*, actor: Actor, code: str) -> WindowScreen:
    """The clerk enters the code their window's screen shows: it is theirs from now on. A
    screen they had paired before is let go (one screen per window)."""
    clerk = require(actor.user, "cases.process")
    code = "".join(ch for ch in str(code or "") if ch.isdigit())
    now = clock.now()
    screen = (
        WindowScreen.objects.select_for_update()
        .filter(
            code_hash=_hash_code(code),
            clerk__isnull=True,
            ended_at__isnull=True,
            code_expires_at__gt=now,
        )
        .first()
        if len(code) == CODE_DIGITS
        else None
    )
    if screen is None:
        raise PAIRING_CODE_WRONG(field="code")
    for previous in WindowScreen.objects.select_for_update().filter(
        clerk=clerk, ended_at__isnull=True
    ):
        previous.ended_at = now
        previous.save(update_fields=["ended_at"])
        _audit(actor, "cases.screen_unpaired", previous)
    screen.clerk, screen.office_id, screen.paired_at = clerk, clerk.office_id, now
    screen.code_hash, screen.code_expires_at = "", None
    screen.save(update_fields=["clerk", "office", "paired_at", "code_hash", "code_expires_at"])
    _audit(actor, "cases.screen_paired", screen)
    return screen


@transaction.atomic
def end_pairing(*, actor: Actor) -> WindowScreen:
    """The clerk lets their screen go: it shows nothing of theirs any more."""
    require(actor.user, "cases.process")
    screen = (
        WindowScreen.objects.select_for_update()
        .filter(clerk=actor.user, ended_at__isnull=True)
        .first()
    )
    if screen is None:
        raise SCREEN_NOT_PAIRED()
    screen.ended_at = clock.now()
    screen.save(update_fields=["ended_at"])
    _audit(actor, "cases.screen_unpaired", screen)
    return screen


@transaction.atomic
def push_case(*, actor: Actor, case: Case) -> WindowScreen:
    """The clerk finished ``case``: its rating opens on their paired screen by itself."""
    require_clerk_of(actor, case)
    if case.status not in RATEABLE_STATUSES:
        raise errors.NOT_RATEABLE()
    if Rating.objects.filter(case=case).exists():
        raise errors.ALREADY_RATED()
    screen = (
        WindowScreen.objects.select_for_update()
        .filter(clerk=actor.user, ended_at__isnull=True)
        .first()
    )
    if screen is None:
        raise SCREEN_NOT_PAIRED()
    screen.case, screen.pushed_at = case, clock.now()
    screen.save(update_fields=["case", "pushed_at"])
    _audit(actor, "cases.screen_case_shown", screen, case_id=case.pk)
    return screen


def screen_view(screen: WindowScreen) -> dict:
    """What the screen shows now: ``{"state": "code" | "idle" | "consent" | "rate", ...}``.

    A consent waiting on the clerk's assisted service comes first, then the pushed case if
    it is still unrated. ``version`` changes whenever what is shown changes (the page polls
    it)."""
    if not screen.is_paired:
        return {"state": "code", "version": f"code-{screen.pk}"}
    if screen.clerk is None:  # paired screens have a clerk
        return {"state": "code", "version": f"code-{screen.pk}"}
    session = accounts_services.screen_consent_pending(screen.clerk)
    if session is not None:
        return {"state": "consent", "session": session, "version": f"consent-{session.pk}"}
    case = screen.case
    if case is not None and not Rating.objects.filter(case=case).exists():
        return {"state": "rate", "case": case, "version": f"rate-{case.pk}"}
    return {"state": "idle", "version": f"idle-{screen.pk}"}


def _paired(secret: str | None) -> WindowScreen:
    screen = screen_for_secret(secret)
    if screen is None or not screen.is_paired or screen.clerk is None:
        raise NOT_FOUND()
    return screen


@transaction.atomic
def rate_on_screen(*, secret: str | None, case_number: str, score: int) -> Rating:
    """The citizen taps a score on the paired screen: only the case its clerk pushed to it."""
    screen = _paired(secret)
    screen = WindowScreen.objects.select_for_update().get(pk=screen.pk)
    if screen.case is None or screen.case.number != str(case_number):
        raise NOT_FOUND()
    case = lock_case(screen.case, related=())
    rating = _rate(
        case=case,
        score=score,
        dimensions=None,
        comment="",
        channel=RatingChannel.WINDOW_SCREEN,
        actor=Actor(user=None, on_behalf_of=None),
    )
    screen.case, screen.pushed_at = None, None
    screen.save(update_fields=["case", "pushed_at"])
    return rating


def answer_consent_on_screen(*, secret: str | None, session_id: int, agreed: bool):
    """The citizen agrees (or not) on the paired screen to the assisted service its clerk
    asked for."""
    screen = _paired(secret)
    clerk = screen.clerk
    assert clerk is not None  # _paired refuses a screen without one
    return accounts_services.agree_on_screen(agent=clerk, session_id=session_id, agreed=agreed)


def code_expired(screen: WindowScreen) -> bool:
    return screen.code_expires_at is None or clock.now() >= screen.code_expires_at
