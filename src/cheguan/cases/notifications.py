"""Telling applicants things: one ``notify()`` call, several adapters behind one interface.

``CaseMessageNotifier`` (always on) writes the message to the case's message list, which the
case page shows, and a log line without personal data. ``SmsGatewayNotifier`` posts the text
to an HTTP SMS gateway (``CHEGUAN_SMS_GATEWAY_URL``) after the transaction commits. Adapters
are listed in ``settings.CHEGUAN_NOTIFIERS``.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from cheguan.cases.models import Case, CaseMessage
from cheguan.core import clock
from cheguan.core.errors import Bi

log = logging.getLogger("cheguan.notifications")


class Notifier(Protocol):
    name: str

    def send(self, *, case: Case, kind: str, text: Bi) -> None: ...


class CaseMessageNotifier:
    name = "case_messages"

    def send(self, *, case: Case, kind: str, text: Bi) -> None:
        CaseMessage.objects.create(
            case=case,
            at=clock.now(),
            kind=kind,
            text_zh=text.zh,
            text_en=text.en,
            channels=[n.name for n in notifiers()],
        )
        log.info("case message %s for case %s", kind, case.number)


class SmsGatewayNotifier:
    """POSTs ``{"to": phone, "text": …}`` to the configured gateway once the change commits.
    A gateway failure is logged and never undoes the case change."""

    name = "sms"

    def send(self, *, case: Case, kind: str, text: Bi) -> None:
        url = getattr(settings, "CHEGUAN_SMS_GATEWAY_URL", "")
        person = case.applicant_person
        if not url or person is None or not person.phone:
            return
        body = json.dumps({"to": person.phone, "text": text.zh, "reference": case.number}).encode()

        if not url.startswith(("https://", "http://")):
            log.warning(
                "sms gateway URL must be http(s); message for case %s not sent", case.number
            )
            return
        headers = {"Content-Type": "application/json"}
        request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310

        def post() -> None:
            try:
                with urllib.request.urlopen(request, timeout=5):  # noqa: S310 - scheme checked above
                    pass
            except OSError as e:
                log.warning("sms gateway failed for case %s: %s", case.number, type(e).__name__)

        transaction.on_commit(post)


def notifiers() -> list[Notifier]:
    return [import_string(path)() for path in settings.CHEGUAN_NOTIFIERS]


def notify(case: Case, *, kind: str, text: Bi) -> None:
    for notifier in notifiers():
        notifier.send(case=case, kind=kind, text=text)
