"""The one way to lock a case's row (as Saleor's ``lock_objects``): every service that
changes a case, in any app, takes the lock here, in one mode and one order.

Mode: ``FOR NO KEY UPDATE`` of the case row only. No service changes a case's key, and the
weaker mode lets other transactions insert rows that reference the case (a draw's number
event, a document, a history row) while the case is locked: their foreign-key check takes
``KEY SHARE``, which ``FOR UPDATE`` would block — the plate draw met exactly that deadlock.
Order: the case first, then rows that belong to it (its rongque commitment, its documents),
so two services never wait for each other crosswise. SQLite serialises writers and ignores
the clause.
"""

from __future__ import annotations

from cheguan.cases.models import Case

DEFAULT_RELATED = ("service", "office")


def lock_case(case: Case | int, *, related: tuple[str, ...] = DEFAULT_RELATED) -> Case:
    """The case, re-read under its row lock, with ``related`` joined (not locked)."""
    pk = case if isinstance(case, int) else case.pk
    return (
        Case.objects.select_for_update(of=("self",), no_key=True)
        .select_related(*related)
        .get(pk=pk)
    )
