"""Registry use cases. Each: keyword-only, explicit actor, one transaction, one audit event.

Split by domain concept: ``people``, ``organisations`` (and the partner authorisation
lifecycle), ``vehicles``, ``vehicle_fields`` (the plate number and inspection validity other
apps move, inside their own use case's transaction), ``records`` (the records that block services), ``deregistration``.
Import from here or from the module; both are stable.
"""

from cheguan.registry.services.deregistration import (
    deregister_vehicle,
)
from cheguan.registry.services.organisations import (
    OrganisationData,
    change_authorisation,
    clean_organisation,
    register_organisation,
)
from cheguan.registry.services.people import (
    PersonData,
    clean_person,
    register_person,
    reveal_person,
)
from cheguan.registry.services.records import (
    process_violation,
    record_accident,
    record_encumbrance,
    record_insurance,
    record_modification_penalty,
    record_violation,
    release_encumbrance,
    set_vehicle_tax,
)
from cheguan.registry.services.vehicle_fields import (
    exchange_plate_numbers,
    extend_inspection_validity,
    put_plate_number,
    take_plate_number_off,
)
from cheguan.registry.services.vehicles import (
    VehicleData,
    check_number_may_go_on,
    clean_vehicle,
    register_number_rule,
    register_vehicle,
    validate_plate_number_basic,
)

__all__ = [
    "OrganisationData",
    "PersonData",
    "VehicleData",
    "change_authorisation",
    "check_number_may_go_on",
    "clean_organisation",
    "clean_person",
    "clean_vehicle",
    "deregister_vehicle",
    "exchange_plate_numbers",
    "extend_inspection_validity",
    "process_violation",
    "put_plate_number",
    "record_accident",
    "record_encumbrance",
    "record_insurance",
    "record_modification_penalty",
    "record_violation",
    "register_number_rule",
    "register_organisation",
    "register_person",
    "register_vehicle",
    "release_encumbrance",
    "reveal_person",
    "set_vehicle_tax",
    "take_plate_number_off",
    "validate_plate_number_basic",
]
