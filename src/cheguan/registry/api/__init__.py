"""The registry over the API (``/api/registry/``): one router made of its parts.

- ``people``: people (masked; full values only through the audited reveal);
- ``vehicles``: vehicles and what blocks them;
- ``records``: what the office learns about a vehicle (violations, accidents, insurance,
  tax, modification penalties, encumbrances), recorded by a clerk;
- ``deregistration``: 注销登记 for an export, a loss or a court order;
- ``organisations``: organisations and their authorisation.

Every list is scoped to the caller (``registry.queries``); an object outside that scope is
404, a role that may not list such things at all is 403. The operations kept the ids they
had before the router was split (``docs/openapi.json``).
"""

from ninja import Router

from cheguan.registry.api import deregistration, organisations, people, records, vehicles

router = Router(tags=["registry"])
for part in (people, vehicles, records, deregistration, organisations):
    router.add_router("", part.router)
