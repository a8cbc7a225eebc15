"""The checks of one batch against the database: the records its rows refer to, found in
bulk, and its unique keys, against the rows read before it (a temporary table) and the
records already in the registry."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db import connection

from cheguan.core.errors import Bi
from cheguan.registry import errors
from cheguan.registry.importer.rows import Draft, Kind, RowProblem
from cheguan.registry.models import Office, Organisation, Person, Vehicle

LOOKUP = 1000  # keys per IN (…) look-up

_REFERENCE_WORDS = {
    "person": (Bi("证件号码", "ID number"), Bi("人员", "person")),
    "organisation": (Bi("统一社会信用代码", "credit code"), Bi("单位", "organisation")),
    "vehicle": (Bi("车辆识别代号", "VIN"), Bi("车辆", "vehicle")),
}


def chunks(values: Iterable, size: int = LOOKUP) -> Iterator[list]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def resolve(office: Office, drafts: list[tuple[int, Draft]]) -> tuple[dict, list[RowProblem]]:
    """Look up one batch's references in bulk: ``{(table, key): pk}``, plus the rows whose
    reference is unknown."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for _line, draft in drafts:
        for ref in draft.refs.values():
            wanted[ref.table].add(ref.key)
    found: dict[tuple[str, str], int] = {}
    sources = {
        "person": (Person.objects.filter(office=office), "id_number"),
        "organisation": (Organisation.objects.filter(office=office), "uscc"),
        "vehicle": (Vehicle.objects.filter(office=office), "vin"),
    }
    for table, keys in wanted.items():
        qs, lookup = sources[table]
        for chunk in chunks(sorted(keys)):
            for value, pk in qs.filter(**{f"{lookup}__in": chunk}).values_list(lookup, "pk"):
                found.setdefault((table, value), pk)
    problems = []
    for line, draft in drafts:
        for ref in draft.refs.values():
            if (ref.table, ref.key) not in found:
                thing, what = _REFERENCE_WORDS[ref.table]
                problems.append(
                    RowProblem(
                        line,
                        errors.IMPORT_UNKNOWN_REFERENCE(field=ref.column, thing=thing, record=what),
                    )
                )
                break
    return found, problems


class SeenKeys:
    """The unique keys of the rows read so far and the line each was first seen on, kept in a
    temporary table of the import's own transaction, not in memory: the duplicates within
    a file of any size are found with one indexed look-up per batch."""

    TABLE = "cheguan_import_keys"

    def __init__(self) -> None:
        self.cursor = connection.cursor()
        self.cursor.execute(f"DROP TABLE IF EXISTS {self.TABLE}")
        # Dropped with the import's transaction on PostgreSQL, so no server session keeps it
        # (PgBouncer in transaction mode hands sessions on); SQLite has no ON COMMIT.
        on_commit = " ON COMMIT DROP" if connection.vendor == "postgresql" else ""
        self.cursor.execute(
            f"CREATE TEMPORARY TABLE {self.TABLE} "
            "(pos integer NOT NULL, k text NOT NULL, line integer NOT NULL, PRIMARY KEY (pos, k))"
            + on_commit
        )

    def first_lines(self, position: int, keys: Iterable[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for chunk in chunks(keys):
            marks = ", ".join(["%s"] * len(chunk))
            self.cursor.execute(
                f"SELECT k, line FROM {self.TABLE} WHERE pos = %s AND k IN ({marks})",  # noqa: S608 (placeholders only)
                [position, *chunk],
            )
            found.update(self.cursor.fetchall())
        return found

    def add(self, position: int, first_lines: dict[str, int]) -> None:
        """COPY on PostgreSQL; elsewhere one multi-row INSERT per 300 keys."""
        if connection.vendor == "postgresql" and first_lines:
            with (
                connection.wrap_database_errors,
                self.cursor.cursor.copy(f"COPY {self.TABLE} (pos, k, line) FROM STDIN") as copy,
            ):
                for key, line in first_lines.items():
                    copy.write_row((position, key, line))
            return
        for chunk in chunks(first_lines.items(), 300):
            rows = ", ".join(["(%s, %s, %s)"] * len(chunk))
            self.cursor.execute(
                f"INSERT INTO {self.TABLE} (pos, k, line) VALUES {rows}",  # noqa: S608
                [value for key, line in chunk for value in (position, key, line)],
            )

    def drop(self) -> None:
        self.cursor.execute(f"DROP TABLE {self.TABLE}")
        self.cursor.close()


def _key_text(value: tuple) -> str:
    return "\x1f".join(str(v) for v in value)


def duplicates(
    kind: Kind, office: Office, drafts: list[tuple[int, Draft]], seen: SeenKeys
) -> list[RowProblem]:
    """One batch's rows that repeat an earlier row of the file (naming its line) or a record
    already in the registry."""
    problems: list[RowProblem] = []
    bad_lines: set[int] = set()
    for position, unique in enumerate(kind.unique):
        entries = []
        for line, draft in drafts:
            value = draft.unique[position] if position < len(draft.unique) else None
            if value is not None:
                entries.append((line, value, _key_text(value)))
        earlier = seen.first_lines(position, sorted({text for _l, _v, text in entries}))
        first_here: dict[str, int] = {}
        fresh: list[tuple[int, tuple]] = []
        for line, value, text in entries:
            first = earlier.get(text) or first_here.get(text)
            if first is not None:
                if line not in bad_lines:
                    problems.append(
                        RowProblem(
                            line, errors.IMPORT_DUPLICATE_IN_FILE(field=unique.column, line=first)
                        )
                    )
                    bad_lines.add(line)
                continue
            first_here[text] = line
            fresh.append((line, value))
        seen.add(position, first_here)
        qs = kind.model._default_manager.all()
        if unique.scope == "office":
            qs = qs.filter(office=office)
        elif unique.scope == "vehicle_office":
            qs = qs.filter(vehicle__office=office)
        if unique.active_only:
            qs = qs.exclude(status="deregistered")
        existing: set[tuple] = set()
        lead = unique.lookups[0]
        for chunk in chunks(sorted({value[0] for _line, value in fresh})):
            existing |= set(qs.filter(**{f"{lead}__in": chunk}).values_list(*unique.lookups))
        for line, value in fresh:
            if value in existing and line not in bad_lines:
                problems.append(RowProblem(line, unique.error(field=unique.column)))
                bad_lines.add(line)
    return problems
