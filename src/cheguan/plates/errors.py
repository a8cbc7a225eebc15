"""Error codes of the plates app (tests import these constants)."""

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


# --- number formats (formats.py, GA 36-2018 as read in DOMAIN.md §2.2) -----------------------
# {expected} is the plate type's whole shape in words (formats.SHAPES), so every message says
# what a right number looks like, not only what is wrong.
NUMBER_REQUIRED = ErrorCode(
    "plates.number_required",
    "请输入号牌号码，例如浙B·A1234。",
    "Enter a plate number, e.g. 浙B·A1234.",
)
UNKNOWN_TYPE = ErrorCode(
    "plates.unknown_type",
    "请选择号牌种类：01大型汽车、02小型汽车、51大型新能源、52小型新能源、15挂车或16教练汽车。",
    "Choose the plate type: 01 large, 02 small, 51 large new-energy, 52 small new-energy, "
    "15 trailer or 16 learner-coach.",
)
WRONG_PROVINCE = ErrorCode(
    "plates.wrong_province",
    "号牌第1个字应为{expected}。",
    "The first character of the number should be {expected}.",
)
WRONG_AUTHORITY = ErrorCode(
    "plates.wrong_authority",
    "号牌第2位应为{expected}。",
    "The second character of the number should be {expected}.",
)
BAD_LENGTH = ErrorCode(
    "plates.bad_length",
    "序号（号牌前两位之后的部分）有{length}位，位数不对。{expected}",
    "The serial (the part after the first two characters) has {length} characters. {expected}",
)
LETTER_I_OR_O = ErrorCode(
    "plates.letter_i_or_o",
    "号牌序号从不使用字母I和O（序号第{positions}位），以免与数字1和0混淆；请核对是否应为数字1或0。",
    "Plate serials never use the letters I and O (serial position {positions}): they look "
    "like 1 and 0. Check whether you meant the digit 1 or 0.",
)
BAD_CHARACTER = ErrorCode(
    "plates.bad_character",
    "序号第{positions}位不是字母或数字。{expected}",
    "Serial position {positions} is not a letter or a digit. {expected}",
)
BAD_ENERGY_LETTER = ErrorCode(
    "plates.bad_energy_letter",
    "序号第{position}位应为能源字母：D、A、B、C、E（纯电动）或F、G、H、J、K（非纯电动）。{expected}",
    "Serial position {position} should be the energy letter: D, A, B, C, E (pure electric) "
    "or F, G, H, J, K (plug-in hybrid, fuel cell). {expected}",
)
LAST_MUST_BE_DIGIT = ErrorCode(
    "plates.last_must_be_digit",
    "序号最后一位应为数字。{expected}",
    "The last character of the serial should be a digit. {expected}",
)
DIGIT_REQUIRED = ErrorCode(
    "plates.digit_required",
    "序号第{positions}位应为数字。{expected}",
    "Serial position {positions} should be a digit. {expected}",
)
WRONG_SUFFIX = ErrorCode(
    "plates.wrong_suffix",
    "序号最后一位应为汉字“{suffix}”。{expected}",
    "The serial should end with the character “{suffix}”. {expected}",
)
NOT_FOR_THIS_VEHICLE = ErrorCode(
    "plates.not_for_this_vehicle",
    "该号牌不适合这辆车：{reason}",
    "This plate does not suit the vehicle: {reason}",
)
UNKNOWN_ENERGY_TYPE = ErrorCode(
    "plates.unknown_energy_type",
    "车辆的能源种类应为燃油、纯电动、插电式混合动力或燃料电池。",
    "The vehicle's energy type should be fuel, pure electric, plug-in hybrid or fuel cell.",
)

# --- local composition rules (formats.check_composition, DOMAIN.md §2.3) ----------------------
COMPOSE_CLOSED = ErrorCode(
    "plates.compose_not_offered",
    "本所不开放{plate_type}的自编自选，请使用随机选号（二十选一）。",
    "This office does not offer self-composed {plate_type} numbers; use the random draw.",
)
TOO_MANY_LETTERS = ErrorCode(
    "plates.too_many_letters",
    "自编号码的序号最多含{max}个字母，这个号码有{count}个。",
    "A self-composed serial may hold at most {max} letters; this one has {count}.",
)
LETTER_POSITION = ErrorCode(
    "plates.letter_position",
    "自编号码的字母只能在序号第{allowed}位；第{positions}位应为数字。",
    "In a self-composed serial letters may stand only in positions {allowed}; position "
    "{positions} should be a digit.",
)
BLOCKED_COMBINATION = ErrorCode(
    "plates.blocked_combination",
    "该号码含有本所不予发放的组合（{reason}），请换一个号码。",
    "This number contains a combination the office does not issue ({reason}); choose another.",
)

# --- release segments (formats.expand_range) ------------------------------------------------
BAD_RANGE = ErrorCode(
    "plates.bad_range",
    "号段无效：{reason}",
    "This segment is not valid: {reason}",
)

# --- the blocklist (blocklist.py) ------------------------------------------------------------
BAD_PATTERN = ErrorCode(
    "plates.bad_pattern",
    "禁用组合应为不超过60个字符的正则表达式，且不能匹配空序号，例如 (\\d)\\1\\1 表示三个相同数字：{reason}",
    "A blocked combination is a regular expression of at most 60 characters that does not "
    "match an empty serial, e.g. (\\d)\\1\\1 for three identical digits: {reason}",
)
PATTERN_REASON_REQUIRED = ErrorCode(
    "plates.pattern_reason_required",
    "请写明禁用原因（2至120个字，不含控制字符）。",
    "Give the reason for blocking (2 to 120 characters, no control characters).",
)
PATTERN_EXISTS = ErrorCode(
    "plates.pattern_exists",
    "该禁用组合已在使用中。",
    "This blocked combination is already active.",
    409,
)
PATTERN_INACTIVE = ErrorCode(
    "plates.pattern_already_inactive",
    "该禁用组合已于此前停用。",
    "This blocked combination was already deactivated.",
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


# --- self-composition (services.compose, 自编自选) ---------------------------------------------
COMPOSE_NO_NUMBERS = ErrorCode(
    "plates.compose_no_numbers",
    "请输入要查询的号码，一次最多{max}个，例如浙B·A1234。",
    "Enter the numbers to check, at most {max} at a time, e.g. 浙B·A1234.",
)
COMPOSE_TOO_MANY = ErrorCode(
    "plates.compose_too_many_numbers",
    "一次最多查询{max}个号码，您提交了{count}个；请减少到{max}个以内。",
    "At most {max} numbers can be checked at a time; you sent {count}. Send {max} or fewer.",
)
COMPOSE_QUOTA_USED = ErrorCode(
    "plates.compose_quota_used",
    "该办件的{quota}次自编号码查询机会已用完。可改用随机选号（二十选一），或到窗口办理。",
    "This case has used all {quota} self-composition checks. Use the random draw, or go "
    "to a window.",
    409,
)
COMPOSE_NOT_IN_POOL = ErrorCode(
    "plates.compose_not_in_pool",
    "号码{number}不在本所{plate_type}号池中（尚未投放），请换一个号码。",
    "{number} is not in this office's {plate_type} pool (not released); choose another.",
    409,
)
COMPOSE_TAKEN = ErrorCode(
    "plates.compose_taken",
    "号码{number}已被选用或正在使用，请换一个号码。",
    "{number} is already taken or in use; choose another.",
    409,
)
COMPOSE_RANDOM_ONLY = ErrorCode(
    "plates.compose_random_only",
    "号码{number}所在号段于{released}投放，投放满{days}天后（{until}之后）才能自编选用；"
    "在此之前只能随机选号。",
    "{number} belongs to a segment released on {released}: it can be composed only after "
    "{until}, {days} days after release; until then it is for the random draw only.",
    409,
)
COMPOSE_NOT_CHECKED = ErrorCode(
    "plates.compose_not_checked",
    "号码{number}未在本办件的自编号码查询中显示为可选。请先查询这个号码（还剩{left}次查询），"
    "再选定显示为可选的号码。",
    "{number} was not shown as available by this case's self-composition checks. Check it "
    "first ({left} checks left), then choose a number shown as available.",
    409,
)

# --- keeping the old number (services.retention, MVR Art 44, 45) ------------------------------
# {action} names the business the condition blocks (保留原号牌 / 号牌号码互换).
VIOLATIONS_UNSETTLED = ErrorCode(
    "plates.violations_unsettled",
    "车辆{vehicle}有{count}条交通违法记录未处理完毕；全部处理后才能办理{action}。",
    "Vehicle {vehicle} has {count} traffic violation(s) not yet dealt with; all must be "
    "settled before {action}.",
    409,
)
ACCIDENTS_UNSETTLED = ErrorCode(
    "plates.accidents_unsettled",
    "车辆{vehicle}有{count}起交通事故未处理完毕；全部结案后才能办理{action}。",
    "Vehicle {vehicle} has {count} traffic accident(s) not yet settled; all must be settled "
    "before {action}.",
    409,
)
RETENTION_NO_NUMBER = ErrorCode(
    "plates.retention_no_number",
    "这辆车没有可以保留的号牌号码：只有选号系统发放、因转让、注销或迁出离开车辆的号码才能保留。",
    "This vehicle has no number that can be kept: only a number issued by the selection "
    "system that leaves the vehicle on a transfer, deregistration or move away can be kept.",
    409,
)
RETENTION_STILL_IN_USE = ErrorCode(
    "plates.retention_still_in_use",
    "号码{number}仍在这辆车上使用；办理转让、注销或迁出登记时（或之后{years}年内）才能申请保留。",
    "{number} is still in use on this vehicle; it can be kept when the vehicle is "
    "transferred, deregistered or moved away (or within {years} years after).",
    409,
)
ALREADY_RETAINED = ErrorCode(
    "plates.already_retained",
    "号码{number}已经保留，保留至{until}。",
    "{number} is already kept, until {until}.",
    409,
)
RETENTION_PERSONS_ONLY = ErrorCode(
    "plates.retention_persons_only",
    "这辆车登记在单位名下；本系统只为个人车主保留原号牌，请到车管所窗口咨询。",
    "This vehicle is registered to an organisation; this system keeps numbers for individual "
    "owners only. Ask at the office.",
    409,
)
NOT_FORMER_OWNER = ErrorCode(
    "plates.not_former_owner",
    "只有这辆车登记的所有人本人才能申请保留原号牌。",
    "Only the vehicle's registered owner can ask to keep its number.",
    403,
)
RETENTION_TOO_LATE = ErrorCode(
    "plates.retention_too_late",
    "保留原号牌须在业务办理之日（{since}）起{years}年内申请，期限已于{deadline}届满。",
    "A number can be kept only if asked within {years} years of the business ({since}); "
    "that time ended on {deadline}.",
    409,
)
RETENTION_USE_TOO_SHORT = ErrorCode(
    "plates.retention_use_too_short",
    "原号牌须使用满{years}年才能保留：号码{number}自{since}起使用，到{until}不满{years}年。",
    "A number can be kept only after {years} year(s) of use: {number} was in use from "
    "{since} to {until}, less than {years} year(s).",
    409,
)
SPOUSE_AT_WINDOW = ErrorCode(
    "plates.spouse_retention_at_window",
    "夫妻之间保留原号牌须由双方共同申请，请一起到车管所窗口由工作人员办理。",
    "Keeping a number between spouses needs both spouses to apply: come to a window "
    "together and a clerk will handle it.",
    403,
)
SPOUSE_IS_OWNER = ErrorCode(
    "plates.spouse_is_owner",
    "配偶应为车主以外的另一人，请核对填写的配偶。",
    "The spouse must be someone other than the owner; check the spouse you entered.",
)
MARRIAGE_DATE_REQUIRED = ErrorCode(
    "plates.marriage_date_required",
    "请填写结婚证上的结婚登记日期（不能晚于今天），例如2020-05-01。",
    "Enter the date of marriage shown on the marriage certificate (not after today), "
    "e.g. 2020-05-01.",
)
MARRIAGE_TOO_SHORT = ErrorCode(
    "plates.marriage_too_short",
    "夫妻之间保留原号牌要求婚姻关系存续满{years}年；结婚日期为{married_on}，{from_date}起才能申请。",
    "Keeping a number between spouses needs a marriage of at least {years} year(s); the "
    "marriage date is {married_on}, so it can be asked from {from_date}.",
    409,
)
NOT_RETAINED = ErrorCode(
    "plates.not_retained",
    "号码{number}没有为本办件的申请人保留。保留的号码只能由被保留人使用，保留期{years}年，"
    "期满后号码退回号池。",
    "{number} is not kept for this case's applicant. A kept number can be used only by the "
    "person it is kept for, within {years} years; then it returns to the pool.",
    409,
)
RETENTION_LAPSED = ErrorCode(
    "plates.retention_lapsed",
    "号码{number}的保留期（{years}年）已于{until}届满，不能再使用；请随机选号或自编选号。",
    "The {years}-year retention of {number} ended on {until}; it can no longer be used. "
    "Draw or compose a number instead.",
    409,
)

# --- swapping numbers (services.swap, MVR Art 20) ---------------------------------------------
NOT_A_SWAP_CASE = ErrorCode(
    "plates.case_not_for_swap",
    "号牌号码互换应在“机动车号牌号码选取”办件中办理，该办件是{service}。",
    "A number swap is done in a plate-number selection case; this case is {service}.",
    409,
)
SWAP_SAME_VEHICLE = ErrorCode(
    "plates.swap_same_vehicle",
    "请选择两辆不同的车辆互换号牌号码。",
    "Choose two different vehicles to swap numbers.",
)
SWAP_NOT_OWNER = ErrorCode(
    "plates.swap_not_owner",
    "车辆{vehicle}不在本办件申请人名下；只能互换申请人自己两辆车的号牌号码。",
    "Vehicle {vehicle} is not registered to this case's applicant; only the applicant's own "
    "two vehicles can swap numbers.",
    409,
)
SWAP_OTHER_OFFICE = ErrorCode(
    "plates.swap_other_office",
    "车辆{vehicle}不在本车管所登记；互换号牌号码的两辆车须在同一车管所登记。",
    "Vehicle {vehicle} is not registered at this office; both vehicles must be registered "
    "at the same office.",
    409,
)
SWAP_DIFFERENT_TYPES = ErrorCode(
    "plates.swap_different_types",
    "两辆车的号牌种类不同（{a}、{b}）；只能互换同一种类的号牌号码。",
    "The two vehicles have different plate types ({a}, {b}); only numbers of the same plate "
    "type can be swapped.",
    409,
)
SWAP_OPERATING = ErrorCode(
    "plates.swap_operating_vehicle",
    "车辆{vehicle}的使用性质是{nature}；只有非营运车辆可以互换号牌号码。",
    "Vehicle {vehicle} is used as {nature}; only non-operating vehicles can swap numbers.",
    409,
)
SWAP_TOO_SOON = ErrorCode(
    "plates.swap_too_soon",
    "车辆{vehicle}已于{on}互换过号牌号码；每辆车每年只能互换一次，{next}起可再次申请。",
    "Vehicle {vehicle} swapped numbers on {on}; a vehicle may swap once a year, so it can "
    "swap again from {next}.",
    409,
)
SWAP_NO_NUMBER = ErrorCode(
    "plates.swap_no_number",
    "车辆{vehicle}没有由选号系统发放、正在使用的号牌号码，不能互换。",
    "Vehicle {vehicle} has no number in use issued by the selection system; it cannot swap.",
    409,
)
