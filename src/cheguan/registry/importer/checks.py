"""The checks of one batch against the database: the records its rows refer to, found in
bulk, and its unique keys, against the rows read before it (a temporary table) and the
records already in the registry.

On PostgreSQL a batch's keys go to each look-up as one array (``= ANY(%s)``), not as a
thousand placeholders for Django, psycopg and the server to compile and parse, and the
planner is kept told how big the tables have grown (:class:`Statistics`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db import connection
from django.db.models import F, Lookup, Model, QuerySet

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


class _AnyOf(Lookup):
    """``column = ANY(%s)``, the keys as one array parameter (PostgreSQL)."""

    lookup_name = "any_of"
    prepare_rhs = False  # the list is the parameter, not a value of the column

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


def _keyed(qs: QuerySet, lookup: str, keys: Iterable) -> Iterator[QuerySet]:
    """``qs`` for the rows whose ``lookup`` is one of ``keys``: one query on PostgreSQL, one
    per thousand keys elsewhere (SQLite's limit on parameters)."""
    keys = sorted(keys)
    if not keys:
        return
    if connection.vendor == "postgresql":
        yield qs.filter(_AnyOf(F(lookup), keys))
        return
    for chunk in chunks(keys):
        yield qs.filter(**{f"{lookup}__in": chunk})


class Planner:
    """What PostgreSQL's planner is told for the import's look-ups.

    Statistics: it plans the checks' look-ups from what it knows of each table, gathered
    when the table was last analysed. A table that grew from nothing since — the import's
    own rows, or the people imported just before their vehicles — has none, and the
    look-up by ID number was planned as a scan of all the office's people, each batch
    slower than the one before (measured, 100,000 people: the 2nd batch's look-up 0.3 ms,
    the 90th's 20 ms; with a million, a hundred times worse). So the tables the checks read
    are analysed at the start, always (a sample of 30,000 rows each: well under a second
    even for a registry of millions; comparing sizes instead was fooled by a table whose
    rows were deleted, whose statistics count its empty pages), and the import's own table
    again each time the rows it added outnumber
    the rows its statistics know of (a few times per import, at about twice the rows of
    the time before). ``ANALYZE`` counts the import's uncommitted rows, and its statistics
    are rolled back with a rejected import.

    The cost of reading a page out of order. With fresh statistics, the planner still
    scanned the whole table for a batch's thousand keys rather than probe an index a
    thousand times, by the server's default ``random_page_cost`` of 4 (a spinning disk's):
    EXPLAIN ANALYZE at 95,000 people, a scan 15 ms, the index 1.0 ms (ID numbers; VINs
    10 ms and 0.7 ms). The tables an import reads and writes are in memory, so for the
    import's transaction only it is lowered to 1.1, the value usually advised for SSDs,
    and put back when the import is done (or rolled back with it).

    Nothing to do on SQLite."""

    PAGE_COST = 1.1

    def __init__(self, target: type[Model]) -> None:
        self.table: str | None = None  # the import's own table, while it is watched
        self.known = 0.0  # its rows the statistics know of
        self.unknown = 0  # the rows the import added since
        if connection.vendor != "postgresql":
            return
        self.table = target._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('random_page_cost')")
            self.page_cost = cursor.fetchone()[0]
        if float(self.page_cost) > self.PAGE_COST:
            self._set_page_cost(str(self.PAGE_COST))
        read = sorted({m._meta.db_table for m in (Person, Organisation, Vehicle)} | {self.table})
        for table in read:
            self._analyse(table)
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [self.table])
            self.known = max(cursor.fetchone()[0], 0)

    def added(self, rows: int) -> None:
        """The import wrote ``rows`` more rows into its table."""
        if self.table is None:
            return
        self.unknown += rows
        if self.unknown > self.known + LOOKUP:
            self._analyse(self.table)
            self.known, self.unknown = self.known + self.unknown, 0

    def done(self) -> None:
        """The import is done: the cost of a page is the session's again."""
        if self.table is not None:
            self._set_page_cost(self.page_cost)

    @staticmethod
    def _set_page_cost(value: str) -> None:
        with connection.cursor() as cursor:  # for this transaction only
            cursor.execute("SELECT set_config('random_page_cost', %s, true)", [value])

    @staticmethod
    def _analyse(table: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


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
        for keyed in _keyed(qs, lookup, keys):
            for value, pk in keyed.values_list(lookup, "pk"):
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

    def claim(self, position: int, first_lines: dict[str, int]) -> dict[str, int]:
        """Record the batch's keys (each with the line it is first on) unless an earlier batch
        had them: those are returned, with the line they were first seen on."""
        if not first_lines:
            return {}
        if connection.vendor != "postgresql":
            earlier = self._first_lines(position, first_lines)
            self._insert(position, {k: v for k, v in first_lines.items() if k not in earlier})
            return earlier
        # The key's primary index decides, not a plan: nothing for the planner to misjudge.
        self.cursor.execute(
            f"INSERT INTO {self.TABLE} (pos, k, line)"  # noqa: S608 (placeholders only)
            " SELECT %s, k, line FROM unnest(%s::text[], %s::integer[]) AS new (k, line)"
            " ON CONFLICT (pos, k) DO NOTHING RETURNING k",
            [position, list(first_lines), list(first_lines.values())],
        )
        taken = {k for (k,) in self.cursor.fetchall()}
        if len(taken) == len(first_lines):
            return {}
        return self._first_lines(position, [k for k in first_lines if k not in taken])

    def _first_lines(self, position: int, keys: Iterable[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        if connection.vendor == "postgresql":
            self.cursor.execute(
                f"SELECT k, line FROM {self.TABLE} WHERE pos = %s AND k = ANY(%s)",  # noqa: S608
                [position, list(keys)],
            )
            return dict(self.cursor.fetchall())
        for chunk in chunks(keys):
            marks = ", ".join(["%s"] * len(chunk))
            self.cursor.execute(
                f"SELECT k, line FROM {self.TABLE} WHERE pos = %s AND k IN ({marks})",  # noqa: S608 (placeholders only)
                [position, *chunk],
            )
            found.update(self.cursor.fetchall())
        return found

    def _insert(self, position: int, first_lines: dict[str, int]) -> None:
        """One multi-row INSERT per 300 keys (SQLite)."""
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
        first_here: dict[str, int] = {}
        for line, _value, text in entries:
            first_here.setdefault(text, line)
        earlier = seen.claim(position, first_here)
        fresh: list[tuple[int, tuple]] = []
        for line, value, text in entries:
            first = earlier.get(text) or (first_here[text] if first_here[text] != line else None)
            if first is not None:
                if line not in bad_lines:
                    problems.append(
                        RowProblem(
                            line, errors.IMPORT_DUPLICATE_IN_FILE(field=unique.column, line=first)
                        )
                    )
                    bad_lines.add(line)
                continue
            fresh.append((line, value))
        qs = kind.model._default_manager.order_by()  # a set: no sort for the server
        if unique.scope == "office":
            qs = qs.filter(office=office)
        elif unique.scope == "vehicle_office":
            qs = qs.filter(vehicle__office=office)
        if unique.active_only:
            qs = qs.exclude(status="deregistered")
        existing: set[tuple] = set()
        lead = unique.lookups[0]
        for keyed in _keyed(qs, lead, {value[0] for _line, value in fresh}):
            existing |= set(keyed.values_list(*unique.lookups))
        for line, value in fresh:
            if value in existing and line not in bad_lines:
                problems.append(RowProblem(line, unique.error(field=unique.column)))
                bad_lines.add(line)
    return problems
