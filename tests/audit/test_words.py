"""The audit trail in words (audit.words): every action the code records has words in both
languages, the details' keys and values read as words, subjects are named (masked), and the
trail page shows those, not the stored codes."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import translation

import cheguan
from cheguan.audit import services as audit
from cheguan.audit import words
from cheguan.core.actor import Actor
from cheguan.core.roles import Role

SRC = Path(cheguan.__file__).parent
ACTION = re.compile(r"^[a-z_]+\.[a-z][a-z_]*$")
HAN = re.compile(r"[\u3400-\u9fff]")


def _modules():
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, ast.parse(path.read_text(encoding="utf-8"))


def recorded_actions() -> dict[str, str]:
    """Every audit action the code records: ``action=`` arguments (string constants, module
    constants, either branch of an ``if``), and the action argument of a module's helpers
    that take one (``_audit(actor, "registry.violation_recorded", ...)``)."""
    found: dict[str, str] = {}
    for path, tree in _modules():
        constants = {
            target.id: node.value.value
            for node in tree.body
            if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        helpers = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                names = [a.arg for a in node.args.posonlyargs + node.args.args]
                if "action" in names:
                    helpers[node.name] = names.index("action")

        def collect(expr, where=path, constants=constants):
            for leaf in ast.walk(expr):
                value = (
                    leaf.value
                    if isinstance(leaf, ast.Constant)
                    else constants.get(leaf.id)
                    if isinstance(leaf, ast.Name)
                    else None
                )
                if isinstance(value, str) and ACTION.match(value):
                    found.setdefault(value, str(where.relative_to(SRC)))

        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            for keyword in node.keywords:
                if keyword.arg == "action":
                    collect(keyword.value)
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in helpers and len(node.args) > helpers[name]:
                collect(node.args[helpers[name]])
    return found


def recorded_keys() -> dict[str, str]:
    """The keys of the ``data`` the code records (``record``, ``Event`` for ``record_all``),
    where it writes them as a literal."""
    found: dict[str, str] = {}

    def keys_of(expr, path):
        for leaf in ast.walk(expr):
            if isinstance(leaf, ast.Dict):
                for key in leaf.keys:
                    if isinstance(key, ast.Constant) and isinstance(key.value, str):
                        found.setdefault(key.value, str(path.relative_to(SRC)))

    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                for keyword in node.keywords:
                    if name in {"record", "Event", "_audit"} and keyword.arg == "data":
                        keys_of(keyword.value, path)
                    elif name == "_audit" and keyword.arg:
                        found.setdefault(keyword.arg, str(path.relative_to(SRC)))
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "data" for t in node.targets
            ):
                keys_of(node.value, path)
    return found


def test_the_scan_finds_the_actions_it_should():
    actions = recorded_actions()
    assert len(actions) >= 60
    assert {"cases.completed", "registry.violation_recorded", "demo.seeded"} <= set(actions)
    assert "cases.catalogue_changed" in actions and "cases.catalogue_added" in actions


def test_every_action_recorded_anywhere_has_words_in_both_languages():
    missing = sorted(a for a in recorded_actions() if a not in words.ACTIONS)
    assert missing == [], "actions without words in audit/words.py: " + ", ".join(missing)
    for action in recorded_actions():
        with translation.override("zh-hans"):
            zh = words.action_words(action)
        with translation.override("en"):
            en = words.action_words(action)
        assert HAN.search(zh) and not HAN.search(en) and "." not in en, (action, zh, en)


def test_every_detail_key_the_code_records_has_words():
    keys = recorded_keys()
    assert {"rongque", "visits", "valid_until", "consent_method"} <= set(keys)
    missing = sorted(k for k in keys if k not in words.KEYS)
    assert missing == [], "detail keys without words in audit/words.py: " + ", ".join(missing)


@pytest.mark.django_db
def test_values_read_as_words():
    with translation.override("zh-hans"):
        assert words.details({"rongque": False}) == [("容缺受理", "否")]
        assert words.value_words("at", "2026-05-11T02:30:00+00:00") == "2026年5月11日 10:30"
        assert words.value_words("valid_until", "2028-07-01") == "2028年7月1日"
        assert words.value_words("channel", "online") == "网上办理"
        assert words.value_words("plate_type", "52") == "小型新能源汽车号牌"
        assert words.value_words("numbers", ["A1", "B2"]) == "A1、B2"
        assert words.value_words("previous", None) == "—"
    with translation.override("en"):
        assert words.details({"immediate": True}) == [("Done on the spot", "Yes")]
        assert words.value_words("at", "2026-05-11T02:30:00+00:00") == "11 May 2026 10:30"


@pytest.mark.django_db
def test_the_trail_page_shows_words_not_codes(client, make, clock):
    clock.set_now(dt.datetime(2026, 5, 11, 10, 30))
    clerk = make.user(Role.CLERK)
    person = make.person(name="王建国")
    with transaction.atomic():
        audit.record(
            actor=Actor(user=clerk),
            action="cases.accepted",
            subject=person,
            data={"rongque": False, "immediate": True},
        )
    client.force_login(make.user(Role.SUPERVISOR))
    page = client.get("/audit/").content.decode()
    text = re.sub(r"<[^>]+>", " ", page)
    assert "受理办件" in text and "容缺受理" in text and " 否 " in text
    assert "人员 王*国" in text and "王建国" not in text
    assert "2026年5月11日 10:30" in text
    assert "rongque" not in text and "false" not in text.lower()
    assert "registry.person" not in text
    # staff read the action's code in a secondary line, for the filter above it
    assert '<span class="help staff-code"><code>cases.accepted</code></span>' in page


@pytest.mark.django_db
def test_a_partner_reads_the_words_without_the_codes(client, make):
    dealer = make.user(Role.DEALER_AGENT)
    with transaction.atomic():
        audit.record(actor=Actor(user=dealer), action="plates.drawn")
    client.force_login(dealer)
    page = client.get("/audit/").content.decode()
    assert "抽取号牌号码" in page
    assert "<code>plates.drawn</code>" not in page
