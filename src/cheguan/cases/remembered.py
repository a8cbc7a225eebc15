"""The service catalogue as every request reads it, remembered (``cheguan.core.remembered``).

An office's catalogue changes when an admin edits it (the admin saves the models: the
receivers below forget it) or when the catalogue is seeded (``seed_catalogue`` forgets it);
code that changes it with ``update()`` or ``bulk_create()`` calls :func:`forget_catalogue`.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from cheguan.cases.models import Case, DocumentRequirement, Service
from cheguan.core.remembered import forget, remember

FAMILY = "catalogue"


def active_service(office_id: int, code: str) -> Service | None:
    """The office's active service of that code, or None."""
    return remember(
        FAMILY,
        f"service:{office_id}:{code}",
        lambda: Service.objects.filter(office_id=office_id, code=code, active=True).first(),
    )


def requirements_of(service_id: int) -> list[DocumentRequirement]:
    """The service's document requirements, in their order."""
    return remember(
        FAMILY,
        f"requirements:{service_id}",
        lambda: list(DocumentRequirement.objects.filter(service_id=service_id)),
    )


def service_of(case: Case) -> Service:
    """The case's service, from the case when it was joined, else remembered."""
    if Case.service.is_cached(case):
        return case.service
    service = remember(
        FAMILY, f"service:{case.service_id}", lambda: Service.objects.get(pk=case.service_id)
    )
    case.service = service
    return service


def forget_catalogue() -> None:
    forget(FAMILY)


@receiver(post_save, sender=Service)
@receiver(post_delete, sender=Service)
@receiver(post_save, sender=DocumentRequirement)
@receiver(post_delete, sender=DocumentRequirement)
def _catalogue_changed(sender, **kwargs) -> None:
    forget_catalogue()
