from cheguan.cases.models.case import (
    CLOSED_STATUSES,
    SCOPE_HOLDING_STATUSES,
    Case,
    CaseMessage,
    CaseStatus,
    CaseTransition,
    Visit,
    VisitKind,
)
from cheguan.cases.models.catalogue import (
    GENERIC_OWNER,
    IN_PERSON_CHANNELS,
    Channel,
    DataSource,
    DocumentRequirement,
    Service,
)
from cheguan.cases.models.documents import CaseDocument, CaseNotice, DocumentStatus, NoticeProblem
from cheguan.cases.models.rating import (
    OFFLINE_DIMENSIONS,
    ONLINE_DIMENSIONS,
    AppealDecision,
    FollowUp,
    FollowUpStatus,
    Rating,
    RatingChannel,
    Score,
)
from cheguan.cases.models.rongque import CommitmentStatus, RongqueCommitment
from cheguan.cases.models.screen import WindowScreen

__all__ = [
    "CLOSED_STATUSES",
    "GENERIC_OWNER",
    "IN_PERSON_CHANNELS",
    "OFFLINE_DIMENSIONS",
    "ONLINE_DIMENSIONS",
    "SCOPE_HOLDING_STATUSES",
    "AppealDecision",
    "Case",
    "CaseDocument",
    "CaseMessage",
    "CaseNotice",
    "CaseStatus",
    "CaseTransition",
    "Channel",
    "CommitmentStatus",
    "DataSource",
    "DocumentRequirement",
    "DocumentStatus",
    "FollowUp",
    "FollowUpStatus",
    "NoticeProblem",
    "Rating",
    "RatingChannel",
    "RongqueCommitment",
    "Score",
    "Service",
    "Visit",
    "VisitKind",
    "WindowScreen",
]
