"""Inspection-mark use cases, one module per concept. Import from here:

from cheguan.inspection import services
services.apply_for_mark(actor=…, vehicle=…)

``marks``: apply (即办), issue, reissue, revoke; ``proofs``: the paper-proof fallback checked
by a clerk; ``reminders``: the 90/30/7-day expiry reminders.
"""

from cheguan.inspection.models import SERVICE_CODE
from cheguan.inspection.services.marks import (
    Application,
    apply_for_mark,
    current_mark,
    may_revoke,
    reissue_lost_mark,
    require_revoker,
    revoke_mark,
    revoke_marks_of_deregistered,
)
from cheguan.inspection.services.proofs import (
    apply_with_proof,
    issue_after_check,
    reject_after_check,
    uploaded_proofs,
)
from cheguan.inspection.services.reminders import REMINDER_DAYS, send_expiry_reminders

__all__ = [
    "REMINDER_DAYS",
    "SERVICE_CODE",
    "Application",
    "apply_for_mark",
    "apply_with_proof",
    "current_mark",
    "issue_after_check",
    "may_revoke",
    "reissue_lost_mark",
    "reject_after_check",
    "require_revoker",
    "revoke_mark",
    "revoke_marks_of_deregistered",
    "send_expiry_reminders",
    "uploaded_proofs",
]
