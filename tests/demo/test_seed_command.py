"""``cheguan seed-demo`` on a database that already holds something else."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cheguan.demo import data
from cheguan.demo.accounts import ROLE_LABELS
from cheguan.demo.vehicles import build_city
from cheguan.registry.models import Person, Vehicle


@pytest.mark.django_db
def test_refuses_to_load_into_a_database_with_another_office_330200(make, capsys):
    make.office(code="330200", prefix="浙B", name="宁波市车管所")
    with pytest.raises(CommandError, match=r"demo\.office_taken"):
        call_command("seed_demo")
    assert Person.objects.count() == 0


@pytest.mark.django_db
def test_if_empty_leaves_a_database_with_data_alone(make, capsys):
    make.office(code="330100", prefix="浙A", name="杭州市车管所")
    call_command("seed_demo", "--if-empty")
    assert "not loaded" in capsys.readouterr().out
    assert Vehicle.objects.count() == 0


def test_the_assisted_citizen_is_the_documented_one():
    now = dt.datetime(2026, 11, 25, 9, tzinfo=dt.UTC)
    person = build_city(now.date(), now).people[1]
    assert (person.name, person.id_number) == ("王秀英", data.ASSISTED_CITIZEN_ID)
    assert person.phone.startswith("0574-")


def test_the_readme_documents_every_demo_account_and_the_password():
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert f"**`{data.DEMO_PASSWORD}`**" in readme
    for account in data.ACCOUNTS:
        assert f"| `{account.username}` |" in readme
    for account in data.EXTRA_ACCOUNTS:
        assert f"`{account.username}`" in readme
    assert data.ASSISTED_CITIZEN_ID in readme
    for account in data.ACCOUNTS:
        if account.organisation_kind:
            orgs = [o for o in data.ORGANISATIONS if o.kind == account.organisation_kind]
            name = orgs[account.organisation_index].name
            assert f"| `{account.username}` | {ROLE_LABELS[account.role]} | {name} |" in readme


def test_the_readme_starts_with_exactly_the_two_set_up_commands():
    lines = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# Cheguan (车管)"
    fence = lines.index("```sh")
    assert lines[fence + 1 : fence + 4] == ["make run", "make test", "```"]


def test_accounts_option_prints_the_table_without_touching_the_database(capsys):
    call_command("seed_demo", "--accounts", "--url", "http://127.0.0.1:9000/")
    out = capsys.readouterr().out
    assert "http://127.0.0.1:9000/" in out
    assert data.DEMO_PASSWORD in out
    assert data.ASSISTED_CITIZEN_ID in out
