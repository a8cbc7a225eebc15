"""Statement budgets: a business transaction that starts issuing more SQL statements than
its budget fails its test (issue 12). Correctness of the query plan, not timing.

    with statements(budget={"sqlite": 9, "postgresql": 11}):
        client.get(...)

The budget is what the transaction issues today on each database (SQLite and PostgreSQL
differ: savepoints, row locks); lower it when a change saves statements. The failure lists
the statements, so the one that was added is plain to see; ``CHEGUAN_SHOW_STATEMENTS=1``
with ``pytest -s`` lists them when the budget holds too.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from django.db import connection
from django.test.utils import CaptureQueriesContext


@contextlib.contextmanager
def statements(*, budget: dict[str, int]) -> Iterator[CaptureQueriesContext]:
    with CaptureQueriesContext(connection) as captured:
        yield captured
    limit = budget[connection.vendor]
    print(f"statements: {len(captured.captured_queries)} (budget {limit} on {connection.vendor})")
    issued = len(captured.captured_queries)
    listing = "\n".join(f"  {q['sql'][:300]}" for q in captured.captured_queries)
    if os.environ.get("CHEGUAN_SHOW_STATEMENTS"):  # pytest -s: the plan, to find what to cut
        print(listing)
    assert issued <= limit, f"{issued} statements, over the budget of {limit}:\n{listing}"
