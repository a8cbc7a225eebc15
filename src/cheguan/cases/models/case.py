"""Service cases (办件): the case, its history, its visits and the messages sent about it.

Every capability (plates, inspection marks, registration, scrapping, exams) runs its work
as a :class:`Case`, so the office's promises and figures come from one place. The case's
lifecycle is ``CaseStatus`` plus the one table ``cases.rules.TRANSITIONS``, checked in
``cases.services``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cheguan.cases.models.catalogue import Channel, Service


class CaseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    AWAITING_DOCUMENTS = "awaiting_documents", _("Awaiting documents")
    COMPLETED = "completed", _("Completed")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    TERMINATED = "terminated", _("Terminated")


S = CaseStatus
# The statuses a case ends in (no transition leaves them: ``cases.rules.TRANSITIONS``), and
# those in which a scoped case counts as taken: they shape the table's index and constraint.
CLOSED_STATUSES = frozenset({S.COMPLETED, S.REJECTED, S.WITHDRAWN, S.TERMINATED})
# A scoped case (one inspection mark per vehicle and period…) counts as taken in these
# statuses; after a rejection, withdrawal or termination the applicant may apply again.
SCOPE_HOLDING_STATUSES = ["draft", "submitted", "accepted", "awaiting_documents", "completed"]


class CaseQuerySet(models.QuerySet):
    def visible_to(self, actor) -> CaseQuerySet:
        """Office staff: their office's cases; a citizen (or the clerk assisting them): the
        citizen's; a partner: the cases its organisation applied for or filed — also while
        acting for a citizen, whose other cases stay theirs (docs/adr/0003)."""
        from cheguan.core.scope import (
            partner_organisation_id,
            served_citizen_id,
            staff_office,
            visible,
            when,
        )

        office = staff_office(actor, "cases.view_office")
        organisation = partner_organisation_id(actor)
        citizen = served_citizen_id(actor) if organisation is None else None
        return visible(
            self,
            when(office, Q(office_id=office)),
            when(citizen, Q(applicant_person_id=citizen)),
            when(
                organisation,
                Q(applicant_organisation_id=organisation)
                | Q(created_by__organisation_id=organisation),
            ),
        )


class Case(models.Model):
    office = models.ForeignKey("registry.Office", on_delete=models.PROTECT, related_name="cases")
    number = models.CharField(max_length=24, unique=True)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="cases")
    applicant_person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    applicant_organisation = models.ForeignKey(
        "registry.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    vehicle = models.ForeignKey(
        "registry.Vehicle", on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    channel = models.CharField(max_length=16, choices=Channel.choices)
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.DRAFT)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, related_name="cases_created"
    )
    assisted_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases_assisted",
    )
    created_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)  # the promise, in working days
    rongque = models.BooleanField(default=False)
    correction_rounds = models.PositiveSmallIntegerField(default=0)
    visit_count = models.PositiveSmallIntegerField(default=0)
    processing_working_days = models.IntegerField(null=True, blank=True)
    # Copies kept for the figures (docs/adr/0006): the promise in force when accepted, and
    # the rating's score and exclusion, written by the services that write the originals.
    promised_working_days = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_score = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_excluded = models.BooleanField(default=False)
    closing_reason = models.TextField(blank=True)  # rejection or termination reasons, in writing
    closing_reason_en = models.TextField(blank=True)
    idempotency_scope = models.CharField(
        max_length=80, blank=True
    )  # e.g. "inspection:<vehicle>:2026"

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(applicant_person__isnull=False) & Q(applicant_organisation__isnull=True)
                )
                | (Q(applicant_person__isnull=True) & Q(applicant_organisation__isnull=False)),
                name="case_exactly_one_applicant",
            ),
            models.UniqueConstraint(
                fields=["idempotency_scope"],
                condition=~Q(idempotency_scope="") & Q(status__in=SCOPE_HOLDING_STATUSES),
                name="case_one_live_case_per_scope",
            ),
        ]
        indexes = [
            models.Index(
                fields=["office", "status", "closed_at"], name="case_office_status_closed"
            ),
            # Covering index for the figures: an index-only scan on PostgreSQL.
            models.Index(
                fields=["office", "closed_at"],
                include=[
                    "status",
                    "service",
                    "channel",
                    "visit_count",
                    "correction_rounds",
                    "processing_working_days",
                    "promised_working_days",
                    "rating_score",
                    "rating_excluded",
                ],
                name="case_figures_idx",
            ),
            models.Index(fields=["applicant_person", "created_at"], name="case_person_created"),
            models.Index(fields=["applicant_organisation", "created_at"], name="case_org_created"),
            # A party's open cases, for its limits (cases.services.limits): a partner's
            # closed history, however long, is not read.
            models.Index(
                fields=["created_by", "service"],
                condition=Q(status__in=[s for s in CaseStatus.values if s not in CLOSED_STATUSES]),
                name="case_open_by_creator",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def is_one_visit(self) -> bool:
        return (
            self.status == CaseStatus.COMPLETED
            and self.visit_count <= 1
            and self.correction_rounds == 0
        )


class CaseTransition(models.Model):
    """The case's history: every status change, who made it and why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=CaseStatus.choices)
    to_status = models.CharField(max_length=20, choices=CaseStatus.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_status} → {self.to_status}"


class VisitKind(models.TextChoices):
    HALL_TICKET = "hall_ticket", _("Hall ticket")
    WINDOW = "window", _("Window action")


class Visit(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="visits")
    at = models.DateTimeField()
    kind = models.CharField(max_length=12, choices=VisitKind.choices)
    ticket_number = models.CharField(max_length=20, blank=True)
    clerk = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"visit {self.case_id} {self.at:%Y-%m-%d}"


class CaseMessage(models.Model):
    """What the applicant was told: reminders and notices (the notification adapter's log)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    at = models.DateTimeField()
    kind = models.CharField(max_length=30)
    text_zh = models.TextField()
    text_en = models.TextField()
    channels = models.JSONField(default=list)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"
