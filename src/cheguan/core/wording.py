"""Dates and times as people write them, in the office's time zone.

Pages, PDFs and notices show ``2026年5月11日 10:30`` / ``11 May 2026 10:30``, never an ISO
timestamp, and always in the office's time zone (``TIME_ZONE``, Beijing time), whatever zone
the value was stored in. The API keeps ISO 8601.

Templates use the ``|when`` and ``|day`` filters of ``cheguan.web.templatetags.people``.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone, translation
from django.utils.dateformat import format as dateformat
from django.utils.translation import get_language

DAY = {"zh": "Y年n月j日", "en": "j F Y"}
TIME = "H:i"


def _lang(language: str | None) -> str:
    return "en" if (language or get_language() or "zh").startswith("en") else "zh"


def _format(value: dt.date, language: str | None, *, with_time: bool) -> str:
    lang = _lang(language)
    pattern = f"{DAY[lang]} {TIME}" if with_time else DAY[lang]
    with translation.override("en" if lang == "en" else "zh-hans"):  # month names
        return dateformat(value, pattern)


def day_words(value: dt.date | dt.datetime | None, *, language: str | None = None) -> str:
    """A calendar day: 2026年5月11日 / 11 May 2026 (a datetime: its office-local day)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return _format(value, language, with_time=False)


def time_words(value: dt.datetime | None, *, language: str | None = None) -> str:
    """A moment in office-local time: 2026年5月11日 10:30 / 11 May 2026 10:30."""
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return _format(local, language, with_time=True)
