"""Identifier validation: resident ID numbers, unified social credit codes, VINs, phones.

Each ``validate_*`` takes any string, returns the normalised value or raises a
:class:`~cheguan.core.errors.DomainError` with a stable code. None of them raises anything
else, whatever the input (property-tested in ``tests/registry/test_validators.py``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as StdnumError
from vininfo import Vin

from cheguan.core import clock
from cheguan.core.errors import Bi, ErrorCode

INVALID_ID_NUMBER = ErrorCode(
    "registry.invalid_id_number",
    "身份证号码应为 18 位：6 位地址码、8 位出生日期、3 位顺序码和 1 位校验码（数字或 X）。{reason}",
    "A resident ID number has 18 characters: a 6-digit address code, an 8-digit birth date, "
    "a 3-digit sequence and a check character (digit or X). {reason}",
)
INVALID_USCC = ErrorCode(
    "registry.invalid_uscc",
    "统一社会信用代码应为 18 位数字或大写字母（不含 I、O、Z、S、V）。{reason}",
    "A unified social credit code has 18 digits or capital letters (no I, O, Z, S, V). {reason}",
)
INVALID_VIN = ErrorCode(
    "registry.invalid_vin",
    "车辆识别代号（VIN）应为 17 位字母或数字，不含 I、O、Q，第 9 位为校验位。{reason}",
    "A VIN has 17 letters or digits, no I, O or Q, with a check digit in position 9. {reason}",
)
INVALID_PHONE = ErrorCode(
    "registry.invalid_phone",
    "手机号码应为 11 位数字，以 1 开头；固定电话可写作 0574-12345678。",
    "A mobile number has 11 digits starting with 1; a landline may be written 0574-12345678.",
)
INVALID_DOCUMENT_NUMBER = ErrorCode(
    "registry.invalid_document_number",
    "证件号码应为 5 到 30 位字母、数字或连字符。",
    "A document number has 5 to 30 letters, digits or hyphens.",
)

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
    return INVALID_ID_NUMBER(field=field, reason=Bi(*_REASONS[key]))


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
    if birth > clock.today():
        raise _id_error("future", field)
    if birth.year < 1900:
        raise _id_error("too_old", field)
    if not _known_address_code(number[:6]):
        raise _id_error("address", field)
    sex = "M" if int(number[16]) % 2 == 1 else "F"
    return ResidentId(number=number, birth_date=birth, sex=sex, address_code=number[:6])


def _known_address_code(code: str) -> bool:
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
        raise INVALID_DOCUMENT_NUMBER(field=field)
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
        raise _two(INVALID_USCC, field, "", "")
    code = value.strip().replace(" ", "").upper()
    if len(code) != 18:
        raise _two(INVALID_USCC, field, "长度不是 18 位。", "It does not have 18 characters.")
    if not code.isascii() or not _USCC_RE.match(code):
        raise _two(
            INVALID_USCC,
            field,
            "含有不允许的字符或位置不对。",
            "It has characters that are not allowed.",
        )
    try:
        ok = uscc.calc_check_digit(code[:17]) == code[17]
    except (StdnumError, ValueError, KeyError, IndexError):
        raise _two(
            INVALID_USCC, field, "无法计算校验位。", "The check character cannot be computed."
        ) from None
    return Uscc(code=code, checksum_ok=ok)


def _two(code: ErrorCode, field: str, zh: str, en: str):
    return code(field=field, reason=Bi(zh, en))


_VIN_CHARS = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")


def validate_vin(value: object, *, field: str = "vin") -> str:
    if not isinstance(value, str):
        raise _two(INVALID_VIN, field, "", "")
    vin = value.strip().replace(" ", "").upper()
    if len(vin) != 17:
        raise _two(INVALID_VIN, field, "长度不是 17 位。", "It does not have 17 characters.")
    if not vin.isascii() or not _VIN_CHARS.match(vin):
        raise _two(
            INVALID_VIN,
            field,
            "含有 I、O、Q 或其他不允许的字符。",
            "It contains I, O, Q or other characters.",
        )
    try:
        ok = Vin(vin).verify_checksum()
    except Exception:
        ok = False
    if not ok:
        raise _two(
            INVALID_VIN,
            field,
            "第 9 位校验位不符。",
            "The check digit in position 9 does not match.",
        )
    return vin


def vin_check_digit(vin17: str) -> str:
    """The check digit a 17-character VIN should have in position 9 (ISO 3779)."""
    values = dict(
        zip(
            "ABCDEFGHJKLMNPRSTUVWXYZ",
            [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9],
            strict=True,
        )
    )
    weights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
    total = sum(
        (int(c) if c.isdigit() else values[c]) * w for c, w in zip(vin17, weights, strict=True)
    )
    r = total % 11
    return "X" if r == 10 else str(r)


_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def validate_phone(value: object, *, field: str = "phone") -> str:
    if not isinstance(value, str):
        raise INVALID_PHONE(field=field)
    phone = value.strip().replace(" ", "")
    if _MOBILE_RE.match(phone) or _LANDLINE_RE.match(phone):
        return phone
    raise INVALID_PHONE(field=field)
