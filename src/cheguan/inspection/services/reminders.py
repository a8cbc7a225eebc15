"""Expiry reminders: 90, 30 and 7 days before the validity ends (a background task)."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import Exists, OuterRef

from cheguan.audit.services import record
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import Bi
from cheguan.inspection.models import InspectionReminder
from cheguan.inspection.services.marks import current_mark
from cheguan.registry.models import Vehicle

log = logging.getLogger("cheguan.inspection")
REMINDER_DAYS = (90, 30, 7)


def _reminder_text(valid_until: dt.date, plate: str) -> Bi:
    return Bi(
        f"您的车辆{plate}检验有效期至{valid_until.isoformat()}，请在到期前申领检验标志："
        "可在网上申领，或到任一窗口、服务点办理。",
        f"The inspection of your vehicle {plate} is valid until {valid_until.isoformat()}: "
        "apply for the mark before then, online or at any window or service point.",
    )


@transaction.atomic
def send_expiry_reminders(*, actor: Actor | None = None) -> int:
    """Remind owners 90, 30 and 7 days before the validity ends: each vehicle gets the
    reminder of the band it is in (7: 0–7 days, 30: 8–30, 90: 31–90), once per period.
    Written as a message (shown on the citizen's pages) and sent through the case
    notifiers when the vehicle has a mark case. Safe to run twice."""
    actor = actor or Actor.system()
    today = clock.today()
    sent = 0
    bands = [(7, 0), (30, 7), (90, 30)]
    for days, after in bands:
        vehicles = (
            Vehicle.objects.active()
            .filter(
                inspection_valid_until__gt=today + dt.timedelta(days=after),
                inspection_valid_until__lte=today + dt.timedelta(days=days),
            )
            .filter(
                ~Exists(
                    InspectionReminder.objects.filter(
                        vehicle=OuterRef("pk"),
                        days_before=days,
                        valid_until=OuterRef("inspection_valid_until"),
                    )
                )
            )
        )
        for vehicle in vehicles.iterator(chunk_size=2000):
            text = _reminder_text(vehicle.inspection_valid_until, vehicle.plate_number or "")
            _, created = InspectionReminder.objects.get_or_create(
                vehicle=vehicle,
                valid_until=vehicle.inspection_valid_until,
                days_before=days,
                defaults={"sent_at": clock.now(), "text_zh": text.zh, "text_en": text.en},
            )
            if not created:
                continue
            sent += 1
            mark = current_mark(vehicle)
            if mark is not None and mark.case is not None:
                from cheguan.cases.notifications import notify

                notify(mark.case, kind="inspection_reminder", text=text)
            log.info("inspection reminder %sd for vehicle %s", days, vehicle.pk)
    record(actor=actor, action="inspection.reminders_sent", data={"sent": sent})
    return sent
