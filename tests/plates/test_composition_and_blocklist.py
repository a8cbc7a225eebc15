"""The local composition rules (conf) and the office's blocklist: the service that keeps it
(admin only, validated, audited) and the checks that read it."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings

from cheguan.audit.models import AuditEvent
from cheguan.core.actor import Actor
from cheguan.core.errors import NOT_FOUND, PERMISSION_DENIED, DomainError
from cheguan.core.roles import Role
from cheguan.plates import errors
from cheguan.plates.formats import (
    blocked_for_release,
    check_composition,
    check_number,
    expand_range,
)
from cheguan.plates.models import BlockedPattern, BlockScope
from cheguan.plates.services import blocklist

THREE_SAME = r"(\d)\1\1"


@pytest.fixture
def admin(make):
    return Actor(user=make.user(Role.ADMIN))


def _block(admin, pattern=THREE_SAME, scope=BlockScope.COMPOSE, reason="三个相同数字留作拍卖"):
    return blocklist.add_pattern(
        actor=admin, office=admin.user.office, pattern=pattern, reason=reason, scope=scope
    )


# --- composition rules -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "plate_type", "codes"),
    [
        ("浙BA1234", "02", []),
        ("浙BAB123", "02", []),  # two letters: the default maximum
        ("浙B12345", "02", []),
        ("浙BABC12", "02", ["plates.too_many_letters"]),
        ("浙BABCD1", "02", ["plates.too_many_letters"]),
        ("浙BDAB234", "52", ["plates.digit_required"]),  # national rules still apply
        ("浙BDA1234", "52", []),
        ("浙B12345", "01", ["plates.compose_not_offered"]),  # default: 02 and 52 only
        ("浙B12345D", "51", ["plates.compose_not_offered"]),
        ("浙B1234挂", "15", ["plates.compose_not_offered"]),
        ("粤BA1234", "02", ["plates.wrong_province"]),
    ],
)
def test_composition_with_the_default_local_rules(office, number, plate_type, codes):
    assert check_composition(number, plate_type=plate_type, office=office).codes == codes


@override_settings(CHEGUAN_PLATES={"SERIAL_MAX_LETTERS": 1, "SERIAL_LETTER_POSITIONS": [1, 2]})
@pytest.mark.parametrize(
    ("number", "codes"),
    [
        ("浙BA1234", []),
        ("浙B1A234", []),
        ("浙B12345", []),
        ("浙BAB123", ["plates.too_many_letters"]),
        ("浙B12A45", ["plates.letter_position"]),
        ("浙B1AB45", ["plates.too_many_letters", "plates.letter_position"]),
    ],
)
def test_an_office_may_allow_fewer_letters_in_fewer_places(office, number, codes):
    result = check_composition(number, plate_type="02", office=office)

    assert result.codes == codes
    assert check_number(number, plate_type="02", office=office).valid  # nationally fine


@override_settings(CHEGUAN_PLATES={"SERIAL_MAX_LETTERS": 0})
def test_new_energy_serials_follow_the_national_shape_only(office):
    assert check_composition("浙BDA1234", plate_type="52", office=office).codes == []
    assert check_composition("浙BA1234", plate_type="02", office=office).codes == [
        "plates.too_many_letters"
    ]


@override_settings(CHEGUAN_PLATES={"COMPOSE_TYPES": ["01", "02", "51", "52"]})
def test_composition_can_be_opened_for_large_plates(office):
    assert check_composition("浙B12345", plate_type="01", office=office).valid


def test_the_letter_messages_name_the_limits(office):
    (too_many,) = check_composition("浙BABC12", plate_type="02", office=office).problems

    assert too_many.message_in("zh-hans") == "自编号码的序号最多含2个字母，这个号码有3个。"


# --- the blocklist in the checks -------------------------------------------------------------


def test_a_blocked_combination_is_refused_for_composition_with_its_reason(admin):
    _block(admin)
    office = admin.user.office

    blocked = check_composition("浙BA1112", plate_type="02", office=office)
    fine = check_composition("浙BA1212", plate_type="02", office=office)

    assert blocked.codes == ["plates.blocked_combination"]
    assert "三个相同数字留作拍卖" in blocked.problems[0].message_in("zh-hans")
    assert "三个相同数字留作拍卖" in blocked.problems[0].message_in("en")
    assert fine.valid
    assert check_number("浙BA1112", plate_type="02", office=office).valid  # still a number


def test_every_matching_pattern_is_reported(admin):
    _block(admin)
    _block(admin, pattern="^A", reason="A字头保留")

    result = check_composition("浙BA1112", plate_type="02", office=admin.user.office)

    assert result.codes == ["plates.blocked_combination"] * 2


def test_deactivated_patterns_and_other_offices_patterns_block_nothing(admin, make):
    row = _block(admin)
    blocklist.deactivate_pattern(actor=admin, pattern_id=row.pk)
    other_admin = Actor(user=make.user(Role.ADMIN, office=make.office("440300", "粤B", "深圳")))
    _block(other_admin, pattern="^A")

    result = check_composition("浙BA1112", plate_type="02", office=admin.user.office)

    assert result.codes == []


def test_release_skips_only_the_never_release_patterns(admin):
    _block(admin, pattern=THREE_SAME, scope=BlockScope.ALL)
    _block(admin, pattern="^A8", scope=BlockScope.COMPOSE, reason="8字头另行处理")

    blocked = blocked_for_release(
        expand_range("A0000", "A9999", plate_type="02"), admin.user.office
    )

    # 4 digits with a run of three identical ones: ddd at 1–3 or at 2–4, minus dddd counted twice
    assert len(blocked) == 10 * 10 + 10 * 10 - 10
    assert {"A1112", "A2111", "A8000", "A0000"} <= blocked
    assert not {"A1211", "A8123", "A1122"} & blocked
    assert all(re.search(THREE_SAME, s) for s in blocked)


def test_release_blocks_nothing_without_patterns(office):
    assert blocked_for_release(["A1111", "A2222"], office) == set()


def test_a_composition_blocked_pattern_may_still_be_released(admin):
    _block(admin, scope=BlockScope.COMPOSE)

    assert blocked_for_release(["A1112"], admin.user.office) == set()


# --- the blocklist service -------------------------------------------------------------------


def test_an_admin_adds_a_pattern_and_it_is_audited(admin):
    row = _block(admin, scope=BlockScope.ALL)

    event = AuditEvent.objects.get(action="plates.pattern_added")
    assert (row.pattern, row.scope, row.active) == (THREE_SAME, "all", True)
    assert row.created_by == admin.user
    assert event.actor_id == admin.user.pk
    assert event.office_id == admin.user.office_id
    assert event.data == {
        "pattern": THREE_SAME,
        "scope": "all",
        "reason": "三个相同数字留作拍卖",
        "reactivated": False,
    }


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        ("", "empty"),
        ("   ", "empty"),
        (r"(\d", "not a valid expression"),
        ("[A-", "not a valid expression"),
        ("A" * 61, "61 characters"),
        (r"\d*", "matches an empty serial"),
        ("^", "matches an empty serial"),
        ("A|", "matches an empty serial"),
        (None, "empty"),
        ("A\x00B", "control character"),
        ("A\nB", "control character"),
    ],
)
def test_bad_patterns_are_refused_with_the_reason(admin, pattern, words):
    with pytest.raises(DomainError) as caught:
        _block(admin, pattern=pattern)

    assert caught.value.error == errors.BAD_PATTERN
    assert caught.value.field == "pattern"
    assert words in caught.value.message_in("en")
    assert not BlockedPattern.objects.exists()
    assert not AuditEvent.objects.filter(action="plates.pattern_added").exists()


def test_a_sixty_character_pattern_is_accepted(admin):
    assert _block(admin, pattern="A" * 60).pattern == "A" * 60


@pytest.mark.parametrize("reason", ["", " ", "x", "长" * 121, "保留\x00字头", None])
def test_a_pattern_needs_a_reason(admin, reason):
    with pytest.raises(DomainError) as caught:
        _block(admin, reason=reason)

    assert caught.value.error == errors.PATTERN_REASON_REQUIRED


def test_an_unknown_scope_is_refused(admin):
    with pytest.raises(DomainError) as caught:
        _block(admin, scope="forever")

    assert (caught.value.code, caught.value.field) == ("core.invalid_input", "scope")


def test_the_same_active_pattern_twice_is_a_conflict(admin):
    _block(admin)

    with pytest.raises(DomainError) as caught:
        _block(admin)

    assert caught.value.error == errors.PATTERN_EXISTS
    assert caught.value.status == 409


def test_deactivate_then_add_again_reactivates_the_row(admin):
    row = _block(admin)

    off = blocklist.deactivate_pattern(actor=admin, pattern_id=row.pk)
    again = _block(admin, scope=BlockScope.ALL, reason="改为一律不发放")

    assert off.active is False
    assert again.pk == row.pk and again.active and again.scope == "all"
    assert AuditEvent.objects.get(action="plates.pattern_deactivated").data == {
        "pattern": THREE_SAME,
        "scope": "compose",
    }
    added = AuditEvent.objects.filter(action="plates.pattern_added").order_by("seq")
    assert [e.data["reactivated"] for e in added] == [False, True]


def test_deactivating_twice_is_refused(admin):
    row = _block(admin)
    blocklist.deactivate_pattern(actor=admin, pattern_id=row.pk)

    with pytest.raises(DomainError) as caught:
        blocklist.deactivate_pattern(actor=admin, pattern_id=row.pk)

    assert caught.value.error == errors.PATTERN_INACTIVE


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.CLERK, Role.SUPERVISOR, Role.DEALER_AGENT])
def test_only_an_admin_keeps_the_blocklist(make, admin, role):
    other = Actor(user=make.user(role))
    row = _block(admin)

    with pytest.raises(DomainError) as adding:
        blocklist.add_pattern(
            actor=other, office=admin.user.office, pattern="^B", reason="测试原因", scope="all"
        )
    with pytest.raises(DomainError) as deactivating:
        blocklist.deactivate_pattern(actor=other, pattern_id=row.pk)

    assert adding.value.error == PERMISSION_DENIED
    assert deactivating.value.error == NOT_FOUND  # the office's blocklist is not in its scope
    assert BlockedPattern.objects.get(pk=row.pk).active


def test_an_admin_cannot_touch_another_offices_blocklist(make, admin):
    row = _block(admin)
    shenzhen = make.office("440300", "粤B", "深圳市车管所")
    other = Actor(user=make.user(Role.ADMIN, office=shenzhen))

    with pytest.raises(DomainError) as adding:
        blocklist.add_pattern(
            actor=other, office=admin.user.office, pattern="^B", reason="测试原因"
        )
    with pytest.raises(DomainError) as deactivating:
        blocklist.deactivate_pattern(actor=other, pattern_id=row.pk)

    assert adding.value.error == deactivating.value.error == NOT_FOUND
    assert BlockedPattern.objects.get(pk=row.pk).active
