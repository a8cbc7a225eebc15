"""好差评 ratings and the follow-up of bad ones (国办发〔2019〕51号, DOMAIN.md §6)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Score(models.IntegerChoices):
    VERY_SATISFIED = 5, _("Very satisfied")
    SATISFIED = 4, _("Satisfied")
    BASICALLY_SATISFIED = 3, _("Basically satisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    VERY_DISSATISFIED = 1, _("Very dissatisfied")


# The dimensions the national guideline names, online and offline.
ONLINE_DIMENSIONS = {
    "overall": _("Overall satisfaction"),
    "efficiency": _("Efficiency"),
    "guide_accuracy": _("Accuracy of the service guide"),
    "convenience": _("Convenience"),
    "usability": _("Ease of use of the platform"),
}
OFFLINE_DIMENSIONS = {
    "overall": _("Overall satisfaction"),
    "efficiency": _("Service efficiency"),
    "service_level": _("Service level"),
    "attitude": _("Attitude"),
}


class RatingChannel(models.TextChoices):
    ONLINE = "online", _("Online")
    WINDOW_SCREEN = "window_screen", _("Second screen at the window")


class Rating(models.Model):
    """One rating per finished case, by its applicant; never changed."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="rating")
    score = models.PositiveSmallIntegerField(choices=Score.choices)
    dimensions = models.JSONField(default=dict)
    comment = models.CharField(max_length=500, blank=True)
    channel = models.CharField(max_length=14, choices=RatingChannel.choices)
    rated_at = models.DateTimeField()
    rated_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, related_name="+"
    )
    excluded = models.BooleanField(default=False)  # an upheld appeal takes it out of the figures

    class Meta:
        ordering = ["-rated_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=5), name="rating_score_1_to_5"
            )
        ]
        indexes = [models.Index(fields=["rated_at"], name="rating_rated_at")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.score}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("update_fields") == ["excluded"]:
            raise RuntimeError("A rating is never changed once given.")
        super().save(*args, **kwargs)


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Open")
    VERIFIED = "verified", _("Verified")
    CALLED_BACK = "called_back", _("Called back")
    CLOSED = "closed", _("Fixed and closed")


class AppealDecision(models.TextChoices):
    NONE = "", _("No appeal")
    PENDING = "pending", _("Appeal pending")
    UPHELD = "upheld", _("Appeal upheld: rating excluded")
    DISMISSED = "dismissed", _("Appeal dismissed: rating stands")


class FollowUpQuerySet(models.QuerySet):
    def visible_to(self, actor) -> FollowUpQuerySet:
        """The office's supervisors (who handle them) and clerks (who may appeal)."""
        from cheguan.core.scope import staff_office, visible, when

        supervising = staff_office(actor, "cases.supervise")
        processing = staff_office(actor, "cases.process")
        return visible(
            self,
            when(supervising, Q(office_id=supervising)),
            when(processing, Q(office_id=processing)),
        )


class FollowUp(models.Model):
    """A bad rating (1 or 2) opens one: verify, call back, record the fix, in 15 working days."""

    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, related_name="follow_up")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    office = models.ForeignKey("registry.Office", on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField()
    due_date = models.DateField()
    status = models.CharField(
        max_length=12, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    verification_note = models.TextField(blank=True)
    callback_note = models.TextField(blank=True)
    fix_note = models.TextField(blank=True)
    handled_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    appeal = models.CharField(max_length=10, choices=AppealDecision.choices, blank=True, default="")
    appeal_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    appeal_reason = models.TextField(blank=True)
    appeal_decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    appeal_decision_note = models.TextField(blank=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due_date"]
        indexes = [models.Index(fields=["office", "status", "due_date"], name="followup_queue")]

    def __str__(self) -> str:
        return f"follow-up {self.case_id}"
