"""The day's committed seed (ADR 0014): made once per office and office-local day, before the
day's first draw, and public by its hash from then on.

:func:`commit_day` runs in its own transaction before a draw's (``draw_numbers``) and from
the sweep task after midnight, so the commitment is in the public log before any draw that
uses it is. Concurrent first draws of a day create one row: the unique (office, day)
constraint makes the loser of the race read the winner's row."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from cheguan.core import clock
from cheguan.plates import rules
from cheguan.plates.models import DaySeed, Pool


def commit_day(office_id: int, day: dt.date) -> DaySeed:
    found = DaySeed.objects.filter(office_id=office_id, day=day).first()
    if found is not None:
        return found
    secret = rules.new_secret()
    try:
        with transaction.atomic():
            return DaySeed.objects.create(
                office_id=office_id,
                day=day,
                secret=secret.hex(),
                commitment=rules.commitment_of(secret),
                committed_at=clock.now(),
            )
    except IntegrityError:  # a concurrent first draw committed the day first
        return DaySeed.objects.get(office_id=office_id, day=day)


def commit_today() -> int:
    """Commit today's seed for every office with a pool (the sweep task, after midnight)."""
    today = clock.today()
    offices = Pool.objects.values_list("office_id", flat=True).distinct()
    committed = 0
    for office_id in offices:
        commit_day(office_id, today)
        committed += 1
    return committed
