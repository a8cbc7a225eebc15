"""``cheguan plates verify-draws DATE`` (replay the day's draws from the log),
``cheguan plates commit-day`` (commit today's day seed for every office, ADR 0014; the
sweep task does it too), ``cheguan plates sweep`` (return lapsed offers, holds and retained numbers, then watch; run
every few minutes from cron), ``cheguan plates watch`` (alerts: pools running low, partners
drawing far faster than their peers) and ``cheguan plates compact`` (renumber a pool's
slots)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from cheguan.core.actor import Actor
from cheguan.plates import services
from cheguan.plates.models import Pool
from cheguan.plates.queries.replay import verify_draws


class Command(BaseCommand):
    help = "Plate numbers: verify-draws DATE, sweep, watch, compact."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify-draws", help="replay every draw of a day from its log")
        verify.add_argument("date", help="YYYY-MM-DD (office-local date)")
        verify.add_argument("--office", type=int, default=None, help="office id (default: all)")
        sub.add_parser("sweep", help="return lapsed offers, holds and retained numbers; watch")
        sub.add_parser("commit-day", help="commit today's day seed for every office (ADR 0014)")
        sub.add_parser("watch", help="alerts: pools running low, partners drawing too fast")
        compact = sub.add_parser("compact", help="renumber a pool's slots (drawable numbers only)")
        compact.add_argument("pool", type=int, help="pool id")

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "sweep":
            done = services.sweep()
            self.stdout.write(
                f"returned {done['offers']} lapsed offers, {done['holds']} lapsed holds, "
                f"{done['retained']} retained numbers"
            )
            self._watch()
            return
        if subcommand == "commit-day":
            count = services.commit_today()
            self.stdout.write(f"today's seed committed for {count} offices")
            return
        if subcommand == "watch":
            self._watch()
            return
        if subcommand == "compact":
            pool = Pool.objects.filter(pk=options["pool"]).first()
            if pool is None:
                raise CommandError(f"no pool {options['pool']}")
            size = services.compact_pool(actor=Actor.system(), pool=pool)
            self.stdout.write(
                f"pool {pool.pk}: {size} drawable numbers, version {pool.version + 1}"
            )
            return
        try:
            day = dt.date.fromisoformat(options["date"])
        except ValueError as exc:
            raise CommandError("the date must be YYYY-MM-DD") from exc
        checks = verify_draws(day, office_id=options["office"])
        bad = [c for c in checks if not c.ok]
        for check in bad:
            for problem in check.problems:
                self.stdout.write(f"draw {check.draw.pk} (case {check.draw.case_id}): {problem}")
        before = sum(1 for c in checks if not c.committed)
        committed = f" ({before} made before commit-reveal)" if before else ""
        self.stdout.write(
            f"{day}: {len(checks)} draws replayed{committed}, {len(bad)} with mismatches"
        )
        if bad:
            raise CommandError(f"{len(bad)} draw(s) do not replay")

    def _watch(self) -> None:
        seen = services.watch()
        self.stdout.write(
            f"alerts: {seen['pools_low']} pools low, "
            f"{seen['partners_drawing_fast']} partners drawing far faster than their peers"
        )
