"""``cheguan seed-demo``: load the demo city (a Ningbo-like office, 浙B) into the database.

Deterministic and idempotent: a second run on the same day finds the demo office and changes
nothing; on a later day it lays the story's cars again relative to that day (docs/adr/0016).
``--if-empty`` loads it only into an empty database (what ``make run`` uses), and
``--accounts`` only prints the demo accounts.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from cheguan.core.actor import Actor
from cheguan.core.errors import DomainError
from cheguan.demo import services
from cheguan.demo.accounts import accounts_table


class Command(BaseCommand):
    help = "Load the demo city (浙B): people, vehicles, partners and one account per role."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing unless the database has no office and no user yet",
        )
        parser.add_argument("--accounts", action="store_true", help="only print the demo accounts")
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args, if_empty=False, accounts=False, url="", **options):
        if accounts:
            self.stdout.write(accounts_table(url))
            return
        if if_empty and services.demo_office() is None and not services.database_is_empty():
            self.stdout.write("The database already holds data; the demo city was not loaded.")
            return
        started = time.monotonic()
        try:
            result = services.seed_demo(actor=Actor.system())
        except DomainError as e:
            raise CommandError(str(e)) from e
        counts = ", ".join(f"{v} {k}" for k, v in result.counts.items())
        if result.created:
            took = time.monotonic() - started
            self.stdout.write(
                self.style.SUCCESS(f"Demo city loaded in {took:.1f} s: {result.office} — {counts}.")
            )
        elif result.story_moved:
            self.stdout.write(
                f"The demo city is already loaded ({counts}); its story was laid again "
                "for today (the citizen's and 王秀英's cars)."
            )
        else:
            self.stdout.write(f"The demo city is already loaded ({counts}); nothing changed.")
        self.stdout.write("")
        self.stdout.write(accounts_table(url))
