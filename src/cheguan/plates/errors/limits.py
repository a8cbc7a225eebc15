"""Error codes: a partner past one of the office's limits on draws (status 429; the API adds
``Retry-After``, the message says when)."""

from cheguan.core.errors import ErrorCode

LIMIT_OPEN_DRAWS = ErrorCode(
    "plates.limit_open_draws",
    "贵单位同时进行中的选号已达上限（{limit} 次）；请于{wait}后重试，或先从进行中的选号里选定号码。",
    "Your organisation already has {limit} draws open at once, the most allowed; try again in "
    "{wait}, or pick a number from one of them first.",
    429,
)
LIMIT_OPEN_DRAWS_OPERATOR = ErrorCode(
    "plates.limit_open_draws_operator",
    "您的账号同时进行中的选号已达上限（{limit} 次）；请于{wait}后重试，或先从进行中的选号里选定号码。",
    "Your account already has {limit} draws open at once, the most allowed; try again in "
    "{wait}, or pick a number from one of them first.",
    429,
)
LIMIT_DRAW_RATE = ErrorCode(
    "plates.limit_draw_rate",
    "贵单位每分钟最多选号 {limit} 次；请于{wait}后重试。",
    "Your organisation may draw at most {limit} times a minute; try again in {wait}.",
    429,
)
LIMIT_POOL_SHARE = ErrorCode(
    "plates.limit_pool_share",
    "贵单位在{plate_type}号池中已有 {taken} 个号码正在选取或已预选，"
    "上限为号池的 {percent}%（{cap} 个）；请于{wait}后重试，或先办结已预选号码的登记。",
    "Your organisation already has {taken} {plate_type} numbers on offer or held, and may have "
    "at most {percent}% of the pool ({cap}) at once; try again in {wait}, or complete the "
    "registrations of the numbers it holds first.",
    429,
)
