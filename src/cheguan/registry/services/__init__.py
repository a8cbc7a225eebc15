"""Registry use cases. Each: keyword-only, explicit actor, one transaction, one audit event.

Split by domain concept: ``people``, ``organisations`` (and the partner authorisation
lifecycle), ``vehicles``, ``records`` (the records that block services), ``deregistration``.
Import from here or from the module; both are stable.
"""

from cheguan.registry.services.deregistration import (
    ALREADY_DEREGISTERED,
    DEREGISTRATION_REASON_REQUIRED,
    deregister_vehicle,
)
from cheguan.registry.services.organisations import (
    AUTHORISED_SERVICES_REQUIRED,
    DUPLICATE_ORGANISATION,
    ILLEGAL_AUTHORISATION_CHANGE,
    INVALID_COORDINATES,
    INVALID_SERVICE_NAME,
    OrganisationData,
    change_authorisation,
    clean_organisation,
    register_organisation,
)
from cheguan.registry.services.people import (
    DUPLICATE_PERSON,
    NAME_REQUIRED,
    PersonData,
    clean_person,
    register_person,
    reveal_person,
)
from cheguan.registry.services.records import (
    ALREADY_RELEASED,
    DATE_IN_FUTURE,
    INVALID_RECORD_CODE,
    process_violation,
    record_accident,
    record_encumbrance,
    record_insurance,
    record_modification_penalty,
    record_violation,
    release_encumbrance,
    set_vehicle_tax,
)
from cheguan.registry.services.vehicles import (
    DUPLICATE_VIN,
    INVALID_CODE,
    INVALID_ENGINE_NUMBER,
    INVALID_PLATE,
    INVALID_SEATS,
    OWNER_REQUIRED,
    PLATE_IN_USE,
    PROVINCES,
    VehicleData,
    clean_vehicle,
    register_vehicle,
    validate_plate_number_basic,
)
from cheguan.registry.validators import INVALID_CHOICE, INVALID_DATES

__all__ = [
    "ALREADY_DEREGISTERED",
    "ALREADY_RELEASED",
    "AUTHORISED_SERVICES_REQUIRED",
    "DATE_IN_FUTURE",
    "DEREGISTRATION_REASON_REQUIRED",
    "DUPLICATE_ORGANISATION",
    "DUPLICATE_PERSON",
    "DUPLICATE_VIN",
    "ILLEGAL_AUTHORISATION_CHANGE",
    "INVALID_CHOICE",
    "INVALID_CODE",
    "INVALID_COORDINATES",
    "INVALID_DATES",
    "INVALID_ENGINE_NUMBER",
    "INVALID_PLATE",
    "INVALID_RECORD_CODE",
    "INVALID_SEATS",
    "INVALID_SERVICE_NAME",
    "NAME_REQUIRED",
    "OWNER_REQUIRED",
    "PLATE_IN_USE",
    "PROVINCES",
    "OrganisationData",
    "PersonData",
    "VehicleData",
    "change_authorisation",
    "clean_organisation",
    "clean_person",
    "clean_vehicle",
    "deregister_vehicle",
    "process_violation",
    "record_accident",
    "record_encumbrance",
    "record_insurance",
    "record_modification_penalty",
    "record_violation",
    "register_organisation",
    "register_person",
    "register_vehicle",
    "release_encumbrance",
    "reveal_person",
    "set_vehicle_tax",
    "validate_plate_number_basic",
]
