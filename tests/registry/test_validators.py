"""Identifier validators: real valid and invalid examples, and properties over any input."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError
from vininfo import Vin

from cheguan.core.errors import DomainError
from cheguan.registry import errors
from cheguan.registry.models import EnergyType
from cheguan.registry.services.vehicles import validate_plate_number_basic
from cheguan.registry.validators import (
    parse_date,
    parse_datetime,
    parse_resident_id,
    parse_uscc,
    validate_choice,
    validate_document_number,
    validate_int,
    validate_phone,
    validate_resident_id,
    validate_text,
    validate_vin,
    vin_check_digit,
)


def with_check_digit(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "0")


def wrong_check_digit(number: str) -> str:
    return number[:17] + ("1" if number[17] != "1" else "2")


# --- resident ID numbers (GB 11643-1999) ---------------------------------------------


def test_resident_id_from_stdnum_documentation_is_valid_and_parsed():
    rid = parse_resident_id("360426199101010071")
    assert rid.number == "360426199101010071"
    assert rid.birth_date == dt.date(1991, 1, 1)
    assert rid.sex == "M"  # sequence 007: odd
    assert rid.address_code == "360426"


def test_resident_id_of_a_woman_has_an_even_sequence():
    number = with_check_digit("33020519850612002")
    rid = parse_resident_id(number)
    assert (rid.sex, rid.birth_date) == ("F", dt.date(1985, 6, 12))


def test_elderly_citizen_whose_county_code_is_younger_than_them_is_accepted():
    # 330203 海曙区 is listed in stdnum's cn/loc.dat as "[1983-]海曙区": created in 1983.
    # A Ningbo citizen born in 1950 and registered there when numbers were issued holds a
    # perfectly valid number that stdnum's own validate() refuses.
    number = with_check_digit("33020319500101001")
    assert number == "330203195001010016"
    with pytest.raises(StdnumError):
        ric.validate(number)
    rid = parse_resident_id(number)
    assert rid.birth_date == dt.date(1950, 1, 1)
    assert rid.address_code == "330203"


def test_future_birth_date_is_rejected_although_stdnum_accepts_it(clock):
    clock.set_now(dt.datetime(2025, 6, 1, 9, 0))
    number = with_check_digit("33020320990101001")
    assert ric.validate(number) == number  # stdnum does not look at the calendar
    with pytest.raises(DomainError) as e:
        parse_resident_id(number)
    assert e.value.error is errors.INVALID_ID_NUMBER
    assert "in the future" in e.value.message_in("en")


def test_birth_date_today_is_accepted(clock):
    clock.set_now(dt.datetime(2025, 6, 1, 9, 0))
    assert parse_resident_id(with_check_digit("33020320250601001")).birth_date == dt.date(
        2025, 6, 1
    )


def test_wrong_check_digit_is_rejected_with_a_typo_hint():
    good = with_check_digit("33020319580301001")
    with pytest.raises(DomainError) as e:
        validate_resident_id(wrong_check_digit(good))
    assert e.value.field == "id_number"
    assert e.value.message_in("en").endswith(
        "The check character does not match; check for a typo."
    )


@pytest.mark.parametrize(
    "value",
    ["", "36042619910101007", "3604261991010100711", "360426910101007"],
    ids=["empty", "17 chars", "19 chars", "old 15-digit"],
)
def test_wrong_length_is_rejected(value):
    with pytest.raises(DomainError) as e:
        validate_resident_id(value)
    assert e.value.error is errors.INVALID_ID_NUMBER
    assert "does not have 18 characters" in e.value.message_in("en")


def test_impossible_birth_date_is_rejected():
    with pytest.raises(DomainError) as e:
        validate_resident_id(with_check_digit("33020319580230001"))  # 30 February
    assert "not a real date" in e.value.message_in("en")


def test_unknown_address_code_is_rejected():
    with pytest.raises(DomainError) as e:
        validate_resident_id(with_check_digit("99999919580301001"))
    assert "not a known county code" in e.value.message_in("en")


def test_lowercase_x_check_character_is_accepted_and_normalised():
    number = next(
        n
        for n in (with_check_digit(f"330203195803010{s:02d}") for s in range(100))
        if n.endswith("X")
    )
    assert validate_resident_id(" " + number.lower() + " ") == number


def test_full_width_digits_are_rejected():
    number = "３６０４２６１９９１０１０１００７１"
    with pytest.raises(DomainError) as e:
        validate_resident_id(number)
    assert "characters that are not allowed" in e.value.message_in("en")


def test_id_error_message_is_bilingual_and_names_the_expected_format():
    with pytest.raises(DomainError) as e:
        validate_resident_id("12345")
    assert e.value.message_in("zh-hans").startswith("身份证号码应为 18 位")
    assert e.value.message_in("en").startswith("A resident ID number has 18 characters")


def test_other_identity_documents_use_their_own_shape():
    assert validate_document_number(" e12345678 ") == "E12345678"
    with pytest.raises(DomainError):
        validate_document_number("护照123")


# --- unified social credit codes (GB 32100-2015) ---------------------------------------


def test_uscc_from_stdnum_documentation_is_valid():
    assert parse_uscc("91110000600037341L").checksum_ok is True


def test_uscc_is_normalised_to_capitals_without_spaces():
    assert parse_uscc("9 1 110000 600037341l").code == "91110000600037341L"


def test_early_pilot_uscc_failing_its_checksum_is_accepted_with_a_flag():
    # The shape of an early Xiamen pilot code (…M000…): legal, but its check character
    # does not follow GB 32100 (DOMAIN.md §8.3). Accepted, flagged for a warning.
    code = parse_uscc("91350200M000100Y43")
    assert (code.code, code.checksum_ok) == ("91350200M000100Y43", False)


@pytest.mark.parametrize(
    "value",
    ["9135020OM000100Y43", "91110000600037341I", "9111000060003734SL", "91A10000600037341L"],
    ids=["letter O", "letter I", "letter S", "letter in the area code"],
)
def test_uscc_with_forbidden_characters_is_rejected(value):
    with pytest.raises(DomainError) as e:
        parse_uscc(value)
    assert e.value.error is errors.INVALID_USCC
    assert e.value.field == "uscc"


def test_uscc_of_wrong_length_is_rejected():
    with pytest.raises(DomainError) as e:
        parse_uscc("12345")
    assert "does not have 18 characters" in e.value.message_in("en")


# --- VINs (GB 16735 / ISO 3779) -------------------------------------------------------


def test_real_world_vin_with_check_digit_x_is_valid():
    assert validate_vin("1M8GDM9AXKP042788") == "1M8GDM9AXKP042788"


def test_chinese_vin_with_its_computed_check_digit_is_valid():
    # SAIC-Volkswagen's WMI LSV; position 9 computed, then checked by vininfo as well.
    body = "LSVAU2180N2183294"
    vin = body[:8] + vin_check_digit(body) + body[9:]
    assert vin == "LSVAU218XN2183294"
    assert Vin(vin).verify_checksum() is True
    assert validate_vin(vin.lower()) == vin


def test_vin_with_wrong_check_digit_is_rejected():
    with pytest.raises(DomainError) as e:
        validate_vin("LSVAU2180N2183294")
    assert e.value.error is errors.INVALID_VIN
    assert "check digit in position 9" in e.value.message_in("en")


@pytest.mark.parametrize("letter", ["I", "O", "Q"])
def test_vin_with_i_o_or_q_is_rejected(letter):
    vin = "1M8GDM9AXKP04278" + letter
    with pytest.raises(DomainError) as e:
        validate_vin(vin)
    assert "I, O, Q" in e.value.message_in("en")


def test_vin_of_wrong_length_is_rejected():
    with pytest.raises(DomainError) as e:
        validate_vin("1M8GDM9AXKP04278")
    assert "does not have 17 characters" in e.value.message_in("en")


def test_vin_with_impossible_model_year_is_rejected():
    body = "LSVAU2180U2183294"  # position 10 = U: no model year is coded U, Z or 0
    vin = body[:8] + vin_check_digit(body) + body[9:]
    with pytest.raises(DomainError) as e:
        validate_vin(vin)
    assert "Position 10 (the model year)" in e.value.message_in("en")


VIN_CHARS = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"


@given(
    st.text(alphabet=VIN_CHARS, min_size=2, max_size=2).filter(lambda w: not w.startswith("6F")),
    st.text(alphabet=VIN_CHARS, min_size=7, max_size=7),
    st.sampled_from("ABCDEFGHJKLMNPRSTVWXY123456789"),
    st.text(alphabet=VIN_CHARS, min_size=7, max_size=7),
)
def test_our_vin_check_digit_agrees_with_vininfo(wmi, vds, year, vis):
    body = wmi + vds + year + vis  # 2 + 7 + 1 + 7 = 17; position 9 is overwritten
    vin = body[:8] + vin_check_digit(body) + body[9:]
    assert Vin(vin).verify_checksum() is True
    assert validate_vin(vin) == vin


# --- phones ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13812345678", "13812345678"),
        (" 138 1234 5678 ", "13812345678"),
        ("19912345678", "19912345678"),
        ("0574-87654321", "0574-87654321"),
        ("057487654321", "057487654321"),
        ("010-1234567", "010-1234567"),
    ],
)
def test_mobile_and_landline_numbers_are_accepted(value, expected):
    assert validate_phone(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "1381234567",
        "138123456789",
        "12812345678",
        "23812345678",
        "１３８１２３４５６７８",
        "574-87654321",
    ],
)
def test_malformed_phone_numbers_are_rejected(value):
    with pytest.raises(DomainError) as e:
        validate_phone(value)
    assert e.value.error is errors.INVALID_PHONE


# --- plain fields ------------------------------------------------------------------------


def test_text_refuses_control_characters_and_lone_surrogates():
    for bad in ["a\x00b", "line\nbreak", "\ud800"]:
        with pytest.raises(DomainError) as e:
            validate_text(bad, field="name", max_length=10)
        assert e.value.error is errors.INVALID_TEXT
    assert validate_text("  王建国 ", field="name", max_length=10) == "王建国"


def test_the_control_characters_refused_are_exactly_unicodes_cc_and_cs():
    """``_has_control`` is one regular expression; it must find exactly the characters
    ``unicodedata.category`` calls controls or surrogates, over every code point."""
    import sys
    import unicodedata

    from cheguan.registry.validators import _has_control

    every = (chr(c) for c in range(sys.maxunicode + 1))
    expected = [ch for ch in every if unicodedata.category(ch) in {"Cc", "Cs"}]
    found = [chr(c) for c in range(sys.maxunicode + 1) if _has_control(chr(c))]
    assert found == expected
    assert _has_control("王建国\x7f") and not _has_control("王建国 ·-")


@pytest.mark.parametrize(
    "zone", ["Asia/Shanghai", "Pacific/Kiritimati", "Etc/GMT+12", "UTC", "America/St_Johns"]
)
@pytest.mark.parametrize("hour", [0, 1, 11, 12, 13, 22, 23])
def test_after_today_agrees_with_the_clock_in_every_zone_near_midnight(zone, hour, clock):
    """``after_today`` skips the time zone for days long past; the answer must be the
    clock's, for the days around today, in zones from UTC-12 to UTC+14, at any hour."""
    import zoneinfo

    from django.utils import timezone

    from cheguan.registry.validators import after_today

    with timezone.override(zoneinfo.ZoneInfo(zone)):
        clock.set_now(dt.datetime(2026, 3, 2, hour, 30, tzinfo=dt.UTC))
        today = clock.today()
        for offset in range(-4, 5):
            day = dt.date(2026, 3, 2) + dt.timedelta(days=offset)
            assert after_today(day) is (day > today), (zone, hour, day)
        assert after_today(today + dt.timedelta(days=1)) and not after_today(today)
    assert not after_today(dt.date(1900, 1, 1))


def test_a_birth_date_tomorrow_is_refused_and_today_accepted(clock):
    clock.set_now(dt.datetime(2026, 3, 2, 23, 30))  # the office's time: 2026-03-02
    today = with_check_digit("33020320260302001")
    tomorrow = with_check_digit("33020320260303001")
    assert parse_resident_id(today).birth_date == dt.date(2026, 3, 2)
    with pytest.raises(DomainError) as e:
        parse_resident_id(tomorrow)
    assert "in the future" in e.value.message_in("en")


@given(st.text(alphabet=VIN_CHARS + "IOQ٣i", min_size=17, max_size=17))
def test_vin_check_digit_is_the_iso_3779_sum(body):
    """The check digit from the table read once is the one computed character by character
    (ASCII letters by the ISO table, any digit by its value; I, O and Q have none)."""
    letters = dict(zip("ABCDEFGHJKLMNPRSTUVWXYZ", "12345678123457923456789", strict=True))
    weights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
    try:
        total = sum(
            (int(c) if c.isdigit() else int(letters[c])) * w
            for c, w in zip(body, weights, strict=True)
        )
    except KeyError:
        with pytest.raises(KeyError):
            vin_check_digit(body)
        return
    assert vin_check_digit(body) == ("X" if total % 11 == 10 else str(total % 11))


def test_choice_lists_the_allowed_values():
    with pytest.raises(DomainError) as e:
        validate_choice("diesel", EnergyType, field="energy_type")
    assert e.value.error is errors.INVALID_CHOICE
    assert (
        e.value.message_in("en")
        == "“diesel” is not one of the allowed values: fuel, bev, phev, fcev."
    )


def test_dates_accept_dashes_and_slashes_and_refuse_the_impossible():
    assert parse_date("2024-03-01", field="d") == dt.date(2024, 3, 1)
    assert parse_date("2024/3/1", field="d") == dt.date(2024, 3, 1)
    for bad in ["2024-02-30", "01-03-2024", "0001-01-01", "2024-03-01T10:00"]:
        with pytest.raises(DomainError) as e:
            parse_date(bad, field="d")
        assert e.value.error is errors.INVALID_DATE


def test_local_time_without_zone_is_the_offices_time():
    when = parse_datetime("2024-03-01 14:30", field="t")
    assert when.utcoffset() == dt.timedelta(hours=8)
    assert (when.hour, when.minute) == (14, 30)


def test_whole_numbers_accept_digit_strings_within_the_range():
    assert validate_int(" 12 ", field="points", minimum=0, maximum=12) == 12
    for bad in ["13", "1.5", True, 2.0, "", "１２"]:
        with pytest.raises(DomainError) as e:
            validate_int(bad, field="points", minimum=0, maximum=12)
        assert e.value.error is errors.INVALID_WHOLE_NUMBER


# --- properties: whatever the input, a value or a DomainError, never anything else -----

ANYTHING = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(codec="utf-8")),
    st.text(alphabet="0123456789Xx -/:T", max_size=25),
    st.from_regex(r"\A[0-9]{17}[0-9Xx]\Z"),
    st.from_regex(r"\A[0-9A-Z]{18}\Z"),
    st.text(alphabet="0123456789ABCDEFGHJKLMNPRSTUVWXYZIOQ", min_size=16, max_size=18),
    st.none(),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.binary(),
    st.dates(),
    st.datetimes(),
    st.lists(st.text(), max_size=3),
)


def _returns_or_domain_error(func, value):
    with contextlib.suppress(DomainError):
        func(value)


PARSERS = {
    "parse_resident_id": parse_resident_id,
    "validate_resident_id": validate_resident_id,
    "validate_document_number": validate_document_number,
    "parse_uscc": parse_uscc,
    "validate_vin": validate_vin,
    "validate_phone": validate_phone,
    "validate_plate_number_basic": validate_plate_number_basic,
    "validate_text": lambda v: validate_text(v, field="f", max_length=20),
    "validate_choice": lambda v: validate_choice(v, EnergyType, field="f"),
    "parse_date": lambda v: parse_date(v, field="f"),
    "parse_datetime": lambda v: parse_datetime(v, field="f"),
    "validate_int": lambda v: validate_int(v, field="f", minimum=0, maximum=99),
}


@pytest.mark.parametrize("name", sorted(PARSERS))
def test_validator_never_raises_anything_but_a_domain_error(name):
    @settings(max_examples=200, deadline=None)
    @given(ANYTHING)
    def check(value):
        _returns_or_domain_error(PARSERS[name], value)

    check()


IDEMPOTENT = ["validate_resident_id", "validate_document_number", "validate_vin", "validate_phone"]


@pytest.mark.parametrize("name", IDEMPOTENT)
def test_a_normalised_value_validates_to_itself(name):
    @settings(max_examples=200, deadline=None)
    @given(ANYTHING)
    def check(value):
        try:
            once = PARSERS[name](value)
        except DomainError:
            return
        assert PARSERS[name](once) == once

    check()
