"""Offices (车管所), people and organisations."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cheguan.core import clock
from cheguan.core.masking import mask_id_number, mask_name, mask_phone

ELDERLY_AGE = 60


class Office(models.Model):
    """A vehicle administration office (车管所), e.g. Ningbo, plate prefix 浙B."""

    code = models.CharField(max_length=12, unique=True)  # GB/T 2260 code of the city, e.g. 330200
    name = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100)  # 浙江省宁波市
    plate_prefix = models.CharField(max_length=2, unique=True)  # 浙B

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.plate_prefix})"


class IdType(models.TextChoices):
    """Identity documents (MVR Art 89, DOMAIN.md §8.2)."""

    RESIDENT_ID = "resident_id", _("Resident identity card")
    MILITARY = "military", _("Military officer or soldier ID")
    HK_MACAO_PERMIT = (
        "hk_macao_permit",
        _("Mainland travel permit for Hong Kong and Macao residents"),
    )
    TAIWAN_PERMIT = "taiwan_permit", _("Mainland travel permit for Taiwan residents")
    HK_MACAO_TW_RESIDENCE = (
        "hmt_residence",
        _("Residence permit for Hong Kong, Macao and Taiwan residents"),
    )
    FOREIGN_PERMANENT = "foreign_permanent", _("Foreign permanent resident ID card")
    PASSPORT = "passport", _("Passport with residence permit")


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class PersonQuerySet(models.QuerySet):
    def visible_to(self, actor) -> PersonQuerySet:
        """Staff: their office's people; a citizen (or whoever acts for them with consent):
        themself. Partners see no person records of their own accord."""
        from cheguan.core.scope import served_citizen_id, staff_office, visible, when

        office = staff_office(actor, "registry.view_people")
        citizen = served_citizen_id(actor)
        return visible(self, when(office, Q(office_id=office)), when(citizen, Q(pk=citizen)))


class Person(models.Model):
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="people")
    name = models.CharField(max_length=60)
    id_type = models.CharField(max_length=20, choices=IdType.choices, default=IdType.RESIDENT_ID)
    id_number = models.CharField(max_length=30)
    birth_date = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    address = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "id_type", "id_number"], name="person_unique_document"
            )
        ]
        indexes = [models.Index(fields=["id_number"], name="person_id_number_idx")]

    def __str__(self) -> str:
        return f"{mask_name(self.name)} {mask_id_number(self.id_number)}"

    def age_on(self, day: dt.date) -> int | None:
        if self.birth_date is None:
            return None
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))

    @property
    def age(self) -> int | None:
        return self.age_on(clock.today())

    @property
    def is_elderly(self) -> bool:
        age = self.age
        return age is not None and age >= ELDERLY_AGE

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class OrganisationKind(models.TextChoices):
    DEALER = "dealer", _("Vehicle dealer (4S store)")
    SCRAPYARD = "scrapyard", _("End-of-life vehicle recycler")
    DRIVING_SCHOOL = "driving_school", _("Driving school")
    SERVICE_POINT = "service_point", _("Service point")
    INSPECTION_STATION = "inspection_station", _("Inspection station")
    INSURER = "insurer", _("Insurer")
    OTHER = "other", _("Other organisation")


class AuthorisationStatus(models.TextChoices):
    NONE = "none", _("Not a partner")
    APPLIED = "applied", _("Applied")
    GRANTED = "granted", _("Granted")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")


# The one table of allowed authorisation changes (applied → granted → suspended → revoked).
AUTHORISATION_TRANSITIONS: dict[str, set[str]] = {
    AuthorisationStatus.NONE: {AuthorisationStatus.APPLIED},
    AuthorisationStatus.APPLIED: {AuthorisationStatus.GRANTED, AuthorisationStatus.REVOKED},
    AuthorisationStatus.GRANTED: {AuthorisationStatus.SUSPENDED, AuthorisationStatus.REVOKED},
    AuthorisationStatus.SUSPENDED: {AuthorisationStatus.GRANTED, AuthorisationStatus.REVOKED},
    AuthorisationStatus.REVOKED: set(),
}


class Standing(models.TextChoices):
    """Where a partner stands on a given day (``Organisation.standing_on``)."""

    AUTHORISED = "authorised", _("Authorised")
    NOT_GRANTED = "not_granted", _("Not authorised")
    NOT_YET_VALID = "not_yet_valid", _("Authorisation not yet in force")
    EXPIRED = "expired", _("Authorisation expired")
    SUSPENDED = "suspended", _("Authorisation suspended")
    REVOKED = "revoked", _("Authorisation revoked")
    SERVICE_NOT_AUTHORISED = "service_not_authorised", _("Not authorised for this service")


class OrganisationQuerySet(models.QuerySet):
    def visible_to(self, actor) -> OrganisationQuerySet:
        """Staff: their office's organisations; a partner: its own."""
        from cheguan.core.scope import partner_organisation_id, staff_office, visible, when

        office = staff_office(actor, "registry.view_organisations")
        organisation = partner_organisation_id(actor)
        return visible(
            self, when(office, Q(office_id=office)), when(organisation, Q(pk=organisation))
        )


class Organisation(models.Model):
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="organisations")
    name = models.CharField(max_length=120)
    uscc = models.CharField(max_length=18)
    uscc_checksum_warning = models.BooleanField(default=False)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    authorisation_status = models.CharField(
        max_length=10, choices=AuthorisationStatus.choices, default=AuthorisationStatus.NONE
    )
    authorised_from = models.DateField(null=True, blank=True)
    authorised_until = models.DateField(null=True, blank=True)
    authorised_services = models.JSONField(default=list, blank=True)
    # Why and when the authorisation last changed (a suspension's reason is shown to the
    # partner on every page while it lasts).
    authorisation_reason = models.CharField(max_length=200, blank=True)
    authorisation_changed_at = models.DateTimeField(null=True, blank=True)
    address = models.CharField(max_length=200, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField()

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["office", "uscc"], name="organisation_unique_uscc"),
            models.CheckConstraint(
                condition=Q(authorised_until__isnull=True)
                | Q(authorised_from__isnull=True)
                | Q(authorised_until__gte=models.F("authorised_from")),
                name="organisation_authorisation_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_authorised_on(self, day: dt.date, service: str | None = None) -> bool:
        """Granted, within its dates on ``day`` and, if named, for that catalogue service."""
        return self.standing_on(day, service) == Standing.AUTHORISED

    def standing_on(self, day: dt.date, service: str | None = None) -> str:
        """Why this organisation may or may not act on ``day`` (for ``service``): one of
        :class:`Standing`. The one reading of the authorisation lifecycle and its dates."""
        status = self.authorisation_status
        if status == AuthorisationStatus.REVOKED:
            return Standing.REVOKED
        if status == AuthorisationStatus.SUSPENDED:
            return Standing.SUSPENDED
        if status != AuthorisationStatus.GRANTED:
            return Standing.NOT_GRANTED
        if self.authorised_from and day < self.authorised_from:
            return Standing.NOT_YET_VALID
        if self.authorised_until and day > self.authorised_until:
            return Standing.EXPIRED
        if service is not None and service not in (self.authorised_services or []):
            return Standing.SERVICE_NOT_AUTHORISED
        return Standing.AUTHORISED
