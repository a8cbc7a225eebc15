"""Error codes of the number formats, local composition rules, segments and the blocklist."""

from cheguan.core.errors import ErrorCode

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
