"""``cheguan audit verify`` and ``cheguan audit anchor``.

``verify [--stream NAME ...] [--anchor-file PATH]`` checks every stream's hash chain, then
the anchors (docs/adr/0010-audit-anchoring.md): the anchor rows against the anchor file
(default ``CHEGUAN_AUDIT_ANCHOR_FILE``; give an off-box copy of the anchor log instead with
``--anchor-file``) and the streams against their anchored heads. It prints what it
checked; on a break it prints the stream, the sequence number, the event id and the
reason of the FIRST problem found, and exits 1.

``anchor`` (cron, hourly) anchors every stream's head and prints the anchor's line; it
exits 1, writing nothing, if a stream went back since the last anchor.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cheguan.audit import anchoring, services


class Command(BaseCommand):
    help = (
        "Audit trail tools. 'verify' checks every stream's hash chain and the anchors; "
        "'anchor' anchors the stream heads outside the database."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="check the chains and anchors; exit 1 on a break")
        verify.add_argument(
            "--stream",
            action="append",
            dest="streams",
            metavar="NAME",
            help="check only this stream (e.g. org:12 or office:1:registry); repeatable",
        )
        verify.add_argument(
            "--anchor-file",
            type=Path,
            metavar="PATH",
            help="the anchor lines to check against (default: CHEGUAN_AUDIT_ANCHOR_FILE), "
            "e.g. a copy of the cheguan.audit.anchor log kept off this machine",
        )
        sub.add_parser("anchor", help="anchor every stream's head (cron, hourly)")

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "verify":
            self._verify(options.get("streams"), options.get("anchor_file"))
        elif subcommand == "anchor":
            self._anchor()

    def _verify(self, streams: list[str] | None, anchor_file: Path | None) -> None:
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
            anchors = anchoring.verify_anchors(streams=streams, path=anchor_file)
            self.stdout.write(self._anchors_checked(anchors))
            brk = anchors.first_break
        if brk is None:
            self.stdout.write(self.style.SUCCESS("audit trail intact"))
            return
        event = brk.event_id if brk.event_id is not None else "-"
        self.stderr.write(
            f"BROKEN stream={brk.stream} seq={brk.seq} event_id={event} reason={brk.reason}"
        )
        sys.exit(1)

    @staticmethod
    def _anchors_checked(anchors: anchoring.AnchorResult) -> str:
        if anchors.latest is None and anchors.first_break is None:
            return "no anchors yet: run `cheguan audit anchor` from cron (docs/deploy.md)"
        line = f"checked {anchors.anchors_checked} anchors against {anchors.anchor_file}"
        if anchors.latest is not None:
            at = timezone.localtime(anchors.latest.created_at)
            line += (
                f"; {anchors.streams_checked} streams against their anchored heads; "
                f"latest anchor {anchors.latest.seq} at {at:%Y-%m-%d %H:%M}"
            )
        return line

    def _anchor(self) -> None:
        try:
            made = anchoring.anchor()
        except anchoring.AnchorRefused as refused:
            self.stderr.write(f"REFUSED to anchor: {refused}. Run `cheguan audit verify`.")
            sys.exit(1)
        if made is None:
            self.stdout.write("nothing changed since the last anchor")
            return
        self.stdout.write(anchoring.anchor_line(made))
