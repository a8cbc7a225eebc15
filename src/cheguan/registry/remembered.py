"""The offices as public pages and every page's header read them, remembered
(``cheguan.core.remembered``, ADR 0020): by code, by plate prefix, the first few. An office
changes through the admin or ``create_office`` (both save the model: the receivers below
forget them)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from cheguan.core.remembered import forget, remember
from cheguan.registry.models import Office

FAMILY = "offices"


def office_by_code(code: str) -> Office | None:
    return remember(FAMILY, f"code:{code}", lambda: Office.objects.filter(code=code[:12]).first())


def office_by_prefix(prefix: str) -> Office | None:
    """The office that issues plates of this prefix (浙B), or None."""
    return remember(
        FAMILY, f"prefix:{prefix}", lambda: Office.objects.filter(plate_prefix=prefix).first()
    )


def first_offices(n: int = 2) -> list[Office]:
    """The first ``n`` offices by id: with ``n=2``, whether this system runs only one."""
    return remember(FAMILY, f"first:{n}", lambda: list(Office.objects.order_by("pk")[:n]))


def plate_prefixes(limit: int = 20) -> list[str]:
    return remember(
        FAMILY,
        f"prefixes:{limit}",
        lambda: list(Office.objects.order_by("pk").values_list("plate_prefix", flat=True)[:limit]),
    )


@receiver(post_save, sender=Office)
@receiver(post_delete, sender=Office)
def _office_changed(sender, **kwargs) -> None:
    forget(FAMILY)
