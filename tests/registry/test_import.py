"""``cheguan import``: all rows or none, every bad row reported with line, column, reason."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cheguan.audit.models import AuditEvent
from cheguan.core.actor import Actor
from cheguan.core.errors import PERMISSION_DENIED, DomainError
from cheguan.registry.importer import KINDS, ImportRejected, import_csv
from cheguan.registry.models import (
    Accident,
    Encumbrance,
    InsurancePolicy,
    ModificationPenalty,
    Organisation,
    Person,
    Vehicle,
    VehicleTax,
    Violation,
)
from tests.factories import resident_id, uscc, vin

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
ELDER = resident_id(dt.date(1951, 2, 3), address="330203", sex="M", seq=1)  # county from 1983
WOMAN = resident_id(dt.date(1988, 8, 8), address="330205", sex="F", seq=2)
WITH_X = next(
    n for n in (resident_id(dt.date(1960, 5, 5), seq=s) for s in range(200)) if n.endswith("X")
)


def csv_bytes(*lines: str, bom: bool = False) -> bytes:
    return (("\ufeff" if bom else "") + "\n".join(lines) + "\n").encode()


def run(kind: str, *lines: str, office=None, actor=None, **kw):
    from tests import factories

    return import_csv(
        actor=actor or Actor.system(),
        office=office or factories.office(),
        kind=kind,
        data=csv_bytes(*lines, **kw),
    )


def rejected(kind: str, *lines: str, **kw) -> list[tuple[int, str | None, str]]:
    with pytest.raises(ImportRejected) as e:
        run(kind, *lines, **kw)
    return [(p.line, p.field, p.error.code) for p in e.value.problems]


def imported_events() -> list[dict]:
    return [e.data for e in AuditEvent.objects.filter(action="registry.imported")]


PEOPLE_HEADER = "name,id_number,phone,address"


def test_a_good_people_file_imports_every_row_with_one_audit_event(city, clock):
    before = Person.objects.count()
    result = run(
        "people",
        PEOPLE_HEADER,
        f"陈阿公,{ELDER},13800001111,宁波市海曙区某路1号",
        f"林小梅,{WOMAN},,",
        f"吴大伟,{WITH_X.lower()},0574-87000000,",
        bom=True,
    )
    assert (result.kind, result.rows) == ("people", 3)
    assert Person.objects.count() == before + 3
    elder = Person.objects.get(id_number=ELDER)
    assert (elder.birth_date, elder.is_elderly, elder.office) == (
        dt.date(1951, 2, 3),
        True,
        city.office,
    )
    assert Person.objects.filter(id_number=WITH_X).exists()
    assert imported_events() == [{"kind": "people", "rows": 3, "sha256": result.sha256}]
    assert not AuditEvent.objects.filter(action="registry.person_registered").exists()


def test_three_bad_rows_anywhere_are_all_reported_and_nothing_is_saved(city):
    before = Person.objects.count()
    problems = rejected(
        "people",
        PEOPLE_HEADER,
        f"坏号码,{ELDER[:17]}0,,",  # line 2: wrong check digit
        f"陈阿公,{ELDER},,",
        f"林小梅,{WOMAN},,",
        f"吴大伟,{WITH_X},12345,",  # line 5: not a phone
        "",  # a blank line is skipped, but still counted
        f",{resident_id(dt.date(1970, 1, 1), seq=9)},,",  # line 7: no name
    )
    assert problems == [
        (2, "id_number", "registry.invalid_id_number"),
        (5, "phone", "registry.invalid_phone"),
        (7, "name", "registry.import_value_required"),
    ]
    assert Person.objects.count() == before
    assert imported_events() == []


def test_duplicates_within_the_file_name_the_first_line(city):
    problems = rejected(
        "people",
        PEOPLE_HEADER,
        f"陈阿公,{ELDER},,",
        f"林小梅,{WOMAN},,",
        f"陈阿公,{ELDER.lower()},,",
    )
    assert problems == [(4, "id_number", "registry.import_duplicate_in_file")]


def test_a_person_already_registered_is_a_duplicate(city):
    problems = rejected("people", PEOPLE_HEADER, f"王建国,{city.elder.id_number},,")
    assert problems == [(2, "id_number", "registry.duplicate_person")]


def test_messages_say_what_was_expected(city):
    with pytest.raises(ImportRejected) as e:
        run("people", PEOPLE_HEADER, f"陈阿公,{ELDER},,", f"陈阿公,{ELDER},,")
    assert e.value.problems[0].error.message_in("en") == "This duplicates line 2 of the file."
    assert e.value.problems[0].error.message_in("zh-hans") == "与本文件第 2 行重复。"


def test_missing_and_unknown_columns_are_reported_on_line_one(city):
    assert rejected("people", "name,id_numbr,phone", f"陈阿公,{ELDER},") == [
        (1, None, "registry.import_missing_columns"),
        (1, None, "registry.import_unknown_columns"),
    ]


def test_a_file_that_is_not_utf8_is_refused(city):
    with pytest.raises(ImportRejected) as e:
        import_csv(
            actor=Actor.system(),
            office=city.office,
            kind="people",
            data=f"{PEOPLE_HEADER}\n陈阿公,{ELDER},,\n".encode("gbk"),
        )
    assert [p.error.code for p in e.value.problems] == ["registry.import_not_utf8"]


def test_line_numbers_follow_quoted_cells_that_span_lines(city):
    problems = rejected(
        "people",
        PEOPLE_HEADER,
        f'陈阿公,{ELDER},,"宁波市海曙区\n某路1号"',
        f"林小梅,{WOMAN},bad,",
    )
    assert problems == [
        (2, "address", "registry.invalid_text"),  # an address is one line
        (4, "phone", "registry.invalid_phone"),
    ]


def test_a_row_with_more_cells_than_columns_is_reported(city):
    assert rejected("people", PEOPLE_HEADER, f"陈阿公,{ELDER},,,extra") == [
        (2, None, "registry.import_extra_cells")
    ]


def test_only_an_admin_or_the_system_may_import(city):
    with pytest.raises(DomainError) as e:
        run("people", PEOPLE_HEADER, f"陈阿公,{ELDER},,", actor=Actor(user=city.clerk))
    assert e.value.error is PERMISSION_DENIED
    run("people", PEOPLE_HEADER, f"陈阿公,{ELDER},,", actor=Actor(user=city.admin))
    assert AuditEvent.objects.get(action="registry.imported").actor_id == city.admin.pk


def test_an_import_is_set_based_not_row_by_row(city):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rows = [
        f"某人{i},{resident_id(dt.date(1980, 1, 1) + dt.timedelta(days=i))},," for i in range(300)
    ]
    with CaptureQueriesContext(connection) as ctx:
        result = run("people", PEOPLE_HEADER, *rows)
    sql = [q["sql"] for q in ctx.captured_queries]
    assert result.rows == 300
    assert sum('INSERT INTO "registry_person"' in q for q in sql) <= 3  # batches, not rows
    assert sum('FROM "registry_person"' in q for q in sql) == 1  # one duplicate check
    assert sum('INSERT INTO "audit_auditevent"' in q for q in sql) == 1


# --- organisations and vehicles ------------------------------------------------------------


def test_organisations_import_with_the_early_code_flagged(city):
    run(
        "organisations",
        "name,uscc,kind,latitude,longitude",
        f"宁波某汽车销售服务有限公司,{uscc(7001)},dealer,29.8683,121.5440",
        "厦门早期试点公司,91350200M000100Y43,insurer,,",
    )
    early = Organisation.objects.get(uscc="91350200M000100Y43")
    assert (early.kind, early.uscc_checksum_warning) == ("insurer", True)
    assert str(Organisation.objects.get(uscc=uscc(7001)).latitude) == "29.868300"


VEHICLE_HEADER = (
    "vin,engine_number,make,model,vehicle_type,seats,manufacture_date,owner_id_number,"
    "owner_uscc,energy_type,plate_number,status"
)


def test_vehicles_refer_to_their_owners_by_id_number_or_credit_code(city):
    org = city.dealer_a.organisation
    run(
        "vehicles",
        VEHICLE_HEADER,
        f"{vin(9001)},E9001,比亚迪,秦,K33,5,2023-01-05,{city.young.id_number.lower()},,bev,浙BD12345,",
        f"{vin(9002)},E9002,五菱,宏光,K39,7,2015-06-01,,{org.uscc},fuel,,",
    )
    assert Vehicle.objects.get(vin=vin(9001)).owner_person == city.young
    second = Vehicle.objects.get(vin=vin(9002))
    assert (second.owner_organisation, second.plate_number) == (org, None)


def test_vehicles_of_unknown_people_are_reported_and_nothing_is_saved(city, make):
    stranger = make.person(office_obj=city.elsewhere, name="赵钱孙")
    problems = rejected(
        "vehicles",
        VEHICLE_HEADER,
        f"{vin(9001)},E9001,比亚迪,秦,K33,5,2023-01-05,{city.young.id_number},,bev,,",
        f"{vin(9002)},E9002,大众,朗逸,K33,5,2023-01-05,{resident_id(dt.date(1990, 1, 1))},,fuel,,",
        f"{vin(9003)},E9003,大众,朗逸,K33,5,2023-01-05,{stranger.id_number},,fuel,,",
        f"{vin(9004)},E9004,大众,朗逸,K33,5,2023-01-05,,,fuel,,",
    )
    assert problems == [
        (3, "owner_id_number", "registry.import_unknown_reference"),
        (4, "owner_id_number", "registry.import_unknown_reference"),
        (5, "owner_id_number", "registry.import_one_owner"),
    ]
    assert not Vehicle.objects.filter(vin=vin(9001)).exists()


def test_vehicle_vins_and_active_plates_are_unique(city):
    young = city.young.id_number
    problems = rejected(
        "vehicles",
        VEHICLE_HEADER,
        f"{city.young_car.vin},E1,大众,朗逸,K33,5,2023-01-05,{young},,fuel,,",
        f"{vin(9001)},E2,大众,朗逸,K33,5,2023-01-05,{young},,fuel,浙B12345,",
        f"{vin(9002)},E3,大众,朗逸,K33,5,2023-01-05,{young},,fuel,浙B12345,deregistered",
        f"{vin(9003)},E4,大众,朗逸,K33,5,2023-01-05,{young},,fuel,浙B77777,",
        f"{vin(9004)},E5,大众,朗逸,K33,5,2023-01-05,{young},,fuel,浙B77777,",
    )
    assert problems == [
        (2, "vin", "registry.duplicate_vin"),
        (3, "plate_number", "registry.plate_in_use"),
        (6, "plate_number", "registry.import_duplicate_in_file"),
    ]


# --- records ------------------------------------------------------------------------------


def test_violation_insurance_and_accident_files_import(city):
    car, other = city.elder_car.vin, city.young_car.vin
    run(
        "violations",
        "vin,occurred_at,code,description,points,fine_yuan,processed",
        f"{car},2026-02-01 08:30,1625,闯红灯,6,200,否",
        f"{other},2025-12-24 21:05,1345,超速,3,200,yes",
    )
    run(
        "insurance",
        "vin,policy_number,valid_from,valid_until",
        f"{car},PDAA2025330200000001,2025-03-03,2026-03-02",
    )
    run(
        "accidents",
        "vin,occurred_on,with_casualties,description",
        f"{car},2025-07-07,是,追尾",
        f"{other},2025-07-08,no,",
    )
    first = Violation.objects.get(vehicle=city.elder_car)
    assert (first.code, first.points, first.processed) == ("1625", 6, False)
    assert first.occurred_at == dt.datetime(2026, 2, 1, 0, 30, tzinfo=dt.UTC)  # 08:30 local
    assert Violation.objects.get(vehicle=city.young_car).processed is True
    assert InsurancePolicy.objects.get().valid_until == dt.date(2026, 3, 2)
    assert list(
        Accident.objects.order_by("occurred_on").values_list("with_casualties", flat=True)
    ) == [
        True,
        False,
    ]
    assert [e["kind"] for e in imported_events()] == ["violations", "insurance", "accidents"]


def test_record_rows_are_checked_and_re_importing_the_same_file_is_refused(city):
    car = city.elder_car.vin
    lines = ("vin,occurred_at,code,description", f"{car},2026-02-01 08:30,1625,闯红灯")
    run("violations", *lines)
    assert rejected("violations", *lines) == [(2, "vin", "registry.duplicate_record")]
    assert rejected(
        "violations",
        "vin,occurred_at,code,description,points",
        f"{vin(9999)},2026-02-01 08:30,1625,闯红灯,",
        f"{car},2026-02-31 08:30,1625,闯红灯,",
        f"{car},2026-03-03 08:30,1625,闯红灯,",
        f"{car},2026-02-01 08:30,1625,闯红灯,13",
    ) == [
        (2, "vin", "registry.import_unknown_reference"),
        (3, "occurred_at", "registry.invalid_datetime"),
        (4, "occurred_at", "registry.date_in_future"),
        (5, "points", "registry.invalid_whole_number"),
    ]
    assert Violation.objects.count() == 1


def test_taxes_modifications_and_encumbrances_import(city):
    car = city.elder_car.vin
    run("taxes", "vin,year,status", f"{car},2025,paid", f"{car},2026,unpaid")
    run("modifications", "vin,decided_on,description", f"{car},2025-09-09,加装尾翼")
    run(
        "encumbrances",
        "vin,kind,authority,started_on,released_on",
        f"{car},mortgage,宁波银行,2024-01-01,",
        f"{city.young_car.vin},seizure,海曙区人民法院,2025-01-01,2025-06-01",
    )
    assert list(VehicleTax.objects.order_by("year").values_list("year", "status")) == [
        (2025, "paid"),
        (2026, "unpaid"),
    ]
    assert ModificationPenalty.objects.get().description == "加装尾翼"
    assert Encumbrance.objects.count() == 2
    city.elder_car.refresh_from_db()
    city.young_car.refresh_from_db()
    assert (city.elder_car.status, city.young_car.status) == ("mortgaged", "registered")
    assert rejected("taxes", "vin,year,status", f"{car},2026,paid") == [
        (2, "vin", "registry.duplicate_record")
    ]


# --- the command ------------------------------------------------------------------------------


def write(tmp_path, *lines: str) -> str:
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes(*lines))
    return str(path)


def test_command_imports_a_good_file(city, tmp_path, capsys):
    path = write(tmp_path, PEOPLE_HEADER, f"陈阿公,{ELDER},,", f"林小梅,{WOMAN},,")
    call_command("import", "people", path, "--office", "330200")
    assert "Imported 2 people into 宁波市车管所 (浙B) from people.csv." in capsys.readouterr().out


def test_command_lists_every_bad_row_and_exits_with_1(city, tmp_path, capsys):
    path = write(tmp_path, PEOPLE_HEADER, f"陈阿公,{ELDER[:17]}0,,", f"林小梅,{WOMAN},123,")
    with pytest.raises(CommandError) as e:
        call_command("import", "people", path, "--office", "330200", "--language", "en")
    assert e.value.returncode == 1
    assert str(e.value) == "2 problem(s) in people.csv; nothing was imported."
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "people.csv: line 2, id_number: A resident ID number has 18 characters: a 6-digit address "
        "code, an 8-digit birth date, a 3-digit sequence and a check character (digit or X). "
        "The check character does not match; check for a typo. [registry.invalid_id_number]",
        "people.csv: line 3, phone: A mobile number has 11 digits starting with 1; a landline "
        "may be written 0574-12345678. [registry.invalid_phone]",
    ]
    assert not Person.objects.filter(id_number=WOMAN).exists()


@pytest.mark.parametrize(
    ("tag", "refused"), [("security", True), ("models", True), ("urls", False)]
)
def test_command_runs_the_system_checks_about_what_it_touches(
    city, tmp_path, monkeypatch, tag, refused
):
    """The production settings, the models and the database are checked before an import;
    the URL checks (which import every view) are left to `cheguan check`."""
    from django.core import checks
    from django.core.management.base import SystemCheckError

    from cheguan.core import checks as ours

    monkeypatch.setattr(ours, "production_problems", list)  # the test settings' own finding

    def broken(app_configs, **kwargs):
        return [checks.Error("broken for the test", id="tests.E001")]

    checks.register(broken, tag)
    try:
        path = write(tmp_path, PEOPLE_HEADER, f"陈阿公,{ELDER},,")
        if refused:
            with pytest.raises(SystemCheckError, match=r"tests\.E001"):
                call_command("import", "people", path, "--office", "330200", skip_checks=False)
        else:
            call_command("import", "people", path, "--office", "330200", skip_checks=False)
    finally:
        checks.registry.registry.registered_checks.discard(broken)
    assert Person.objects.filter(id_number=ELDER).exists() is not refused


def test_command_asks_for_an_office_when_there_are_several(city, tmp_path):
    path = write(tmp_path, PEOPLE_HEADER, f"陈阿公,{ELDER},,")
    with pytest.raises(CommandError, match="several offices"):
        call_command("import", "people", path)
    with pytest.raises(CommandError, match="No office with code 999999"):
        call_command("import", "people", path, "--office", "999999")


def test_every_column_is_documented_in_the_help_and_in_docs_import_md():
    command = importlib.import_module("cheguan.registry.management.commands.import")
    help_text = command.columns_help()
    sections = {
        part.split("\n", 1)[0].strip(): part
        for part in (ROOT / "docs" / "import.md").read_text().split("\n### ")[1:]
    }
    assert list(sections) == list(KINDS)
    for kind in KINDS.values():
        assert f"\n{kind.name}: {kind.help}" in help_text
        for column in kind.columns:
            mark = "*" if column.required else " "
            assert f"{mark} {column.name} " in help_text
            required = "yes" if column.required else ""
            assert f"| `{column.name}` | {required} |" in sections[kind.name], column.name


# --- streaming: batches inserted as they are checked, all rolled back on a bad row ------------


def test_a_bad_row_after_batches_were_inserted_leaves_nothing(city, monkeypatch):
    from cheguan.registry.importer import run as importer

    monkeypatch.setattr(importer, "BATCH", 2)
    before = Person.objects.count()
    people = [resident_id(dt.date(1980, 1, 1) + dt.timedelta(days=i)) for i in range(5)]
    problems = rejected(
        "people",
        PEOPLE_HEADER,
        *(f"某人{i},{number},," for i, number in enumerate(people)),  # lines 2-6, 3 batches
        f"重复,{people[0]},,",  # line 7 repeats line 2, inserted two batches earlier
        f"坏号码,{ELDER[:17]}0,,",  # line 8
    )
    assert problems == [
        (7, "id_number", "registry.import_duplicate_in_file"),
        (8, "id_number", "registry.invalid_id_number"),
    ]
    assert Person.objects.count() == before
    assert imported_events() == []


def test_progress_is_told_the_rows_read_after_each_batch(city, monkeypatch):
    from cheguan.registry.importer import run as importer

    monkeypatch.setattr(importer, "BATCH", 2)
    seen: list[int] = []
    rows = [
        f"某人{i},{resident_id(dt.date(1990, 1, 1) + dt.timedelta(days=i))},," for i in range(5)
    ]
    result = import_csv(
        actor=Actor.system(),
        office=city.office,
        kind="people",
        data=csv_bytes(PEOPLE_HEADER, *rows),
        progress=seen.append,
    )
    assert result.rows == 5
    assert seen == [2, 4, 5]


def test_a_file_is_read_as_a_stream(city, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes(PEOPLE_HEADER, f"陈阿公,{ELDER},,", bom=True))
    with path.open("rb") as stream:
        result = import_csv(actor=Actor.system(), office=city.office, kind="people", data=stream)
        assert not stream.closed  # the caller's file stays the caller's
    assert result.rows == 1
    assert result.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_repeated_key_names_the_line_it_was_first_on_within_and_across_batches(city, monkeypatch):
    from cheguan.registry.importer import run as importer

    monkeypatch.setattr(importer, "BATCH", 3)
    with pytest.raises(ImportRejected) as e:
        run(
            "people",
            PEOPLE_HEADER,
            f"陈阿公,{ELDER},,",  # line 2, batch 1
            f"林小梅,{WOMAN},,",  # line 3
            f"陈阿公,{ELDER},,",  # line 4: repeats line 2 within the batch
            f"林小梅,{WOMAN},,",  # line 5, batch 2: repeats line 3 of batch 1
            f"林小梅,{WOMAN},,",  # line 6: still line 3, not line 5
            f"某人,{WITH_X},,",  # line 7
            f"某人,{WITH_X},,",  # line 8, batch 3: repeats line 7 of batch 2
        )
    named = [(p.line, p.error.code, p.error.params["line"]) for p in e.value.problems]
    duplicate = "registry.import_duplicate_in_file"
    assert named == [(4, duplicate, 2), (5, duplicate, 3), (6, duplicate, 3), (8, duplicate, 7)]


@pytest.mark.pg_only(reason="the planner's statistics are PostgreSQL's")
def test_the_planner_is_told_how_big_the_tables_have_grown(city, make):
    """A table that grew since it was analysed is analysed before its look-ups are planned:
    the people bulk-created here (as an import just before would have), and the import's
    own table as it grows past the rows its statistics know of."""
    from django.db import connection

    def planner_rows(table: str) -> float:
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            return cursor.fetchone()[0]

    born = dt.date(1960, 1, 1)
    Person.objects.bulk_create(
        Person(
            office=city.office,
            name="某人",
            id_number=resident_id(born + dt.timedelta(days=i // 400), seq=i % 400),
            created_at=city.elder.created_at,
        )
        for i in range(3000)
    )
    assert planner_rows("registry_person") < 3000
    rows = [
        f"{vin(9000 + i)},E{i},大众,朗逸,K33,5,2020-01-02,{city.elder.id_number}"
        for i in range(2500)
    ]
    header = "vin,engine_number,make,model,vehicle_type,seats,manufacture_date,owner_id_number"
    assert run("vehicles", header, *rows).rows == 2500
    assert planner_rows("registry_person") >= 3000
    assert planner_rows("registry_vehicle") >= 2000


@pytest.mark.pg_only(reason="random_page_cost is PostgreSQL's")
@pytest.mark.parametrize(("session", "during"), [("4", "1.1"), ("1", "1")])
def test_the_import_lowers_the_cost_of_a_page_for_itself_only(city, monkeypatch, session, during):
    from django.db import connection

    from cheguan.registry.importer.tables import Table

    def page_cost() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('random_page_cost')")
            return cursor.fetchone()[0]

    seen: list[str] = []
    insert = Table.insert
    monkeypatch.setattr(Table, "insert", lambda *a: (seen.append(page_cost()), insert(*a)))
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('random_page_cost', %s, true)", [session])
    run("people", PEOPLE_HEADER, f"陈阿公,{ELDER},,")
    assert (seen, page_cost()) == ([during], session)
    with pytest.raises(ImportRejected):
        run("people", PEOPLE_HEADER, f"陈阿公,{ELDER},,")  # a rejected import, rolled back
    assert page_cost() == session
