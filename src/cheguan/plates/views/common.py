"""What the plates pages share: a service's refusal shown in full on the page."""

from __future__ import annotations

from cheguan.core.errors import DomainError, ValidationErrors


def refusals(error: DomainError | ValidationErrors) -> list[DomainError]:
    """A service's refusal as a list the page shows in full; "not found" stays an error page."""
    found = error.errors if isinstance(error, ValidationErrors) else [error]
    for e in found:
        if e.status in {401, 403, 404}:
            raise e
    return found
