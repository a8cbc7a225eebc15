"""``cheguan cases sweep``: the daily 容缺 sweep, for cron.

Terminates the cases whose 容缺 deadline has passed without the promised documents, then
reminds the applicants whose deadline is within two working days. Prints both counts.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from cheguan.cases import services


class Command(BaseCommand):
    help = "Case tools. 'sweep' terminates overdue 容缺 cases and sends deadline reminders."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("sweep", help="terminate overdue 容缺 cases, then send reminders")

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "sweep":
            terminated = services.terminate_overdue_cases()
            reminded = services.send_rongque_reminders()
            self.stdout.write(f"terminated {terminated} overdue cases")
            self.stdout.write(f"sent {reminded} reminders")
