"""Error codes of the cases app (tests import these constants)."""

from cheguan.core.errors import ErrorCode

SERVICE_NOT_FOUND = ErrorCode(
    "cases.service_not_found", "本所没有该服务事项。", "This office offers no such service.", 404
)
CHANNEL_NOT_OFFERED = ErrorCode(
    "cases.channel_not_offered",
    "该事项不能通过“{channel}”办理；可用渠道：{allowed}。",
    "This service cannot be applied for through “{channel}”; available channels: {allowed}.",
)
APPLICANT_REQUIRED = ErrorCode(
    "cases.applicant_required",
    "请指明申请人（个人或单位）。",
    "Say who the applicant is (a person or an organisation).",
)
ILLEGAL_TRANSITION = ErrorCode(
    "cases.illegal_transition",
    "办件当前状态为“{current}”，不能{action}。",
    "The case is “{current}”; it cannot be {action} now.",
    409,
)
ESSENTIAL_MISSING = ErrorCode(
    "cases.essential_documents_missing",
    "主要材料不齐，不能受理（也不能容缺）：{documents}。请出具一次性告知。",
    "Essential documents are missing, so the case cannot be accepted (not even under 容缺): {documents}. Issue a one-time notice.",
)
DOCUMENTS_MISSING = ErrorCode(
    "cases.documents_missing",
    "以下次要材料未提供：{documents}。可在申请人签署承诺后容缺受理，或出具一次性告知。",
    "These supplementary documents are missing: {documents}. Accept under 容缺 with the applicant's signed commitment, or issue a one-time notice.",
)
NOTHING_MISSING = ErrorCode(
    "cases.nothing_missing",
    "材料已齐全，无需容缺受理。",
    "All documents are present; 容缺 acceptance is not needed.",
)
RONGQUE_NOT_ALLOWED = ErrorCode(
    "cases.rongque_not_allowed",
    "该事项不适用容缺受理。",
    "容缺 acceptance is not available for this service.",
)
RONGQUE_CREDIT = ErrorCode(
    "cases.rongque_credit_blocked",
    "申请人在过去 12 个月内有未履行的容缺承诺（{date}），暂不能容缺受理；材料齐全后可正常办理。",
    "The applicant broke a 容缺 commitment in the last 12 months ({date}), so 容缺 is not available; the case can proceed once all documents are in.",
)
RONGQUE_DAYS = ErrorCode(
    "cases.rongque_days_out_of_range",
    "补齐期限应为 1 到 {max} 个工作日（不超过 20 个工作日，且比承诺时限至少短 2 个工作日）。",
    "The deadline must be 1 to {max} working days (at most 20, and at least 2 fewer than the promised time).",
)
COMMITMENT_OPEN = ErrorCode(
    "cases.commitment_open",
    "容缺承诺的材料尚未补齐：{documents}。",
    "The documents promised under 容缺 have not all arrived: {documents}.",
    409,
)
NOT_IN_FIRST_NOTICE = ErrorCode(
    "cases.not_in_first_notice",
    "“{document}”不在首次一次性告知中，不能再要求申请人提供（一次性告知，《机动车登记规定》第三条）。",
    "“{document}” was not in the first one-time notice, so it cannot be asked for now (MVR Art 3).",
)
NOTICE_EMPTY = ErrorCode(
    "cases.notice_empty",
    "一次性告知至少要列出一项缺少或有误的材料。",
    "A one-time notice lists at least one missing or wrong document.",
)
UNKNOWN_REQUIREMENT = ErrorCode(
    "cases.unknown_requirement",
    "“{code}”不是该事项要求的材料。",
    "“{code}” is not a document this service asks for.",
)
INVALID_PROBLEM = ErrorCode(
    "cases.invalid_problem",
    "问题类型应为 missing、invalid、expired 或 illegible。",
    "The problem must be one of missing, invalid, expired, illegible.",
)
REASONS_REQUIRED = ErrorCode(
    "cases.reasons_required",
    "不予受理或退回必须写明理由（至少 4 个字）。",
    "A rejection must give its reasons in writing (at least 4 characters).",
)
FILE_TOO_LARGE = ErrorCode(
    "cases.file_too_large",
    "文件不能超过 {max_mb} MB。",
    "The file must be at most {max_mb} MB.",
)
FILE_TYPE = ErrorCode(
    "cases.file_type_not_allowed",
    "只接受 PDF、JPEG 或 PNG 文件。",
    "Only PDF, JPEG or PNG files are accepted.",
)
FILE_EMPTY = ErrorCode("cases.file_empty", "文件是空的。", "The file is empty.")
NOT_APPLICANT = ErrorCode(
    "cases.not_applicant",
    "只有申请人本人可以这样做。",
    "Only the applicant can do this.",
    403,
)
NOT_RATEABLE = ErrorCode(
    "cases.not_rateable",
    "办结或退回后才能评价。",
    "A case can be rated once it is completed or rejected.",
    409,
)
ALREADY_RATED = ErrorCode(
    "cases.already_rated",
    "该办件已评价过，评价不能修改或重复。",
    "This case has already been rated; a rating cannot be changed or repeated.",
    409,
)
INVALID_SCORE = ErrorCode(
    "cases.invalid_score",
    "评价应为 1 到 5（非常不满意到非常满意）。",
    "A rating is 1 to 5 (very dissatisfied to very satisfied).",
)
INVALID_DIMENSION = ErrorCode(
    "cases.invalid_dimension",
    "评价维度“{name}”无效或分值不在 1 到 5 之间；可用：{allowed}。",
    "The dimension “{name}” is unknown or its score is not 1 to 5; allowed: {allowed}.",
)
SCREEN_TOKEN_INVALID = ErrorCode(
    "cases.screen_token_invalid",
    "评价屏的链接已失效，请窗口工作人员重新打开。",
    "This rating-screen link has expired; ask the clerk to open it again.",
    404,
)
ILLEGAL_FOLLOW_UP_STEP = ErrorCode(
    "cases.illegal_follow_up_step",
    "回访当前为“{current}”，不能进行此步骤。",
    "The follow-up is “{current}”; this step cannot be done now.",
    409,
)
NOTE_REQUIRED = ErrorCode(
    "cases.note_required",
    "请写明情况（至少 4 个字）。",
    "Write what happened (at least 4 characters).",
)
APPEAL_NOT_PENDING = ErrorCode(
    "cases.appeal_not_pending", "没有待裁定的申诉。", "There is no pending appeal.", 409
)
APPEAL_EXISTS = ErrorCode(
    "cases.appeal_exists", "该评价已申诉过。", "This rating has already been appealed.", 409
)
OWNED_SERVICE = ErrorCode(
    "cases.owned_service",
    "“{service}”有自己的办理页面，通用办件页面和窗口办件台不能受理、推进或办结：请到“{where}”办理（{path}）。",
    "“{service}” has its own pages: the generic case pages and the window console cannot "
    "open, advance or complete it. Go to “{where}” ({path}).",
    409,
)
SERVICE_NOT_ONLINE = ErrorCode(
    "cases.service_not_online",
    "“{service}”尚未在本平台开通，通用办件页面和窗口办件台不能受理、推进或办结；暂请到车管所窗口按原有流程办理。",
    "“{service}” is not yet available on this platform: the generic case pages and the window "
    "console cannot open, advance or complete it. For now it is handled at the office's "
    "windows the usual way.",
    409,
)
