"""Users, roles, assisted-service sessions (帮办) and API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cheguan.core.roles import PARTNER_ROLES, STAFF_ROLES, Role


class User(AbstractUser):
    """A login. Its ``role`` decides what it may do (``core.permissions``).

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

    @property
    def may_act_for_citizens(self) -> bool:
        """A clerk at the help desk, or a service point's or dealer's agent: may act for a
        citizen who consents (an assisted session)."""
        return self.role in ACTING_FOR_CITIZENS


# Who may act for a citizen with the citizen's consent (an assisted session).
ACTING_FOR_CITIZENS = frozenset({Role.CLERK, Role.SERVICE_POINT_AGENT, Role.DEALER_AGENT})


class ConsentMethod(models.TextChoices):
    # At the office's own desk (a clerk).
    SIGNED = "signed", _("Signed on the consent form")
    SIGNATURE_PAD = "signature_pad", _("Signed on the signature pad")
    VERBAL_RECORDED = "verbal_recorded", _("Said aloud, recorded on the desk camera")
    # At a partner's counter (a service point or a dealer): the office cannot see the
    # citizen, so the consent is a code sent to the phone on record, or the ID card read
    # by the counter's card reader with the citizen present (CHEGUAN_PARTNER_CONSENT_METHODS).
    SMS_CODE = "sms_code", _("Code sent to the phone on record, read back by the citizen")
    ID_CARD_READ = "id_card_read", _("ID card read at the counter, the citizen present")
    # At the office's window (CHEGUAN_CLERK_CONSENT_METHODS): the citizen agrees on the
    # window's paired screen, or says so aloud before a second clerk of the office who
    # confirms with their own password.
    SCREEN_SIGNED = "screen_signed", _("Agreed on the window's screen by the citizen")
    WITNESSED = "witnessed", _("Said aloud, witnessed by a second clerk")


# The desk's methods a clerk may be offered; the setting chooses among them.
CLERK_CONSENT_METHODS = (
    ConsentMethod.SCREEN_SIGNED,
    ConsentMethod.WITNESSED,
    ConsentMethod.SIGNED,
    ConsentMethod.SIGNATURE_PAD,
    ConsentMethod.VERBAL_RECORDED,
)
# A session with one of these is pending until the citizen's own act confirms it.
PENDING_CONSENT_METHODS = (ConsentMethod.SMS_CODE, ConsentMethod.SCREEN_SIGNED)


class ConsentScope(models.TextChoices):
    """What the citizen agreed the agent may do for them (recorded on the session)."""

    VEHICLES = "vehicles", _("See their vehicles and records")
    INSPECTION = "inspection", _("Apply for inspection marks")
    CASES = "cases", _("Apply for services and follow their cases")
    PLATES = "plates", _("Choose a plate number")


class AssistedSessionEnd(models.TextChoices):
    BY_CLERK = "by_clerk", _("Ended by the clerk or agent")
    IDLE = "idle", _("Ended after 30 idle minutes")
    REPLACED = "replaced", _("Replaced by a new session")
    CODE_FAILED = "code_failed", _("The consent code was not confirmed")
    AUTHORISATION_ENDED = "auth_ended", _("The partner's authorisation ended")
    DECLINED = "declined", _("The citizen declined on the window's screen")


class AssistedSessionQuerySet(models.QuerySet):
    def visible_to(self, actor) -> AssistedSessionQuerySet:
        """The agent's own sessions."""
        if actor.user is None:
            return self.none()
        return self.filter(agent_id=actor.user.pk)


class AssistedSession(models.Model):
    """Someone acting for a citizen with the citizen's consent: a clerk at the help desk
    (帮办), or a service point's or dealer's agent at its counter (``organisation`` set).

    A session whose consent is a code sent to the citizen's phone is *pending* until the
    code is read back (``confirmed_at``); only a confirmed session lets the agent act."""

    agent = models.ForeignKey(User, on_delete=models.PROTECT, related_name="assisted_sessions")
    organisation = models.ForeignKey(
        "registry.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assisted_sessions",
    )
    citizen = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="assisted_sessions"
    )
    office = models.ForeignKey("registry.Office", on_delete=models.PROTECT)
    consent_method = models.CharField(max_length=20, choices=ConsentMethod.choices)
    consent_note = models.CharField(max_length=200, blank=True)
    # What was consented to: ConsentScope values, and the vehicles it is limited to (ids;
    # empty: every vehicle of the citizen).
    consent_scope = models.JSONField(default=list, blank=True)
    consent_vehicle_ids = models.JSONField(default=list, blank=True)
    # How, when witnessed: the second clerk of the office who heard the citizen agree.
    witness = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="witnessed_sessions"
    )
    consent_code_hash = models.CharField(max_length=64, blank=True)
    consent_code_expires_at = models.DateTimeField(null=True, blank=True)
    consent_attempts = models.PositiveSmallIntegerField(default=0)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField()
    last_activity_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=12, choices=AssistedSessionEnd.choices, blank=True)

    objects = AssistedSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["agent"],
                condition=Q(ended_at__isnull=True),
                name="assisted_one_open_per_agent",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=False)
                | Q(confirmed_at__isnull=False)
                | Q(consent_method__in=["screen_signed", "sms_code"]),
                name="assisted_confirmed_unless_code_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent} → {self.citizen}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def scope_labels(self) -> list[str]:
        return [str(ConsentScope(s).label) for s in self.consent_scope if s in ConsentScope]


class ApiTokenQuerySet(models.QuerySet):
    def visible_to(self, actor) -> ApiTokenQuerySet:
        """The user's own tokens."""
        if actor.user is None:
            return self.none()
        return self.filter(user_id=actor.user.pk)


class ApiToken(models.Model):
    """A revocable token for a partner system. Only a hash of the secret is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=60)
    prefix = models.CharField(max_length=8, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
