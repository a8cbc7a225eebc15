"""Alerts: something a supervisor should look at, raised by any app inside its own
transaction (ARCHITECTURE.md, "How the wave-2 apps meet the rest").

An alert names its ``kind`` (``"plates.pool_low"``: the raising app's label, a dot, what
happened), its ``subject`` (``"plates.pool:3"``: the model's label and primary key), the
``office`` whose supervisors see it, a ``severity`` and the ``facts`` that made it (figures,
never personal data). There is at most one *open* alert per (kind, subject): raising it
again updates its facts and counts the repeat (``times``) instead of piling up rows.
Supervision owns what happens next (the queue, the assignment, the outcome); until it
arrives an alert is only opened here and read in the admin and ``GET /api/alerts``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    INFO = "info", _("Information")
    WARNING = "warning", _("Warning")
    CRITICAL = "critical", _("Critical")


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Awaiting supervision")
    CLOSED = "closed", _("Handled by supervision")


class Alert(models.Model):
    kind = models.CharField(max_length=60)
    subject = models.CharField(max_length=80)
    subject_label = models.CharField(max_length=120, blank=True)
    severity = models.CharField(max_length=8, choices=Severity.choices, default=Severity.WARNING)
    facts = models.JSONField(default=dict)
    office = models.ForeignKey("registry.Office", on_delete=models.PROTECT, related_name="+")
    # Who and what raised it: the user whose request did (none for a periodic check) and
    # the code path ("plates.draw", "plates.watch").
    raised_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    raised_via = models.CharField(max_length=60)
    raised_at = models.DateTimeField()
    last_raised_at = models.DateTimeField()
    times = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=8, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject"],
                condition=Q(status="open"),
                name="alert_one_open_per_subject",
            ),
        ]
        indexes = [
            models.Index(fields=["office", "status", "last_raised_at"], name="alert_office_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject}"
