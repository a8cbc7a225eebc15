"""The national number rules (GA 36-2018, as read in DOMAIN.md §2.2): is this number valid
for this plate type (and office, and vehicle), and if not, every reason why.

A number is a province character, the issuing authority's letter and a serial:
浙 + B + A1234. Each plate type has a serial rule: one kind of character per position.

Sources and assumptions (the standard's own text was not read, DOMAIN.md "Open questions" 3):

- Small and large plates: a 5-character serial of A–Z (no I, O) and 0–9 whose **last
  character is a digit**. No national text read says so; every issued blue or yellow plate
  we know of ends in a digit, Beijing's published rule makes the 5th position a digit
  (DOMAIN.md §2.3), and the cities' tail-number traffic restrictions (尾号限行) rely on it.
  The regex used in practice (``[A-HJ-NP-Z0-9]{5}``, §2.2) is looser; we take the stricter
  reading. An office that issues letter-final serials changes ``RULES`` below.
- How many letters and where (e.g. at most 2, not in the last position) are **local**
  selection rules (conf ``SERIAL_MAX_LETTERS``, ``SERIAL_LETTER_POSITIONS``): they restrict
  self-composition only, never national validity.
- New-energy plates: small = energy letter (D A B C E pure electric, F G H J K otherwise),
  a letter or digit, four digits; large = five digits and the energy letter (§2.2).
- Trailer (挂) and learner-coach (学) plates: four letters or digits and the character 挂 or
  学 as the fifth serial character, e.g. 浙B1234挂, 浙B0123学. [C] the pattern
  ``[A-HJ-NP-Z0-9]{4}[挂学警港澳]`` that recurs in public plate-validation code (DOMAIN.md
  tags such sources as cross-checks only); GA 36-2018 itself was not read. These types are
  checked here but never drawn from the pool.
- I and O never appear in a serial (§2.2): they are reported as their own problem because
  the person most likely meant 1 or 0.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from cheguan.core.errors import Bi, DomainError
from cheguan.plates import errors
from cheguan.plates.models import PlateType
from cheguan.registry.codes import PROVINCES
from cheguan.registry.models import EnergyType

DIGITS = "0123456789"
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # A–Z without I and O
ALNUM = DIGITS + LETTERS  # the order expand_range counts in: digits, then letters
PURE_ELECTRIC = "DABCE"
NON_PURE_ELECTRIC = "FGHJK"
ENERGY = PURE_ELECTRIC + NON_PURE_ELECTRIC
TRAILER_SUFFIX = "挂"
COACH_SUFFIX = "学"
ORDINARY = frozenset({PlateType.SMALL, PlateType.LARGE})

# Separators people type between the prefix and the serial (after NFKC, which turns the
# full-width forms into these): middle dot, bullet, full stop, katakana middle dot, hyphen.
_SEPARATORS = re.compile(r"[\s·•.・‧∙⋅\-]+")

T = PlateType
# Each position's kind: "any" (a letter or digit), "digit", "energy" (the NEV letter), or the
# fixed final character of trailer and coach plates.
RULES: dict[str, tuple[str, ...]] = {
    T.SMALL: ("any", "any", "any", "any", "last_digit"),
    T.LARGE: ("any", "any", "any", "any", "last_digit"),
    T.SMALL_NEW_ENERGY: ("energy", "any", "digit", "digit", "digit", "digit"),
    T.LARGE_NEW_ENERGY: ("digit", "digit", "digit", "digit", "digit", "energy"),
    T.TRAILER: ("any", "any", "any", "any", TRAILER_SUFFIX),
    T.COACH: ("any", "any", "any", "any", COACH_SUFFIX),
}
ALPHABETS = {  # each in ALNUM's order, which is the order a segment counts in
    "any": ALNUM,
    "digit": DIGITS,
    "last_digit": DIGITS,
    "energy": "".join(c for c in ALNUM if c in ENERGY),  # ABCDEFGHJK
    TRAILER_SUFFIX: TRAILER_SUFFIX,
    COACH_SUFFIX: COACH_SUFFIX,
}

# What a right serial looks like, per type: every format message ends with it.
SHAPES: dict[str, Bi] = {
    T.SMALL: Bi(
        "小型汽车号牌序号应为5位字母或数字（不含I、O），最后一位为数字，例如浙B·A1234。",
        "A small-vehicle serial has 5 letters or digits (no I or O), the last a digit, "
        "e.g. 浙B·A1234.",
    ),
    T.LARGE: Bi(
        "大型汽车号牌序号应为5位字母或数字（不含I、O），最后一位为数字，例如浙B·12345。",
        "A large-vehicle serial has 5 letters or digits (no I or O), the last a digit, "
        "e.g. 浙B·12345.",
    ),
    T.SMALL_NEW_ENERGY: Bi(
        "小型新能源号牌序号应为6位：第1位为D、A、B、C、E（纯电动）或F、G、H、J、K（非纯电动），"
        "第2位字母或数字，后4位为数字，例如浙B·D12345。",
        "A small new-energy serial has 6 characters: first D, A, B, C, E (pure electric) or "
        "F, G, H, J, K (plug-in hybrid, fuel cell), then a letter or digit, then 4 digits, "
        "e.g. 浙B·D12345.",
    ),
    T.LARGE_NEW_ENERGY: Bi(
        "大型新能源号牌序号应为6位：前5位为数字，第6位为D、A、B、C、E（纯电动）"
        "或F、G、H、J、K（非纯电动），例如浙B·12345D。",
        "A large new-energy serial has 6 characters: 5 digits, then D, A, B, C, E (pure "
        "electric) or F, G, H, J, K (plug-in hybrid, fuel cell), e.g. 浙B·12345D.",
    ),
    T.TRAILER: Bi(
        "挂车号牌序号应为4位字母或数字（不含I、O）加“挂”字，例如浙B·1234挂。",
        "A trailer serial has 4 letters or digits (no I or O) and then “挂”, e.g. 浙B·1234挂.",
    ),
    T.COACH: Bi(
        "教练汽车号牌序号应为4位字母或数字（不含I、O）加“学”字，例如浙B·0123学。",
        "A learner-coach serial has 4 letters or digits (no I or O) and then “学”, "
        "e.g. 浙B·0123学.",
    ),
}

_ANY_PROVINCE = Bi(
    "省、自治区、直辖市的简称，例如浙、粤、京",
    "the one-character name of a province, e.g. 浙, 粤 or 京",
)
_ANY_AUTHORITY = Bi(
    "发牌机关代号：A至Z中除I、O以外的一个字母",
    "the issuing authority's letter: one of A–Z except I and O",
)
_NEV_NEEDS_GREEN = Bi(
    "新能源汽车应使用绿色的新能源号牌（小型新能源52或大型新能源51）。",
    "a new-energy vehicle takes a green new-energy plate (small 52 or large 51).",
)
_FUEL_NOT_GREEN = Bi(
    "燃油汽车不能使用新能源号牌，应使用小型汽车（02）或大型汽车（01）号牌。",
    "a fuel vehicle may not take a new-energy plate; it takes a small (02) or large (01) plate.",
)
_PURE_LETTERS = Bi(
    "纯电动汽车的能源字母应为D、A、B、C、E。",
    "a pure-electric vehicle's energy letter is D, A, B, C or E.",
)
_NON_PURE_LETTERS = Bi(
    "插电式混合动力和燃料电池汽车的能源字母应为F、G、H、J、K。",
    "a plug-in hybrid or fuel-cell vehicle's energy letter is F, G, H, J or K.",
)


@dataclass(frozen=True)
class NumberCheck:
    """The answer to "is this number right for this plate type (and office), and if not,
    why": the normalised number, its serial, and every problem found, in reading order."""

    number: str
    plate_type: str
    serial: str
    problems: tuple[DomainError, ...] = ()

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def codes(self) -> list[str]:
        return [p.code for p in self.problems]

    @property
    def display(self) -> str:
        return display(self.number)

    def extended(self, more: Iterable[DomainError]) -> NumberCheck:
        return NumberCheck(self.number, self.plate_type, self.serial, (*self.problems, *more))


def normalise(text: object) -> str:
    """浙b·a1234, ＺＨ full-width, spaces, dots → 浙BA1234. Never raises."""
    if not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFKC", text[:64])
    return _SEPARATORS.sub("", text).upper()


def display(number: str) -> str:
    """浙BA1234 → 浙B·A1234, as printed on the plate."""
    number = normalise(number)
    if len(number) < 3:
        return number
    return f"{number[:2]}·{number[2:]}"


def positions_text(indexes: Iterable[int]) -> str:
    return "、".join(str(i + 1) for i in indexes)


def _prefix_problems(number: str, office) -> list[DomainError]:
    province, authority = number[:1], number[1:2]
    found = []
    if office is not None:
        prefix = office.plate_prefix
        if province != prefix[0]:
            expected = Bi(
                f"省份简称“{prefix[0]}”（本所号牌以{prefix}开头）",
                f"the province character {prefix[0]} (this office's numbers begin {prefix})",
            )
            found.append(errors.WRONG_PROVINCE(field="number", expected=expected))
        if authority != prefix[1]:
            expected = Bi(
                f"发牌机关代号“{prefix[1]}”（本所号牌以{prefix}开头）",
                f"the issuing-authority letter {prefix[1]} (this office's numbers begin {prefix})",
            )
            found.append(errors.WRONG_AUTHORITY(field="number", expected=expected))
        return found
    if not province or province not in PROVINCES:
        found.append(errors.WRONG_PROVINCE(field="number", expected=_ANY_PROVINCE))
    if not authority or authority not in LETTERS:
        found.append(errors.WRONG_AUTHORITY(field="number", expected=_ANY_AUTHORITY))
    return found


def serial_problems(serial: str, plate_type: str) -> list[DomainError]:
    rule = RULES[plate_type]
    shape = SHAPES[plate_type]
    right_length = len(serial) == len(rule)
    suffixes = {k for k in rule if len(k) == 1}

    def strange(i: int, c: str) -> bool:
        # I and O are reported on their own; 挂/学 are strange only away from their place
        if c in ALNUM or c in "IO":
            return False
        return c not in suffixes or (right_length and rule[i] != c)

    found: list[DomainError] = []
    if not right_length:
        found.append(errors.BAD_LENGTH(field="number", length=len(serial), expected=shape))
    i_or_o = [i for i, c in enumerate(serial) if c in "IO"]
    if i_or_o:
        found.append(errors.LETTER_I_OR_O(field="number", positions=positions_text(i_or_o)))
    odd = [i for i, c in enumerate(serial) if strange(i, c)]
    if odd:
        found.append(
            errors.BAD_CHARACTER(field="number", positions=positions_text(odd), expected=shape)
        )
    if not right_length:
        return found  # the positions mean nothing in a serial of the wrong length
    digits_missing = []
    for i, (kind, c) in enumerate(zip(rule, serial, strict=True)):
        if c in ALPHABETS[kind] or c in "IO" or i in odd:
            continue  # right, or already reported
        if kind == "last_digit":
            found.append(errors.LAST_MUST_BE_DIGIT(field="number", expected=shape))
        elif kind == "digit":
            digits_missing.append(i)
        elif kind == "energy":
            found.append(errors.BAD_ENERGY_LETTER(field="number", position=i + 1, expected=shape))
        elif kind in suffixes:
            found.append(errors.WRONG_SUFFIX(field="number", suffix=kind, expected=shape))
    if digits_missing:
        found.append(
            errors.DIGIT_REQUIRED(
                field="number", positions=positions_text(digits_missing), expected=shape
            )
        )
    return found


def _energy_letter(serial: str, plate_type: str) -> str:
    """The NEV serial's energy letter, or "" when it is missing or not one."""
    rule = RULES[plate_type]
    if "energy" not in rule or len(serial) != len(rule):
        return ""
    letter = serial[rule.index("energy")]
    return letter if letter in ENERGY else ""


def _vehicle_problems(serial: str, plate_type: str, energy_type: str) -> list[DomainError]:
    if energy_type not in EnergyType.values:
        return [errors.UNKNOWN_ENERGY_TYPE(field="energy_type")]
    new_energy = energy_type in EnergyType.new_energy()
    if plate_type in ORDINARY and new_energy:
        return [errors.NOT_FOR_THIS_VEHICLE(field="plate_type", reason=_NEV_NEEDS_GREEN)]
    if plate_type not in PlateType.new_energy():
        return []
    if not new_energy:
        return [errors.NOT_FOR_THIS_VEHICLE(field="plate_type", reason=_FUEL_NOT_GREEN)]
    letter = _energy_letter(serial, plate_type)
    if not letter:
        return []  # already reported as a bad energy letter
    if energy_type == EnergyType.PURE_ELECTRIC and letter in NON_PURE_ELECTRIC:
        return [errors.NOT_FOR_THIS_VEHICLE(field="number", reason=_PURE_LETTERS)]
    if energy_type != EnergyType.PURE_ELECTRIC and letter in PURE_ELECTRIC:
        return [errors.NOT_FOR_THIS_VEHICLE(field="number", reason=_NON_PURE_LETTERS)]
    return []


def check_number(
    number: object, *, plate_type: str, office=None, energy_type: str | None = None
) -> NumberCheck:
    """Every national-rule problem of ``number`` as a plate of ``plate_type``: its prefix
    (the office's, when one is given; any province and authority letter otherwise), its
    serial, and — when the vehicle's ``energy_type`` is given — whether the plate type and
    the energy letter suit the vehicle. Never raises on any input."""
    normalised = normalise(number)
    serial = normalised[2:]
    if not normalised:
        return NumberCheck("", str(plate_type), "", (errors.NUMBER_REQUIRED(field="number"),))
    problems: list[DomainError] = _prefix_problems(normalised, office)
    if plate_type not in RULES:
        problems.insert(0, errors.UNKNOWN_TYPE(field="plate_type"))
        return NumberCheck(normalised, str(plate_type)[:4], serial, tuple(problems))
    problems += serial_problems(serial, plate_type)
    if energy_type is not None:
        problems += _vehicle_problems(serial, plate_type, energy_type)
    return NumberCheck(normalised, plate_type, serial, tuple(problems))
