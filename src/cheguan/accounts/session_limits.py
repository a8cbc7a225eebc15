"""How long a login lasts: a working day for staff and partner agents, two idle hours for
citizens. One middleware enforces it for every page and API call made with the session.

- **Staff and partner agents** (every role but citizen) are logged out
  ``CHEGUAN_STAFF_SESSION_HOURS`` (default 10) after they logged in, however busy the
  session: a desk computer left logged in never carries a clerk's session into the evening
  or the next morning. Ten hours covers the hall's day (8:30–17:30) with its lunch break
  and some overtime; whoever works longer logs in again.
- **Citizens** are logged out after ``CHEGUAN_CITIZEN_IDLE_MINUTES`` (default 120) without a
  request. Their activity is written to the session at most once a minute, so a session
  may end up to a minute early; it never lasts longer than the limit.

The times are stamped into the session at login (``start``, called from
``accounts.signals``) and read with the one clock (``core.clock``), so tests can move time.
A session without the stamps (made before this existed) counts as ended. The end is a
real ``logout``: the session is flushed, the audit trail gets ``accounts.logged_out`` with
the reason, and the person is told why on the next page. The session's own expiry is set
to the same limit, so sessions nobody comes back to are cleaned up (``clearsessions``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.translation import gettext as _

from cheguan.core import clock
from cheguan.core.roles import Role

LOGIN_AT = "cheguan_login_at"
SEEN_AT = "cheguan_seen_at"
TOUCH_EVERY_SECONDS = 60
# Set on the request before ``logout`` so the audit event says why the session ended.
LOGOUT_REASON = "cheguan_logout_reason"
WORKING_DAY = "working_day"
IDLE = "idle"


def _staff_seconds() -> int:
    return int(settings.CHEGUAN_STAFF_SESSION_HOURS * 3600)


def _idle_seconds() -> int:
    return int(settings.CHEGUAN_CITIZEN_IDLE_MINUTES * 60)


def start(session, user) -> None:
    """Stamp a new login's session: when it began (staff) and when it was last used
    (citizens). ``accounts.signals`` calls it on every login; code that makes a login
    session by hand (a benchmark) calls it too."""
    now = clock.now().timestamp()
    session[LOGIN_AT] = now
    session[SEEN_AT] = now
    is_citizen = user.role == Role.CITIZEN
    session.set_expiry(_idle_seconds() if is_citizen else _staff_seconds())


def ended(session, user, now: float) -> str | None:
    """Why this session is over (``WORKING_DAY`` or ``IDLE``), or None while it is valid."""
    if user.role == Role.CITIZEN:
        seen = session.get(SEEN_AT)
        if not isinstance(seen, int | float) or now - seen > _idle_seconds():
            return IDLE
        return None
    began = session.get(LOGIN_AT)
    if not isinstance(began, int | float) or now - began > _staff_seconds():
        return WORKING_DAY
    return None


def _told(reason: str) -> str:
    if reason == IDLE:
        return _(
            "You were logged out after %(minutes)d minutes without activity. Please log in again."
        ) % {"minutes": settings.CHEGUAN_CITIZEN_IDLE_MINUTES}
    return _(
        "Your session ended %(hours)s hours after you logged in, at the end of the working "
        "day. Please log in again."
    ) % {"hours": f"{settings.CHEGUAN_STAFF_SESSION_HOURS:g}"}


class SessionLimitMiddleware:
    """Ends a session past its limit before anything else sees the user (place it after
    Django's authentication and messages middleware, before ``AssistedSessionMiddleware``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            now = clock.now().timestamp()
            reason = ended(request.session, user, now)
            if reason is not None:
                setattr(request, LOGOUT_REASON, reason)
                logout(request)
                messages.info(request, _told(reason))
            elif (
                user.role == Role.CITIZEN and now - request.session[SEEN_AT] >= TOUCH_EVERY_SECONDS
            ):
                request.session[SEEN_AT] = now
                request.session.set_expiry(_idle_seconds())
        return self.get_response(request)
