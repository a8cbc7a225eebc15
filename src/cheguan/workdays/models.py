"""The working-day calendar (DOMAIN.md: "一日…十五日" in the rules are working days).

One row per calendar date over a fixed span, each with ``is_working`` and
``working_ordinal`` — the count of working days from the start of the span up to and
including that date. Deadlines are then one indexed lookup (ordinal + n), and figures
count working days between two dates in SQL (ordinal(b) − ordinal(a)) without loops.
Holidays and swapped working weekends are data (``kind``), loaded from
``data/holidays-cn.csv`` and editable by an admin; ordinals are recomputed on change.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    NORMAL = "normal", _("Ordinary day (weekday works, weekend rests)")
    HOLIDAY = "holiday", _("Public holiday")
    WORKDAY = "workday", _("Swapped working day")


class CalendarDay(models.Model):
    date = models.DateField(primary_key=True)
    kind = models.CharField(max_length=8, choices=DayKind.choices, default=DayKind.NORMAL)
    name = models.CharField(max_length=40, blank=True)
    source = models.CharField(max_length=200, blank=True)
    is_working = models.BooleanField()
    working_ordinal = models.PositiveIntegerField(db_index=True)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'work' if self.is_working else 'rest'}"
