"""Logins, failed logins and logouts in the audit trail, from Django's own auth signals.

Every way in or out (the login page, the admin's login, ``force_login`` in tests, the
session limits) goes through ``django.contrib.auth.login``/``logout``/``authenticate``,
which send these signals; receiving them records each event once, whatever the page.

- ``accounts.logged_in`` and ``accounts.logged_out``: acted by the user, in the user's own
  stream (a partner agent's organisation, everyone else their office's ``accounts``
  stream). A logout says why: ``by_user``, or a session limit (``working_day``, ``idle``;
  ``accounts.session_limits``).
- ``accounts.login_failed``: acted by ``anonymous`` (nobody is logged in), about the account
  whose user name was typed, in that account's stream, so the office (or the partner) sees
  attacks on its own accounts. A user name that matches no account belongs to no office:
  its failures go to the ``office:0:accounts`` stream, which administrators see. The user
  name typed is kept, masked when it looks like an ID number or a phone number (people
  type their ID number into the box). Django replaces the password before sending the
  signal, and nothing of it is recorded; ``locked_out`` says whether the user name is
  locked after this attempt (django-axes, whose handler runs first).
"""

from __future__ import annotations

import re
import unicodedata

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import receiver

from cheguan.accounts import session_limits
from cheguan.accounts.models import User
from cheguan.audit import services as audit
from cheguan.core.actor import Actor
from cheguan.core.masking import mask_id_number, scrub_text

ANONYMOUS = "anonymous"
_DOCUMENT_NUMBER = re.compile(r"\d{15}|\d{17}[\dXx]")


def masked_user_name(typed: object) -> str:
    """The user name as typed, without control characters, with ID and phone numbers masked."""
    text = "".join(
        ch for ch in str(typed or "") if unicodedata.category(ch) not in {"Cc", "Cs"}
    ).strip()[:150]
    if _DOCUMENT_NUMBER.fullmatch(text):
        return mask_id_number(text)
    return scrub_text(text)


@receiver(user_logged_in, dispatch_uid="cheguan.accounts.logged_in")
def record_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        session_limits.start(request.session, user)
    with transaction.atomic():
        audit.record(actor=Actor(user=user), action="accounts.logged_in", subject=user)


@receiver(user_logged_out, dispatch_uid="cheguan.accounts.logged_out")
def record_logout(sender, request, user, **kwargs) -> None:
    if user is None:  # logging out without being logged in
        return
    reason = getattr(request, session_limits.LOGOUT_REASON, "by_user")
    with transaction.atomic():
        audit.record(
            actor=Actor(user=user),
            action="accounts.logged_out",
            subject=user,
            data={"reason": reason},
        )


@receiver(user_login_failed, dispatch_uid="cheguan.accounts.login_failed")
def record_login_failure(sender, credentials, request=None, **kwargs) -> None:
    typed = credentials.get(User.USERNAME_FIELD, "")
    target = (
        User.objects.select_related("organisation", "person").filter(username=typed).first()
        if isinstance(typed, str) and typed
        else None
    )
    owner = Actor(user=target)  # whose stream the attempt belongs to (none: no office)
    office = owner.office
    with transaction.atomic():
        audit.record(
            actor=Actor.system(),
            actor_label=ANONYMOUS,
            action="accounts.login_failed",
            subject=target,
            subject_type="accounts.user" if target is not None else "",
            organisation_id=target.organisation_id if target is not None else None,
            office_id=office.pk if office is not None else None,
            data={
                "user_name": masked_user_name(typed),
                "locked_out": bool(getattr(request, "axes_locked_out", False)),
            },
        )
