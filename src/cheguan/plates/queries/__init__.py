"""Plate-number reads, one module per concept; nothing here changes state (that is
``plates.services``) and nothing here imports the services. Import from here:

from cheguan.plates import queries
queries.selection_of(actor, case)

``selection``: a case's selection, who may choose for it and what they may do now;
``draw_log``: the public log of the draws and the day seeds; ``replay``: replaying the log;
``pool``: the office's pools, segments and blocklist; ``keeping``: numbers a person may keep
or has kept; ``check``: the public check of a number.
"""

from cheguan.plates.queries.check import PublicCheck, check_publicly, office_for
from cheguan.plates.queries.draw_log import (
    DRAW_LOG_MAX,
    VERIFY_COMMAND,
    DrawLogPage,
    PublishedDaySeed,
    draw_log,
    masked_applicant,
    office_by_code,
    published_day_seeds,
)
from cheguan.plates.queries.keeping import Keepable, keepable, kept_for, spouse_vehicle
from cheguan.plates.queries.pool import PoolSummary, patterns_of, pools_of, segments_of
from cheguan.plates.queries.replay import DrawCheck, check_draw, draws_on, verify_draws
from cheguan.plates.queries.selection import (
    Actions,
    SelectionState,
    actions_for,
    actions_of,
    active_ban,
    compose_checks_of,
    compose_results,
    draw_for,
    latest_compose_check,
    may_select,
    plate_case_for,
    plate_cases,
    pooled_types,
    require_selector,
    selection_of,
    selection_rules,
    type_name,
)

__all__ = [
    "DRAW_LOG_MAX",
    "VERIFY_COMMAND",
    "Actions",
    "DrawCheck",
    "DrawLogPage",
    "Keepable",
    "PoolSummary",
    "PublicCheck",
    "PublishedDaySeed",
    "SelectionState",
    "actions_for",
    "actions_of",
    "active_ban",
    "check_draw",
    "check_publicly",
    "compose_checks_of",
    "compose_results",
    "draw_for",
    "draw_log",
    "draws_on",
    "keepable",
    "kept_for",
    "latest_compose_check",
    "masked_applicant",
    "may_select",
    "office_by_code",
    "office_for",
    "patterns_of",
    "plate_case_for",
    "plate_cases",
    "pooled_types",
    "pools_of",
    "published_day_seeds",
    "require_selector",
    "segments_of",
    "selection_of",
    "selection_rules",
    "spouse_vehicle",
    "type_name",
    "verify_draws",
]
