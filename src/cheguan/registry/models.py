"""The registry: offices, people, organisations, vehicles and the records that block services.

Every record belongs to an :class:`Office` (车管所), so one deployment can serve a whole
province. Writes go through ``registry.services``; reads through ``registry.queries``,
which scope them to the acting user.
"""

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
    address = models.CharField(max_length=200, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField()

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
        if self.authorisation_status != AuthorisationStatus.GRANTED:
            return False
        if self.authorised_from and day < self.authorised_from:
            return False
        if self.authorised_until and day > self.authorised_until:
            return False
        return service is None or service in (self.authorised_services or [])


class EnergyType(models.TextChoices):
    FUEL = "fuel", _("Fuel")
    PURE_ELECTRIC = "bev", _("Pure electric")
    PLUG_IN_HYBRID = "phev", _("Plug-in hybrid")
    FUEL_CELL = "fcev", _("Fuel cell")

    @classmethod
    def new_energy(cls) -> set[str]:
        return {cls.PURE_ELECTRIC, cls.PLUG_IN_HYBRID, cls.FUEL_CELL}


class VehicleStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered (normal)")
    MORTGAGED = "mortgaged", _("Mortgaged")
    SEIZED = "seized", _("Seized")
    STOLEN = "stolen", _("Reported stolen")
    SCRAP_STANDARD = "scrap_standard", _("Reached the scrapping standard")
    DEREGISTERED = "deregistered", _("Deregistered")


class VehicleQuerySet(models.QuerySet):
    def owned_by_person(self, person: Person) -> VehicleQuerySet:
        return self.filter(owner_person=person)

    def active(self) -> VehicleQuerySet:
        return self.exclude(status=VehicleStatus.DEREGISTERED)


class Vehicle(models.Model):
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="vehicles")
    vin = models.CharField(max_length=17, unique=True)
    engine_number = models.CharField(max_length=30)
    make = models.CharField(max_length=60)
    model = models.CharField(max_length=60)
    vehicle_type = models.CharField(max_length=3)  # code table "vehicle_type", e.g. K33
    seats = models.PositiveSmallIntegerField()
    use_nature = models.CharField(max_length=1, default="A")  # code table "use_nature"
    energy_type = models.CharField(
        max_length=4, choices=EnergyType.choices, default=EnergyType.FUEL
    )
    manufacture_date = models.DateField()
    first_registration_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=15, choices=VehicleStatus.choices, default=VehicleStatus.REGISTERED
    )
    owner_person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="vehicles"
    )
    owner_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="vehicles"
    )
    plate_kind = models.CharField(max_length=2, blank=True)  # code table "plate_kind", e.g. 02
    plate_number = models.CharField(max_length=10, null=True, blank=True)
    inspection_valid_until = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField()

    objects = VehicleQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(owner_person__isnull=False) & Q(owner_organisation__isnull=True))
                | (Q(owner_person__isnull=True) & Q(owner_organisation__isnull=False)),
                name="vehicle_exactly_one_owner",
            ),
            models.UniqueConstraint(
                fields=["plate_number"],
                condition=Q(plate_number__isnull=False) & ~Q(status="deregistered"),
                name="vehicle_plate_unique_while_active",
            ),
            models.CheckConstraint(
                condition=Q(seats__gte=1) & Q(seats__lte=99), name="vehicle_seats_range"
            ),
        ]
        indexes = [
            models.Index(fields=["office", "status"], name="vehicle_office_status_idx"),
            models.Index(fields=["inspection_valid_until"], name="vehicle_inspection_due_idx"),
        ]

    def __str__(self) -> str:
        return self.plate_number or self.vin

    @property
    def owner(self) -> Person | Organisation:
        return self.owner_person or self.owner_organisation  # type: ignore[return-value]

    @property
    def is_new_energy(self) -> bool:
        return self.energy_type in EnergyType.new_energy()


# --- records that block services -----------------------------------------------------


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
