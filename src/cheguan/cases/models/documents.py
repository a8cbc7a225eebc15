"""What the applicant provides for a case, and the one-time notice (一次性告知) of what is
missing or wrong."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cheguan.cases.models.case import Case
from cheguan.cases.models.catalogue import DataSource, DocumentRequirement


class DocumentStatus(models.TextChoices):
    PROVIDED = "provided", _("Provided")
    VERIFIED_BY_DATA = "verified_by_data", _("Verified from records")
    REJECTED = "rejected", _("Not accepted")


class CaseDocument(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    requirement = models.ForeignKey(DocumentRequirement, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=DocumentStatus.choices)
    file = models.FileField(upload_to="cases/%Y/%m/", blank=True)
    original_name = models.CharField(max_length=120, blank=True)
    content_type = models.CharField(max_length=40, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    data_source = models.CharField(max_length=10, choices=DataSource.choices, blank=True)
    data_reference = models.CharField(max_length=80, blank=True)  # e.g. the policy number
    added_at = models.DateTimeField()
    added_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, related_name="+"
    )
    superseded = models.BooleanField(default=False)

    class Meta:
        ordering = ["requirement__position", "added_at"]
        indexes = [models.Index(fields=["case", "superseded"], name="casedoc_case_current")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.requirement_id}:{self.status}"


class NoticeProblem(models.TextChoices):
    MISSING = "missing", _("Missing")
    INVALID = "invalid", _("Not valid")
    EXPIRED = "expired", _("Expired")
    ILLEGIBLE = "illegible", _("Cannot be read")


class CaseNotice(models.Model):
    """One-time notice (一次性告知, MVR Art 3): everything missing or wrong, at once."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notices")
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, related_name="+"
    )
    items = models.JSONField()  # [{"requirement": code, "problem": …, "reason": text}]
    is_first = models.BooleanField(default=True)

    class Meta:
        ordering = ["issued_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(is_first=True), name="notice_one_first_per_case"
            )
        ]

    def __str__(self) -> str:
        return f"notice {self.case_id}"
