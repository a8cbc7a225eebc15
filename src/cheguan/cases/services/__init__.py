"""Case use cases, one module per concept. Import from here:

from cheguan.cases import services
services.open_case(actor=…, service_code="change_contact", …)
"""

from cheguan.cases.services.documents import add_document, verify_by_data
from cheguan.cases.services.immediate import (
    accept_for_review,
    open_and_settle,
    settle_immediately,
)
from cheguan.cases.services.lifecycle import (
    accept_case,
    complete_case,
    issue_notice,
    open_case,
    reject_case,
    submit_case,
    withdraw_case,
)
from cheguan.cases.services.ratings import (
    appeal_rating,
    close_follow_up,
    decide_appeal,
    rate_case,
    rate_case_on_screen,
    record_callback,
    screen_token_for,
    verify_follow_up,
)
from cheguan.cases.services.rongque import (
    max_rongque_days,
    rongque_credit_block,
    send_rongque_reminders,
    terminate_overdue_cases,
)
from cheguan.cases.services.visits import record_visit

__all__ = [
    "accept_case",
    "accept_for_review",
    "add_document",
    "appeal_rating",
    "close_follow_up",
    "complete_case",
    "decide_appeal",
    "issue_notice",
    "max_rongque_days",
    "open_and_settle",
    "open_case",
    "rate_case",
    "rate_case_on_screen",
    "record_callback",
    "record_visit",
    "reject_case",
    "rongque_credit_block",
    "screen_token_for",
    "send_rongque_reminders",
    "settle_immediately",
    "submit_case",
    "terminate_overdue_cases",
    "verify_by_data",
    "verify_follow_up",
    "withdraw_case",
]
