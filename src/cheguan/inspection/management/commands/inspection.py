"""``cheguan inspection due --within 90d`` (CSV of the city's vehicles coming due, with
their eligibility, from one SQL query) and ``cheguan inspection remind`` (daily reminders)."""

from __future__ import annotations

import csv
import re

from django.core.management.base import BaseCommand, CommandError

from cheguan.core import clock
from cheguan.inspection import queries, services
from cheguan.inspection.cycles import REGIMES

COLUMNS = [
    "vehicle_id",
    "plate",
    "vehicle_type",
    "valid_until",
    "age_years",
    "may_issue",
    "needs_station_test",
    "new_valid_until",
    "reasons",
]


def _days(text: str) -> int:
    match = re.fullmatch(r"(\d{1,4})d?", text.strip())
    if match is None:
        raise CommandError("--within takes a number of days, e.g. 90d")
    return int(match.group(1))


class Command(BaseCommand):
    help = "Inspection marks: 'due' lists vehicles coming due (CSV); 'remind' sends reminders."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        due = sub.add_parser("due", help="CSV of vehicles whose inspection ends soon")
        due.add_argument("--within", default="90d", help="days ahead, e.g. 90d")
        due.add_argument("--regime", choices=REGIMES, default=None)
        due.add_argument("--office", type=int, default=None, help="office id (default: all)")
        sub.add_parser("remind", help="send the 90/30/7-day expiry reminders")

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "remind":
            self.stdout.write(f"sent {services.send_expiry_reminders()} reminders")
            return
        writer = csv.writer(self.stdout)
        writer.writerow(COLUMNS)
        rows = queries.due_list(
            on=clock.today(),
            within_days=_days(options["within"]),
            office_id=options["office"],
            regime=options["regime"],
        )
        for vehicle, result in rows:
            writer.writerow(
                [
                    vehicle.pk,
                    vehicle.plate_number or "",
                    vehicle.vehicle_type,
                    result.due_date.isoformat() if result.due_date else "",
                    "" if result.age_years is None else result.age_years,
                    int(result.may_issue),
                    int(result.needs_station_test),
                    result.new_valid_until.isoformat() if result.new_valid_until else "",
                    " ".join(result.codes),
                ]
            )
