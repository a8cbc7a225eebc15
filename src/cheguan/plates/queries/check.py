"""The public check of a number (page and API): valid or not for the office, every problem,
and whether an applicant could compose it here. It never reads the pool: whether a number is
free, held or assigned is nobody's business before they draw or compose it."""

from __future__ import annotations

from dataclasses import dataclass

from cheguan.core.errors import NOT_FOUND, DomainError
from cheguan.plates import errors, formats
from cheguan.registry import remembered as offices
from cheguan.registry.models import Office


@dataclass(frozen=True)
class PublicCheck:
    result: formats.NumberCheck
    office: Office | None
    local_problems: tuple[DomainError, ...]  # the composition rules only

    @property
    def composable(self) -> bool:
        return self.result.valid and not self.local_problems


def office_for(number: str, office_code: str = "") -> Office | None:
    """The office to check against: the one named, else the one whose prefix the number
    has, else the system's only office; None when several offices run here and none
    issues this prefix (then only the national rules apply)."""
    if office_code:
        office = offices.office_by_code(office_code[:12])
        if office is None:
            raise NOT_FOUND(field="office")
        return office
    prefix = formats.normalise(number)[:2]
    if prefix.isprintable():  # a control character never reaches the database (NUL: PG refuses)
        by_prefix = offices.office_by_prefix(prefix)
        if by_prefix is not None:
            return by_prefix
    first = offices.first_offices(2)
    return first[0] if len(first) == 1 else None


def check_publicly(number: str, *, plate_type: str, office_code: str = "") -> PublicCheck:
    office = office_for(number, office_code)
    result = formats.check_number(number, plate_type=plate_type, office=office)
    if not result.number or plate_type not in formats.RULES:
        return PublicCheck(result, office, ())
    if office is None:
        prefixes = "、".join(offices.plate_prefixes(20)) or "—"
        return PublicCheck(result, None, (errors.NOT_THIS_OFFICE(prefixes=prefixes),))
    local = formats.composition_problems(result.serial, plate_type=plate_type, office=office)
    return PublicCheck(result, office, tuple(local))
