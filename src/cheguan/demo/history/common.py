"""What the history's parts share: the year, the batch size, the in-person channels, and
the working-day and quota helpers."""

from __future__ import annotations

import datetime as dt
import random

from cheguan.cases.models import Case, Channel

DAYS = 365
IN_PERSON = {Channel.WINDOW, Channel.ASSISTED}
BATCH = 2000


def working_days(today: dt.date) -> list[dt.date]:
    days = [today - dt.timedelta(days=n) for n in range(DAYS, 0, -1)]
    return [d for d in days if d.weekday() < 5]


def add_working_days(day: dt.date, n: int) -> dt.date:
    while n > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def quota(rng: random.Random, population: list[int], share: float) -> set[int]:
    """Exactly round(len × share) members, chosen by the seeded generator."""
    return set(rng.sample(population, round(len(population) * share)))


def save_cases(objects: list[Case]) -> list[Case]:
    """Insert the cases in batches; their keys are read back on a backend that does not
    return them."""
    saved = Case.objects.bulk_create(objects, batch_size=BATCH)
    if saved and saved[0].pk is None:  # a backend that does not return keys
        by_number = dict(
            Case.objects.filter(number__in=[c.number for c in saved]).values_list("number", "pk")
        )
        for c in saved:
            c.pk = c.id = by_number[c.number]
    return saved
