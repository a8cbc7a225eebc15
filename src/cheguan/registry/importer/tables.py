"""Writing one checked batch into the kind's table.

On PostgreSQL the drafts' cleaned values go to ``COPY`` as they are: no model instance per
row, and no per-value field preparation for the plain fields (text, dates, times, whole
numbers, yes/no, references), whose values psycopg writes exactly as Django would have
prepared them. The import's profile showed building the instances and preparing every value
at a third of the command's time. Any other field (a decimal, JSON) is prepared by Django,
value by value; a field the draft leaves out gets its default. ``tests/registry/
test_import_tables.py`` holds these rows equal to Django's own, field by field.
Elsewhere (SQLite) the same values become model instances for ``bulk_create``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models

from cheguan.core import clock
from cheguan.registry.importer.rows import Draft, Kind
from cheguan.registry.models import Office

# Exactly these classes (not subclasses, which may prepare values their own way): Django's
# preparation of a clean value of theirs is the value itself on PostgreSQL.
_PLAIN: frozenset[type[models.Field]] = frozenset(
    {
        models.CharField,
        models.TextField,
        models.DateField,
        models.DateTimeField,
        models.BooleanField,
        models.IntegerField,
        models.SmallIntegerField,
        models.BigIntegerField,
        models.PositiveIntegerField,
        models.PositiveSmallIntegerField,
        models.PositiveBigIntegerField,
        models.ForeignKey,
    }
)

Found = dict[tuple[str, str], int]  # (table, key) -> the pk of the record a row refers to


class Table:
    """The kind's table as the import writes it, worked out once per import."""

    def __init__(self, kind: Kind, office: Office) -> None:
        self.kind = kind
        self.office = office
        self.db = connections[DEFAULT_DB_ALIAS]  # the connection itself, not the proxy
        self.fields = [f for f in kind.model._meta.concrete_fields if not f.primary_key]
        self.position = {f.name: i for i, f in enumerate(self.fields)}
        self.position |= {f.attname: i for i, f in enumerate(self.fields)}
        self.prepare: list[Callable[[Any], Any] | None] = [
            None if type(f) in _PLAIN else self._preparer(f) for f in self.fields
        ]
        # Defaults: a callable one (``list``) is called for every row, as a model would.
        self.per_row_defaults = [
            i for i, f in enumerate(self.fields) if f.has_default() and callable(f.default)
        ]
        self.template = [
            None if i in self.per_row_defaults else self._prepared(i, f.get_default())
            for i, f in enumerate(self.fields)
        ]

    def _preparer(self, field: models.Field) -> Callable[[Any], Any]:
        db = self.db
        return lambda value: field.get_db_prep_save(value, db)

    def _prepared(self, i: int, value: Any) -> Any:
        prepare = self.prepare[i]
        return value if prepare is None else prepare(value)

    def copy_rows(self, drafts: Iterable[Draft], found: Found) -> Iterable[list]:
        """The rows ``COPY`` writes, one list of values per draft, in ``self.fields``' order.
        A registered record's ``created_at`` is the moment its batch is written."""
        template = list(self.template)
        if self.kind.registered:
            template[self.position["office"]] = self.office.pk
            template[self.position["created_at"]] = self._prepared(
                self.position["created_at"], clock.now()
            )
        position, prepare, fields = self.position, self.prepare, self.fields
        for draft in drafts:
            row = template.copy()
            for name, value in draft.values.items():
                i = position[name]
                to_db = prepare[i]
                row[i] = value if to_db is None else to_db(value)
            for name, ref in draft.refs.items():
                row[position[name]] = found[(ref.table, ref.key)]
            for i in self.per_row_defaults:
                row[i] = self._prepared(i, fields[i].get_default())
            yield row

    def instances(self, drafts: Iterable[Draft], found: Found) -> list[models.Model]:
        """The same records as model instances (for ``bulk_create``)."""
        extra: dict[str, object] = {}
        if self.kind.registered:
            extra = {"office": self.office, "created_at": clock.now()}
        return [
            self.kind.model(
                **draft.values,
                **{f"{name}_id": found[(ref.table, ref.key)] for name, ref in draft.refs.items()},
                **extra,
            )
            for draft in drafts
        ]

    def insert(self, drafts: list[Draft], found: Found) -> None:
        """Insert one batch: ``COPY`` on PostgreSQL, ``bulk_create`` elsewhere."""
        if self.db.vendor != "postgresql":
            self.kind.model._default_manager.bulk_create(self.instances(drafts, found))
            return
        quote = self.db.ops.quote_name
        columns = ", ".join(quote(f.column) for f in self.fields)
        table = quote(self.kind.model._meta.db_table)
        with (
            self.db.wrap_database_errors,
            self.db.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in self.copy_rows(drafts, found):
                copy.write_row(row)
