"""Registry pages: thin views over ``registry.queries`` and ``registry.services``.

- ``people``: clerks' person search (htmx fragment), person detail with the audited reveal;
- ``vehicles``: citizens' "My vehicles" (masked, elder-mode ready) and a vehicle's page,
  where a clerk also records what the office learns (``records``);
- ``records``: the forms of that page (violations, accidents, insurance, tax, penalties,
  encumbrances);
- ``deregistration``: 注销登记 for an export, a loss or a court order;
- ``organisations``: partners' own organisation; supervisors' authorisation of one.
"""
