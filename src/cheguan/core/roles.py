"""The roles a login can have, and which of them are staff and which partners.

Kept in the kernel's lowest app so that every app can ask "may this role do this"
(``core.permissions``) without importing ``accounts``, which builds on ``registry``
(docs/adr/0018-kernel-order.md).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    CLERK = "clerk", _("Clerk")
    INSPECTOR = "inspector", _("Inspector")
    SUPERVISOR = "supervisor", _("Supervisor")
    EXAMINER = "examiner", _("Examiner")
    DEALER_AGENT = "dealer_agent", _("Dealer agent")
    SCRAPYARD_AGENT = "scrapyard_agent", _("Scrapyard agent")
    DRIVING_SCHOOL_AGENT = "driving_school_agent", _("Driving-school agent")
    SERVICE_POINT_AGENT = "service_point_agent", _("Service-point agent")
    ADMIN = "admin", _("Administrator")


PARTNER_ROLES = frozenset(
    {Role.DEALER_AGENT, Role.SCRAPYARD_AGENT, Role.DRIVING_SCHOOL_AGENT, Role.SERVICE_POINT_AGENT}
)
STAFF_ROLES = frozenset({Role.CLERK, Role.INSPECTOR, Role.SUPERVISOR, Role.EXAMINER, Role.ADMIN})
# The organisation kind each partner role must belong to.
PARTNER_ORGANISATION_KIND = {
    Role.DEALER_AGENT: "dealer",
    Role.SCRAPYARD_AGENT: "scrapyard",
    Role.DRIVING_SCHOOL_AGENT: "driving_school",
    Role.SERVICE_POINT_AGENT: "service_point",
}
