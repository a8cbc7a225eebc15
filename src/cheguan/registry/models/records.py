"""Records that block services: violations, accidents, insurance, tax, modifications,
seizures and mortgages."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cheguan.registry.models.parties import Organisation
from cheguan.registry.models.vehicles import Vehicle


class Violation(models.Model):
    """A traffic violation (交通违法). Unprocessed ones block most vehicle services."""

    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="violations")
    occurred_at = models.DateTimeField()
    code = models.CharField(max_length=10)
    description = models.CharField(max_length=200)
    points = models.PositiveSmallIntegerField(default=0)
    fine_yuan = models.PositiveIntegerField(default=0)
    processed = models.BooleanField(default=False)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(
                fields=["vehicle"], condition=Q(processed=False), name="violation_unprocessed_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.occurred_at:%Y-%m-%d}"


class Accident(models.Model):
    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="accidents")
    occurred_on = models.DateField()
    with_casualties = models.BooleanField(default=False)  # 造成人员伤亡
    settled = models.BooleanField(default=False)
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-occurred_on"]
        indexes = [
            models.Index(
                fields=["vehicle"], condition=Q(settled=False), name="accident_unsettled_idx"
            ),
            models.Index(
                fields=["vehicle"], condition=Q(with_casualties=True), name="accident_casualty_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_on} {'casualties' if self.with_casualties else ''}"


class InsurancePolicy(models.Model):
    """Compulsory traffic accident liability insurance (交强险) periods."""

    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.CASCADE, related_name="insurance_policies"
    )
    insurer = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True)
    policy_number = models.CharField(max_length=40)
    valid_from = models.DateField()
    valid_until = models.DateField()

    class Meta:
        ordering = ["-valid_until"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")), name="insurance_dates_ordered"
            )
        ]
        indexes = [
            models.Index(fields=["vehicle", "valid_until"], name="insurance_vehicle_until_idx")
        ]

    def __str__(self) -> str:
        return f"{self.policy_number} {self.valid_from}–{self.valid_until}"


class TaxStatus(models.TextChoices):
    PAID = "paid", _("Paid")
    EXEMPT = "exempt", _("Exempt")
    UNPAID = "unpaid", _("Unpaid")


class VehicleTax(models.Model):
    """Vehicle and vessel tax (车船税) for one year."""

    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="taxes")
    year = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=6, choices=TaxStatus.choices)

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["vehicle", "year"], name="vehicle_tax_one_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.status}"


class ModificationPenalty(models.Model):
    """A penalty for illegal modification (非法改装)."""

    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.CASCADE, related_name="modification_penalties"
    )
    decided_on = models.DateField()
    description = models.CharField(max_length=200)

    class Meta:
        ordering = ["-decided_on"]

    def __str__(self) -> str:
        return f"{self.decided_on} {self.description}"


class EncumbranceKind(models.TextChoices):
    SEIZURE = "seizure", _("Seizure (查封/扣押)")
    MORTGAGE = "mortgage", _("Mortgage (抵押)")
    PLEDGE = "pledge", _("Pledge (质押)")


class Encumbrance(models.Model):
    """Seizures, mortgages and pledges; open while ``released_on`` is empty."""

    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="encumbrances")
    kind = models.CharField(max_length=10, choices=EncumbranceKind.choices)
    authority = models.CharField(max_length=120)
    started_on = models.DateField()
    released_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-started_on"]
        indexes = [
            models.Index(
                fields=["vehicle", "kind"],
                condition=Q(released_on__isnull=True),
                name="encumbrance_open_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.started_on}"
