"""Telling applicants things: one ``notify()`` call, several adapters behind one interface.

``CaseMessageNotifier`` (always on) writes the message to the case's message list, which the
case page shows, and a log line without personal data. ``SmsNotifier`` texts the applicant
through the SMS task of ``core.sms`` (its backend posts to ``CHEGUAN_SMS_GATEWAY_URL``).
Adapters are listed in ``settings.CHEGUAN_NOTIFIERS``.
"""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from cheguan.cases.models import Case, CaseMessage
from cheguan.core import clock
from cheguan.core.errors import Bi
from cheguan.core.sms import send_sms

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


class SmsNotifier:
    """Texts the applicant's phone on record through the SMS task (``core.sms``). The task
    is queued in the case change's own transaction, so a change that rolls back sends
    nothing and the request never waits for the gateway; a gateway failure is the task's,
    never the case's."""

    name = "sms"

    def send(self, *, case: Case, kind: str, text: Bi) -> None:
        person = case.applicant_person
        if person is None or not person.phone:
            return
        send_sms(phone=person.phone, text=text.zh, reference=case.number)


def notifiers() -> list[Notifier]:
    return [import_string(path)() for path in settings.CHEGUAN_NOTIFIERS]


def notify(case: Case, *, kind: str, text: Bi) -> None:
    for notifier in notifiers():
        notifier.send(case=case, kind=kind, text=text)
