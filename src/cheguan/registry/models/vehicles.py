"""Vehicles (机动车)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cheguan.registry.models.parties import Office, Organisation, Person


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
    def visible_to(self, actor) -> VehicleQuerySet:
        """Staff: their office's vehicles; a citizen (or whoever acts for them with consent):
        the citizen's own; a partner: its organisation's (docs/adr/0003)."""
        from cheguan.core.scope import (
            partner_organisation_id,
            served_citizen_id,
            staff_office,
            visible,
            when,
        )

        office = staff_office(actor, "registry.view_vehicles")
        citizen = served_citizen_id(actor)
        organisation = partner_organisation_id(actor)
        return visible(
            self,
            when(office, Q(office_id=office)),
            when(citizen, Q(owner_person_id=citizen)),
            when(organisation, Q(owner_organisation_id=organisation)),
        )

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
