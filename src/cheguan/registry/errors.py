"""Error codes of the registry app, declared once (tests import these constants).

Each is a code, its message in Chinese and in English, and the HTTP status (400 unless
given): raised by the registry's validators and services and reported by the CSV importer.
"""

from cheguan.core.errors import ErrorCode

# Identifiers and field values (validators)

INVALID_ID_NUMBER = ErrorCode(
    "registry.invalid_id_number",
    "身份证号码应为 18 位：6 位地址码、8 位出生日期、3 位顺序码和 1 位校验码（数字或 X）。{reason}",
    "A resident ID number has 18 characters: a 6-digit address code, an 8-digit birth date, "
    "a 3-digit sequence and a check character (digit or X). {reason}",
)
INVALID_USCC = ErrorCode(
    "registry.invalid_uscc",
    "统一社会信用代码应为 18 位数字或大写字母（不含 I、O、Z、S、V）。{reason}",
    "A unified social credit code has 18 digits or capital letters (no I, O, Z, S, V). {reason}",
)
INVALID_VIN = ErrorCode(
    "registry.invalid_vin",
    "车辆识别代号（VIN）应为 17 位字母或数字，不含 I、O、Q，第 9 位为校验位。{reason}",
    "A VIN has 17 letters or digits, no I, O or Q, with a check digit in position 9. {reason}",
)
INVALID_PHONE = ErrorCode(
    "registry.invalid_phone",
    "手机号码应为 11 位数字，以 1 开头；固定电话可写作 0574-12345678。",
    "A mobile number has 11 digits starting with 1; a landline may be written 0574-12345678.",
)
INVALID_DOCUMENT_NUMBER = ErrorCode(
    "registry.invalid_document_number",
    "证件号码应为 5 到 30 位字母、数字或连字符。",
    "A document number has 5 to 30 letters, digits or hyphens.",
)
INVALID_TEXT = ErrorCode(
    "registry.invalid_text",
    "请填写 {min} 到 {max} 个字符，不含换行等控制字符。",
    "Enter {min} to {max} characters, without line breaks or other control characters.",
)
INVALID_CHOICE = ErrorCode(
    "registry.invalid_choice",
    "“{value}”不是可选的值；可选：{allowed}。",
    "“{value}” is not one of the allowed values: {allowed}.",
)
INVALID_DATES = ErrorCode(
    "registry.invalid_dates",
    "日期顺序不对：{detail}",
    "The dates are out of order: {detail}",
)
INVALID_DATE = ErrorCode(
    "registry.invalid_date",
    "日期应写作 年-月-日，例如 2024-03-01。",
    "A date is written year-month-day, e.g. 2024-03-01.",
)
INVALID_DATETIME = ErrorCode(
    "registry.invalid_datetime",
    "时间应写作 年-月-日 时:分，例如 2024-03-01 14:30。",
    "A time is written year-month-day hour:minute, e.g. 2024-03-01 14:30.",
)
INVALID_WHOLE_NUMBER = ErrorCode(
    "registry.invalid_whole_number",
    "应为 {min} 到 {max} 的整数。",
    "Enter a whole number from {min} to {max}.",
)
# People

NAME_REQUIRED = ErrorCode(
    "registry.name_required",
    "请填写 1 到 {max} 个字符的名称，不含换行等控制字符。",
    "Enter a name of 1 to {max} characters, without line breaks or other control characters.",
)
DUPLICATE_PERSON = ErrorCode(
    "registry.duplicate_person",
    "本所已有该证件号码的人员记录。",
    "A person with this document number is already registered at this office.",
    409,
)
# Organisations and partner authorisation

DUPLICATE_ORGANISATION = ErrorCode(
    "registry.duplicate_organisation",
    "本所已有该统一社会信用代码的单位。",
    "An organisation with this unified social credit code is already registered at this office.",
    409,
)
INVALID_COORDINATES = ErrorCode(
    "registry.invalid_coordinates",
    "坐标应同时填写纬度（-90 到 90）和经度（-180 到 180），例如 29.8683, 121.5440。",
    "Give both latitude (-90 to 90) and longitude (-180 to 180), e.g. 29.8683, 121.5440.",
)
ILLEGAL_AUTHORISATION_CHANGE = ErrorCode(
    "registry.illegal_authorisation_change",
    "授权状态不能从“{current}”改为“{target}”；可改为：{allowed}。",
    "The authorisation cannot change from “{current}” to “{target}”; it can change to: {allowed}.",
    409,
)
AUTHORISED_SERVICES_REQUIRED = ErrorCode(
    "registry.authorised_services_required",
    "授权时请至少列出一项授权业务，例如 new_registration。",
    "List at least one authorised service when granting, e.g. new_registration.",
)
INVALID_SERVICE_NAME = ErrorCode(
    "registry.invalid_service_name",
    "业务名称应为 2 到 40 个小写字母、数字或下划线，以字母开头，例如 new_registration；最多 20 项。",
    "A service name has 2 to 40 lower-case letters, digits or underscores and starts with a "
    "letter, e.g. new_registration; at most 20 services.",
)
AUTHORISATION_REASON_REQUIRED = ErrorCode(
    "registry.authorisation_reason_required",
    "暂停或撤销授权时请写明原因（至少4个字）；合作单位在其每个页面上都会看到这一原因。",
    "Give the reason for a suspension or revocation (at least 4 characters); the partner "
    "sees it on every page.",
)
# Vehicles

DUPLICATE_VIN = ErrorCode(
    "registry.duplicate_vin",
    "该车辆识别代号已登记。",
    "A vehicle with this VIN is already registered.",
    409,
)
INVALID_CODE = ErrorCode(
    "registry.invalid_code",
    "“{value}”不是有效的{table}代码。",
    "“{value}” is not a valid {table} code.",
)
INVALID_ENGINE_NUMBER = ErrorCode(
    "registry.invalid_engine_number",
    "发动机号应为 1 到 30 位字母、数字或连字符。",
    "An engine number has 1 to 30 letters, digits or hyphens.",
)
INVALID_SEATS = ErrorCode(
    "registry.invalid_seats",
    "座位数应为 1 到 99 的整数。",
    "Seats must be a whole number from 1 to 99.",
)
OWNER_REQUIRED = ErrorCode(
    "registry.owner_required",
    "车辆必须有且仅有一个所有人（个人或单位）。",
    "A vehicle has exactly one owner: a person or an organisation.",
)
PLATE_IN_USE = ErrorCode(
    "registry.plate_in_use",
    "该号牌号码已被另一辆在册车辆使用。",
    "This plate number is already used by another registered vehicle.",
    409,
)
INVALID_PLATE = ErrorCode(
    "registry.invalid_plate_number",
    "号牌号码应为省份简称、发牌机关字母和 5 或 6 位序号，例如 浙B12345 或 浙BD12345。",
    "A plate number is a province character, an issuing-authority letter and a 5- or "
    "6-character serial, e.g. 浙B12345 or 浙BD12345.",
)
# The vehicle fields other apps move (plate number, inspection validity)

VEHICLE_DEREGISTERED = ErrorCode(
    "registry.vehicle_deregistered",
    "该车辆已注销登记，不能再变更号牌号码或检验有效期。",
    "This vehicle is deregistered: its plate number and inspection validity no longer change.",
    409,
)
NO_PLATE_NUMBER = ErrorCode(
    "registry.no_plate_number",
    "该车辆没有号牌号码，无法互换。",
    "This vehicle has no plate number to exchange.",
    409,
)
VALIDITY_BACKWARDS = ErrorCode(
    "registry.validity_backwards",
    "检验有效期只能延后：当前有效期至{current}，不能改为{given}。",
    "The inspection validity only moves forward: it is valid until {current}, not {given}.",
    409,
)

# Records that block services

DATE_IN_FUTURE = ErrorCode(
    "registry.date_in_future",
    "该日期不能晚于今天。",
    "This date cannot be later than today.",
)
INVALID_RECORD_CODE = ErrorCode(
    "registry.invalid_record_code",
    "编号应为 1 到 {max} 位大写字母、数字或连字符，例如 1625 或 PDAA202433020000001。",
    "A code or number has 1 to {max} capital letters, digits or hyphens, e.g. 1625.",
)
ENCUMBRANCE_ALREADY_RELEASED = ErrorCode(
    "registry.encumbrance_already_released",
    "该查封/抵押已于 {day} 解除。",
    "This encumbrance was already released on {day}.",
    409,
)
# Deregistration

ALREADY_DEREGISTERED = ErrorCode(
    "registry.already_deregistered",
    "该车辆已注销登记。",
    "This vehicle is already deregistered.",
    409,
)
DEREGISTRATION_REASON_REQUIRED = ErrorCode(
    "registry.deregistration_reason_required",
    "请写明注销原因（至少4个字），例如：已报废。",
    "Give the reason for the deregistration (at least 4 characters), e.g. scrapped.",
)
# CSV import

IMPORT_VALUE_REQUIRED = ErrorCode(
    "registry.import_value_required",
    "此列必须填写。",
    "This column must have a value.",
)
INVALID_BOOLEAN = ErrorCode(
    "registry.invalid_boolean",
    "应填写 是/否（也可写 yes/no、true/false、1/0）。",
    "Write yes or no (or true/false, 1/0, 是/否).",
)
IMPORT_ONE_OWNER = ErrorCode(
    "registry.import_one_owner",
    "请只填写 owner_id_number（个人）或 owner_uscc（单位）中的一个。",
    "Fill in exactly one of owner_id_number (a person) or owner_uscc (an organisation).",
)
DUPLICATE_RECORD = ErrorCode(
    "registry.duplicate_record",
    "该车辆已有相同的记录。",
    "The vehicle already has the same record.",
    409,
)
IMPORT_UNKNOWN_KIND = ErrorCode(
    "registry.import_unknown_kind",
    "不能导入“{kind}”；可导入：{kinds}。",
    "“{kind}” cannot be imported; the kinds are: {kinds}.",
)
IMPORT_MISSING_COLUMNS = ErrorCode(
    "registry.import_missing_columns",
    "第一行应为列名；缺少必需的列：{columns}。",
    "The first line names the columns; required columns are missing: {columns}.",
)
IMPORT_UNKNOWN_COLUMNS = ErrorCode(
    "registry.import_unknown_columns",
    "不认识的列：{columns}；可用的列：{allowed}。",
    "Unknown columns: {columns}; the columns are: {allowed}.",
)
IMPORT_EXTRA_CELLS = ErrorCode(
    "registry.import_extra_cells",
    "这一行的单元格比列名多。",
    "This line has more cells than there are columns.",
)
IMPORT_BAD_CSV = ErrorCode(
    "registry.import_bad_csv",
    "无法读取这一行的 CSV：{detail}",
    "This line cannot be read as CSV: {detail}",
)
IMPORT_NOT_UTF8 = ErrorCode(
    "registry.import_not_utf8",
    "文件不是 UTF-8 编码；请在表格软件中另存为 “CSV UTF-8”。",
    "The file is not UTF-8 text; save it from the spreadsheet as “CSV UTF-8”.",
)
IMPORT_DUPLICATE_IN_FILE = ErrorCode(
    "registry.import_duplicate_in_file",
    "与本文件第 {line} 行重复。",
    "This duplicates line {line} of the file.",
)
IMPORT_UNKNOWN_REFERENCE = ErrorCode(
    "registry.import_unknown_reference",
    "本所没有该{thing}对应的{record}；请核对，或先导入{record}。",
    "No {record} with this {thing} is registered at this office; check it, or import the {record} first.",
)
IMPORT_CONFLICT = ErrorCode(
    "registry.import_conflict",
    "导入时有人同时写入了相同的记录；没有导入任何内容，请重试。",
    "Someone wrote the same records while importing; nothing was imported, please try again.",
    409,
)

# --- offices (cheguan create-office) ---------------------------------------------------
INVALID_OFFICE_CODE = ErrorCode(
    "registry.invalid_office_code",
    "车管所代码应为所在城市的 6 位行政区划代码，如 330200。",
    "An office code is the 6-digit administrative division code of its city, e.g. 330200.",
)
INVALID_PLATE_PREFIX = ErrorCode(
    "registry.invalid_plate_prefix",
    "号牌前缀应为省份简称加一个大写字母，如 浙B。",
    "A plate prefix is a province's one-character abbreviation and a capital letter, e.g. 浙B.",
)
DUPLICATE_OFFICE = ErrorCode(
    "registry.duplicate_office",
    "已有代码为 {code} 的车管所。",
    "An office with code {code} already exists.",
    409,
)
PLATE_PREFIX_TAKEN = ErrorCode(
    "registry.plate_prefix_taken",
    "号牌前缀 {prefix} 已属于另一个车管所。",
    "The plate prefix {prefix} already belongs to another office.",
    409,
)
