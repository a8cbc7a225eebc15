"""The fixed ingredients of the demo city: a Ningbo-like office (浙B).

Everything here is fictional: names, identity numbers, phone numbers, companies and
addresses are made up (the identifiers are merely *valid*, built by ``demo.build``).
County codes, street names and coordinates are real Ningbo ones so the city looks
familiar to the people who work in it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

SEED = 20260101
# Identity data (births, registrations) is fixed relative to this day, so every run makes
# the same people and vehicles; dates that should look "due soon" follow clock.today().
ANCHOR = dt.date(2026, 1, 1)

OFFICE = {
    "code": "330200",
    "name": "宁波市公安局交通警察局车辆管理所",
    "name_en": "Ningbo Vehicle Administration Office (demo)",
    "region": "浙江省宁波市",
    "plate_prefix": "浙B",
}

PEOPLE = 200
VEHICLES = 300
# A year of the office's cases (demo.history): tens of thousands, so every figure, trend and
# export has something to show; written set-based, a few seconds on SQLite.
HISTORY_CASES = 24_000
ELDERLY_SHARE = 0.27  # a little over a quarter, so ≥ 25 % holds whatever day it is

# GB/T 2260 county codes of Ningbo (the year each came into use is in python-stdnum's
# database): name, weight. 330204 江东区 was merged into 鄞州/海曙 in 2016 but older
# residents still carry it in their ID numbers.
COUNTIES: list[tuple[str, str, int]] = [
    ("330203", "海曙区", 16),
    ("330204", "江东区", 6),
    ("330205", "江北区", 10),
    ("330206", "北仑区", 10),
    ("330211", "镇海区", 8),
    ("330212", "鄞州区", 18),
    ("330213", "奉化区", 6),
    ("330225", "象山县", 5),
    ("330226", "宁海县", 5),
    ("330281", "余姚市", 8),
    ("330282", "慈溪市", 8),
]
# Where people live today (the ID's county code is where they first registered).
STREETS: dict[str, list[str]] = {
    "海曙区": ["中山西路", "解放南路", "药行街", "柳汀街", "望春路", "集士港镇万众村"],
    "江北区": ["人民路", "大庆南路", "洪塘中路", "慈城镇解放路"],
    "北仑区": ["明州路", "新大路", "长江路", "小港街道红联"],
    "镇海区": ["骆驼街道静远路", "庄市大道", "城河西路"],
    "鄞州区": ["天童南路", "四明中路", "钱湖北路", "福明路", "中河街道惊驾路"],
    "奉化区": ["南山路", "大成东路", "溪口镇中兴路"],
    "象山县": ["丹东街道天安路", "石浦镇金山路"],
    "宁海县": ["跃龙街道兴宁中路", "桃源北路"],
    "余姚市": ["阳明西路", "新建北路", "梁弄镇百官岙"],
    "慈溪市": ["三北大街", "新城大道北路", "观海卫镇"],
}
RESIDENCE_DISTRICTS = list(STREETS)

SURNAMES = "王陈张李林周徐胡应俞孙朱杨吴邵毛沈叶黄何郑金董严竺袁蒋戴施楼史鲍忻邬舒卢柴谢罗许"
# Given names by generation (space-separated): the elderly are named differently from the young.
GIVEN_OLD_M = "建国 国平 德华 永康 志明 阿龙 根发 海林 雪根 兴国 宝华 明荣 伟民 忠良 金福 善祥"
GIVEN_OLD_F = "秀英 桂芳 美娟 月娥 玉兰 彩凤 阿香 素琴 雪娣 爱珍 菊芬 翠娥 惠芬 巧云"
GIVEN_MID_M = "海波 建军 立新 卫东 晓峰 文斌 春雷 国强 剑锋 志刚 宏伟 俊杰 斌 勇 军"
GIVEN_MID_F = "丽萍 燕 晓燕 红霞 静 海燕 雅琴 莉 慧敏 丽君 敏 芳芳 琳"
GIVEN_YOUNG_M = "浩然 子豪 宇航 俊熙 梓涵 一鸣 嘉诚 思远 博文 天佑 泽宇 奕辰"
GIVEN_YOUNG_F = "雨萱 欣怡 诗涵 可馨 梓萱 思琪 佳怡 若曦 一诺 语桐 沐晴"

MOBILE_PREFIXES = ("133", "135", "136", "137", "138", "139", "150", "151", "152", "158", "159", "180", "181", "183", "187", "189", "199")  # fmt: skip


@dataclass(frozen=True)
class Model:
    wmi: str  # world manufacturer identifier (VIN positions 1–3)
    make: str
    model: str
    vehicle_type: str  # code table vehicle_type
    seats: tuple[int, ...]
    energies: tuple[str, ...]  # energy types this model comes in
    first_year: int  # first model year on sale
    engine_prefix: str
    weight: int


# Makes common on Ningbo's roads; the VINs built from these WMIs are synthetic.
MODELS: list[Model] = [
    Model("LSV", "大众", "朗逸", "K33", (5,), ("fuel",), 2008, "CSS", 18),
    Model("LFV", "大众", "速腾", "K33", (5,), ("fuel",), 2008, "DJS", 10),
    Model("LSG", "别克", "英朗", "K33", (5,), ("fuel",), 2010, "LDE", 8),
    Model("LHG", "本田", "雅阁", "K33", (5,), ("fuel", "phev"), 2008, "K24", 8),
    Model("LVG", "丰田", "凯美瑞", "K33", (5,), ("fuel",), 2008, "A25", 7),
    Model("L6T", "吉利", "帝豪", "K33", (5,), ("fuel", "bev"), 2010, "JLC", 10),
    Model("LGW", "哈弗", "H6", "K32", (5,), ("fuel",), 2011, "GW4", 8),
    Model("LVV", "奇瑞", "瑞虎8", "K32", (5, 7), ("fuel",), 2018, "SQR", 4),
    Model("LSG", "别克", "GL8", "K31", (7,), ("fuel",), 2008, "LTD", 6),
    Model("LGX", "比亚迪", "秦PLUS", "K33", (5,), ("bev", "phev"), 2018, "BYD", 10),
    Model("LGX", "比亚迪", "宋PLUS", "K32", (5,), ("bev", "phev"), 2020, "BYD", 6),
    Model("LRW", "特斯拉", "Model Y", "K32", (5,), ("bev",), 2021, "TSL", 6),
    Model("LRW", "特斯拉", "Model 3", "K33", (5,), ("bev",), 2019, "TSL", 4),
    Model("LZW", "五菱", "宏光", "K39", (7, 8), ("fuel",), 2010, "LAQ", 7),
    Model("LS5", "长安", "长安之星", "K49", (7,), ("fuel",), 2008, "JL4", 4),
    Model("LZW", "五菱", "宏光MINIEV", "K43", (4,), ("bev",), 2020, "WLM", 4),
    Model("LZY", "宇通", "ZK6122", "K11", (49, 53), ("fuel", "bev"), 2012, "YCK", 3),
    Model("LZZ", "中国重汽", "豪沃", "H11", (2, 3), ("fuel",), 2010, "WD6", 3),
    Model("LFN", "解放", "J6F", "H31", (3,), ("fuel",), 2014, "CA4", 3),
]

# Position 10 of a VIN: the model year (I, O, Q, U, Z and 0 are never used).
MODEL_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"  # 2010 → A … 2039 → 9


def model_year_code(year: int) -> str:
    return MODEL_YEAR_CODES[(year - 2010) % 30]


# Organisations: kind, name, registering district code, address, latitude, longitude,
# services they are authorised for. Names are invented.
@dataclass(frozen=True)
class OrgSeed:
    kind: str
    name: str
    area: str
    address: str
    latitude: str
    longitude: str
    services: tuple[str, ...]
    phone: str


DEALER_SERVICES = ("new_registration", "plate_selection", "temporary_plate")
SCRAPYARD_SERVICES = ("scrap_intake", "deregistration")
SCHOOL_SERVICES = ("driving_test_booking",)
SERVICE_POINT_SERVICES = (
    "inspection_mark_exempt",
    "plate_replacement",
    "registration_certificate_replacement",
    "mortgage_registration",
)

ORGANISATIONS: list[OrgSeed] = [
    OrgSeed("dealer", "宁波甬江汽车销售服务有限公司", "330212", "宁波市鄞州区天童南路1188号", "29.818300", "121.558200", DEALER_SERVICES, "0574-87701188"),
    OrgSeed("dealer", "宁波三江口新能源汽车销售有限公司", "330205", "宁波市江北区大庆南路219号", "29.893500", "121.548400", DEALER_SERVICES, "0574-87352190"),
    OrgSeed("dealer", "宁波北仑港城汽车销售服务有限公司", "330206", "宁波市北仑区明州路655号", "29.900200", "121.844500", DEALER_SERVICES, "0574-86880655"),
    OrgSeed("scrapyard", "宁波明州报废汽车回收拆解有限公司", "330211", "宁波市镇海区骆驼街道机电园区12号", "29.979800", "121.621700", SCRAPYARD_SERVICES, "0574-86301212"),
    OrgSeed("scrapyard", "慈溪市再生资源机动车回收有限公司", "330282", "慈溪市观海卫镇工业园区东区8号", "30.201900", "121.390600", SCRAPYARD_SERVICES, "0574-63608808"),
    OrgSeed("driving_school", "宁波四明驾驶员培训有限公司", "330212", "宁波市鄞州区钱湖北路388号", "29.838100", "121.588200", SCHOOL_SERVICES, "0574-88220388"),
    OrgSeed("driving_school", "余姚阳明机动车驾驶培训有限公司", "330281", "余姚市阳明西路166号", "30.042000", "121.140900", SCHOOL_SERVICES, "0574-62700166"),
    OrgSeed("service_point", "海曙区集士港邮政车驾管服务点", "330203", "宁波市海曙区集士港镇中心路29号", "29.865100", "121.428900", SERVICE_POINT_SERVICES, "0574-88450029"),
    OrgSeed("service_point", "奉化区溪口镇车驾管服务站", "330213", "宁波市奉化区溪口镇中兴路81号", "29.681500", "121.237200", SERVICE_POINT_SERVICES, "0574-88850081"),
    OrgSeed("inspection_station", "宁波通途机动车检测有限公司", "330205", "宁波市江北区洪塘中路567号", "29.910700", "121.503300", ("vehicle_inspection",), "0574-87550567"),
    OrgSeed("insurer", "甬安财产保险股份有限公司宁波分公司", "330203", "宁波市海曙区解放南路88号", "29.868400", "121.548900", (), "0574-87288088"),
    OrgSeed("other", "宁波甬运客运有限公司", "330205", "宁波市江北区人民路300号", "29.887800", "121.555700", (), "0574-87012300"),
]  # fmt: skip

MORTGAGE_HOLDERS = ["中国工商银行宁波分行", "宁波银行股份有限公司", "上汽通用汽车金融有限责任公司"]
SEIZING_AUTHORITIES = ["宁波市海曙区人民法院", "宁波市鄞州区人民法院", "宁波市公安局交通警察局"]

VIOLATIONS: list[tuple[str, str, int, int]] = [
    # code, description, points, fine (yuan)
    ("1039", "机动车违反规定停放、临时停车，驾驶人不在现场", 0, 150),
    ("1625", "驾驶机动车违反道路交通信号灯通行", 6, 200),
    ("1352", "驾驶中型以上载客载货汽车以外的机动车超过规定时速10%以上未达20%", 3, 200),
    ("1344", "驾驶机动车不按规定车道行驶", 3, 100),
    ("1223", "驾驶机动车时拨打接听手持电话", 3, 200),
    ("6011", "机动车未按规定期限进行安全技术检验", 0, 200),
]
ACCIDENTS = [
    "路口右转时与非机动车刮擦",
    "追尾前车",
    "倒车时碰撞路边护栏",
    "变道时与相邻车道车辆碰擦",
]
MODIFICATIONS = ["擅自改变车身颜色", "加装外置行李架且超出车身", "更换非原厂大尺寸轮毂并外凸"]

# 王秀英, 74, no login of her own: the citizen a clerk helps at the desk (帮办). Built by
# demo.build like everyone else; a test checks the build still gives this number.
ASSISTED_CITIZEN_ID = "330213195209039160"

DEMO_PASSWORD = "cheguan-demo-2026"  # noqa: S105  (documented; demo databases only)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    display_name: str
    organisation_kind: str = ""  # partners: the kind of organisation they work for
    organisation_index: int = 0  # which one of that kind (0 = the first)
    note: str = ""


# One documented account per role (printed by ``cheguan seed-demo``), then more staff.
ACCOUNTS: list[DemoAccount] = [
    DemoAccount(
        "citizen",
        "citizen",
        "",
        note="69; elder mode, /inspection/: one car gets its mark online, one refused "
        "(with what to do), one to a station",
    ),
    DemoAccount(
        "clerk",
        "clerk",
        "李晓燕（窗口）",
        note=f"help desk: assisted service (帮办), get the mark for 王秀英, ID {ASSISTED_CITIZEN_ID}",
    ),
    DemoAccount("inspector", "inspector", "周海波（查验）"),
    DemoAccount(
        "supervisor",
        "supervisor",
        "沈立新（监管）",
        note="a year of figures, audit trail, partners",
    ),
    DemoAccount("examiner", "examiner", "应剑锋（考试员）"),
    DemoAccount("dealer_agent", "dealer_agent", "甬江4S店 · 俞丽君", "dealer", 0),
    DemoAccount("scrapyard_agent", "scrapyard_agent", "明州回收 · 毛国强", "scrapyard", 0),
    DemoAccount(
        "driving_school_agent", "driving_school_agent", "四明驾校 · 戴慧敏", "driving_school", 0
    ),
    DemoAccount(
        "service_point_agent", "service_point_agent", "集士港服务点 · 邬斌", "service_point", 0
    ),
    DemoAccount("admin", "admin", "系统管理员", note="also Django admin at /admin/"),
]
EXTRA_ACCOUNTS: list[DemoAccount] = [
    DemoAccount("clerk2", "clerk", "陈静（窗口）"),
    DemoAccount("clerk3", "clerk", "林文斌（窗口）"),
    DemoAccount("inspector2", "inspector", "徐春雷（查验）"),
    DemoAccount("examiner2", "examiner", "楼卫东（考试员）"),
    DemoAccount("examiner3", "examiner", "施雅琴（社会辅助考试员）"),
    DemoAccount("dealer_agent2", "dealer_agent", "三江口新能源 · 何俊杰", "dealer", 1),
]
