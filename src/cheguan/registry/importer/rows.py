"""One CSV row and what it becomes: reading cells with errors that name their column, the
draft of a record (values, references, unique keys), and the description of a kind."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.db.models import Model

from cheguan.core.errors import DomainError, ErrorCode
from cheguan.registry import errors
from cheguan.registry.validators import parse_date, parse_datetime, validate_int

_TRUE = {"1", "true", "yes", "y", "是", "有"}
_FALSE = {"0", "false", "no", "n", "否", "无"}


class Cells:
    """One CSV row, read column by column; every reader raises a DomainError naming it.
    Each cell is stripped once, here (a vehicle's row is read 16 times)."""

    def __init__(self, row: Mapping[str, str | None]):
        self.row = {name: value.strip() for name, value in row.items() if isinstance(value, str)}

    @classmethod
    def of(cls, header: list[str], cells: list[str]) -> Cells:
        """The row's cells under the header's names (a short row's last columns are empty)."""
        return cls(dict(zip(header, cells, strict=False)))

    def text(self, name: str) -> str:
        return self.row.get(name, "")

    def required(self, name: str) -> str:
        value = self.text(name)
        if not value:
            raise errors.IMPORT_VALUE_REQUIRED(field=name)
        return value

    def date(self, name: str, *, required: bool = True):
        value = self.required(name) if required else self.text(name)
        return parse_date(value, field=name) if value else None

    def datetime(self, name: str, *, required: bool = True):
        value = self.required(name) if required else self.text(name)
        return parse_datetime(value, field=name) if value else None

    def int(self, name: str, *, minimum: int, maximum: int, default: int | None = None):
        value = self.text(name)
        if not value and default is not None:
            return default
        return validate_int(value or None, field=name, minimum=minimum, maximum=maximum)

    def bool(self, name: str, *, default: bool | None = None) -> bool:
        value = self.text(name).lower()
        if not value and default is not None:
            return default
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise errors.INVALID_BOOLEAN(field=name)


def key(value: str) -> str:
    """Identifiers are compared as the validators normalise them."""
    return value.strip().replace(" ", "").upper()


@dataclass(frozen=True)
class Ref:
    table: str  # "person", "organisation" or "vehicle"
    key: str
    column: str


@dataclass
class Draft:
    values: dict
    refs: dict[str, Ref] = field(default_factory=dict)  # model field → what it refers to
    unique: tuple = ()  # one key (or None) per Kind.unique entry


@dataclass(frozen=True)
class RowProblem:
    line: int
    error: DomainError

    @property
    def field(self) -> str | None:
        return self.error.field


@dataclass(frozen=True)
class Unique:
    """A key that no two rows, and no row and an existing record, may share."""

    lookups: tuple[str, ...]  # model lookups, most selective first
    error: ErrorCode
    column: str
    scope: str = "office"  # "office", "vehicle_office" or "global"
    active_only: bool = False  # only vehicles not deregistered (plates)


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    help: str


@dataclass(frozen=True)
class Kind:
    name: str
    model: type[Model]
    help: str
    columns: tuple[Column, ...]
    parse: Callable[[Cells], Draft]
    unique: tuple[Unique, ...] = ()
    registered: bool = False  # has office and created_at (people, organisations, vehicles)

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


def C(name: str, help_text: str, *, required: bool = False) -> Column:
    return Column(name, required, help_text)
