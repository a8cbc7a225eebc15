"""Importing one CSV file: all rows or none.

Every row is checked first, with the same ``clean_*`` rules the services use; references
(people by ID number, organisations by credit code, vehicles by VIN) and uniqueness (within
the file and against the registry) are checked in bulk, a few queries per batch of rows
(``checks``). If any row is bad, :class:`ImportRejected` lists every bad row with its line
number, column and reason, and nothing is written. Otherwise the rows are inserted (``tables.Table``) and one
``registry.imported`` audit event records the counts — not one event per row.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, TextIO

from django.db import IntegrityError, transaction

from cheguan.audit.services import record
from cheguan.core.actor import Actor
from cheguan.core.errors import DomainError
from cheguan.core.permissions import require
from cheguan.registry import errors
from cheguan.registry.importer.checks import Planner, SeenKeys, chunks, duplicates, resolve
from cheguan.registry.importer.kinds import KINDS
from cheguan.registry.importer.rows import Cells, Draft, Kind, RowProblem
from cheguan.registry.importer.tables import Found, Table
from cheguan.registry.models import Encumbrance, Office, Vehicle
from cheguan.registry.services.records import FOLLOWS_ENCUMBRANCES, status_for_open_encumbrances

BATCH = 1000  # rows checked and inserted together


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
        if not "".join(cells).strip():
            continue  # a blank line
        if len(cells) > width:
            yield line, RowProblem(line, errors.IMPORT_EXTRA_CELLS())
            continue
        try:
            yield line, kind.parse(Cells.of(header, cells))
        except DomainError as e:
            yield line, RowProblem(line, e)


def _encumbrances_set_status(drafts: list[Draft], found: Found) -> None:
    """Imported open seizures and mortgages set their vehicles' status, set-based."""
    vehicle_ids = {
        found[(d.refs["vehicle"].table, d.refs["vehicle"].key)]
        for d in drafts
        if d.values["released_on"] is None
    }
    open_kinds: dict[int, set[str]] = defaultdict(set)
    for chunk in chunks(sorted(vehicle_ids)):
        for vehicle_id, kind in Encumbrance.objects.filter(
            vehicle_id__in=chunk, released_on__isnull=True
        ).values_list("vehicle_id", "kind"):
            open_kinds[vehicle_id].add(kind)
    by_status: dict[str, list[int]] = defaultdict(list)
    for vehicle_id, kinds in open_kinds.items():
        by_status[status_for_open_encumbrances(kinds)].append(vehicle_id)
    for status, ids in by_status.items():
        for chunk in chunks(ids):
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
    seen = SeenKeys()
    table = Table(spec, office)
    planner = Planner(spec.model)
    problems: list[RowProblem] = []
    read = inserted = 0

    def load(batch: list[tuple[int, Draft]]) -> None:
        nonlocal inserted
        found, ref_problems = resolve(office, batch)
        problems.extend(ref_problems + duplicates(spec, office, batch, seen))
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
        planner.added(len(drafts))

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
    planner.done()
    record(
        actor=actor,
        action="registry.imported",
        subject_type="registry.import",
        subject_id=spec.name,
        office_id=office.pk,
        data={"kind": spec.name, "rows": inserted, "sha256": digest},
    )
    return ImportResult(kind=spec.name, rows=inserted, sha256=digest)
