"""The registry: offices, people, organisations, vehicles and the records that block services.

Every record belongs to an :class:`Office` (车管所), so one deployment can serve a whole
province. Writes go through ``registry.services``; reads through ``registry.queries``,
which scope them to the acting user.
"""

from cheguan.registry.models.parties import (
    AUTHORISATION_TRANSITIONS,
    ELDERLY_AGE,
    AuthorisationStatus,
    IdType,
    Office,
    Organisation,
    OrganisationKind,
    Person,
    Sex,
    Standing,
)
from cheguan.registry.models.records import (
    Accident,
    Encumbrance,
    EncumbranceKind,
    InsurancePolicy,
    ModificationPenalty,
    TaxStatus,
    VehicleTax,
    Violation,
)
from cheguan.registry.models.vehicles import (
    EnergyType,
    Vehicle,
    VehicleQuerySet,
    VehicleStatus,
)

__all__ = [
    "AUTHORISATION_TRANSITIONS",
    "ELDERLY_AGE",
    "Accident",
    "AuthorisationStatus",
    "Encumbrance",
    "EncumbranceKind",
    "EnergyType",
    "IdType",
    "InsurancePolicy",
    "ModificationPenalty",
    "Office",
    "Organisation",
    "OrganisationKind",
    "Person",
    "Sex",
    "Standing",
    "TaxStatus",
    "Vehicle",
    "VehicleQuerySet",
    "VehicleStatus",
    "VehicleTax",
    "Violation",
]
