"""Factories for tests: real rows in the real database, valid identifiers by construction."""

from __future__ import annotations

import datetime as dt
import itertools

from stdnum.cn import ric

from cheguan.accounts.models import User
from cheguan.core import clock
from cheguan.core.roles import Role
from cheguan.registry.models import Office, Organisation, OrganisationKind, Person, Vehicle
from cheguan.registry.validators import vin_check_digit

_seq = itertools.count(1)


def resident_id(
    birth: dt.date, *, address: str = "330203", sex: str = "M", seq: int | None = None
) -> str:
    """A valid 18-character resident ID number for this birth date."""
    n = seq if seq is not None else next(_seq) % 500
    order = n * 2 + (1 if sex == "M" else 2)
    body = f"{address}{birth:%Y%m%d}{order % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def vin(serial: int, *, wmi: str = "LSV", vds: str = "AB12C") -> str:
    body = f"{wmi}{vds}0N{'A'}{serial:06d}"  # position 9 placeholder, 10 = model year 'N'
    body = body[:8] + "0" + body[9:]
    return body[:8] + vin_check_digit(body) + body[9:]


def office(code: str = "330200", prefix: str = "浙B", name: str = "宁波市车管所") -> Office:
    obj, _ = Office.objects.get_or_create(
        code=code,
        defaults={
            "name": name,
            "name_en": "Ningbo",
            "region": "浙江省宁波市",
            "plate_prefix": prefix,
        },
    )
    return obj


def person(
    *,
    office_obj: Office | None = None,
    name: str = "王建国",
    birth: dt.date = dt.date(1958, 3, 1),
    **kw,
) -> Person:
    return Person.objects.create(
        office=office_obj or office(),
        name=name,
        id_number=kw.pop("id_number", None) or resident_id(birth),
        birth_date=birth,
        sex="M",
        phone=kw.pop("phone", "13812345678"),
        address=kw.pop("address", "宁波市海曙区中山西路1号"),
        created_at=clock.now(),
        **kw,
    )


_uscc_seq = itertools.count(1)


def uscc(n: int | None = None) -> str:
    from stdnum.cn import uscc as u

    n = n if n is not None else next(_uscc_seq)
    body = f"91330200MA{n:07d}"
    return body + u.calc_check_digit(body)


def organisation(
    *,
    kind: str = OrganisationKind.DEALER,
    office_obj: Office | None = None,
    name: str | None = None,
    **kw,
) -> Organisation:
    return Organisation.objects.create(
        office=office_obj or office(),
        name=name or f"{kind} {next(_uscc_seq)}",
        uscc=kw.pop("uscc", None) or uscc(),
        kind=kind,
        created_at=clock.now(),
        **kw,
    )


# The catalogue services each kind of partner is authorised for when a test does not say.
PARTNER_SERVICES = {
    OrganisationKind.DEALER: ["new_registration", "plate_selection"],
    OrganisationKind.SCRAPYARD: ["deregistration"],
    OrganisationKind.DRIVING_SCHOOL: ["driving_test_booking"],
    OrganisationKind.SERVICE_POINT: [
        "inspection_mark_exempt",
        "plate_replacement",
        "transfer",
        "contact_change",
    ],
}


def partner(*, kind: str = OrganisationKind.DEALER, services: list[str] | None = None, **kw):
    """An organisation authorised today (granted since 2020, no end) for ``services`` (by
    default its kind's usual ones)."""
    kw.setdefault("authorisation_status", "granted")
    kw.setdefault("authorised_from", dt.date(2020, 1, 1))
    kw.setdefault("authorised_services", services or PARTNER_SERVICES.get(kind, []))
    return organisation(kind=kind, **kw)


def vehicle(*, owner: Person | Organisation, office_obj: Office | None = None, **kw) -> Vehicle:
    n = next(_seq)
    defaults = {
        "vin": vin(n),
        "engine_number": f"E{n:07d}",
        "make": "大众",
        "model": "帕萨特",
        "vehicle_type": "K33",
        "seats": 5,
        "use_nature": "A",
        "energy_type": "fuel",
        "manufacture_date": dt.date(2020, 1, 1),
        "first_registration_date": dt.date(2020, 3, 1),
        "plate_kind": "02",
        "plate_number": f"浙B{n:05d}",
        "created_at": clock.now(),
    }
    defaults.update(kw)
    owner_kw = (
        {"owner_person": owner} if isinstance(owner, Person) else {"owner_organisation": owner}
    )
    return Vehicle.objects.create(office=office_obj or office(), **owner_kw, **defaults)


PASSWORD = "cheguan-test-pass-1"


def user(role: str = Role.CITIZEN, *, username: str | None = None, **kw) -> User:
    username = username or f"{role}{next(_seq)}"
    if role in {Role.CLERK, Role.INSPECTOR, Role.SUPERVISOR, Role.EXAMINER, Role.ADMIN}:
        kw.setdefault("office", office())
    if role == Role.CITIZEN and "person" not in kw:
        kw["person"] = person()
    kind = {
        Role.DEALER_AGENT: "dealer",
        Role.SCRAPYARD_AGENT: "scrapyard",
        Role.DRIVING_SCHOOL_AGENT: "driving_school",
        Role.SERVICE_POINT_AGENT: "service_point",
    }.get(role)
    if kind and "organisation" not in kw:
        kw["organisation"] = partner(kind=kind)
    u = User(username=username, role=role, **kw)
    u.set_password(PASSWORD)
    u.save()
    return u
