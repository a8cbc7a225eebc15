"""Importing one CSV file: all rows or none.

Every row is checked first, with the same ``clean_*`` rules the services use; references
(people by ID number, organisations by credit code, vehicles by VIN) and uniqueness (within
the file and against the registry) are checked in bulk, a few queries per 500 rows. If any
row is bad, :class:`ImportRejected` lists every bad row with its line number, column and
reason, and nothing is written. Otherwise the rows are inserted with ``bulk_create`` and one
``registry.imported`` audit event records the counts — not one event per row.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from cheguan.audit.services import record
from cheguan.core import clock
from cheguan.core.actor import Actor
from cheguan.core.errors import Bi, DomainError
from cheguan.core.permissions import require
from cheguan.registry import errors
from cheguan.registry.importer.kinds import KINDS
from cheguan.registry.importer.rows import Cells, Draft, Kind
from cheguan.registry.models import Encumbrance, Office, Organisation, Person, Vehicle
from cheguan.registry.services.records import FOLLOWS_ENCUMBRANCES, status_for_open_encumbrances

BATCH = 500


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


def decode(data: bytes) -> str:
    """UTF-8, with or without the byte-order mark spreadsheets write."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRejected([RowProblem(1, errors.IMPORT_NOT_UTF8())]) from None


def _chunks(values: Iterable, size: int = BATCH) -> Iterator[list]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _read(kind: Kind, text: str) -> tuple[list[tuple[int, Draft]], list[RowProblem]]:
    """Parse every row; collect every row's first problem, with the line the row starts on."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader, [])]
    except csv.Error as e:
        return [], [RowProblem(1, errors.IMPORT_BAD_CSV(detail=str(e)))]
    known = [c.name for c in kind.columns]
    missing = [c for c in kind.required_columns if c not in header]
    unknown = [h for h in header if h not in known]
    problems: list[RowProblem] = []
    if missing:
        problems.append(RowProblem(1, errors.IMPORT_MISSING_COLUMNS(columns=", ".join(missing))))
    if unknown:
        shown = ", ".join(unknown)[:200]
        problems.append(
            RowProblem(1, errors.IMPORT_UNKNOWN_COLUMNS(columns=shown, allowed=", ".join(known)))
        )
    if problems:
        return [], problems
    drafts: list[tuple[int, Draft]] = []
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            problems.append(RowProblem(line, errors.IMPORT_BAD_CSV(detail=str(e))))
            break
        if not any(c.strip() for c in cells):
            continue  # a blank line
        if len(cells) > len(header):
            problems.append(RowProblem(line, errors.IMPORT_EXTRA_CELLS()))
            continue
        try:
            drafts.append((line, kind.parse(Cells(dict(zip(header, cells, strict=False))))))
        except DomainError as e:
            problems.append(RowProblem(line, e))
    return drafts, problems


def _resolve(office: Office, drafts: list[tuple[int, Draft]]) -> tuple[dict, list[RowProblem]]:
    """Look up every reference in bulk: ``{(table, key): pk}``, plus the rows whose
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


def _duplicates(kind: Kind, office: Office, drafts: list[tuple[int, Draft]]) -> list[RowProblem]:
    problems: list[RowProblem] = []
    bad_lines: set[int] = set()
    for position, unique in enumerate(kind.unique):
        first_line: dict[tuple, int] = {}
        keys = []
        for line, draft in drafts:
            value = draft.unique[position] if position < len(draft.unique) else None
            if value is None:
                continue
            if value in first_line:
                if line not in bad_lines:
                    problems.append(
                        RowProblem(
                            line,
                            errors.IMPORT_DUPLICATE_IN_FILE(
                                field=unique.column, line=first_line[value]
                            ),
                        )
                    )
                    bad_lines.add(line)
                continue
            first_line[value] = line
            keys.append(value)
        qs = kind.model._default_manager.all()
        if unique.scope == "office":
            qs = qs.filter(office=office)
        elif unique.scope == "vehicle_office":
            qs = qs.filter(vehicle__office=office)
        if unique.active_only:
            qs = qs.exclude(status="deregistered")
        existing: set[tuple] = set()
        lead = unique.lookups[0]
        for chunk in _chunks(sorted({k[0] for k in keys})):
            existing |= set(qs.filter(**{f"{lead}__in": chunk}).values_list(*unique.lookups))
        for value in keys:
            line = first_line[value]
            if value in existing and line not in bad_lines:
                problems.append(RowProblem(line, unique.error(field=unique.column)))
                bad_lines.add(line)
    return problems


def _build(kind: Kind, office: Office, draft: Draft, found: dict):
    values = dict(draft.values)
    for name, ref in draft.refs.items():
        values[f"{name}_id"] = found[(ref.table, ref.key)]
    if kind.registered:
        values.update(office=office, created_at=clock.now())
    return kind.model(**values)


def _encumbrances_set_status(objs: list[Encumbrance]) -> None:
    """Imported open seizures and mortgages set their vehicles' status, set-based."""
    vehicle_ids = {e.vehicle_id for e in objs if e.released_on is None}
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


@transaction.atomic
def import_csv(*, actor: Actor, office: Office, kind: str, data: bytes) -> ImportResult:
    """Import one CSV file of ``kind`` into ``office``: every row, or — if any row is bad —
    nothing, raising :class:`ImportRejected` with every problem."""
    if actor.user is not None:
        require(actor.user, "registry.import")
    spec = KINDS.get(kind)
    if spec is None:
        raise errors.IMPORT_UNKNOWN_KIND(field="kind", kind=kind[:40], kinds=", ".join(KINDS))
    drafts, problems = _read(spec, decode(data))
    found, ref_problems = _resolve(office, drafts)
    problems += ref_problems + _duplicates(spec, office, drafts)
    if problems:
        raise ImportRejected(sorted(problems, key=lambda p: p.line))
    objs = [_build(spec, office, draft, found) for _line, draft in drafts]
    try:
        with transaction.atomic():
            spec.model._default_manager.bulk_create(objs, batch_size=BATCH)
    except IntegrityError:
        raise errors.IMPORT_CONFLICT() from None
    if spec.name == "encumbrances":
        _encumbrances_set_status(objs)
    digest = hashlib.sha256(data).hexdigest()
    record(
        actor=actor,
        action="registry.imported",
        subject_type="registry.import",
        subject_id=spec.name,
        office_id=office.pk,
        data={"kind": spec.name, "rows": len(objs), "sha256": digest},
    )
    return ImportResult(kind=spec.name, rows=len(objs), sha256=digest)
