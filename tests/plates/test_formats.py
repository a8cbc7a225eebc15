"""The national number rules (GA 36-2018 as in DOMAIN.md §2.2), table-driven with real
examples per plate type: pure functions, no database."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from cheguan.core.errors import DomainError
from cheguan.plates import errors, formats
from cheguan.plates.formats import check_number, display, expand_range, normalise, range_size

NINGBO = SimpleNamespace(plate_prefix="浙B")  # check_number reads only the office's prefix

SMALL, LARGE, SMALL_NEV, LARGE_NEV, TRAILER, COACH = "02", "01", "52", "51", "15", "16"

VALID = [
    # (number as typed, plate type, normalised number)
    ("浙B12345", SMALL, "浙B12345"),  # all digits: the last is a digit, so it is valid
    ("浙BA1234", SMALL, "浙BA1234"),
    ("浙BAB123", SMALL, "浙BAB123"),  # two letters: nationally fine (local rules may limit)
    ("浙BABCD1", SMALL, "浙BABCD1"),  # four letters: nationally fine, locally too many
    ("浙B12345", LARGE, "浙B12345"),
    ("浙BD12345", SMALL_NEV, "浙BD12345"),  # pure electric
    ("浙BF12345", SMALL_NEV, "浙BF12345"),  # non-pure electric
    ("浙BDA1234", SMALL_NEV, "浙BDA1234"),  # second serial character a letter
    ("浙BA01234", SMALL_NEV, "浙BA01234"),  # A: the extended pure-electric letters
    ("浙BK12345", SMALL_NEV, "浙BK12345"),
    ("浙B12345D", LARGE_NEV, "浙B12345D"),
    ("浙B12345F", LARGE_NEV, "浙B12345F"),
    ("浙B1234挂", TRAILER, "浙B1234挂"),
    ("浙BA123挂", TRAILER, "浙BA123挂"),
    ("浙B0123学", COACH, "浙B0123学"),
    # the ways people type them
    ("浙B·A1234", SMALL, "浙BA1234"),
    ("浙B.A1234", SMALL, "浙BA1234"),
    ("浙B•A1234", SMALL, "浙BA1234"),
    (" 浙 B A1234 ", SMALL, "浙BA1234"),
    ("浙ba1234", SMALL, "浙BA1234"),
    ("浙Ｂ·Ａ１２３４", SMALL, "浙BA1234"),  # full-width letters and digits
    ("浙Ｂ．ｄ１２３４５", SMALL_NEV, "浙BD12345"),  # full-width stop, lower case
]


@pytest.mark.parametrize(("typed", "plate_type", "normalised"), VALID)
def test_valid_numbers_have_no_problem_at_the_office(typed, plate_type, normalised):
    result = check_number(typed, plate_type=plate_type, office=NINGBO)

    assert result.codes == []
    assert result.valid is True
    assert result.number == normalised
    assert result.serial == normalised[2:]


EVERY_KIND = [
    "plates.wrong_province",
    "plates.wrong_authority",
    "plates.letter_i_or_o",
    "plates.last_must_be_digit",
]
INVALID = [
    # (number, plate type, office, the codes of every problem, in order)
    ("浙BI2345", SMALL, NINGBO, ["plates.letter_i_or_o"]),
    ("浙BO2345", SMALL, NINGBO, ["plates.letter_i_or_o"]),
    ("浙BDI1234", SMALL_NEV, NINGBO, ["plates.letter_i_or_o"]),
    ("浙B1234A", SMALL, NINGBO, ["plates.last_must_be_digit"]),
    ("浙B1234A", LARGE, NINGBO, ["plates.last_must_be_digit"]),
    ("浙B123456", SMALL, NINGBO, ["plates.bad_length"]),
    ("浙B1234", SMALL, NINGBO, ["plates.bad_length"]),
    ("浙B12345", SMALL_NEV, NINGBO, ["plates.bad_length"]),  # a blue serial on a green plate
    ("浙BD12345", SMALL, NINGBO, ["plates.bad_length"]),  # a green serial on a blue plate
    ("浙BX12345", SMALL_NEV, NINGBO, ["plates.bad_energy_letter"]),
    ("浙B012345", SMALL_NEV, NINGBO, ["plates.bad_energy_letter"]),
    ("浙BD1234A", SMALL_NEV, NINGBO, ["plates.digit_required"]),
    ("浙BDAB234", SMALL_NEV, NINGBO, ["plates.digit_required"]),
    ("浙B12345X", LARGE_NEV, NINGBO, ["plates.bad_energy_letter"]),
    ("浙BD12345", LARGE_NEV, NINGBO, ["plates.bad_energy_letter", "plates.digit_required"]),
    ("浙B1234AD", LARGE_NEV, NINGBO, ["plates.digit_required"]),
    ("浙B12345", TRAILER, NINGBO, ["plates.wrong_suffix"]),
    ("浙B1234学", TRAILER, NINGBO, ["plates.bad_character"]),
    ("浙B1234挂", SMALL, NINGBO, ["plates.bad_character"]),
    ("浙B12345", COACH, NINGBO, ["plates.wrong_suffix"]),
    ("浙B12-3#4", SMALL, NINGBO, ["plates.bad_character"]),  # "-" is a separator, "#" is not
    ("粤B·D12345", SMALL_NEV, NINGBO, ["plates.wrong_province"]),
    ("浙A12345", SMALL, NINGBO, ["plates.wrong_authority"]),
    ("沪AI234A", SMALL, NINGBO, EVERY_KIND),
    ("XB12345", SMALL, None, ["plates.wrong_province"]),
    ("浙I12345", SMALL, None, ["plates.wrong_authority"]),
    ("", SMALL, NINGBO, ["plates.number_required"]),
    (" · ", SMALL, NINGBO, ["plates.number_required"]),
    ("浙BA1234", "99", NINGBO, ["plates.unknown_type"]),
    ("浙BA1234", "", NINGBO, ["plates.unknown_type"]),
]


@pytest.mark.parametrize(("number", "plate_type", "office", "codes"), INVALID)
def test_invalid_numbers_list_every_problem(number, plate_type, office, codes):
    result = check_number(number, plate_type=plate_type, office=office)

    assert result.codes == codes
    assert result.valid is False


@pytest.mark.parametrize(("number", "plate_type", "office", "codes"), INVALID)
def test_every_problem_says_in_both_languages_what_was_expected(number, plate_type, office, codes):
    for problem in check_number(number, plate_type=plate_type, office=office).problems:
        zh, en = problem.message_in("zh-hans"), problem.message_in("en")
        assert zh and en and zh != en
        assert "{" not in zh + en  # every placeholder filled
        assert problem.field in {"number", "plate_type"}


def test_a_green_plate_number_is_valid_nationally_but_not_at_another_office():
    nationally = check_number("粤B·D12345", plate_type=SMALL_NEV)
    at_ningbo = check_number("粤B·D12345", plate_type=SMALL_NEV, office=NINGBO)

    assert nationally.valid is True
    assert at_ningbo.codes == ["plates.wrong_province"]
    assert "浙B" in at_ningbo.problems[0].message_in("zh-hans")


def test_the_length_message_spells_out_the_small_new_energy_shape():
    (problem,) = check_number("浙B12345", plate_type=SMALL_NEV, office=NINGBO).problems

    assert problem.error == errors.BAD_LENGTH
    assert (
        "小型新能源号牌序号应为6位：第1位为D、A、B、C、E（纯电动）或F、G、H、J、K（非纯电动），"
        "第2位字母或数字，后4位为数字" in problem.message_in("zh-hans")
    )
    assert "6 characters" in problem.message_in("en")


def test_i_and_o_are_reported_with_their_positions():
    (problem,) = check_number("浙BIO123", plate_type=SMALL, office=NINGBO).problems

    assert "1、2" in problem.message_in("zh-hans")


def test_the_digit_positions_of_a_large_new_energy_serial_are_named():
    result = check_number("浙B1A3B5D", plate_type=LARGE_NEV, office=NINGBO)

    assert result.codes == ["plates.digit_required"]
    assert "序号第2、4位应为数字" in result.problems[0].message_in("zh-hans")


ENERGY = [
    # (number, plate type, vehicle energy type, codes)
    ("浙BA1234", SMALL, "fuel", []),
    ("浙BA1234", SMALL, "bev", ["plates.not_for_this_vehicle"]),  # NEV needs a green plate
    ("浙BA1234", LARGE, "phev", ["plates.not_for_this_vehicle"]),
    ("浙BD12345", SMALL_NEV, "fuel", ["plates.not_for_this_vehicle"]),  # fuel: no green plate
    ("浙BD12345", SMALL_NEV, "bev", []),
    ("浙BA12345", SMALL_NEV, "bev", []),
    ("浙BF12345", SMALL_NEV, "bev", ["plates.not_for_this_vehicle"]),  # BEV needs D/A/B/C/E
    ("浙BF12345", SMALL_NEV, "phev", []),
    ("浙BK12345", SMALL_NEV, "fcev", []),
    ("浙BD12345", SMALL_NEV, "phev", ["plates.not_for_this_vehicle"]),  # PHEV needs F–K
    ("浙BE12345", SMALL_NEV, "fcev", ["plates.not_for_this_vehicle"]),
    ("浙B12345D", LARGE_NEV, "bev", []),
    ("浙B12345D", LARGE_NEV, "phev", ["plates.not_for_this_vehicle"]),
    ("浙B12345G", LARGE_NEV, "fcev", []),
    ("浙BX12345", SMALL_NEV, "bev", ["plates.bad_energy_letter"]),  # reported once, not twice
    ("浙BA1234", SMALL, "diesel", ["plates.unknown_energy_type"]),
]


@pytest.mark.parametrize(("number", "plate_type", "energy", "codes"), ENERGY)
def test_the_plate_must_suit_the_vehicles_energy_type(number, plate_type, energy, codes):
    result = check_number(number, plate_type=plate_type, office=NINGBO, energy_type=energy)

    assert result.codes == codes


def test_a_pure_electric_car_is_told_which_letters_it_needs():
    result = check_number("浙BF12345", plate_type=SMALL_NEV, energy_type="bev")

    assert "D、A、B、C、E" in result.problems[0].message_in("zh-hans")
    assert "D, A, B, C or E" in result.problems[0].message_in("en")


@pytest.mark.parametrize(
    "junk", [None, 12345, b"\xe6\xb5\x99B12345", "浙" * 10_000, "\x00\x01", "🚗🚗🚗🚗🚗🚗🚗"]
)
def test_any_input_gives_an_answer_not_an_exception(junk):
    result = check_number(junk, plate_type=SMALL, office=NINGBO)

    assert result.valid is False


@pytest.mark.parametrize(
    ("typed", "shown"),
    [("浙BA1234", "浙B·A1234"), ("浙b d12345", "浙B·D12345"), ("浙B·A1234", "浙B·A1234")],
)
def test_display_puts_the_dot_after_the_prefix(typed, shown):
    assert display(typed) == shown


def test_normalise_removes_separators_and_widths():
    assert normalise("　浙Ｂ－ａ１２３４　") == "浙BA1234"
    assert normalise(None) == ""


# --- release segments ------------------------------------------------------------------------


def test_a_segment_of_ten_thousand_small_numbers_in_order():
    serials = list(expand_range("A0000", "A9999", plate_type=SMALL))

    assert len(serials) == 10_000 == range_size("A0000", "A9999", plate_type=SMALL)
    assert serials[:3] == ["A0000", "A0001", "A0002"]
    assert serials[-1] == "A9999"
    assert serials == sorted(serials)
    assert len(set(serials)) == 10_000


def test_differing_positions_form_a_cartesian_product():
    serials = list(expand_range("A0000", "B0009", plate_type=SMALL))

    assert serials == [f"A000{d}" for d in range(10)] + [f"B000{d}" for d in range(10)]


def test_a_position_counts_digits_then_letters_and_skips_i_and_o():
    across = list(expand_range("A0080", "A00B0", plate_type=SMALL))
    over_i = list(expand_range("A00H0", "A00K0", plate_type=SMALL))
    over_o = list(expand_range("A00N0", "A00Q0", plate_type=SMALL))

    assert across == ["A0080", "A0090", "A00A0", "A00B0"]
    assert over_i == ["A00H0", "A00J0", "A00K0"]
    assert over_o == ["A00N0", "A00P0", "A00Q0"]


@pytest.mark.parametrize(
    ("first", "last", "plate_type", "size"),
    [
        ("D00000", "D09999", SMALL_NEV, 10_000),
        ("D00000", "F00009", SMALL_NEV, 30),  # D, E, F at the energy position
        ("A00000", "K00000", SMALL_NEV, 10),  # the energy alphabet: ABCDEFGHJK
        ("10000D", "19999D", LARGE_NEV, 10_000),
        ("A000挂", "A099挂", TRAILER, 100),
        ("0000学", "0009学", COACH, 10),
        ("A1234", "A1234", SMALL, 1),
    ],
)
def test_segment_sizes_and_every_serial_is_valid(first, last, plate_type, size):
    serials = list(expand_range(first, last, plate_type=plate_type))

    assert len(serials) == size == range_size(first, last, plate_type=plate_type)
    assert serials[0] == first and serials[-1] == last
    bad = [s for s in serials if not check_number("浙B" + s, plate_type=plate_type).valid]
    assert bad == []


@pytest.mark.parametrize(
    ("first", "last", "plate_type", "field"),
    [
        ("A0000", "A999", SMALL, "last_number"),  # lengths differ
        ("A0009", "A0000", SMALL, "last_number"),  # last before first at a position
        ("B0000", "A9999", SMALL, "last_number"),
        ("AI000", "AI999", SMALL, "first_number"),  # I is never in a serial
        ("A000A", "A0009", SMALL, "first_number"),  # the last position is a digit
        ("A0000", "A999A", SMALL, "last_number"),
        ("A0000", "A9999", SMALL_NEV, "first_number"),  # a blue serial for a green type
        ("", "", SMALL, "last_number"),
        ("A0000", "A9999", "99", "plate_type"),
    ],
)
def test_an_empty_or_invalid_range_is_refused_before_anything_is_produced(
    first, last, plate_type, field
):
    with pytest.raises(DomainError) as caught:
        expand_range(first, last, plate_type=plate_type)
    with pytest.raises(DomainError):
        range_size(first, last, plate_type=plate_type)

    assert caught.value.error == errors.BAD_RANGE
    assert caught.value.field == field
    assert "{" not in caught.value.message_in("zh-hans") + caught.value.message_in("en")


def test_the_serial_rules_cover_every_plate_type():
    from cheguan.plates.models import PlateType

    assert set(formats.RULES) == set(PlateType.values) == set(formats.SHAPES)
