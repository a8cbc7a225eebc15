"""Registry events other apps react to without the registry knowing them
(docs/adr/0008-registry-events-as-signals.md).

The registry sits below the domain apps (the import contract in pyproject.toml), so it
cannot call them; a domain app that must act when a registry fact changes connects a
receiver here in its ``AppConfig.ready()``. Signals are sent **inside** the service's
transaction with :meth:`Signal.send` (not ``send_robust``): a receiver's writes commit with
the change, and a receiver's error undoes the change — nothing is left half-written.
"""

from django.dispatch import Signal

# Sent by ``registry.services.deregister_vehicle`` after the vehicle's status became
# ``deregistered``. Keyword arguments: ``vehicle`` (locked, already saved), ``actor``.
vehicle_deregistered = Signal()

# Sent by ``registry.services.change_authorisation`` after a partner organisation's
# authorisation changed. Keyword arguments: ``organisation`` (locked, saved), ``actor``,
# ``previous`` and ``current`` (AuthorisationStatus values), ``reason``.
authorisation_changed = Signal()
