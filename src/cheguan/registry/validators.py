"""Identifier validation: resident ID numbers, unified social credit codes, VINs, phones.

Each ``validate_*`` takes any string, returns the normalised value or raises a
:class:`~cheguan.core.errors.DomainError` with a stable code. None of them raises anything
else, whatever the input (property-tested in ``tests/registry/test_validators.py``).
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import re
from dataclasses import dataclass
from typing import Any

from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as StdnumError

from cheguan.core import clock
from cheguan.core.errors import Bi, ErrorCode
from cheguan.registry import errors

_REASONS = {
    "length": ("长度不是 18 位。", "It does not have 18 characters."),
    "format": ("含有不允许的字符。", "It contains characters that are not allowed."),
    "checksum": (
        "校验位不符，请核对是否有输错。",
        "The check character does not match; check for a typo.",
    ),
    "birth_date": ("出生日期不是真实的日期。", "The birth date is not a real date."),
    "future": ("出生日期在未来。", "The birth date is in the future."),
    "too_old": ("出生日期早于 1900 年。", "The birth date is before 1900."),
    "address": ("地址码不是已知的行政区划代码。", "The address code is not a known county code."),
}


def _id_error(key: str, field: str):
    return errors.INVALID_ID_NUMBER(field=field, reason=Bi(*_REASONS[key]))


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: dt.date
    sex: str  # "M" or "F"
    address_code: str


def parse_resident_id(value: object, *, field: str = "id_number") -> ResidentId:
    """Validate an 18-character resident ID number (GB 11643-1999).

    Unlike ``stdnum.cn.ric.validate`` this accepts an address code that was created after
    the birth year (the code is where the person was registered when the number was
    issued, often decades after birth: our elderly citizens), and it rejects birth dates in
    the future.
    """
    if not isinstance(value, str):
        raise _id_error("format", field)
    number = value.strip().replace(" ", "").upper()
    if len(number) != 18:
        raise _id_error("length", field)
    if not (number[:17].isascii() and number[:17].isdigit()) or number[17] not in "0123456789X":
        raise _id_error("format", field)
    if ric.calc_check_digit(number) != number[17]:
        raise _id_error("checksum", field)
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise _id_error("birth_date", field) from None
    if after_today(birth):
        raise _id_error("future", field)
    if birth.year < 1900:
        raise _id_error("too_old", field)
    if not _known_address_code(number[:6]):
        raise _id_error("address", field)
    sex = "M" if int(number[16]) % 2 == 1 else "F"
    return ResidentId(number=number, birth_date=birth, sex=sex, address_code=number[:6])


@functools.lru_cache(maxsize=8192)
def _known_address_code(code: str) -> bool:
    """Whether the division code names a county (cached: the table lookup is slow, and a
    city's people share a few hundred codes)."""
    try:
        results = numdb.get("cn/loc").info(code)
    except Exception:
        return False
    return any(props.get("county") for _part, props in results)


def validate_resident_id(value: object, *, field: str = "id_number") -> str:
    return parse_resident_id(value, field=field).number


_DOC_RE = re.compile(r"^[A-Za-z0-9-]{5,30}$")


def validate_document_number(value: object, *, field: str = "id_number") -> str:
    """Other legal identity documents (MVR Art 89): passports, permits, military IDs…"""
    if not isinstance(value, str) or not _DOC_RE.match(value.strip()):
        raise errors.INVALID_DOCUMENT_NUMBER(field=field)
    return value.strip().upper()


@dataclass(frozen=True)
class Uscc:
    code: str
    checksum_ok: bool


_USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def parse_uscc(value: object, *, field: str = "uscc") -> Uscc:
    """Validate a unified social credit code (GB 32100-2015).

    Some early pilot codes are legal but fail the checksum (DOMAIN.md §8.3): such a code is
    accepted with ``checksum_ok=False`` so the office can see a warning, not a refusal.
    """
    if not isinstance(value, str):
        raise _two(errors.INVALID_USCC, field, "", "")
    code = value.strip().replace(" ", "").upper()
    if len(code) != 18:
        raise _two(
            errors.INVALID_USCC, field, "长度不是 18 位。", "It does not have 18 characters."
        )
    if not code.isascii() or not _USCC_RE.match(code):
        raise _two(
            errors.INVALID_USCC,
            field,
            "含有不允许的字符或位置不对。",
            "It has characters that are not allowed.",
        )
    try:
        ok = uscc.calc_check_digit(code[:17]) == code[17]
    except (StdnumError, ValueError, KeyError, IndexError):
        raise _two(
            errors.INVALID_USCC,
            field,
            "无法计算校验位。",
            "The check character cannot be computed.",
        ) from None
    return Uscc(code=code, checksum_ok=ok)


def _two(code: ErrorCode, field: str, zh: str, en: str):
    return code(field=field, reason=Bi(zh, en))


_VIN_CHARS = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")


def validate_vin(value: object, *, field: str = "vin") -> str:
    if not isinstance(value, str):
        raise _two(errors.INVALID_VIN, field, "", "")
    vin = value.strip().replace(" ", "").upper()
    if len(vin) != 17:
        raise _two(errors.INVALID_VIN, field, "长度不是 17 位。", "It does not have 17 characters.")
    if not vin.isascii() or not _VIN_CHARS.match(vin):
        raise _two(
            errors.INVALID_VIN,
            field,
            "含有 I、O、Q 或其他不允许的字符。",
            "It contains I, O, Q or other characters.",
        )
    if vin_check_digit(vin) != vin[8]:
        raise _two(
            errors.INVALID_VIN,
            field,
            "第 9 位校验位不符。",
            "The check digit in position 9 does not match.",
        )
    if vin[9] in "UZ0":
        raise _two(
            errors.INVALID_VIN,
            field,
            "第 10 位（车型年份）不能是 U、Z 或 0。",
            "Position 10 (the model year) cannot be U, Z or 0.",
        )
    return vin


_VIN_LETTERS = dict(
    zip(
        "ABCDEFGHJKLMNPRSTUVWXYZ",
        [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9],
        strict=True,
    )
)
_VIN_VALUES = {**{str(d): d for d in range(10)}, **_VIN_LETTERS}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def _vin_value(c: str) -> int:
    """A character's value: the table for ASCII digits and letters (read once, not built
    per call), ``int`` for any other digit, as before; a KeyError for I, O, Q and others."""
    value = _VIN_VALUES.get(c)
    if value is None:
        return int(c) if c.isdigit() else _VIN_LETTERS[c]
    return value


def vin_check_digit(vin17: str) -> str:
    """The check digit a 17-character VIN should have in position 9 (ISO 3779).

    Agrees with ``vininfo.Vin.verify_checksum`` (property-tested); ours also covers the
    WMIs vininfo exempts, since GB 16735 makes the check digit mandatory in China.
    """
    if len(vin17) == 17 and vin17.isascii():
        total = sum(map(operator.mul, map(_VIN_VALUES.__getitem__, vin17), _VIN_WEIGHTS))
    else:  # other digits, or a length zip refuses
        total = sum(_vin_value(c) * w for c, w in zip(vin17, _VIN_WEIGHTS, strict=True))
    r = total % 11
    return "X" if r == 10 else str(r)


_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)
_LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}$", re.ASCII)


def validate_phone(value: object, *, field: str = "phone") -> str:
    if not isinstance(value, str):
        raise errors.INVALID_PHONE(field=field)
    phone = value.strip().replace(" ", "")
    if _MOBILE_RE.match(phone) or _LANDLINE_RE.match(phone):
        return phone
    raise errors.INVALID_PHONE(field=field)


# --- plain fields: text, choices, dates ------------------------------------------------


# Exactly the characters of Unicode categories Cc (controls) and Cs (surrogates), which
# ``unicodedata.category`` names: one regular-expression search instead of a category
# look-up per character (tested against unicodedata over every code point).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def _has_control(text: str) -> bool:
    return _CONTROL.search(text) is not None


def validate_text(value: object, *, field: str, max_length: int, min_length: int = 1) -> str:
    """A one-line text: stripped, ``min_length``–``max_length`` characters, no control
    characters (a NUL or a lone surrogate would be refused by the database, not by us)."""
    text = value.strip() if isinstance(value, str) else ""
    if not (min_length <= len(text) <= max_length) or _has_control(text):
        raise errors.INVALID_TEXT(field=field, min=min_length, max=max_length)
    return text


@functools.cache
def _choice_values(choices: Any) -> tuple[str, ...]:
    """A ``TextChoices`` class's values, read once (``.values`` builds a new list each time)."""
    return tuple(getattr(choices, "values", choices))


def validate_choice(value: object, choices, *, field: str) -> str:
    """One of a ``TextChoices`` (or any iterable of allowed strings)."""
    allowed = _choice_values(choices) if isinstance(choices, type) else list(choices)
    if not isinstance(value, str) or value not in allowed:
        shown = value[:40] if isinstance(value, str) and not _has_control(value) else "?"
        raise errors.INVALID_CHOICE(field=field, value=shown, allowed=", ".join(allowed))
    return value


# Dates outside these years are typing mistakes (and a year-1 time has no UTC form).
_FIRST_YEAR, _LAST_YEAR = 1900, 2999


_DATE_RE = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})", re.ASCII)
_DATETIME_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?", re.ASCII)
_INT_RE = re.compile(r"\s*[+-]?\d{1,12}\s*", re.ASCII)
_ONE_DAY = dt.timedelta(days=1)


def after_today(day: dt.date) -> bool:
    """Whether ``day`` is after ``clock.today()`` (the office's date).

    The same answer, cheaper for the days long past that a registry's dates mostly are:
    no time zone puts today's date before yesterday's in UTC (Python holds every UTC
    offset under a day), so a day before that is not after today whatever the zone, and
    only a day near today asks for the current time zone (which costs more than the rest
    of a resident ID's check: the import's profile)."""
    now = clock.now()
    if now.tzinfo is not None and day < now.astimezone(dt.UTC).date() - _ONE_DAY:
        return False
    return day > clock.today()


def parse_date(value: object, *, field: str) -> dt.date:
    """``2024-03-01`` (also ``2024/3/1``); a ``date`` passes through."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str):
        raise errors.INVALID_DATE(field=field)
    parts = _DATE_RE.fullmatch(value.strip())
    if parts is None:
        raise errors.INVALID_DATE(field=field)
    try:
        day = dt.date(*(int(p) for p in parts.groups()))
    except ValueError:
        raise errors.INVALID_DATE(field=field) from None
    if not (_FIRST_YEAR <= day.year <= _LAST_YEAR):
        raise errors.INVALID_DATE(field=field)
    return day


def parse_datetime(value: object, *, field: str) -> dt.datetime:
    """``2024-03-01 14:30`` (or ``T``, optional seconds); a time without a zone is the
    office's local time. Returns an aware datetime."""
    from django.utils import timezone

    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, str):
        parts = _DATETIME_RE.fullmatch(value.strip())
        if parts is None:
            raise errors.INVALID_DATETIME(field=field)
        year, month, day, hour, minute, second = (int(p or 0) for p in parts.groups())
        try:
            parsed = dt.datetime(year, month, day, hour, minute, second)  # noqa: DTZ001
        except ValueError:
            raise errors.INVALID_DATETIME(field=field) from None
    else:
        raise errors.INVALID_DATETIME(field=field)
    if not (_FIRST_YEAR <= parsed.year <= _LAST_YEAR):
        raise errors.INVALID_DATETIME(field=field)
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def validate_int(value: object, *, field: str, minimum: int, maximum: int) -> int:
    """A whole number in a range; digits in a string (``"12"``) are accepted."""
    if isinstance(value, str) and _INT_RE.fullmatch(value):
        value = int(value)
    if type(value) is not int or not (minimum <= value <= maximum):
        raise errors.INVALID_WHOLE_NUMBER(field=field, min=minimum, max=maximum)
    return value
