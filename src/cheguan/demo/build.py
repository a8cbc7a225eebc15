"""Build the demo city as plain rows, deterministically, without touching the database.

Two random generators: ``identity`` (fixed seed) decides who exists and what they own, so
every run makes the same people, vehicles and identifiers; ``moment`` (also seeded) only
decides things that are relative to *today* (lapsed insurance, inspections falling due),
so the demo always has cases that are due soon, whatever day it is run.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from stdnum.cn import ric, uscc

from cheguan.demo import data
from cheguan.registry.validators import vin_check_digit

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
PLATE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789".replace("Q", "")
PLATE_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


@dataclass
class PersonRow:
    name: str
    id_number: str
    birth_date: dt.date
    sex: str
    phone: str
    address: str


@dataclass
class VehicleRow:
    vin: str
    engine_number: str
    make: str
    model: str
    vehicle_type: str
    seats: int
    use_nature: str
    energy_type: str
    manufacture_date: dt.date
    first_registration_date: dt.date
    plate_kind: str
    plate_number: str
    owner_person: int | None  # index into City.people
    owner_organisation: int | None  # index into City.organisations
    status: str = "registered"
    inspection_valid_until: dt.date | None = None
    violations: list[dict] = field(default_factory=list)
    accidents: list[dict] = field(default_factory=list)
    policies: list[dict] = field(default_factory=list)
    taxes: list[dict] = field(default_factory=list)
    penalties: list[dict] = field(default_factory=list)
    encumbrances: list[dict] = field(default_factory=list)


@dataclass
class OrgRow:
    seed: data.OrgSeed
    uscc: str
    authorised_from: dt.date | None
    authorised_until: dt.date | None


@dataclass
class City:
    people: list[PersonRow]
    organisations: list[OrgRow]
    vehicles: list[VehicleRow]
    citizen_index: int = 0  # the person behind the demo "citizen" account
    assisted_index: int = 1  # an elderly person without a login, for assisted service


# --- identifiers ----------------------------------------------------------------------


def resident_id(county: str, birth: dt.date, order: int) -> str:
    body = f"{county}{birth:%Y%m%d}{order:03d}"
    return body + ric.calc_check_digit(body + "0")


def organisation_code(rng: random.Random) -> str:
    """A 9-character organisation code (GB 11714) of the "MA…" series, with its check."""
    body = "MA2" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(5))
    weights = [3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(
        (int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body, weights, strict=True)
    )
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def make_uscc(area: str, rng: random.Random) -> str:
    body = "91" + area + organisation_code(rng)
    return body + uscc.calc_check_digit(body)


def make_vin(model: data.Model, year: int, serial: int, rng: random.Random) -> str:
    vds = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(5))
    plant = rng.choice("ABCDEFGH123456789")
    body = f"{model.wmi}{vds}0{data.model_year_code(year)}{plant}{serial:06d}"
    return body[:8] + vin_check_digit(body) + body[9:]


class PlateMaker:
    """Unique, well-formed 浙B plate numbers (GA 36-2018 shapes)."""

    def __init__(self, rng: random.Random, prefix: str) -> None:
        self.rng, self.prefix = rng, prefix
        self.used: set[str] = set()

    def _take(self, make) -> str:
        while True:
            plate = self.prefix + make()
            if plate not in self.used:
                self.used.add(plate)
                return plate

    def fuel(self) -> str:
        r = self.rng

        def serial() -> str:
            shape = r.choice(["#####", "A####", "#A###", "AA###", "##A##", "A##A#"])
            return "".join(
                r.choice(PLATE_LETTERS) if s == "A" else r.choice("0123456789") for s in shape
            )

        return self._take(serial)

    def new_energy_small(self, energy: str) -> str:
        r = self.rng
        letter = "D" if energy == "bev" else "F"
        return self._take(
            lambda: (
                letter + r.choice(PLATE_CHARS) + "".join(r.choice("0123456789") for _ in range(4))
            )
        )

    def new_energy_large(self, energy: str) -> str:
        r = self.rng
        letter = "D" if energy == "bev" else "F"
        return self._take(lambda: "".join(r.choice("0123456789") for _ in range(5)) + letter)


# --- people ---------------------------------------------------------------------------


def _weighted(rng: random.Random, pairs):
    items, weights = zip(*pairs, strict=True)
    return rng.choices(items, weights=weights)[0]


def _given_name(rng: random.Random, birth_year: int, sex: str) -> str:
    if birth_year < 1966:
        pool = data.GIVEN_OLD_M if sex == "M" else data.GIVEN_OLD_F
    elif birth_year < 1986:
        pool = data.GIVEN_MID_M if sex == "M" else data.GIVEN_MID_F
    else:
        pool = data.GIVEN_YOUNG_M if sex == "M" else data.GIVEN_YOUNG_F
    return rng.choice(pool.split())


def _address(rng: random.Random, district: str) -> str:
    street = rng.choice(data.STREETS[district])
    flat = (
        f"{rng.randint(1, 30)}幢{rng.randint(1, 6)}0{rng.randint(1, 4)}室"
        if rng.random() < 0.7
        else ""
    )
    return f"浙江省宁波市{district}{street}{rng.randint(1, 999)}号{flat}"


def _mobile(rng: random.Random) -> str:
    return rng.choice(data.MOBILE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}"


def _person(rng, *, name, birth, sex, county, district, used, phone=None) -> PersonRow:
    order = rng.randrange(0, 500) * 2 + (1 if sex == "M" else 0)
    number = resident_id(county, birth, order % 1000)
    while number in used:
        order = (order + 2) % 1000
        number = resident_id(county, birth, order)
    used.add(number)
    return PersonRow(
        name=name,
        id_number=number,
        birth_date=birth,
        sex=sex,
        phone=phone if phone is not None else _mobile(rng),
        address=_address(rng, district),
    )


def build_people(rng: random.Random) -> list[PersonRow]:
    used: set[str] = set()
    people = [
        # The demo citizen: 69, ID issued in 鄞州区 (a code created in 2002, long after 1957).
        _person(
            rng,
            name="张国平",
            birth=dt.date(1957, 6, 18),
            sex="M",
            county="330212",
            district="鄞州区",
            used=used,
        ),
        # For assisted service: 74, a landline only, ID from 奉化区 (a code created in 2016).
        _person(
            rng,
            name="王秀英",
            birth=dt.date(1952, 9, 3),
            sex="F",
            county="330213",
            district="奉化区",
            used=used,
            phone="0574-88851234",
        ),
    ]
    elderly = round(data.PEOPLE * data.ELDERLY_SHARE)
    counties = [(code, weight) for code, _name, weight in data.COUNTIES]
    for i in range(2, data.PEOPLE):
        if i < elderly:
            birth_year = rng.randint(1938, 1964)
        else:
            birth_year = _weighted(
                rng,
                [
                    (rng.randint(1965, 1974), 2),
                    (rng.randint(1975, 1998), 6),
                    (rng.randint(1999, 2006), 2),
                ],
            )
        birth = dt.date(birth_year, 1, 1) + dt.timedelta(days=rng.randrange(365))
        sex = rng.choice("MF")
        county = _weighted(rng, counties)
        if county == "330213" and birth_year >= 1966:
            county = "330283"  # 奉化市 (1989–2016) for those who were registered before 2016
        if county == "330204" and birth_year >= 2005:
            county = "330212"
        district = rng.choice(data.RESIDENCE_DISTRICTS)
        name = rng.choice(data.SURNAMES) + _given_name(rng, birth_year, sex)
        phone = (
            "0574-" + f"8{rng.randint(0, 9_999_999):07d}"
            if birth_year < 1950 and rng.random() < 0.4
            else None
        )
        people.append(
            _person(
                rng,
                name=name,
                birth=birth,
                sex=sex,
                county=county,
                district=district,
                used=used,
                phone=phone,
            )
        )
    # Shuffle the elderly among the rest, keeping the two named people first.
    rest = people[2:]
    rng.shuffle(rest)
    return people[:2] + rest


def build_organisations(rng: random.Random, today: dt.date) -> list[OrgRow]:
    """Partners granted from a fixed day in 2023–24, valid until the first anniversary of
    that day at least half a year away (so the demo partners can always work), except
    the second scrapyard, whose authorisation runs out in 30 days (for supervisors)."""
    rows = []
    for seed in data.ORGANISATIONS:
        start = until = None
        if seed.services:
            start = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(700))
            until = dt.date(today.year, start.month, min(start.day, 28))
            while until < today + dt.timedelta(days=180):
                until = dt.date(until.year + 1, until.month, until.day)
        rows.append(
            OrgRow(
                seed=seed,
                uscc=make_uscc(seed.area, rng),
                authorised_from=start,
                authorised_until=until,
            )
        )
    expiring = [r for r in rows if r.seed.kind == "scrapyard"][1]
    assert expiring.authorised_from is not None  # scrapyards are partners: granted
    expiring.authorised_until = max(expiring.authorised_from, today + dt.timedelta(days=30))
    return rows
