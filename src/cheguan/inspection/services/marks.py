"""Marks: apply (即办 when the records show everything), issue, reissue a lost mark (Art 57)
and revoke — one at a time by a clerk, or every valid mark of a vehicle the registry has
deregistered. Each use case is one transaction with its audit event."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from cheguan.accounts.partners import require_partner_authorised
from cheguan.audit.services import record
from cheguan.cases import services as cases
from cheguan.cases.models import Case
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import NOT_AUTHENTICATED, Bi
from cheguan.core.permissions import is_staff_of, require_staff_of
from cheguan.inspection import errors
from cheguan.inspection.cycles import add_months
from cheguan.inspection.models import SERVICE_CODE, InspectionMark
from cheguan.inspection.queries import (
    eligibility_of,
    pending_application,
    proof_requirements,
    vehicle_for,
)
from cheguan.inspection.rules import WINDOW_MONTHS, Eligibility, Reason
from cheguan.registry.models import InsurancePolicy, Vehicle, VehicleStatus
from cheguan.registry.services.vehicle_fields import extend_inspection_validity

# The label this app owns its catalogue service under (Service.owner; registered in apps.py):
# the case services open, settle and complete a mark application only when it is given.
OWNER = "inspection"


@dataclass(frozen=True)
class Application:
    case: Case
    mark: InspectionMark | None  # None while a clerk checks uploaded proof
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


def current_mark(vehicle: Vehicle) -> InspectionMark | None:
    if vehicle.inspection_valid_until is None:
        return None
    return (
        InspectionMark.objects.filter(
            vehicle=vehicle,
            revoked_at__isnull=True,
            valid_until=vehicle.inspection_valid_until,
        )
        .order_by("-issued_at", "-id")
        .first()
    )


def scope_of(vehicle: Vehicle, eligibility: Eligibility) -> str:
    """One application per vehicle and validity period (the case's idempotency scope)."""
    due = eligibility.due_date.isoformat() if eligibility.due_date else "none"
    return f"inspection:{vehicle.pk}:{due}"


def refusal(reasons: tuple[Reason, ...] | list[Reason]) -> Bi:
    return Bi("；".join(r.zh for r in reasons), " ".join(r.en for r in reasons))


def lock_for_application(actor: Actor, vehicle: Vehicle) -> Vehicle:
    """The checks every application starts with; then the vehicle's row lock, which
    serialises applications for one vehicle (a duplicate waits, then finds the first)."""
    if actor.user is None:
        raise NOT_AUTHENTICATED()
    require_partner_authorised(actor, service=SERVICE_CODE)
    return vehicle_for(actor, vehicle_id=vehicle.pk, lock=True)


def existing_application(vehicle: Vehicle) -> Application | None:
    """The answer to a repeated application: the mark already issued for the current
    period, or the application still waiting for a clerk's check."""
    current = current_mark(vehicle)
    if (
        current is not None
        and current.case is not None
        and clock.today() < add_months(current.valid_until, -WINDOW_MONTHS)
    ):
        return Application(case=current.case, mark=current, created=False)
    pending = pending_application(vehicle)
    if pending is not None:
        return Application(case=pending, mark=None, created=False)
    return None


def issue_mark(
    *, actor: Actor, vehicle: Vehicle, case: Case, eligibility: Eligibility, **data
) -> InspectionMark:
    """Write the mark of a settled case and move the (locked) vehicle's validity on. Runs
    inside the caller's transaction (the application that locked the vehicle)."""
    mark = _create_mark(
        vehicle=vehicle, valid_until=eligibility.new_valid_until, exempt=True, case=case
    )
    previous = extend_inspection_validity(
        actor=actor, vehicle=vehicle, valid_until=mark.valid_until
    )
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
            **data,
        },
    )
    return mark


def issue_now(*, actor: Actor, vehicle: Vehicle, eligibility: Eligibility) -> Application:
    """即办: open the case, settle it at once, issue the mark. Runs inside the caller's
    transaction (the application that locked the vehicle)."""
    case = cases.open_and_settle(
        actor=actor,
        service_code=SERVICE_CODE,
        applicant_person=vehicle.owner_person,
        applicant_organisation=vehicle.owner_organisation,
        vehicle=vehicle,
        idempotency_scope=scope_of(vehicle, eligibility),
        owner=OWNER,
    )
    mark = issue_mark(actor=actor, vehicle=vehicle, case=case, eligibility=eligibility)
    return Application(case=case, mark=mark, created=True)


@transaction.atomic
def apply_for_mark(*, actor: Actor, vehicle: Vehicle) -> Application:
    """Apply for the mark of an inspection-exempt vehicle (MVR Art 55).

    A citizen online, a clerk in an assisted session (帮办) or at the window, or an
    authorised service point's agent. Eligible: the case is opened and settled at once
    (即办) and the mark issued; the vehicle's validity moves on by the mark's cycle. Only
    insurance or tax missing from the records: ``inspection.proof_needed`` (apply with the
    proof instead, ``apply_with_proof``). Anything else: an error listing every reason.
    Applying again for a period already marked, or while a check is pending, returns that.
    """
    vehicle = lock_for_application(actor, vehicle)
    existing = existing_application(vehicle)
    if existing is not None:
        return existing
    eligibility = eligibility_of(vehicle, on=clock.today())
    if not eligibility.may_issue:
        if eligibility.proof_documents:
            raise errors.PROOF_NEEDED(
                field="vehicle",
                reasons=refusal(eligibility.reasons),
                documents=proof_names(vehicle, eligibility.proof_documents),
            )
        raise errors.NOT_ELIGIBLE(field="vehicle", reasons=refusal(eligibility.reasons))
    return issue_now(actor=actor, vehicle=vehicle, eligibility=eligibility)


def proof_names(vehicle: Vehicle, codes: list[str]) -> Bi:
    """The catalogue's names of these documents, in both languages."""
    named = proof_requirements(vehicle, codes)
    return Bi("、".join(r.name_zh for r in named), ", ".join(r.name_en for r in named))


@transaction.atomic
def reissue_lost_mark(*, actor: Actor, vehicle: Vehicle) -> InspectionMark:
    """A lost or damaged mark (MVR Art 57): a new serial with the same validity, if 交强险 is
    valid today; the old mark is revoked so its QR code shows as revoked."""
    vehicle = lock_for_application(actor, vehicle)
    today = clock.today()
    old = current_mark(vehicle)
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


REVOKER = "cases.process"  # a clerk (or admin) of the office that issued the mark


def may_revoke(actor: Actor, mark: InspectionMark) -> bool:
    """Whether ``actor`` may revoke this mark now (the mark page offers it only then)."""
    return mark.revoked_at is None and is_staff_of(actor.user, REVOKER, mark.office_id)


def require_revoker(actor: Actor, mark: InspectionMark) -> None:
    """A clerk of the mark's office; staff of another office do not see the mark (404)."""
    require_staff_of(actor.user, REVOKER, mark.office_id, field="serial")


@transaction.atomic
def revoke_mark(*, actor: Actor, mark: InspectionMark, reason: str) -> InspectionMark:
    """Revoke a mark that should not count: it was issued on proof found false later, or
    the vehicle turned out not eligible. A clerk of the issuing office, with the reason in
    writing (at least 4 characters), which the audit event ``inspection.mark_revoked``
    keeps; scanning the mark's code then shows it as revoked. The vehicle's inspection
    validity is left as it is (a clerk corrects the register separately if it must be).
    Refused: a mark already revoked (409 ``inspection.already_revoked``), no reason (400
    ``inspection.reason_required``)."""
    require_revoker(actor, mark)
    mark = InspectionMark.objects.select_for_update().get(pk=mark.pk)
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


DEREGISTERED_REASON = "车辆已注销登记 (vehicle deregistered)"


@transaction.atomic
def revoke_marks_of_deregistered(*, actor: Actor, vehicle: Vehicle) -> list[InspectionMark]:
    """Every mark of a deregistered vehicle that is still in force is revoked, each with
    its audit event naming the actor who deregistered it. Called by the registry's status
    change (``registry.signals.vehicle_status_changed``, connected in ``apps.py``), which
    has checked who may; a vehicle not deregistered keeps its marks. Safe to run twice."""
    vehicle = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    if vehicle.status != VehicleStatus.DEREGISTERED:
        return []
    marks = list(
        InspectionMark.objects.select_for_update()
        .filter(vehicle=vehicle, revoked_at__isnull=True, valid_until__gte=clock.today())
        .order_by("pk")
    )
    now = clock.now()
    for mark in marks:
        mark.revoked_at = now
        mark.revoked_reason = DEREGISTERED_REASON
        mark.save(update_fields=["revoked_at", "revoked_reason"])
        record(
            actor=actor,
            action="inspection.mark_revoked",
            subject=mark,
            office_id=mark.office_id,
            data={
                "serial": mark.serial,
                "reason": mark.revoked_reason,
                "vehicle": vehicle.pk,
                "cause": "vehicle_deregistered",
            },
        )
    return marks
