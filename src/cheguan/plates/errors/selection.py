"""Error codes of plate selection: draws, picks, holds, the pool and its no-back-door rule."""

from cheguan.core.errors import ErrorCode

# --- selection: draws, picks, holds (services.draw) ------------------------------------------
NOT_A_PLATE_CASE = ErrorCode(
    "plates.case_needs_no_plate",
    "该办件（{service}）不需要选号：选号只用于注册登记、转移登记、转入和号牌选号办件。",
    "This case ({service}) needs no plate number: numbers are chosen for registration, "
    "transfer, transfer-in and plate-selection cases.",
    409,
)
CASE_CLOSED = ErrorCode(
    "plates.case_closed",
    "该办件已{status}，不能再选号。",
    "This case is {status}; no number can be chosen for it any more.",
    409,
)
ALREADY_HOLDING = ErrorCode(
    "plates.already_holding",
    "该办件已选定号码{number}，保留至{until}；不能再次选号。",
    "This case already holds {number} until {until}; it cannot draw again.",
    409,
)
QUOTA_USED = ErrorCode(
    "plates.draw_quota_used",
    "该办件的{quota}次随机选号机会已用完。可改用自编自选，或到窗口办理。",
    "This case has used all {quota} draws. Compose a number yourself, or go to a window.",
    409,
)
POOL_EMPTY = ErrorCode(
    "plates.pool_empty",
    "{plate_type}号段暂无可选号码，请稍后再试或到窗口咨询。",
    "No {plate_type} numbers are free just now; try again later or ask at a window.",
    409,
)
NOT_IN_POOL = ErrorCode(
    "plates.type_not_pooled",
    "{plate_type}不通过选号系统发放，请到窗口办理。",
    "{plate_type} numbers are not issued through the selection system; go to a window.",
    409,
)
PLATE_TYPE_NEEDED = ErrorCode(
    "plates.plate_type_needed",
    "该办件没有车辆信息，请选择号牌种类（小型汽车、大型汽车、小型新能源或大型新能源）。",
    "This case has no vehicle: choose the plate type (small, large, small new-energy or "
    "large new-energy).",
)
NOT_OFFERED = ErrorCode(
    "plates.not_offered",
    "号码{number}不在您这次抽取的20个号码中，请从本次显示的号码中选择。",
    "{number} is not one of the numbers this draw offered you; pick one of those shown.",
    409,
)
OFFER_EXPIRED = ErrorCode(
    "plates.offer_expired",
    "本次抽取的号码已于{time}过期退回号池，请重新抽取（还剩{left}次）。",
    "The numbers of this draw expired at {time} and went back to the pool; draw again "
    "({left} left).",
    409,
)
DRAW_CLOSED = ErrorCode(
    "plates.draw_closed",
    "这次抽取已结束（{status}），请查看办件的选号结果或重新抽取。",
    "This draw is over ({status}); see the case's selection or draw again.",
    409,
)
BANNED_ONLINE = ErrorCode(
    "plates.banned_online",
    "因12个月内{count}次选定号码后未在期限内登记，您在{until}前不能网上选号；"
    "可到服务大厅由工作人员协助选号。",
    "Because {count} held numbers expired unused within 12 months, you cannot choose numbers "
    "online until {until}; a clerk at the service hall can help you choose.",
    403,
)
NO_HELD_NUMBER = ErrorCode(
    "plates.no_held_number",
    "该办件没有选定的号码（或选定的号码已过期）。",
    "This case holds no number (or its hold has expired).",
    409,
)
WRONG_VEHICLE_TYPE = ErrorCode(
    "plates.plate_type_mismatch",
    "这辆车应使用{expected}，不能使用{given}。",
    "This vehicle needs a {expected}, not a {given}.",
)
POOL_BUSY = ErrorCode(
    "plates.pool_busy",
    "号池正在整理，请几秒后重试。",
    "The number pool is being reorganised; try again in a few seconds.",
    409,
)


# --- the pool (services.pool) ---------------------------------------------------------------
ALREADY_RELEASED = ErrorCode(
    "plates.already_released",
    "号段与已投放的号码重叠（{first}至{last}之间）；整个号段未投放。",
    "The segment overlaps numbers already released (between {first} and {last}); nothing "
    "was released.",
    409,
)
NOTHING_TO_RELEASE = ErrorCode(
    "plates.nothing_to_release",
    "该号段的号码全部被禁用规则排除，没有可投放的号码。",
    "Every number of this segment is barred by the blocklist; nothing to release.",
)
NOT_THIS_OFFICE = ErrorCode(
    "plates.not_this_office",
    "本系统只发放以{prefixes}开头的号牌号码，不能在这里自编这个号码。",
    "This system issues only numbers beginning {prefixes}; this number cannot be composed here.",
)

# --- no back door (receivers) ------------------------------------------------------------------
NUMBER_NOT_SELECTED = ErrorCode(
    "plates.number_not_selected",
    "号码{number}属于选号号池，只能通过随机选号、自编自选、保留原号或号牌互换发放，不能直接填写。",
    "{number} belongs to the number pool: it can only be issued through a draw, "
    "self-composition, retention or a swap, never typed in.",
    409,
)
