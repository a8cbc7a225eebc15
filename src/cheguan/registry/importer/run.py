"""Importing one CSV file: all rows or none.

Every row is checked first, with the same ``clean_*`` rules the services use; references
(people by ID number, organisations by credit code, vehicles by VIN) and uniqueness (within
the file and against the registry) are checked in bulk, a few queries per 500 rows. If any
row is bad, :class:`ImportRejected` lists every bad row with its line number, column and
reason, and nothing is written. Otherwise the rows are inserted (``tables.Table``) and one
``registry.imported`` audit event records the counts — not one event per row.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, TextIO

from django.db import IntegrityError, connection, transaction

from cheguan.audit.services import record
from cheguan.core.actor import Actor
from cheguan.core.errors import Bi, DomainError
from cheguan.core.permissions import require
from cheguan.registry import errors
from cheguan.registry.importer.kinds import KINDS
from cheguan.registry.importer.rows import Cells, Draft, Kind
from cheguan.registry.importer.tables import Found, Table
from cheguan.registry.models import Encumbrance, Office, Organisation, Person, Vehicle
from cheguan.registry.services.records import FOLLOWS_ENCUMBRANCES, status_for_open_encumbrances

BATCH = 1000  # rows checked and inserted together; keys per IN (…) look-up

_REFERENCE_WORDS = {
    "person": (Bi("证件号码", "ID number"), Bi("人员", "person")),
    "organisation": (Bi("统一社会信用代码", "credit code"), Bi("单位", "organisation")),
    "vehicle": (Bi("车辆识别代号", "VIN"), Bi("车辆", "vehicle")),
}


@dataclass(frozen=True)
class RowProblem:
    line: int
    error: DomainError

    @property
    def field(self) -> str | None:
        return self.error.field


class ImportRejected(Exception):
    """The file had bad rows (all listed); nothing was imported."""

    def __init__(self, problems: list[RowProblem]):
        super().__init__(f"{len(problems)} problems; nothing was imported")
        self.problems = problems


@dataclass(frozen=True)
class ImportResult:
    kind: str
    rows: int
    sha256: str


def _chunks(values: Iterable, size: int = BATCH) -> Iterator[list]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _read(kind: Kind, text: TextIO) -> Iterator[tuple[int, Draft | RowProblem]]:
    """Parse the rows one at a time, yielding each row's draft or its first problem, with the
    line the row starts on. Holds one row in memory, whatever the file's size."""
    reader = csv.reader(text)
    try:
        header = [h.strip() for h in next(reader, [])]
    except csv.Error as e:
        yield 1, RowProblem(1, errors.IMPORT_BAD_CSV(detail=str(e)))
        return
    known = [c.name for c in kind.columns]
    missing = [c for c in kind.required_columns if c not in header]
    unknown = [h for h in header if h not in known]
    if missing:
        yield 1, RowProblem(1, errors.IMPORT_MISSING_COLUMNS(columns=", ".join(missing)))
    if unknown:
        shown = ", ".join(unknown)[:200]
        yield (
            1,
            RowProblem(1, errors.IMPORT_UNKNOWN_COLUMNS(columns=shown, allowed=", ".join(known))),
        )
    if missing or unknown:
        return
    width = len(header)
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            yield line, RowProblem(line, errors.IMPORT_BAD_CSV(detail=str(e)))
            return
        if not any(c.strip() for c in cells):
            continue  # a blank line
        if len(cells) > width:
            yield line, RowProblem(line, errors.IMPORT_EXTRA_CELLS())
            continue
        try:
            yield line, kind.parse(Cells(dict(zip(header, cells, strict=False))))
        except DomainError as e:
            yield line, RowProblem(line, e)


def _resolve(office: Office, drafts: list[tuple[int, Draft]]) -> tuple[dict, list[RowProblem]]:
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
        for chunk in _chunks(sorted(keys)):
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


class _SeenKeys:
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
        for chunk in _chunks(keys):
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
        for chunk in _chunks(first_lines.items(), 300):
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


def _duplicates(
    kind: Kind, office: Office, drafts: list[tuple[int, Draft]], seen: _SeenKeys
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
        for chunk in _chunks(sorted({value[0] for _line, value in fresh})):
            existing |= set(qs.filter(**{f"{lead}__in": chunk}).values_list(*unique.lookups))
        for line, value in fresh:
            if value in existing and line not in bad_lines:
                problems.append(RowProblem(line, unique.error(field=unique.column)))
                bad_lines.add(line)
    return problems


def _encumbrances_set_status(drafts: list[Draft], found: Found) -> None:
    """Imported open seizures and mortgages set their vehicles' status, set-based."""
    vehicle_ids = {
        found[(d.refs["vehicle"].table, d.refs["vehicle"].key)]
        for d in drafts
        if d.values["released_on"] is None
    }
    open_kinds: dict[int, set[str]] = defaultdict(set)
    for chunk in _chunks(sorted(vehicle_ids)):
        for vehicle_id, kind in Encumbrance.objects.filter(
            vehicle_id__in=chunk, released_on__isnull=True
        ).values_list("vehicle_id", "kind"):
            open_kinds[vehicle_id].add(kind)
    by_status: dict[str, list[int]] = defaultdict(list)
    for vehicle_id, kinds in open_kinds.items():
        by_status[status_for_open_encumbrances(kinds)].append(vehicle_id)
    for status, ids in by_status.items():
        for chunk in _chunks(ids):
            Vehicle.objects.filter(pk__in=chunk, status__in=FOLLOWS_ENCUMBRANCES).update(
                status=status
            )


def _sha256(stream: BinaryIO) -> str:
    digest = hashlib.sha256()
    while block := stream.read(1 << 20):
        digest.update(block)
    stream.seek(0)
    return digest.hexdigest()


@transaction.atomic
def import_csv(
    *,
    actor: Actor,
    office: Office,
    kind: str,
    data: bytes | BinaryIO,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import one CSV file of ``kind`` into ``office``: every row, or — if any row is bad —
    nothing, raising :class:`ImportRejected` with every problem.

    ``data`` is the file's bytes or a seekable binary file, read in one streaming pass:
    each batch of rows is checked (references, duplicates) and, while no row so far was bad,
    inserted; a bad row anywhere rolls the whole transaction back. ``progress`` is told the
    number of rows read after each batch."""
    if actor.user is not None:
        require(actor.user, "registry.import")
    spec = KINDS.get(kind)
    if spec is None:
        raise errors.IMPORT_UNKNOWN_KIND(field="kind", kind=kind[:40], kinds=", ".join(KINDS))
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    digest = _sha256(stream)
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    seen = _SeenKeys()
    table = Table(spec, office)
    problems: list[RowProblem] = []
    read = inserted = 0

    def load(batch: list[tuple[int, Draft]]) -> None:
        nonlocal inserted
        found, ref_problems = _resolve(office, batch)
        problems.extend(ref_problems + _duplicates(spec, office, batch, seen))
        if problems:
            return  # keep checking, insert no more: the transaction will be rolled back
        drafts = [draft for _line, draft in batch]
        try:
            with transaction.atomic():
                table.insert(drafts, found)
        except IntegrityError:
            raise errors.IMPORT_CONFLICT() from None
        if spec.name == "encumbrances":
            _encumbrances_set_status(drafts, found)
        inserted += len(drafts)

    batch: list[tuple[int, Draft]] = []
    try:
        for line, item in _read(spec, text):
            read += 1
            if isinstance(item, RowProblem):
                problems.append(item)
                continue
            batch.append((line, item))
            if len(batch) == BATCH:
                load(batch)
                batch = []
                if progress:
                    progress(read)
        load(batch)
    except UnicodeDecodeError:
        raise ImportRejected([RowProblem(1, errors.IMPORT_NOT_UTF8())]) from None
    finally:
        text.detach()
    if progress:
        progress(read)
    if problems:
        raise ImportRejected(sorted(problems, key=lambda p: p.line))
    seen.drop()
    record(
        actor=actor,
        action="registry.imported",
        subject_type="registry.import",
        subject_id=spec.name,
        office_id=office.pk,
        data={"kind": spec.name, "rows": inserted, "sha256": digest},
    )
    return ImportResult(kind=spec.name, rows=inserted, sha256=digest)
