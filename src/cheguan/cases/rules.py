"""The case lifecycle's rules: which status may follow which, and which step each status
allows. Pure: no database, no clock; the services check them before they act and
``cases.queries.actions_for`` reads them to say what may be done now.

AWAITING_DOCUMENTS is reached two ways: from SUBMITTED by a one-time notice (the applicant
corrects and resubmits), or from ACCEPTED under 容缺 (the applicant supplies the promised
documents and the case completes).
"""

from __future__ import annotations

from enum import StrEnum

from cheguan.cases.models import CLOSED_STATUSES, CaseStatus, FollowUpStatus

S = CaseStatus

# The one transition table.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.SUBMITTED: frozenset({S.ACCEPTED, S.AWAITING_DOCUMENTS, S.REJECTED, S.WITHDRAWN}),
    S.ACCEPTED: frozenset({S.AWAITING_DOCUMENTS, S.COMPLETED, S.REJECTED, S.WITHDRAWN}),
    S.AWAITING_DOCUMENTS: frozenset(
        {S.SUBMITTED, S.COMPLETED, S.REJECTED, S.WITHDRAWN, S.TERMINATED}
    ),
    S.COMPLETED: frozenset(),
    S.REJECTED: frozenset(),
    S.WITHDRAWN: frozenset(),
    S.TERMINATED: frozenset(),
}
RATEABLE_STATUSES = frozenset({S.COMPLETED, S.REJECTED})
# Documents are added while the applicant is still assembling or correcting the file.
UPLOAD_STATUSES = frozenset({S.DRAFT, S.SUBMITTED, S.AWAITING_DOCUMENTS})

FOLLOW_UP_TRANSITIONS: dict[str, frozenset[str]] = {
    FollowUpStatus.OPEN: frozenset({FollowUpStatus.VERIFIED}),
    FollowUpStatus.VERIFIED: frozenset({FollowUpStatus.CALLED_BACK}),
    FollowUpStatus.CALLED_BACK: frozenset({FollowUpStatus.CLOSED}),
    FollowUpStatus.CLOSED: frozenset(),
}


class Action(StrEnum):
    """What someone may do to a case (``cases.queries.actions_for`` lists them; the API
    sends these names)."""

    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    ADD_DOCUMENT = "add_document"
    ACCEPT = "accept"
    NOTICE = "notice"
    REJECT = "reject"
    COMPLETE = "complete"
    RECORD_VISIT = "record_visit"
    RATE = "rate"
    SCREEN = "screen"  # show the case's rating on the clerk's paired screen
    APPEAL = "appeal"  # a clerk appeals the bad rating's follow-up
    DECIDE_APPEAL = "decide_appeal"
    VERIFY = "verify"  # the follow-up's steps, in order
    CALL_BACK = "call_back"
    CLOSE_FOLLOW_UP = "close_follow_up"


# The follow-up step that leads to each status.
FOLLOW_UP_STEPS: dict[str, Action] = {
    FollowUpStatus.VERIFIED: Action.VERIFY,
    FollowUpStatus.CALLED_BACK: Action.CALL_BACK,
    FollowUpStatus.CLOSED: Action.CLOSE_FOLLOW_UP,
}


def may_move(status: str, to: str) -> bool:
    return to in TRANSITIONS[status]


def is_closed(status: str) -> bool:
    return status in CLOSED_STATUSES


def may_submit(status: str, *, rongque: bool) -> bool:
    """A draft, or a case sent back by a one-time notice; a 容缺 case awaiting its promised
    documents is completed by the window, not resubmitted."""
    return status == S.DRAFT or (status == S.AWAITING_DOCUMENTS and not rongque)


def may_accept(status: str) -> bool:
    return status == S.SUBMITTED


def may_notice(status: str) -> bool:
    """The one-time notice answers a submission, before the case is accepted."""
    return status == S.SUBMITTED


def may_complete(status: str, *, rongque: bool, documents_missing: bool) -> bool:
    """Accepted; or accepted under 容缺 with every promised document in."""
    return status == S.ACCEPTED or (
        status == S.AWAITING_DOCUMENTS and rongque and not documents_missing
    )


def may_reject(status: str) -> bool:
    return may_move(status, S.REJECTED)


def may_withdraw(status: str) -> bool:
    return may_move(status, S.WITHDRAWN)


def takes_documents(status: str) -> bool:
    return status in UPLOAD_STATUSES


def takes_visits(status: str) -> bool:
    return not is_closed(status)


def may_rate(status: str, *, rated: bool) -> bool:
    return status in RATEABLE_STATUSES and not rated


def next_follow_up_step(status: str) -> Action | None:
    """The follow-up's next step from ``status`` (none once it is closed)."""
    for to in FOLLOW_UP_TRANSITIONS[status]:
        return FOLLOW_UP_STEPS[to]
    return None
