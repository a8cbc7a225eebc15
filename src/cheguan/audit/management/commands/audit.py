"""``cheguan audit verify [--stream NAME ...]``: check the hash chains of the audit trail.

Prints how many events and streams were checked. On a break it prints the stream, the
sequence number, the event id and the reason of the FIRST broken event and exits 1.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from cheguan.audit import services


class Command(BaseCommand):
    help = "Audit trail tools. 'verify' checks every stream's hash chain and its head."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="check the hash chains; exit 1 on a break")
        verify.add_argument(
            "--stream",
            action="append",
            dest="streams",
            metavar="NAME",
            help="check only this stream (e.g. org:12 or office:1:registry); repeatable",
        )

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "verify":
            self._verify(options.get("streams"))

    def _verify(self, streams: list[str] | None) -> None:
        if streams:
            unknown = sorted(set(streams) - set(services.stream_names()))
            if unknown:
                raise CommandError(f"no such audit stream: {', '.join(unknown)}")
        result = services.verify(streams=streams)
        self.stdout.write(
            f"checked {result.events_checked} events in {result.streams_checked} streams"
        )
        brk = result.first_break
        if brk is None:
            self.stdout.write(self.style.SUCCESS("audit trail intact"))
            return
        event = brk.event_id if brk.event_id is not None else "-"
        self.stderr.write(
            f"BROKEN stream={brk.stream} seq={brk.seq} event_id={event} reason={brk.reason}"
        )
        sys.exit(1)
