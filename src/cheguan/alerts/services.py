"""Raising an alert. Any app calls :func:`raise_alert` inside its own transaction, so the
alert is committed with the change that noticed the problem, or not at all."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Model

from cheguan.alerts.models import Alert, AlertStatus, Severity
from cheguan.audit.services import record
from cheguan.core import clock
from cheguan.core.actor import Actor


def subject_of(obj: Model) -> str:
    """``"plates.pool:3"``: what an alert is about, as its model label and primary key."""
    return f"{obj._meta.label_lower}:{obj.pk}"


def raise_alert(
    *,
    kind: str,
    subject: str,
    office_id: int,
    facts: dict[str, Any],
    via: str,
    actor: Actor | None = None,
    severity: str = Severity.WARNING,
    subject_label: str = "",
) -> Alert:
    """Open an alert, or — when one of this kind is already open for the subject — update
    its facts and severity and count the repeat.

    Race-safe: the partial unique constraint admits one open alert per (kind, subject); a
    concurrent raiser that loses the insert updates the winner's row instead. Opening is
    audited (``alerts.raised``, the system acting: the office's alert stream, not the
    triggering partner's own trail); repeats are not.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("raise_alert() must run inside the caller's transaction")
    now = clock.now()
    user = actor.user if actor is not None else None
    facts = dict(facts)
    for _attempt in range(2):
        updated = Alert.objects.filter(kind=kind, subject=subject, status=AlertStatus.OPEN).update(
            facts=facts, severity=severity, last_raised_at=now, times=F("times") + 1
        )
        if updated:
            return Alert.objects.get(kind=kind, subject=subject, status=AlertStatus.OPEN)
        try:
            with transaction.atomic():
                alert = Alert.objects.create(
                    kind=kind,
                    subject=subject,
                    subject_label=subject_label[:120],
                    severity=severity,
                    facts=facts,
                    office_id=office_id,
                    raised_by=user,
                    raised_via=via,
                    raised_at=now,
                    last_raised_at=now,
                )
        except IntegrityError:
            continue  # opened meanwhile by a concurrent raiser: update theirs
        record(
            actor=Actor.system(),
            action="alerts.raised",
            subject=alert,
            office_id=office_id,
            data={"kind": kind, "subject": subject, "via": via, "facts": facts},
        )
        return alert
    raise RuntimeError(f"could not raise {kind} for {subject}")  # pragma: no cover
