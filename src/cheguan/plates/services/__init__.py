"""Plate-number use cases. Views, the API, admin actions and commands call these; nothing
else changes a number's state (MVR Art 43: no assignment outside the audited selection)."""

from cheguan.plates.services.blocklist import add_pattern, deactivate_pattern
from cheguan.plates.services.compose import check_composed, compose_checks_left, hold_composed
from cheguan.plates.services.day_seed import commit_day, commit_today
from cheguan.plates.services.draw import DrawResult, draw_numbers, pick_number
from cheguan.plates.services.expiry import sweep
from cheguan.plates.services.pool import (
    Release,
    assign_held_number,
    compact_pool,
    release_segment,
)
from cheguan.plates.services.retention import retain_number, use_retained
from cheguan.plates.services.start import Started, start_selection
from cheguan.plates.services.swap import swap_cars, swap_numbers
from cheguan.plates.services.watch import watch

__all__ = [
    "DrawResult",
    "Release",
    "Started",
    "add_pattern",
    "assign_held_number",
    "check_composed",
    "commit_day",
    "commit_today",
    "compact_pool",
    "compose_checks_left",
    "deactivate_pattern",
    "draw_numbers",
    "hold_composed",
    "pick_number",
    "release_segment",
    "retain_number",
    "start_selection",
    "swap_cars",
    "swap_numbers",
    "sweep",
    "use_retained",
    "watch",
]
