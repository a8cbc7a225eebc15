"""The committed docs/openapi.json is the API in the code (regenerate: cheguan openapi --write)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cheguan.web.management.commands.openapi import render_schema

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def test_the_committed_document_matches_the_code(capsys):
    call_command("openapi", check=str(COMMITTED))

    assert "matches the code" in capsys.readouterr().out


def test_printing_gives_sorted_indented_json(capsys):
    call_command("openapi")

    out = capsys.readouterr().out
    assert out == render_schema()
    assert out == json.dumps(json.loads(out), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert "/api/accounts/me" in json.loads(out)["paths"]


def test_write_then_check_round_trips(tmp_path):
    target = tmp_path / "docs" / "openapi.json"

    call_command("openapi", write=str(target))
    call_command("openapi", check=str(target))

    assert target.read_text(encoding="utf-8") == render_schema()


def _drifted_copy(tmp_path) -> Path:
    doc = json.loads(render_schema())
    del doc["paths"]["/api/accounts/me"]["get"]
    doc["paths"]["/api/accounts/retired"] = {"post": {"responses": {}}}
    doc["components"]["schemas"]["TokenIn"]["properties"]["name"]["maxLength"] = 99
    copy = tmp_path / "openapi.json"
    copy.write_text(json.dumps(doc, indent=2, sort_keys=True), encoding="utf-8")
    return copy


def test_check_fails_on_a_modified_copy_and_says_what_drifted(tmp_path):
    copy = _drifted_copy(tmp_path)

    with pytest.raises(CommandError) as e:
        call_command("openapi", check=str(copy))

    message = str(e.value)
    assert e.value.returncode == 1
    assert "+ operation GET /api/accounts/me: in the code, not in the file" in message
    assert "- operation POST /api/accounts/retired: in the file, no longer in the code" in message
    assert "~ schema TokenIn: changed" in message
    assert "cheguan openapi --write" in message


def test_check_exits_non_zero_from_the_command_line(tmp_path):
    copy = _drifted_copy(tmp_path)

    run = subprocess.run(
        [sys.executable, "-m", "cheguan", "openapi", "--check", str(copy)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert run.returncode == 1
    assert "differs from the API in the code" in run.stderr


def test_check_of_a_missing_file_says_how_to_create_it(tmp_path):
    with pytest.raises(CommandError, match="cheguan openapi --write"):
        call_command("openapi", check=str(tmp_path / "nope.json"))


def _schemas(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _schemas(sub)


def test_no_two_api_schemas_share_a_name():
    """The document names a schema by its class name, so two classes of one name are one schema
    there: ``/api/accounts/me`` was documented with registry's ``OrganisationOut`` and
    ``/api/inspection/checks`` with plates' ``CheckOut`` (schemathesis' response check)."""
    from cheguan.api import api  # noqa: F401  (imports every router and its schemas)
    from cheguan.core.schemas import Schema

    names: dict[str, set[str]] = {}
    for cls in _schemas(Schema):
        names.setdefault(cls.__name__, set()).add(cls.__module__)

    assert {name: modules for name, modules in names.items() if len(modules) > 1} == {}
