"""Users, roles, assisted-service sessions (帮办) and API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    CLERK = "clerk", _("Clerk")
    INSPECTOR = "inspector", _("Inspector")
    SUPERVISOR = "supervisor", _("Supervisor")
    EXAMINER = "examiner", _("Examiner")
    DEALER_AGENT = "dealer_agent", _("Dealer agent")
    SCRAPYARD_AGENT = "scrapyard_agent", _("Scrapyard agent")
    DRIVING_SCHOOL_AGENT = "driving_school_agent", _("Driving-school agent")
    SERVICE_POINT_AGENT = "service_point_agent", _("Service-point agent")
    ADMIN = "admin", _("Administrator")


PARTNER_ROLES = frozenset(
    {Role.DEALER_AGENT, Role.SCRAPYARD_AGENT, Role.DRIVING_SCHOOL_AGENT, Role.SERVICE_POINT_AGENT}
)
STAFF_ROLES = frozenset({Role.CLERK, Role.INSPECTOR, Role.SUPERVISOR, Role.EXAMINER, Role.ADMIN})
# The organisation kind each partner role must belong to.
PARTNER_ORGANISATION_KIND = {
    Role.DEALER_AGENT: "dealer",
    Role.SCRAPYARD_AGENT: "scrapyard",
    Role.DRIVING_SCHOOL_AGENT: "driving_school",
    Role.SERVICE_POINT_AGENT: "service_point",
}


class User(AbstractUser):
    """A login. Its ``role`` decides what it may do (``accounts.permissions``).

    A citizen's login points at their ``person`` record; a partner's at its
    ``organisation`` (it sees only that organisation's work); staff belong to an ``office``.
    """

    role = models.CharField(max_length=24, choices=Role.choices, default=Role.CITIZEN)
    office = models.ForeignKey(
        "registry.Office", on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    organisation = models.ForeignKey(
        "registry.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    person = models.OneToOneField(
        "registry.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="user"
    )
    elder_mode = models.BooleanField(default=False)
    display_name = models.CharField(max_length=60, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=sorted(r.value for r in PARTNER_ROLES))
                | Q(organisation__isnull=False),
                name="user_partner_has_organisation",
            ),
            models.CheckConstraint(
                condition=Q(role__in=sorted(r.value for r in PARTNER_ROLES))
                | Q(organisation__isnull=True),
                name="user_only_partners_have_organisation",
            ),
        ]

    @property
    def is_partner(self) -> bool:
        return self.role in PARTNER_ROLES

    @property
    def is_office_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def label(self) -> str:
        return self.display_name or self.username


class ConsentMethod(models.TextChoices):
    SIGNED = "signed", _("Signed on the consent form")
    SIGNATURE_PAD = "signature_pad", _("Signed on the signature pad")
    VERBAL_RECORDED = "verbal_recorded", _("Said aloud, recorded on the desk camera")


class AssistedSessionEnd(models.TextChoices):
    BY_CLERK = "by_clerk", _("Ended by the clerk")
    IDLE = "idle", _("Ended after 30 idle minutes")
    REPLACED = "replaced", _("Replaced by a new session")


class AssistedSession(models.Model):
    """A clerk acting for a citizen at the help desk (帮办), with the citizen's consent."""

    clerk = models.ForeignKey(User, on_delete=models.PROTECT, related_name="assisted_sessions")
    citizen = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="assisted_sessions"
    )
    office = models.ForeignKey("registry.Office", on_delete=models.PROTECT)
    consent_method = models.CharField(max_length=20, choices=ConsentMethod.choices)
    consent_note = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField()
    last_activity_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=10, choices=AssistedSessionEnd.choices, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["clerk"],
                condition=Q(ended_at__isnull=True),
                name="assisted_one_open_per_clerk",
            )
        ]

    def __str__(self) -> str:
        return f"{self.clerk} → {self.citizen}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class ApiToken(models.Model):
    """A revocable token for a partner system. Only a hash of the secret is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=60)
    prefix = models.CharField(max_length=8, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
