"""Service cases (办件): the catalogue, the case, its documents, notices, 容缺 commitments,
visits, ratings (好差评) and their follow-ups.

Every capability (plates, inspection marks, registration, scrapping, exams) runs its work
as a :class:`Case`, so the office's promises and figures come from one place. The case's
lifecycle is ``CaseStatus`` plus the one table ``TRANSITIONS`` below, checked in
``cases.services``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    WINDOW = "window", _("Window")
    DEALER = "dealer", _("Dealer")
    SERVICE_POINT = "service_point", _("Service point")
    ASSISTED = "assisted", _("Assisted at the help desk")


IN_PERSON_CHANNELS = frozenset({Channel.WINDOW, Channel.ASSISTED})
GENERIC_OWNER = "cases"  # Service.owner of a service the generic case pages run end to end


class Service(models.Model):
    """One item of the office's service catalogue (事项).

    ``owner`` names the app that runs the service (docs/adr/0013-owned-services.md):
    ``"cases"`` for the generic services the case pages and the window console run end to
    end; otherwise the app whose own services alone open, advance and complete its cases
    (``"inspection"``, ``"plates"``, ``"registration"`` …; ``cases.owners``)."""

    office = models.ForeignKey("registry.Office", on_delete=models.PROTECT, related_name="services")
    code = models.SlugField(max_length=40)
    name_zh = models.CharField(max_length=80)
    name_en = models.CharField(max_length=120)
    channels = models.JSONField(default=list)  # Channel values
    promised_working_days = models.PositiveSmallIntegerField()
    statutory_working_days = models.PositiveSmallIntegerField(null=True, blank=True)
    immediate = models.BooleanField(default=False)  # 即办
    rongque_allowed = models.BooleanField(default=True)
    rongque_default_days = models.PositiveSmallIntegerField(default=5)
    active = models.BooleanField(default=True)
    owner = models.SlugField(
        max_length=20,
        default=GENERIC_OWNER,
        help_text=_(
            "The app that runs this service: “cases” for the generic case pages, or the app "
            "whose own pages alone open and complete its cases (set by the catalogue)."
        ),
    )

    class Meta:
        ordering = ["office", "code"]
        constraints = [
            models.UniqueConstraint(fields=["office", "code"], name="service_unique_code"),
            models.CheckConstraint(
                condition=Q(promised_working_days__lte=60), name="service_promise_at_most_60_days"
            ),
        ]

    def __str__(self) -> str:
        return self.name_zh

    def name_in(self, language: str) -> str:
        return self.name_en if language.startswith("en") else self.name_zh

    @property
    def is_owned(self) -> bool:
        """Run by its owner app, not by the generic case pages and console."""
        return (self.owner or GENERIC_OWNER) != GENERIC_OWNER


class DataSource(models.TextChoices):
    """Records the office can check instead of asking for paper (DOMAIN.md §1.5)."""

    NONE = "", _("Paper or upload only")
    IDENTITY = "identity", _("Identity, from the person record")
    INSURANCE = "insurance", _("Compulsory insurance, from insurance records")
    TAX = "tax", _("Vehicle tax, from tax records")


class DocumentRequirement(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="requirements")
    code = models.SlugField(max_length=40)
    name_zh = models.CharField(max_length=80)
    name_en = models.CharField(max_length=120)
    essential = models.BooleanField(default=True)  # 主要材料; False = 次要材料 (容缺 allowed)
    data_source = models.CharField(max_length=10, choices=DataSource.choices, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["service", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["service", "code"], name="requirement_unique_code")
        ]

    def __str__(self) -> str:
        return self.name_zh

    def name_in(self, language: str) -> str:
        return self.name_en if language.startswith("en") else self.name_zh


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
# The one transition table. AWAITING_DOCUMENTS is reached two ways: from SUBMITTED by a
# one-time notice (the applicant corrects and resubmits), or from ACCEPTED under 容缺
# (the applicant supplies the promised documents and the case completes).
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.SUBMITTED: frozenset({S.ACCEPTED, S.AWAITING_DOCUMENTS, S.REJECTED, S.WITHDRAWN}),
    S.ACCEPTED: frozenset({S.AWAITING_DOCUMENTS, S.COMPLETED, S.REJECTED, S.WITHDRAWN}),
    S.AWAITING_DOCUMENTS: frozenset(
        {S.SUBMITTED, S.COMPLETED, S.REJECTED, S.WITHDRAWN, S.TERMINATED}
    ),
    S.COMPLETED: frozenset(),
    S.REJECTED: frozenset(),
    S.WITHDRAWN: frozenset(),
    S.TERMINATED: frozenset(),
}
CLOSED_STATUSES = frozenset({S.COMPLETED, S.REJECTED, S.WITHDRAWN, S.TERMINATED})
RATEABLE_STATUSES = frozenset({S.COMPLETED, S.REJECTED})
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
