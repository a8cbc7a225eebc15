"""``cheguan import <kind> <file.csv>``: load registry records from a CSV file, all or none."""

from __future__ import annotations

import argparse
import sys
import textwrap
import time
from pathlib import Path
from typing import BinaryIO

from django.contrib.auth import get_user_model
from django.core.checks import Tags
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from tqdm import tqdm

from cheguan.core.actor import Actor
from cheguan.core.errors import DomainError
from cheguan.registry.importer import KINDS, ImportRejected, import_csv
from cheguan.registry.models import Office


def columns_help() -> str:
    """Every kind and its columns (* = required); the same table as docs/import.md."""
    intro = (
        "The first line of the file names the columns (any order). UTF-8, with or without "
        "a byte-order mark. Import people and organisations first, then vehicles, then "
        "the records; rows refer to people by id_number, organisations by uscc, vehicles "
        "by vin. Kinds and columns (* = required):"
    )
    parts = [textwrap.fill(intro, width=100)]
    for kind in KINDS.values():
        parts.append(f"\n{kind.name}: {kind.help}")
        for column in kind.columns:
            mark = "*" if column.required else " "
            line = f"  {mark} {column.name:<24} {column.help}"
            parts.append(textwrap.fill(line, width=100, subsequent_indent=" " * 29))
    return "\n".join(parts)


class Command(BaseCommand):
    help = (
        "Import people, organisations, vehicles or their records from a CSV file. "
        "A file with any bad row imports nothing and lists every bad row "
        "(line, column, reason); the exit code is then 1."
    )
    # The system checks about what an import touches: the models it writes, the database,
    # the production settings (``security``). Not the others, above all the URL checks,
    # which import every view and API module: 1.2 CPU s of the command's 2.9 s of start-up
    # (a quarter of a 100,000-person import). `cheguan check` (CI, deploy) runs them all.
    requires_system_checks = [Tags.models, Tags.database, Tags.security]

    def create_parser(self, prog_name, subcommand, **kwargs):
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        kwargs.setdefault("epilog", columns_help())
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=list(KINDS), help="what the file holds")
        parser.add_argument("file", help="path of the CSV file")
        parser.add_argument("--office", help="office code, e.g. 330200 (default: the only office)")
        parser.add_argument(
            "--user", help="user name recorded as the importer (an admin); default: system"
        )
        parser.add_argument(
            "--language",
            choices=["zh-hans", "en"],
            help="language of the error messages (default: the site's)",
        )

    def handle(self, *args, kind: str, file: str, office: str | None, user: str | None, **opts):
        with translation.override(opts.get("language") or translation.get_language()):
            return self._import(kind, Path(file), office, user)

    def _import(self, kind: str, path: Path, office_code: str | None, username: str | None):
        try:
            stream = path.open("rb")
        except OSError as e:
            raise CommandError(f"Cannot read {path}: {e.strerror}") from None
        office = self._office(office_code)
        actor = Actor.system()
        if username:
            found = get_user_model().objects.filter(username=username).first()
            if found is None:
                raise CommandError(f"No user named {username!r}.")
            actor = Actor(user=found)
        started = time.monotonic()
        with stream, _progress_bar(stream, path.name) as bar:
            try:
                result = import_csv(
                    actor=actor,
                    office=office,
                    kind=kind,
                    data=stream,
                    progress=lambda rows: bar.update(rows - bar.n),
                )
            except ImportRejected as rejected:
                bar.close()
                for problem in rejected.problems:
                    where = f"line {problem.line}"
                    if problem.field:
                        where += f", {problem.field}"
                    self.stderr.write(
                        f"{path.name}: {where}: {problem.error.message} [{problem.error.code}]"
                    )
                raise CommandError(
                    f"{len(rejected.problems)} problem(s) in {path.name}; nothing was imported.",
                    returncode=1,
                ) from None
            except DomainError as e:
                raise CommandError(f"{e.message} [{e.code}]", returncode=1) from None
        seconds = time.monotonic() - started
        rate = f", {result.rows / seconds:,.0f} rows/s" if seconds > 0 and result.rows else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {result.rows} {kind} into {office} from {path.name}."
                f" ({seconds:.1f} s{rate})"
            )
        )

    def _office(self, code: str | None) -> Office:
        if code:
            office = Office.objects.filter(code=code).first()
            if office is None:
                known = ", ".join(Office.objects.values_list("code", flat=True)) or "none"
                raise CommandError(f"No office with code {code}; the offices are: {known}.")
            return office
        offices = list(Office.objects.all()[:2])
        if len(offices) == 1:
            return offices[0]
        if not offices:
            raise CommandError("There is no office yet: run `cheguan seed-demo` or create one.")
        codes = ", ".join(Office.objects.values_list("code", flat=True))
        raise CommandError(f"There are several offices ({codes}); choose one with --office.")


def _progress_bar(stream: BinaryIO, name: str) -> tqdm:
    """Rows checked, rows a second and time left on a terminal; nothing when the output is
    not a terminal (CI, a log file), where only the final line is written. The total is the
    file's line count, read first (quoted cells spanning lines make it an estimate)."""
    if not sys.stderr.isatty():
        return tqdm(disable=True)
    lines = 0
    while block := stream.read(1 << 20):
        lines += block.count(b"\n")
    stream.seek(0)
    return tqdm(
        total=max(lines - 1, 0),
        desc=f"Checking {name}",
        unit=" rows",
        unit_scale=True,
        file=sys.stderr,
        mininterval=0.5,
    )
