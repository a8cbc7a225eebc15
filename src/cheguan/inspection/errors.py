"""Error codes of the inspection app (tests import these constants)."""

from cheguan.core.errors import ErrorCode

NOT_ELIGIBLE = ErrorCode(
    "inspection.not_eligible",
    "该车现在不能直接申领检验标志：{reasons}",
    "This vehicle cannot get a mark without more steps now: {reasons}",
    409,
)
NOT_REVOCABLE = ErrorCode(
    "inspection.already_revoked",
    "该检验标志已于{date}撤销。",
    "This mark was already revoked on {date}.",
    409,
)
REASON_REQUIRED = ErrorCode(
    "inspection.reason_required",
    "请写明撤销原因（至少4个字）。",
    "Give the reason for the revocation (at least 4 characters).",
)
NO_MARK_TO_REISSUE = ErrorCode(
    "inspection.no_current_mark",
    "该车没有在有效期内的检验标志可以补领；请申领新的检验标志。",
    "This vehicle has no valid mark to replace: apply for a new mark instead.",
    409,
)
INSURANCE_REQUIRED = ErrorCode(
    "inspection.insurance_required",
    "补领检验标志需要当日有效的交强险，请先续保。",
    "A replacement mark needs compulsory insurance valid today: renew it first.",
    409,
)
