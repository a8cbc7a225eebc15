#!/usr/bin/env bash
# Fails when the source has user-facing strings that the committed Chinese catalogue lacks.
#
# Regenerates the catalogue with the project's makemessages command, compares its msgids with
# the committed django.po, and always puts the committed file back. Run from `make test`;
# needs GNU gettext (Debian package `gettext`). Stale msgids (gone from the source) only warn.
# Completeness of the translations themselves (no empty or fuzzy msgstr, the .mo up to date)
# is checked by tests/web/test_translations.py.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PO=src/cheguan/locale/zh_Hans/LC_MESSAGES/django.po
CHEGUAN="$ROOT/.venv/bin/cheguan"

fail() { printf '\n\033[1;31mERROR:\033[0m %s\n' "$*" >&2; exit 1; }

[[ -f "$PO" ]] || fail "No catalogue at $PO."
[[ -x "$CHEGUAN" ]] || fail "No $CHEGUAN: install the dependencies first (make test does)."
for tool in xgettext msgmerge msguniq; do
    command -v "$tool" >/dev/null 2>&1 \
        || fail "GNU gettext is missing ($tool): sudo apt-get install -y gettext"
done

SAVED="$(mktemp "${TMPDIR:-/tmp}/cheguan-po.XXXXXX")"
cp -p "$PO" "$SAVED"
restore() { cp -p "$SAVED" "$PO"; rm -f "$SAVED" "$SAVED.new"; }
trap restore EXIT

"$CHEGUAN" makemessages -l zh_Hans --no-location --no-obsolete \
    -i ".venv/*" -i "tests/*" -i "bench/*" -v 0
cp "$PO" "$SAVED.new"

python3 - "$SAVED" "$SAVED.new" <<'PY'
import re
import sys

ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def msgids(path):
    """The keys (context, msgid) of the live entries of a .po file, header left out."""
    keys, current, field = set(), {}, None

    def flush():
        if current.get("msgid"):
            keys.add((current.get("msgctxt"), current["msgid"]))
        current.clear()

    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if not line or line.startswith("#"):
            if not line:
                flush()
            continue
        m = re.match(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$', line)
        if m:
            if m[1] in ("msgctxt", "msgid") and current.get("msgstr"):
                flush()
            field = m[1] if m[1] in ("msgctxt", "msgid") else "msgstr"
            text = m[2]
        else:
            text = line[1:-1]
        current[field] = current.get(field, "") + re.sub(
            r"\\(.)", lambda e: ESCAPES.get(e[1], e[1]), text
        )
    flush()
    return keys


committed, source = msgids(sys.argv[1]), msgids(sys.argv[2])
label = lambda key: (f"[{key[0]}] " if key[0] else "") + key[1].replace("\n", "\\n")
stale = sorted(committed - source, key=label)
if stale:
    print(f"warning: {len(stale)} msgid(s) in django.po are no longer in the source:")
    for key in stale:
        print("  -", label(key))
new = sorted(source - committed, key=label)
if new:
    print(f"\n{len(new)} user-facing string(s) in the source are not in the Chinese catalogue:")
    for key in new:
        print("  +", label(key))
    print(
        "\nTranslate them: run\n"
        '  .venv/bin/cheguan makemessages -l zh_Hans --no-location --no-obsolete '
        '-i ".venv/*" -i "tests/*" -i "bench/*"\n'
        "fill in every new msgstr in src/cheguan/locale/zh_Hans/LC_MESSAGES/django.po "
        "(no fuzzy left), then\n  .venv/bin/cheguan compilemessages -l zh_Hans"
    )
    sys.exit(1)
print(f"Chinese catalogue covers all {len(source)} user-facing strings.")
PY
