"""Text messages to a person's phone: one call, sent by a background task.

``send_sms(phone=…, text=…, reference=…)`` enqueues :func:`deliver_sms` through Django's
task API. With the database task backend the task row is written in the caller's
transaction: a change that rolls back sends nothing, and the web request never waits for
the gateway. The task hands the message to the backend named by ``CHEGUAN_SMS_BACKEND``:

- :class:`GatewayBackend` (default): POSTs ``{"to", "text", "reference"}`` as JSON to
  ``CHEGUAN_SMS_GATEWAY_URL``; with no gateway configured it logs that nothing was sent.
- :class:`OutboxBackend`: keeps the messages in memory (``OutboxBackend.outbox``) — tests.

Log lines carry the masked phone and the reference, never the text (it may hold a code).
"""

from __future__ import annotations

import json
import logging
import urllib.request
from dataclasses import dataclass
from typing import ClassVar

from django.conf import settings
from django.utils.module_loading import import_string
from django_tasks import task

from cheguan.core.masking import mask_phone

log = logging.getLogger("cheguan.sms")


@dataclass(frozen=True)
class Sms:
    phone: str
    text: str
    reference: str


class GatewayBackend:
    def send(self, message: Sms) -> None:
        url = getattr(settings, "CHEGUAN_SMS_GATEWAY_URL", "")
        if not url:
            log.info("no sms gateway configured: %s for %s not sent", message.reference,
                     mask_phone(message.phone))  # fmt: skip
            return
        if not url.startswith(("https://", "http://")):
            log.warning("sms gateway URL must be http(s); %s not sent", message.reference)
            return
        body = json.dumps(
            {"to": message.phone, "text": message.text, "reference": message.reference}
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - scheme checked above
            url, data=body, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=5):  # noqa: S310
                pass
        except OSError as e:
            log.warning("sms gateway failed for %s: %s", message.reference, type(e).__name__)
            raise


class OutboxBackend:
    """Keeps what was sent, for tests (like Django's locmem e-mail backend)."""

    outbox: ClassVar[list[Sms]] = []

    def send(self, message: Sms) -> None:
        OutboxBackend.outbox.append(message)


def backend():
    path = getattr(settings, "CHEGUAN_SMS_BACKEND", "cheguan.core.sms.GatewayBackend")
    return import_string(path)()


@task()
def deliver_sms(phone: str, text: str, reference: str) -> None:
    backend().send(Sms(phone=phone, text=text, reference=reference))
    log.info("sms %s sent to %s", reference, mask_phone(phone))


def send_sms(*, phone: str, text: str, reference: str) -> None:
    """Queue a text message (sent after the caller's transaction commits)."""
    if not phone:
        return
    deliver_sms.enqueue(phone=phone, text=text, reference=reference)
