"""The office's service catalogue (事项): the services, the channels that offer them and the
documents each requires."""

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
