"""``cheguan create-office`` and ``services.offices.create_office``: a new office, checked,
with one audit event."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from cheguan.audit.models import AuditEvent
from cheguan.core.actor import Actor
from cheguan.core.errors import PERMISSION_DENIED, DomainError
from cheguan.core.roles import Role
from cheguan.registry.models import Office
from cheguan.registry.services.offices import OfficeData, create_office

pytestmark = pytest.mark.django_db

HANGZHOU = ["--code", "330100", "--name", "杭州市车管所", "--plate-prefix", "浙A"]


def test_the_command_creates_the_office_with_an_audit_event(capsys):
    call_command("create_office", *HANGZHOU, "--region", "浙江省杭州市")
    office = Office.objects.get(code="330100")
    assert (office.name, office.plate_prefix, office.region) == (
        "杭州市车管所",
        "浙A",
        "浙江省杭州市",
    )
    assert "Created office 330100 杭州市车管所 (浙A)" in capsys.readouterr().out
    event = AuditEvent.objects.get(action="registry.office_created")
    assert event.office_id == office.pk
    assert event.data == {
        "code": "330100",
        "prefix": "浙A",
        "region": "浙江省杭州市",
    }


@pytest.mark.parametrize("prefix", ["ZB", "浙", "浙b1", "浙I", "京京", "B浙"])
def test_a_plate_prefix_is_a_province_and_a_letter(prefix):
    with pytest.raises(CommandError) as e:
        call_command(
            "create_office",
            *HANGZHOU[:4],
            "--plate-prefix",
            prefix,
            "--region",
            "杭州",
            "--language",
            "en",
        )
    assert e.value.returncode == 1
    assert str(e.value) == (
        "plate_prefix: A plate prefix is a province's one-character abbreviation and a capital "
        "letter, e.g. 浙B. [registry.invalid_plate_prefix]"
    )
    assert not Office.objects.filter(code="330100").exists()
    assert not AuditEvent.objects.filter(action="registry.office_created").exists()


def test_a_lower_case_letter_is_read_as_capital():
    create_office(
        actor=Actor.system(),
        data=OfficeData(code="330100", name="杭州", plate_prefix="浙a", region="杭州"),
    )
    assert Office.objects.get(code="330100").plate_prefix == "浙A"


@pytest.mark.parametrize("code", ["33010", "3301000", "A30100", "030100", ""])
def test_an_office_code_is_six_digits(code):
    with pytest.raises(DomainError) as e:
        create_office(
            actor=Actor.system(),
            data=OfficeData(code=code, name="杭州", plate_prefix="浙A", region="杭州"),
        )
    assert (e.value.code, e.value.field) == ("registry.invalid_office_code", "code")
    assert e.value.message_in("zh-hans") == "车管所代码应为所在城市的 6 位行政区划代码，如 330200。"


def test_a_code_or_prefix_already_used_is_refused_in_both_languages():
    call_command("create_office", *HANGZHOU, "--region", "浙江省杭州市")
    with pytest.raises(CommandError) as e:
        call_command(
            "create_office",
            "--code",
            "330100",
            "--name",
            "另一个",
            "--plate-prefix",
            "浙C",
            "--region",
            "浙江省",
            "--language",
            "zh-hans",
        )
    assert str(e.value) == "code: 已有代码为 330100 的车管所。 [registry.duplicate_office]"
    with pytest.raises(DomainError) as taken:
        create_office(
            actor=Actor.system(),
            data=OfficeData(code="330300", name="温州", plate_prefix="浙A", region="温州"),
        )
    assert taken.value.code == "registry.plate_prefix_taken"
    assert taken.value.message_in("en") == "The plate prefix 浙A already belongs to another office."
    assert Office.objects.filter(plate_prefix__startswith="浙").count() == 1
    assert AuditEvent.objects.filter(action="registry.office_created").count() == 1


def test_only_an_admin_or_the_system_creates_an_office(make):
    data = OfficeData(code="330100", name="杭州", plate_prefix="浙A", region="杭州")
    with pytest.raises(DomainError) as e:
        create_office(actor=Actor(user=make.user(Role.CLERK)), data=data)
    assert e.value.error is PERMISSION_DENIED
    create_office(actor=Actor(user=make.user(Role.ADMIN)), data=data)
    assert AuditEvent.objects.get(action="registry.office_created").actor_id is not None
