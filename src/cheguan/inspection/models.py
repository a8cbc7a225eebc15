"""Electronic inspection marks (检验合格标志电子凭证, MVR Art 56) and expiry reminders."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# The catalogue item (cases.catalogue) every application for a mark is a case of.
SERVICE_CODE = "inspection_mark_exempt"


class MarkQuerySet(models.QuerySet):
    def visible_to(self, actor) -> MarkQuerySet:
        """The marks of the vehicles the actor sees (registry's scope), and a partner's those
        of the applications its organisation filed (a service point prints the mark it got
        for a citizen after the assisted session ended)."""
        from cheguan.core.scope import partner_organisation_id, visible, when
        from cheguan.registry.models import Vehicle

        organisation = partner_organisation_id(actor)
        return visible(
            self,
            Q(vehicle__in=Vehicle.objects.visible_to(actor).values("pk")),
            when(organisation, Q(case__created_by__organisation_id=organisation)),
        )


class InspectionMark(models.Model):
    """One issued mark. A reissue (Art 57: lost or damaged) is a new row with the same
    validity pointing at the one it replaces, which is revoked with reason ``reissued``."""

    serial = models.CharField(max_length=24, unique=True)
    vehicle = models.ForeignKey(
        "registry.Vehicle", on_delete=models.PROTECT, related_name="inspection_marks"
    )
    plate_number = models.CharField(max_length=10)
    vehicle_type = models.CharField(max_length=3)
    valid_until = models.DateField()
    exempt = models.BooleanField(default=True)  # 免检 / 非免检
    office = models.ForeignKey("registry.Office", on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField()
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=200, blank=True)
    reissue_of = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reissued_as"
    )

    objects = MarkQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["vehicle", "issued_at"], name="mark_vehicle_issued")]

    def __str__(self) -> str:
        return self.serial

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class ReminderKind(models.IntegerChoices):
    DAYS_90 = 90, _("90 days before expiry")
    DAYS_30 = 30, _("30 days before expiry")
    DAYS_7 = 7, _("7 days before expiry")


class InspectionReminder(models.Model):
    """One reminder sent for one validity period; unique, so a second run sends nothing."""

    vehicle = models.ForeignKey(
        "registry.Vehicle", on_delete=models.CASCADE, related_name="inspection_reminders"
    )
    valid_until = models.DateField()
    days_before = models.PositiveSmallIntegerField(choices=ReminderKind.choices)
    sent_at = models.DateTimeField()
    text_zh = models.CharField(max_length=300)
    text_en = models.CharField(max_length=300)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["vehicle", "valid_until", "days_before"], name="reminder_once_per_period"
            ),
            models.CheckConstraint(
                condition=Q(days_before__in=[90, 30, 7]), name="reminder_known_days"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vehicle_id} {self.valid_until} -{self.days_before}d"
