"""The Simplified Chinese catalogue: complete, compiled from itself, placeholders intact, served.

Chinese is the default language and the English msgids are the source (issue 2 §5: every
user-facing string translated). The .po is read with a small parser here, so the test needs no
package beyond the standard library; the committed .mo is read with ``gettext``.
"""

from __future__ import annotations

import gettext
import re
import struct
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import cheguan

MESSAGES = Path(cheguan.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES"
PO = MESSAGES / "django.po"
MO = MESSAGES / "django.mo"

# %(name)s, %(n)d, %s, {name}; "%%" is a literal percent sign, not a placeholder.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfi]|%[sdfi]|\{\w*\}")
MARKUP = re.compile(r"</?[a-zA-Z][^>]*>")
CJK = re.compile(r"[\u3400-\u9fff]")
# msgstrs that are rightly not Chinese: a language's name is written in that language.
NOT_CHINESE = {"English"}


@dataclass
class Entry:
    context: str | None = None
    msgid: str = ""
    plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def name(self) -> str:
        where = f"line {self.line}: "
        return where + (f"[{self.context}] " if self.context else "") + repr(self.msgid)


def _unquote(text: str) -> str:
    assert text.startswith('"') and text.endswith('"'), text
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: escapes[m[1]], text[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """Every entry of a .po file, the header (msgid "") first; obsolete (#~) lines skipped."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] = ("msgid", 0)
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            entry = None
            continue
        if entry is None:
            entry = Entry(line=number)
            entries.append(entry)
        if line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt "):
            target, entry.context = ("context", 0), _unquote(line[8:])
        elif line.startswith("msgid_plural "):
            target, entry.plural = ("plural", 0), _unquote(line[13:])
        elif line.startswith("msgid "):
            target, entry.msgid = ("msgid", 0), _unquote(line[6:])
        elif m := re.match(r"msgstr(?:\[(\d+)\])? (.*)", line):
            index = int(m[1] or 0)
            target, entry.msgstr[index] = ("msgstr", index), _unquote(m[2])
        elif line.startswith('"'):
            kind, index = target
            if kind == "context":
                entry.context = (entry.context or "") + _unquote(line)
            elif kind == "msgid":
                entry.msgid += _unquote(line)
            elif kind == "plural":
                entry.plural = (entry.plural or "") + _unquote(line)
            else:
                entry.msgstr[index] += _unquote(line)
        else:
            raise AssertionError(f"{path}:{number}: unexpected line {raw!r}")
    return [e for e in entries if e.msgstr or e.msgid]  # drop comment-only blocks


@pytest.fixture(scope="module")
def catalogue() -> tuple[Entry, list[Entry]]:
    header, *entries = parse_po(PO)
    assert header.msgid == "", "the .po must start with its header entry"
    return header, entries


def test_the_header_is_final_utf8_with_the_one_plural_form_of_chinese(catalogue):
    header, _ = catalogue
    assert "fuzzy" not in header.flags
    text = header.msgstr[0]
    assert "Language: zh_Hans\n" in text
    assert "Content-Type: text/plain; charset=UTF-8\n" in text
    assert "Plural-Forms: nplurals=1; plural=0;\n" in text


def test_the_catalogue_holds_the_whole_interface(catalogue):
    _, entries = catalogue
    assert len(entries) >= 550  # ≈560 msgids at the foundation; a shrunken file is a mistake
    keys = Counter((e.context, e.msgid) for e in entries)
    duplicates = [key for key, n in keys.items() if n > 1]
    assert duplicates == []


def test_every_msgid_has_a_non_empty_chinese_msgstr_and_none_is_fuzzy(catalogue):
    _, entries = catalogue
    fuzzy = [e.name for e in entries if "fuzzy" in e.flags]
    empty = [e.name for e in entries if not all(s.strip() for s in e.msgstr.values())]
    not_chinese = [
        e.name for e in entries if e.msgid not in NOT_CHINESE and not CJK.search(e.msgstr[0])
    ]
    assert (fuzzy, empty, not_chinese) == ([], [], [])


def test_plural_entries_have_exactly_the_one_chinese_form(catalogue):
    _, entries = catalogue
    plurals = [e for e in entries if e.plural is not None]
    assert plurals, "the catalogue has plural entries (e.g. '%(n)s person found')"
    assert [e.name for e in plurals if sorted(e.msgstr) != [0]] == []
    assert [e.name for e in entries if e.plural is None and sorted(e.msgstr) != [0]] == []


def test_each_msgstr_keeps_exactly_the_placeholders_and_markup_of_its_msgid(catalogue):
    _, entries = catalogue
    wrong = []
    for e in entries:
        # Chinese has one plural form: it follows the plural msgid, which always names the count.
        source = e.msgid if e.plural is None else e.plural
        for pattern in (PLACEHOLDER, MARKUP):
            expected = sorted(pattern.findall(source))
            got = sorted(pattern.findall(e.msgstr[0]))
            if expected != got:
                wrong.append((e.name, expected, got))
    assert wrong == []


def test_the_committed_mo_is_compiled_from_this_po(catalogue):
    _, entries = catalogue
    with MO.open("rb") as f:
        raw = f.read()
        f.seek(0)
        translations = gettext.GNUTranslations(f)
    magic, _revision, count = struct.unpack("<3I", raw[:12])
    assert magic == 0x950412DE
    assert count == len(entries) + 1, "the .mo holds other entries than the .po (recompile it)"
    assert translations.charset().lower() == "utf-8"
    stale = []
    for e in entries:
        if e.plural is None and e.context is None:
            got = [translations.gettext(e.msgid)]
        elif e.plural is None:
            got = [translations.pgettext(e.context, e.msgid)]
        elif e.context is None:
            got = [translations.ngettext(e.msgid, e.plural, n) for n in (1, 2, 5)]
        else:
            got = [translations.npgettext(e.context, e.msgid, e.plural, n) for n in (1, 2, 5)]
        if set(got) != {e.msgstr[0]}:
            stale.append(e.name)
    assert stale == [], "the .mo is out of date: run cheguan compilemessages -l zh_Hans"


PUBLIC_HOME = [
    ("Welcome to the vehicle administration office", "欢迎来到车辆管理所"),
    ("Log in to my services", "登录办理我的业务"),
    ("Large text for older users", "大字体，方便长辈使用"),
]


@pytest.mark.django_db
def test_the_home_page_is_in_chinese_by_default(client):
    html = client.get("/").content.decode()
    assert '<html lang="zh-Hans">' in html
    for english, chinese in PUBLIC_HOME:
        assert chinese in html
        assert english not in html


@pytest.mark.django_db
def test_the_language_cookie_switches_the_home_page_to_english(client):
    client.cookies["cheguan_language"] = "en"
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    for english, chinese in PUBLIC_HOME:
        assert english in html
        assert chinese not in html
