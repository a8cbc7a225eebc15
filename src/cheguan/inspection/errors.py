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
PROOF_NEEDED = ErrorCode(
    "inspection.proof_needed",
    "记录中查不到：{reasons} 您可以上传{documents}申请，窗口核验后1个工作日内发放检验标志。",
    "The records do not show it: {reasons} You can apply by uploading {documents}; the "
    "office checks it and issues the mark within 1 working day.",
    409,
)
PROOF_MISSING = ErrorCode(
    "inspection.proof_missing",
    "请上传{documents}（PDF、JPEG或PNG格式）。",
    "Upload {documents} (a PDF, JPEG or PNG).",
)
NOT_AWAITING_CHECK = ErrorCode(
    "inspection.not_awaiting_check",
    "该申请不在等待核验材料的状态（当前：{status}），不能再发放或退回。",
    "This application is not waiting for a document check (it is {status}): it cannot be "
    "issued or rejected now.",
    409,
)
