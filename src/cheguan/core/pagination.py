"""One way to page an API list: ``?limit=&offset=``, answered as
``{"count", "limit", "offset", "items"}``. The count and the slice are two statements on
the same scoped queryset; ``out`` turns each row into its schema's dict."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

LIMIT_HELP = "page size, 1–200"
OFFSET_HELP = "rows to skip"
MAX_LIMIT = 200
MAX_OFFSET = 10_000_000


def page(qs: QuerySet, *, limit: int, offset: int, out: Callable[[Any], Any]) -> dict:
    return {
        "count": qs.count(),
        "limit": limit,
        "offset": offset,
        "items": [out(obj) for obj in qs[offset : offset + limit]],
    }
