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


# --- Chinese punctuation: full-width in Chinese text, everywhere ------------------------------
#
# Chinese text uses Chinese punctuation: "检验有效期至：" not "检验有效期至: ". The check reads
# every place Chinese is written: the msgstrs of django.po, the Chinese string literals of the
# Python code (ErrorCode and Bi texts, the rules' reasons), and the templates' own text, where
# an ASCII colon right after a {% translate %} tag would follow Chinese once translated.
# English text that names a Chinese term ("Compulsory insurance (交强险)") is English, and
# placeholders, URLs, times (10:00) and time formats (时:分) are not Chinese punctuation.

SRC = Path(cheguan.__file__).parent
HAN = "\u3400-\u9fff\uf900-\ufaff"
HAN_RE = re.compile(f"[{HAN}]")
HAN_END = f"{HAN}）」』】》"  # Chinese, or a Chinese closing bracket or quote
PUNCTUATION_RULES = [
    ("ASCII colon or semicolon after Chinese", re.compile(f"[{HAN_END}] ?[:;]")),
    ("ASCII comma between Chinese", re.compile(f"[{HAN_END}] ?, ?[{HAN}]")),
    ("ASCII brackets around Chinese", re.compile(f"\\([^()]*[{HAN}][^()]*\\)")),
]
NOT_WORDS = re.compile(r"%\(\w+\)[sdfi]|%[sdfi]|\{\w*\}|https?://\S+|<[^>]+>")
TEMPLATE_CODE = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}|<[^>]+>", re.S)
AFTER_TRANSLATE_TAG = re.compile(
    r"\{%\s*(?:translate|trans|endblocktranslate|endblocktrans)\b[^%]*%\}\s?[:;]"
)


def is_chinese_text(text: str) -> bool:
    """More Chinese characters than Latin letters (placeholders, URLs and markup aside)."""
    rest = NOT_WORDS.sub("", text)
    return bool(HAN_RE.search(rest)) and len(HAN_RE.findall(rest)) >= len(
        re.findall(r"[A-Za-z]", rest)
    )


def punctuation_problems(text: str) -> list[str]:
    text = NOT_WORDS.sub("", text)
    text = re.sub(r"[时分]:[分秒]", "时：分", text)  # a time format written out, e.g. 时:分
    return [name for name, rule in PUNCTUATION_RULES if rule.search(text)]


def python_chinese_texts() -> list[tuple[str, str]]:
    """(where, text) of every Chinese string literal in src, docstrings aside."""
    import ast

    found = []
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):  # an f-string: its text around the {fields}
                text = "".join(
                    v.value if isinstance(v, ast.Constant) else "{}" for v in node.values
                )
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                if id(node) in docstrings:
                    continue
                text = node.value
            else:
                continue
            if is_chinese_text(text):
                found.append((f"{path.relative_to(SRC)}:{node.lineno}", text))
    return found


def templates() -> list[tuple[str, str]]:
    return [
        (str(path.relative_to(SRC)), path.read_text(encoding="utf-8"))
        for path in sorted(SRC.rglob("templates/**/*.html"))
    ]


def template_chinese_texts(sources) -> list[tuple[str, str]]:
    """(where, text) of the templates' own Chinese text (outside tags and markup)."""
    return [
        (where, piece.strip())
        for where, source in sources
        for piece in TEMPLATE_CODE.split(source)
        if is_chinese_text(piece)
    ]


def translated_then_ascii_colon(sources) -> list[str]:
    """A translated text that the template follows with an ASCII colon or semicolon: in
    Chinese it reads "检验有效期至: …"; the colon belongs in the translated text."""
    return [
        f"{where}: {match[0]!r}"
        for where, source in sources
        for match in AFTER_TRANSLATE_TAG.finditer(source)
    ]


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("检验有效期至: 2026-07-01", True),
        ("字段: <code>q</code>", True),
        ("请缴纳;已缴纳的可上传", True),
        ("交强险,车船税", True),
        ("交强险(今日)", True),
        ("检验有效期至：2026-07-01；到期前申领。", False),
        ("%(name)s的车辆", False),
        ("办理时间 10:00", False),
        ("时间应写作 年-月-日 时:分，例如 2024-03-01 14:30。", False),
        ("详见 https://example.gov.cn/a:b", False),
        ("Compulsory insurance (交强险): renew it", False),  # English naming a Chinese term
    ],
)
def test_the_punctuation_rule(text, wrong):
    assert bool(is_chinese_text(text) and punctuation_problems(text)) is wrong


def _offenders(texts) -> list[str]:
    return [
        f"{where}: {', '.join(problems)}: {text!r}"
        for where, text in texts
        if (problems := punctuation_problems(text))
    ]


def test_chinese_msgstrs_use_chinese_punctuation(catalogue):
    _, entries = catalogue
    texts = [(e.name, s) for e in entries for s in e.msgstr.values() if is_chinese_text(s)]
    assert len(texts) > 500
    offenders = _offenders(texts)
    assert offenders == [], "Chinese text with ASCII punctuation:\n" + "\n".join(offenders)


def test_chinese_text_in_the_code_uses_chinese_punctuation():
    texts = python_chinese_texts()
    assert len(texts) > 100  # ErrorCode and Bi texts, the rules' reasons, the PDFs
    offenders = _offenders(texts)
    assert offenders == [], "Chinese text with ASCII punctuation:\n" + "\n".join(offenders)


def test_chinese_text_in_the_templates_uses_chinese_punctuation():
    sources = templates()
    offenders = _offenders(template_chinese_texts(sources)) + translated_then_ascii_colon(sources)
    assert offenders == [], "Chinese text with ASCII punctuation:\n" + "\n".join(offenders)


def test_a_translated_label_followed_by_an_ascii_colon_is_caught():
    source = '<p>{% translate "Case number" %}: <code>{{ case.number }}</code></p>'
    assert translated_then_ascii_colon([("case.html", source)]) == [
        "case.html: '{% translate \"Case number\" %}:'"
    ]
    fixed = '<p>{% translate "Case number:" %} <code>{{ case.number }}</code></p>'
    assert translated_then_ascii_colon([("case.html", fixed)]) == []
