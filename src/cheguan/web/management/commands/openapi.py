"""``cheguan openapi``: the API's OpenAPI document, as committed in ``docs/openapi.json``.

cheguan openapi                              # print it (sorted keys, 2-space indent)
cheguan openapi --write docs/openapi.json    # regenerate the committed copy
cheguan openapi --check docs/openapi.json    # CI: exit 1, with a summary, if it drifted
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

DIFF_LINES = 80
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def render_schema() -> str:
    """The document exactly as committed: deterministic, so a diff means a real change."""
    from cheguan.api import api

    schema = api.get_openapi_schema()
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _operations(doc: dict[str, Any]) -> dict[str, Any]:
    ops = {}
    for path, item in (doc.get("paths") or {}).items():
        for method, op in (item or {}).items():
            if method in METHODS:
                ops[f"{method.upper()} {path}"] = op
    return ops


def _compare(label: str, old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    lines = []
    for name in sorted(set(old) | set(new)):
        if name not in old:
            lines.append(f"  + {label} {name}: in the code, not in the file")
        elif name not in new:
            lines.append(f"  - {label} {name}: in the file, no longer in the code")
        elif old[name] != new[name]:
            lines.append(f"  ~ {label} {name}: changed")
    return lines


def drift_summary(committed: str, current: str) -> list[str]:
    """What differs, as people read it: operations and schemas first, then the text diff."""
    try:
        old = json.loads(committed)
    except ValueError:
        return ["  the committed file is not valid JSON"]
    new = json.loads(current)
    lines = _compare("operation", _operations(old), _operations(new))
    old_schemas = (old.get("components") or {}).get("schemas") or {}
    new_schemas = (new.get("components") or {}).get("schemas") or {}
    lines += _compare("schema", old_schemas, new_schemas)
    for key in sorted(set(old) | set(new)):
        if key not in {"paths", "components"} and old.get(key) != new.get(key):
            lines.append(f"  ~ top-level {key!r}: changed")
    if old.get("components", {}).get("securitySchemes") != new.get("components", {}).get(
        "securitySchemes"
    ):
        lines.append("  ~ security schemes: changed")
    if not lines:
        lines.append("  only formatting differs (regenerate to normalise it)")
    diff = list(
        difflib.unified_diff(
            committed.splitlines(), current.splitlines(), "committed", "code", lineterm="", n=2
        )
    )
    lines.append("")
    lines.extend(diff[:DIFF_LINES])
    if len(diff) > DIFF_LINES:
        lines.append(f"… {len(diff) - DIFF_LINES} more diff lines")
    return lines


class Command(BaseCommand):
    help = "Print, write, or check the OpenAPI document of the Cheguan API."
    requires_system_checks: list[str] = []  # a read-only tool; CI runs `cheguan check` itself

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--write", metavar="PATH", help="write the document to PATH")
        group.add_argument(
            "--check",
            metavar="PATH",
            help="exit with status 1 and a summary if PATH differs from the code",
        )

    def handle(self, *args, write: str | None = None, check: str | None = None, **options):
        current = render_schema()
        if write:
            path = Path(write)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(current, encoding="utf-8")
            self.stdout.write(f"Wrote {path} ({len(_operations(json.loads(current)))} operations).")
            return
        if check:
            path = Path(check)
            if not path.is_file():
                raise CommandError(
                    f"{path} does not exist. Create it: cheguan openapi --write {path}"
                )
            committed = path.read_text(encoding="utf-8")
            if committed == current:
                self.stdout.write(f"{path} matches the code.")
                return
            summary = "\n".join(drift_summary(committed, current))
            raise CommandError(
                f"{path} differs from the API in the code:\n{summary}\n"
                f"If the change is intended, regenerate it: cheguan openapi --write {path}",
                returncode=1,
            )
        self.stdout.write(current, ending="")
