"""The import writes on PostgreSQL with COPY from the cleaned values, without model instances
(``importer.tables``): its rows must be the rows Django would have written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from cheguan.core.actor import Actor
from cheguan.registry.importer import KINDS, import_csv
from cheguan.registry.importer.rows import Cells
from cheguan.registry.importer.tables import Table
from cheguan.registry.models import Organisation, Vehicle
from tests.factories import resident_id, uscc, vin

pytestmark = pytest.mark.django_db

PERSON = resident_id(dt.date(1970, 4, 5), seq=3)

# One row of every kind, its optional columns filled where that changes the row.
ROWS = {
    "people": {"name": " 陈阿公 ", "id_number": PERSON, "phone": "13812345678", "address": "某路"},
    "organisations": {
        "name": "某保险公司",
        "uscc": uscc(3),
        "kind": "insurer",
        "latitude": "29.8683",
        "longitude": "121.544",
    },
    "vehicles": {
        "vin": vin(3),
        "engine_number": "e-3",
        "make": "大众",
        "model": "朗逸",
        "vehicle_type": "K33",
        "seats": "5",
        "manufacture_date": "2020-01-02",
        "owner_id_number": PERSON,
        "plate_number": "浙B12345",
        "inspection_valid_until": "2026/3/1",
    },
    "violations": {
        "vin": vin(3),
        "occurred_at": "2026-02-01 08:30",
        "code": "1625",
        "description": "闯红灯",
        "points": "6",
        "processed": "是",
        "processed_at": "2026-02-02 09:00",
    },
    "accidents": {"vin": vin(3), "occurred_on": "2025-07-07", "with_casualties": "no"},
    "insurance": {
        "vin": vin(3),
        "policy_number": "P-1",
        "valid_from": "2025-03-03",
        "valid_until": "2026-03-02",
        "insurer_uscc": uscc(3),
    },
    "taxes": {"vin": vin(3), "year": "2025", "status": "paid"},
    "modifications": {"vin": vin(3), "decided_on": "2025-01-01", "description": "加装"},
    "encumbrances": {
        "vin": vin(3),
        "kind": "mortgage",
        "authority": "某银行",
        "started_on": "2024-01-01",
        "released_on": "2025-01-01",
    },
}


def _comparable(value):
    """A value with its type; JSON is compared by what it wraps, and psycopg's ``Int2`` (how
    Django marks a small integer for a query's parameters) as the int it is: COPY writes
    both as the same digits."""
    wrapped = getattr(value, "obj", value)
    if isinstance(wrapped, int) and not isinstance(wrapped, bool):
        return int, int(wrapped)
    return type(wrapped), wrapped


def test_every_kind_has_a_sample_row():
    assert set(ROWS) == set(KINDS)


@pytest.mark.pg_only(reason="COPY is how the import writes on PostgreSQL")
@pytest.mark.parametrize("kind", list(KINDS))
def test_copy_rows_are_the_rows_django_would_write(kind, office, clock):
    clock.set_now(dt.datetime(2026, 3, 2, 10, 0))
    draft = KINDS[kind].parse(Cells(ROWS[kind]))
    found = {(ref.table, ref.key): 4242 + n for n, ref in enumerate(draft.refs.values())}
    table = Table(KINDS[kind], office)
    [obj] = table.instances([draft], found)
    django = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in table.fields]
    [row] = table.copy_rows([draft], found)
    assert [_comparable(v) for v in row] == [_comparable(v) for v in django]


def test_defaults_a_row_leaves_out_are_written(office, make):
    """The fields no column fills (a vehicle's default status, an organisation's empty list
    of authorised services) read back as a model created by hand would have them."""
    owner = make.person(office_obj=office)
    run = {"actor": Actor.system(), "office": office}
    import_csv(
        **run, kind="organisations", data=f"name,uscc,kind\n某公司,{uscc(4)},dealer\n".encode()
    )
    header = "vin,engine_number,make,model,vehicle_type,seats,manufacture_date,owner_id_number"
    import_csv(
        **run,
        kind="vehicles",
        data=f"{header}\n{vin(4)},E4,大众,朗逸,K33,5,2020-01-02,{owner.id_number}\n".encode(),
    )
    org = Organisation.objects.get(uscc=uscc(4))
    assert (org.authorised_services, org.authorisation_status) == ([], "none")
    car = Vehicle.objects.get(vin=vin(4))
    assert (car.status, car.use_nature, car.energy_type, car.plate_number) == (
        "registered",
        "A",
        "fuel",
        None,
    )
    assert car.owner_person_id == owner.pk and car.owner_organisation_id is None
