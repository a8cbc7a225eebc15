"""Error codes of self-composition, keeping an old number and swapping numbers."""

from cheguan.core.errors import ErrorCode

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
