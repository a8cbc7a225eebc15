"""The demo city's vehicles and the records that block services (plain rows, no database).

``identity`` decides what each vehicle is and who owns it; ``moment`` decides what is
relative to today (policies lapsed, inspection overdue, violations still open).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from cheguan.demo import data
from cheguan.demo.build import (
    City,
    OrgRow,
    PersonRow,
    PlateMaker,
    VehicleRow,
    build_organisations,
    build_people,
    make_vin,
)

LARGE_TYPES = {"K11", "H11"}
CITIZEN_VEHICLES = [
    # (model make/model, registered, energy): the demo citizen's three and the assisted
    # citizen's one. The registration dates here only fix their identity (VIN, plate); the
    # dates that make the story are laid relative to today by ``lay_story``.
    ("朗逸", dt.date(2018, 2, 20), "fuel"),
    ("秦PLUS", dt.date(2022, 1, 15), "bev"),
    ("宏光", dt.date(2015, 8, 8), "fuel"),
    ("雅阁", dt.date(2018, 1, 10), "fuel"),
]


@dataclass(frozen=True)
class StoryCar:
    """One car of the demo story (docs/adr/0016-demo-relative-to-today.md): its index in
    the city's vehicles, its inspection due date counted from today, and its age in whole
    years on that date (``None``: keep the registration date, the car is not exempt)."""

    index: int
    role: str
    due_in_days: int
    age_at_due: int | None


# ``citizen`` (张国平, 69): one car that gets its mark online now (exempt, year 4, window
# open, insured, tax-exempt BEV); one refused with two reasons to sort out (an unprocessed
# violation, no 交强险 on record), window open, year 8; one minivan that must be tested at a
# station. 王秀英 (74, the help desk): an exempt car in year 8 whose window is open.
STORY = (
    StoryCar(0, "refused", 50, 8),
    StoryCar(1, "ready", 30, 4),
    StoryCar(2, "station", 45, None),
    StoryCar(3, "assisted", 20, 8),
)


def _model(name: str) -> data.Model:
    return next(m for m in data.MODELS if m.model == name)


def _anniversary(reg: dt.date, year: int) -> dt.date:
    return dt.date(year, reg.month, min(reg.day, 28))


def next_anniversary(reg: dt.date, today: dt.date) -> dt.date:
    """The first anniversary of ``reg`` after today."""
    day = _anniversary(reg, today.year)
    return day if day > today else _anniversary(reg, today.year + 1)


def _plate(plates: PlateMaker, model: data.Model, energy: str) -> tuple[str, str]:
    if energy in {"bev", "phev", "fcev"}:
        if model.vehicle_type in LARGE_TYPES:
            return "51", plates.new_energy_large(energy)
        return "52", plates.new_energy_small(energy)
    return ("01" if model.vehicle_type in LARGE_TYPES else "02"), plates.fuel()


def _use_nature(model: data.Model, rng: random.Random) -> str:
    if model.vehicle_type.startswith("H"):
        return "F"  # 货运
    if model.vehicle_type == "K11":
        return "B"  # 公路客运
    if model.vehicle_type == "K33" and rng.random() < 0.02:
        return "D"  # 出租客运
    return "A"  # 非营运


def _vehicle(
    identity: random.Random,
    plates: PlateMaker,
    serial: int,
    model: data.Model,
    registered: dt.date,
    energy: str,
    *,
    person: int | None = None,
    organisation: int | None = None,
) -> VehicleRow:
    made = registered - dt.timedelta(days=identity.randint(10, 120))
    kind, plate = _plate(plates, model, energy)
    return VehicleRow(
        vin=make_vin(model, made.year, serial, identity),
        engine_number=f"{model.engine_prefix}{identity.randint(100_000, 999_999)}",
        make=model.make,
        model=model.model,
        vehicle_type=model.vehicle_type,
        seats=identity.choice(model.seats),
        use_nature=_use_nature(model, identity),
        energy_type=energy,
        manufacture_date=made,
        first_registration_date=registered,
        plate_kind=kind,
        plate_number=plate,
        owner_person=person,
        owner_organisation=organisation,
    )


def _random_registration(identity: random.Random, model: data.Model, today: dt.date) -> dt.date:
    start = dt.date(max(2008, model.first_year), 1, 15)
    end = min(data.ANCHOR + dt.timedelta(days=300), today - dt.timedelta(days=1))
    return start + dt.timedelta(days=identity.randrange(max(1, (end - start).days)))


def _energy(identity: random.Random, model: data.Model, registered: dt.date) -> str:
    options = [e for e in model.energies if e == "fuel" or registered.year >= 2016]
    if "fuel" in options and len(options) > 1 and identity.random() < 0.5:
        return "fuel"
    return identity.choice(options)


def build_vehicles(
    identity: random.Random, people: list[PersonRow], orgs: list[OrgRow], today: dt.date
) -> list[VehicleRow]:
    plates = PlateMaker(identity, data.OFFICE["plate_prefix"])
    serial = iter(range(10_001, 99_999))
    vehicles = [
        _vehicle(identity, plates, next(serial), _model(m), reg, energy, person=0 if i < 3 else 1)
        for i, (m, reg, energy) in enumerate(CITIZEN_VEHICLES)
    ]
    fleet_owner = next(i for i, o in enumerate(orgs) if o.seed.kind == "other")
    for name, count in (("ZK6122", 4), ("豪沃", 4), ("J6F", 3)):
        model = _model(name)
        for _ in range(count):
            reg = _random_registration(identity, model, today)
            vehicles.append(
                _vehicle(
                    identity,
                    plates,
                    next(serial),
                    model,
                    reg,
                    _energy(identity, model, reg),
                    organisation=fleet_owner,
                )
            )
    private = [m for m in data.MODELS if m.vehicle_type not in LARGE_TYPES]
    weights = [m.weight for m in private]
    owners = range(2, len(people))
    while len(vehicles) < data.VEHICLES:
        model = identity.choices(private, weights=weights)[0]
        reg = _random_registration(identity, model, today)
        vehicles.append(
            _vehicle(
                identity,
                plates,
                next(serial),
                model,
                reg,
                _energy(identity, model, reg),
                person=identity.choice(owners),
            )
        )
    return vehicles


# --- records relative to today --------------------------------------------------------


def _policies(v: VehicleRow, today: dt.date, *, lapsed: bool, number: int) -> None:
    reg = v.first_registration_date
    start = _anniversary(reg, today.year)
    if start > today:
        start = _anniversary(reg, today.year - 1)
    start = max(start, reg)
    periods = [start]
    for back in (1, 2):
        earlier = _anniversary(reg, start.year - back)
        if earlier >= reg:
            periods.append(earlier)
    if lapsed and len(periods) > 1:
        periods = periods[1:]  # the current year was never insured
    for i, begin in enumerate(periods):
        until = _anniversary(reg, begin.year + 1) - dt.timedelta(days=1)
        v.policies.append(
            {
                "policy_number": f"PDZA{begin.year}3302{number:06d}{i:02d}",
                "valid_from": begin,
                "valid_until": until,
            }
        )


def _taxes(v: VehicleRow, today: dt.date, *, unpaid: bool) -> None:
    exempt = v.energy_type in {"bev", "phev", "fcev"}
    for year in range(max(v.first_registration_date.year, today.year - 2), today.year + 1):
        status = "exempt" if exempt else "paid"
        if unpaid and year == today.year:
            status = "unpaid"
        v.taxes.append({"year": year, "status": status})


def _violation(moment: random.Random, v: VehicleRow, now: dt.datetime, *, processed: bool) -> dict:
    code, text, points, fine = moment.choice(data.VIOLATIONS)
    earliest = max(
        dt.datetime.combine(v.first_registration_date, dt.time(8), now.tzinfo),
        now - dt.timedelta(days=700),
    )
    span = max(1, int((now - earliest).total_seconds() // 3600) - 24 * 40)
    occurred = earliest + dt.timedelta(hours=moment.randrange(span))
    row = {
        "occurred_at": occurred,
        "code": code,
        "description": text,
        "points": points,
        "fine_yuan": fine,
    }
    row["processed"] = processed
    done = min(now, occurred + dt.timedelta(days=moment.randint(3, 30)))
    row["processed_at"] = done if processed else None
    return row


def add_records(moment: random.Random, city: City, today: dt.date, now: dt.datetime) -> None:
    """Insurance and tax for every vehicle; violations, accidents, encumbrances for some."""
    for n, v in enumerate(city.vehicles):
        if n < len(CITIZEN_VEHICLES):
            continue  # the story's cars: ``lay_story`` below
        reg = v.first_registration_date
        old_enough = (today - reg).days > 400
        v.inspection_valid_until = next_anniversary(reg, today)
        if old_enough and moment.random() < 0.08:
            v.inspection_valid_until = _anniversary(reg, v.inspection_valid_until.year - 1)
        lapsed = old_enough and moment.random() < 0.07
        _policies(v, today, lapsed=lapsed, number=n + 1)
        _taxes(v, today, unpaid=v.energy_type == "fuel" and moment.random() < 0.06)
        if moment.random() < 0.2:
            for _ in range(moment.randint(1, 3)):
                v.violations.append(_violation(moment, v, now, processed=moment.random() < 0.5))
        if moment.random() < 0.06:
            casualties = moment.random() < 0.4
            v.accidents.append(
                {
                    "occurred_on": max(reg, today - dt.timedelta(days=moment.randint(20, 600))),
                    "with_casualties": casualties,
                    "settled": moment.random() < 0.6,
                    "description": moment.choice(data.ACCIDENTS)
                    + ("，致一人受伤" if casualties else ""),
                }
            )
        if moment.random() < 0.025:
            v.penalties.append(
                {
                    "decided_on": max(reg, today - dt.timedelta(days=moment.randint(30, 400))),
                    "description": moment.choice(data.MODIFICATIONS),
                }
            )
        _status(moment, v, today)
    lay_story(city.vehicles, today, now)


def _status(moment: random.Random, v: VehicleRow, today: dt.date) -> None:
    roll = moment.random()
    reg = v.first_registration_date
    if roll < 0.07:
        started = max(reg, today - dt.timedelta(days=moment.randint(30, 900)))
        v.status = "mortgaged"
        v.encumbrances.append(
            {
                "kind": "mortgage",
                "authority": moment.choice(data.MORTGAGE_HOLDERS),
                "started_on": started,
                "released_on": None,
            }
        )
    elif roll < 0.10:
        v.status = "seized"
        v.encumbrances.append(
            {
                "kind": "seizure",
                "authority": moment.choice(data.SEIZING_AUTHORITIES),
                "started_on": max(reg, today - dt.timedelta(days=moment.randint(5, 200))),
                "released_on": None,
            }
        )
    elif roll < 0.11:
        v.status = "stolen"
    elif roll < 0.13 and reg.year < 2016:
        v.status = "deregistered"
        v.inspection_valid_until = None
    elif roll < 0.16:
        started = max(reg, today - dt.timedelta(days=moment.randint(800, 2000)))
        released = min(
            today - dt.timedelta(days=1), started + dt.timedelta(days=moment.randint(300, 700))
        )
        if released > started:
            v.encumbrances.append(
                {
                    "kind": "mortgage",
                    "authority": moment.choice(data.MORTGAGE_HOLDERS),
                    "started_on": started,
                    "released_on": released,
                }
            )


def _years_before(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` earlier (day of month at most 28, so it always exists): a car
    registered then is exactly ``years`` whole years old on ``day``."""
    return dt.date(day.year - years, day.month, min(day.day, 28))


def lay_story(vehicles: list[VehicleRow], today: dt.date, now: dt.datetime) -> None:
    """The story's four cars, relative to ``today``: registration, due date, insurance, tax
    and violations, so that on any day each stands where ``STORY`` says."""
    for car in STORY:
        v = vehicles[car.index]
        due = today + dt.timedelta(days=car.due_in_days)
        if car.age_at_due is not None:
            v.first_registration_date = _years_before(due, car.age_at_due)
            v.manufacture_date = v.first_registration_date - dt.timedelta(days=45)
        v.inspection_valid_until = due
        v.status = "registered"
        v.policies, v.taxes, v.violations = [], [], []
        v.accidents, v.penalties, v.encumbrances = [], [], []
        _policies(v, today, lapsed=car.role == "refused", number=car.index + 1)
        _taxes(v, today, unpaid=False)
    refused = vehicles[STORY[0].index]
    occurred = now - dt.timedelta(days=12, hours=3)
    code, text, points, fine = data.VIOLATIONS[1]
    refused.violations.append(
        {
            "occurred_at": occurred,
            "code": code,
            "description": text,
            "points": points,
            "fine_yuan": fine,
            "processed": False,
            "processed_at": None,
        }
    )
    code, text, points, fine = data.VIOLATIONS[0]
    earlier = now - dt.timedelta(days=200)
    refused.violations.append(
        {
            "occurred_at": earlier,
            "code": code,
            "description": text,
            "points": points,
            "fine_yuan": fine,
            "processed": True,
            "processed_at": earlier + dt.timedelta(days=6),
        }
    )


def build_city(today: dt.date, now: dt.datetime) -> City:
    identity = random.Random(data.SEED)  # noqa: S311  (demo data, not secrets)
    people = build_people(identity)
    orgs = build_organisations(identity, today)
    city = City(
        people=people, organisations=orgs, vehicles=build_vehicles(identity, people, orgs, today)
    )
    moment = random.Random(data.SEED + 1)  # noqa: S311
    add_records(moment, city, today, now)
    return city
