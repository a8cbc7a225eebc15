"""容缺受理: the applicant's signed commitment to supply the missing supplementary documents
by a deadline."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from cheguan.cases.models.case import Case


class CommitmentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    FULFILLED = "fulfilled", _("Fulfilled")
    BROKEN = "broken", _("Broken (deadline passed)")
    CANCELLED = "cancelled", _("Cancelled (case withdrawn or rejected)")


class CommitmentQuerySet(models.QuerySet):
    def visible_to(self, actor) -> CommitmentQuerySet:
        """Office staff: the commitments of their office's cases; otherwise those of the
        cases the actor sees."""
        return self.filter(case__in=Case.objects.visible_to(actor).values("pk"))


class RongqueCommitment(models.Model):
    """容缺受理承诺书: the applicant promises the missing supplementary documents by a deadline."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="commitment")
    applicant_person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    applicant_organisation = models.ForeignKey(
        "registry.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    missing = models.JSONField()  # requirement codes
    signed_at = models.DateTimeField()
    working_days = models.PositiveSmallIntegerField()
    deadline = models.DateField()
    status = models.CharField(
        max_length=10, choices=CommitmentStatus.choices, default=CommitmentStatus.OPEN
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    last_reminded_on = models.DateField(null=True, blank=True)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["deadline"]
        indexes = [
            models.Index(fields=["status", "deadline"], name="commitment_status_deadline"),
            models.Index(
                fields=["applicant_person", "status", "closed_at"], name="commitment_person_credit"
            ),
        ]

    def __str__(self) -> str:
        return f"容缺 {self.case_id} by {self.deadline}"
