"""Inspection-mark use cases: apply (即办 when eligible), reissue a lost mark (Art 57),
revoke, and the expiry reminders. Each is one transaction with its audit event."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef

from cheguan.accounts.actor import Actor
from cheguan.accounts.permissions import require
from cheguan.audit.services import record
from cheguan.cases import services as cases
from cheguan.cases.models import Case
from cheguan.core import clock
from cheguan.core.errors import NOT_AUTHENTICATED, NOT_FOUND, Bi
from cheguan.inspection import errors
from cheguan.inspection.cycles import add_months
from cheguan.inspection.models import InspectionMark, InspectionReminder
from cheguan.inspection.queries import eligibility_of, vehicle_for
from cheguan.inspection.rules import WINDOW_MONTHS
from cheguan.registry.models import InsurancePolicy, Vehicle

SERVICE_CODE = "inspection_mark_exempt"
log = logging.getLogger("cheguan.inspection")


@dataclass(frozen=True)
class Application:
    case: Case
    mark: InspectionMark
    created: bool  # False: the same period was already applied for (idempotent answer)


def _new_serial(office_code: str) -> str:
    return f"{office_code}{clock.today():%y%m%d}{secrets.randbelow(10**10):010d}"


def _create_mark(**fields) -> InspectionMark:
    vehicle = fields["vehicle"]
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return InspectionMark.objects.create(
                    serial=_new_serial(vehicle.office.code),
                    plate_number=vehicle.plate_number or "",
                    vehicle_type=vehicle.vehicle_type,
                    office=vehicle.office,
                    issued_at=clock.now(),
                    **fields,
                )
        except IntegrityError:
            continue  # a serial collision: draw another
    raise RuntimeError("could not allocate a mark serial")  # pragma: no cover


def _current_mark(vehicle: Vehicle) -> InspectionMark | None:
    return (
        InspectionMark.objects.filter(
            vehicle=vehicle,
            revoked_at__isnull=True,
            valid_until=vehicle.inspection_valid_until,
        )
        .order_by("-issued_at", "-id")
        .first()
    )


@transaction.atomic
def apply_for_mark(*, actor: Actor, vehicle: Vehicle) -> Application:
    """Apply for the mark of an inspection-exempt vehicle (MVR Art 55).

    A citizen online, a clerk in an assisted session (帮办) or at the window, or a service
    point's agent. Eligible: the case is opened and settled at once (即办) and the mark
    issued; the vehicle's validity moves on by the mark's cycle. Not eligible: an error
    listing every reason. Applying again for a period already marked returns that mark.
    """
    if actor.user is None:
        raise NOT_AUTHENTICATED()
    vehicle = vehicle_for(actor, vehicle_id=vehicle.pk)
    vehicle = Vehicle.objects.select_for_update().select_related("office").get(pk=vehicle.pk)
    today = clock.today()
    current = _current_mark(vehicle)
    if (
        current is not None
        and current.case is not None
        and today < add_months(current.valid_until, -WINDOW_MONTHS)
    ):
        return Application(case=current.case, mark=current, created=False)
    eligibility = eligibility_of(vehicle, on=today)
    if not eligibility.may_issue:
        raise errors.NOT_ELIGIBLE(
            field="vehicle",
            reasons=Bi(
                "；".join(r.zh for r in eligibility.reasons),
                " ".join(r.en for r in eligibility.reasons),
            ),
        )
    case = cases.open_case(
        actor=actor,
        service_code=SERVICE_CODE,
        applicant_person=vehicle.owner_person,
        applicant_organisation=vehicle.owner_organisation,
        vehicle=vehicle,
        idempotency_scope=f"inspection:{vehicle.pk}:{eligibility.due_date.isoformat()}",
    )
    case = cases.settle_immediately(actor=actor, case=case)
    mark = _create_mark(
        vehicle=vehicle, valid_until=eligibility.new_valid_until, exempt=True, case=case
    )
    previous = vehicle.inspection_valid_until
    vehicle.inspection_valid_until = eligibility.new_valid_until
    vehicle.save(update_fields=["inspection_valid_until"])
    record(
        actor=actor,
        action="inspection.mark_issued",
        subject=mark,
        office_id=vehicle.office_id,
        data={
            "serial": mark.serial,
            "vehicle": vehicle.pk,
            "case": case.number,
            "channel": case.channel,
            "valid_until": mark.valid_until.isoformat(),
            "previous_valid_until": previous.isoformat() if previous else None,
            "regime": eligibility.regime,
        },
    )
    return Application(case=case, mark=mark, created=True)


@transaction.atomic
def reissue_lost_mark(*, actor: Actor, vehicle: Vehicle) -> InspectionMark:
    """A lost or damaged mark (MVR Art 57): a new serial with the same validity, if 交强险 is
    valid today; the old mark is revoked so its QR code shows as revoked."""
    if actor.user is None:
        raise NOT_AUTHENTICATED()
    vehicle = vehicle_for(actor, vehicle_id=vehicle.pk)
    vehicle = Vehicle.objects.select_for_update().select_related("office").get(pk=vehicle.pk)
    today = clock.today()
    old = _current_mark(vehicle)
    if old is None or old.valid_until < today:
        raise errors.NO_MARK_TO_REISSUE(field="vehicle")
    insured = InsurancePolicy.objects.filter(
        vehicle=vehicle, valid_from__lte=today, valid_until__gte=today
    ).exists()
    if not insured:
        raise errors.INSURANCE_REQUIRED(field="vehicle")
    old.revoked_at = clock.now()
    old.revoked_reason = "reissued (lost or damaged)"
    old.save(update_fields=["revoked_at", "revoked_reason"])
    mark = _create_mark(
        vehicle=vehicle,
        valid_until=old.valid_until,
        exempt=old.exempt,
        case=old.case,
        reissue_of=old,
    )
    record(
        actor=actor,
        action="inspection.mark_reissued",
        subject=mark,
        office_id=vehicle.office_id,
        data={"serial": mark.serial, "replaces": old.serial, "vehicle": vehicle.pk},
    )
    return mark


@transaction.atomic
def revoke_mark(*, actor: Actor, mark: InspectionMark, reason: str) -> InspectionMark:
    """Revoke a mark (vehicle deregistered, found ineligible later). A clerk of the office."""
    user = require(actor.user, "cases.process")
    mark = InspectionMark.objects.select_for_update().get(pk=mark.pk)
    if user.office_id != mark.office_id:
        raise NOT_FOUND()
    if mark.revoked_at is not None:
        raise errors.NOT_REVOCABLE(date=clock.local_date(mark.revoked_at).isoformat())
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise errors.REASON_REQUIRED(field="reason")
    mark.revoked_at = clock.now()
    mark.revoked_reason = reason[:200]
    mark.save(update_fields=["revoked_at", "revoked_reason"])
    record(
        actor=actor,
        action="inspection.mark_revoked",
        subject=mark,
        office_id=mark.office_id,
        data={"serial": mark.serial, "reason": mark.revoked_reason},
    )
    return mark


# --- reminders -------------------------------------------------------------------------------

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
            mark = _current_mark(vehicle)
            if mark is not None and mark.case is not None:
                from cheguan.cases.notifications import notify

                notify(mark.case, kind="inspection_reminder", text=text)
            log.info("inspection reminder %sd for vehicle %s", days, vehicle.pk)
    record(actor=actor, action="inspection.reminders_sent", data={"sent": sent})
    return sent
