"""The demo county's organisation (配权): units, portfolio areas, posts, officials and staff logins.

阳光县 is fictional: its units, people and telephone numbers are invented for the demo. Its shape
follows the programmes in shared/seeds: the county party committee and government, the seven
pilot departments of seed 000 (财政、发改、交通、房管、国土、规划建设、矿管), and townships with
their villages (seed 002).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sunlit.org.models import Role, UnitKind

COUNTY = "阳光县"
ROOT_CODE = "YG"
PASSWORD = "sunlit-demo"
DEMO_NOTE = "（演示数据，虚构单位）"

# 分管领域: the first six are the areas a principal (党政正职) may not directly oversee.
AREAS: list[tuple[str, str, bool]] = [
    ("renshi", "人事", True),
    ("caiwu", "财务", True),
    ("gcxm", "工程项目建设", True),
    ("dzcg", "大宗物资采购", True),
    ("xzsp", "行政审批", True),
    ("zhifa", "执法", True),
    ("dangjian", "党建", False),
    ("xuanchuan", "宣传", False),
    ("nync", "农业农村", False),
    ("jiaoyu", "教育", False),
    ("weijian", "卫生健康", False),
    ("aqsc", "安全生产", False),
    ("xczx", "乡村振兴", False),
    ("xfwd", "信访维稳", False),
    ("zsyz", "招商引资", False),
    ("jijian", "纪检监察", False),
]


@dataclass(frozen=True)
class PostDef:
    name: str
    role: str  # key used to attach items and officials: head, dep_a, approve, finance, …
    principal: bool = False
    leader: bool = False
    sensitive: bool = False


@dataclass(frozen=True)
class OfficialDef:
    title: str
    posts: tuple[str, ...]  # post roles in this unit; "XW:dep_party" names a post of another unit
    portfolio: tuple[str, ...] = ()
    duties: str = ""
    start: dt.date = dt.date(2022, 9, 1)
    staff: bool = False


@dataclass
class UnitDef:
    code: str
    name: str
    short: str
    kind: str
    prefix: str  # item code prefix
    parent: str | None
    offices: dict[str, str]
    posts: list[PostDef]
    officials: list[OfficialDef]
    address: str = ""
    phone: str = ""
    complaint_phone: str = ""
    users: bool = True  # give the unit an editor and a reviewer login
    # The post (by its role key) of the official each login stands for: the clerk who compiles the list
    # and the leader who signs it off.
    logins: dict[str, str] = field(default_factory=lambda: {"editor": "approve", "reviewer": "dep_a"})
    head_word: str = "局长"
    extra: dict[str, str] = field(default_factory=dict)


_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁"
             "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
_GIVEN = ("建华 志强 海燕 晓明 丽萍 国平 红梅 卫东 小军 春生 秀兰 文华 永红 德胜 金凤 立新 玉兰 明亮 桂芳 振华 淑珍 宏伟 "
          "雪梅 光荣 爱民 春燕 学军 美玲 长青 敏 静 涛 磊 婷 勇 芳 强 军 艳 斌 杰 娟 伟 丹 鹏 琳 浩然 子涵 思远 嘉怡 俊杰 "
          "雨欣 志刚 秋菊 建军 兰英 庆华 树林 素芬 家明 瑞祥 慧敏 松涛 晓燕 国庆 凤英 宇航 一鸣 海波 玉梅 明远 清华 "
          "远航 新民 向东 德明 丽娟 冬梅 安平 文斌").split()


def fictional_names() -> list[str]:
    """A fixed, reproducible list of invented names (surname × given name, no repeats)."""
    names: list[str] = []
    seen: set[str] = set()
    i = 0
    while len(names) < 200:
        name = _SURNAMES[(i * 7) % len(_SURNAMES)] + _GIVEN[(i * 13) % len(_GIVEN)]
        if name not in seen:
            seen.add(name)
            names.append(name)
        i += 1
    return names


def phone(n: int) -> str:
    """An invented landline number in the demo county (area code as in the seed programmes)."""
    return f"0797-62{13000 + n:05d}"


def _department(code: str, name: str, short: str, prefix: str, n: int, offices: dict[str, str],
                head: str = "局长", deputy: str = "副局长", rotation_due: bool = False) -> UnitDef:
    """One of the seven pilot departments, with the posts and leaders the pilot asked for."""
    posts = [
        PostDef(head, "head", principal=True, leader=True),
        PostDef(f"{deputy}（行政审批）", "dep_a", leader=True),
        PostDef(f"{deputy}（执法监察）", "dep_b", leader=True),
        PostDef(f"党组成员、{deputy}（机关事务）", "dep_c", leader=True),
        PostDef("行政审批岗", "approve", sensitive=True),
        PostDef("行政执法岗", "enforce", sensitive=True),
        PostDef("财务岗", "finance", sensitive=True),
        PostDef("综合岗", "general"),
    ]
    old = dt.date(2018, 3, 12) if rotation_due else dt.date(2023, 4, 3)
    officials = [
        OfficialDef(f"党组书记、{head}", ("head",), ("dangjian",),
                    f"主持{short}全面工作，履行党风廉政建设第一责任人职责；不直接分管人事、财务、工程项目建设、"
                    "大宗物资采购、行政审批和执法工作，重大事项末位表态。", dt.date(2021, 10, 8)),
        OfficialDef(f"党组成员、{deputy}", ("dep_a",), ("xzsp", "gcxm"),
                    "分管行政审批、工程项目建设工作，负责审批事项的审核签发。", dt.date(2022, 3, 15)),
        OfficialDef(f"党组成员、{deputy}", ("dep_b",), ("zhifa", "aqsc", "xfwd"),
                    "分管行政执法、安全生产和信访维稳工作。", dt.date(2020, 7, 20)),
        OfficialDef(f"党组成员、{deputy}", ("dep_c",), ("renshi", "caiwu", "dzcg"),
                    "分管人事、财务、物资采购和机关后勤工作。", dt.date(2023, 1, 9)),
        OfficialDef("审批股股长", ("approve",), (), "负责行政审批事项的受理、审查和送达。", old, staff=True),
        OfficialDef("执法大队大队长", ("enforce",), (), "负责行政执法案件的调查取证和执法检查。", dt.date(2019, 5, 6),
                    staff=True),
        OfficialDef("财务股会计", ("finance",), (), "负责机关会计核算、资金支付和政府采购经办。", dt.date(2024, 2, 26),
                    staff=True),
    ]
    return UnitDef(code, name, short, UnitKind.DEPARTMENT, prefix, "YG-ZF", offices, posts, officials,
                   address=f"{COUNTY}行政中心{n}号楼{DEMO_NOTE}", phone=phone(n * 10),
                   complaint_phone=phone(n * 10 + 8), head_word=head)


def _township(code: str, name: str, prefix: str, n: int, head2: str, violation_note: str = "") -> UnitDef:
    w = head2[0]  # 镇 / 乡
    posts = [
        PostDef("党委书记", "head", principal=True, leader=True),
        PostDef(head2, "head2", principal=True, leader=True),
        PostDef("党委副书记", "deputy_party", leader=True),
        PostDef("人大主席", "npc", leader=True),
        PostDef("党委委员、纪委书记", "discipline", leader=True),
        PostDef(f"党委委员、副{w}长（规划建设）", "dep_a", leader=True),
        PostDef(f"副{w}长（综合执法）", "dep_b", leader=True),
        PostDef("党委委员、组织委员", "org", leader=True),
        PostDef(f"党委委员、副{w}长（财政）", "dep_c", leader=True),
        PostDef("便民服务中心审批岗", "approve", sensitive=True),
        PostDef("综合行政执法岗", "enforce", sensitive=True),
        PostDef("财政所会计岗", "finance", sensitive=True),
        PostDef("党政办综合岗", "general"),
    ]
    officials = [
        OfficialDef("党委书记", ("head",), ("dangjian",),
                    f"主持{w}党委全面工作，履行党风廉政建设第一责任人职责，“三重一大”事项末位表态。"
                    + violation_note, dt.date(2021, 9, 28)),
        OfficialDef(f"党委副书记、{head2}", ("head2",), ("xczx", "zsyz"),
                    f"主持{w}人民政府全面工作，负责乡村振兴和招商引资。", dt.date(2021, 12, 30)),
        OfficialDef("党委副书记", ("deputy_party",), ("xuanchuan", "xfwd"), "协助党委书记抓党建，分管宣传、信访维稳工作。",
                    dt.date(2022, 6, 1)),
        OfficialDef("人大主席", ("npc",), (), f"主持{w}人大主席团工作，负责人大代表联络和监督工作。", dt.date(2021, 12, 30)),
        OfficialDef("党委委员、纪委书记", ("discipline",), ("jijian",), "负责纪检监察工作，兼任权力运行监督小组组长。",
                    dt.date(2021, 9, 28)),
        OfficialDef(f"党委委员、副{w}长", ("dep_a",), ("xzsp", "gcxm", "nync"),
                    "分管规划建设、村民建房和宅基地审批、农业农村工作。", dt.date(2022, 3, 1)),
        OfficialDef(f"副{w}长", ("dep_b",), ("zhifa", "aqsc"), "分管综合行政执法、安全生产和应急管理工作。",
                    dt.date(2023, 7, 10)),
        OfficialDef("党委委员、组织委员", ("org",), ("renshi",), "分管组织人事、干部教育管理工作。", dt.date(2022, 6, 1)),
        OfficialDef(f"党委委员、副{w}长", ("dep_c",), ("caiwu", "dzcg", "jiaoyu", "weijian"),
                    "分管财政、物资采购、教育和卫生健康工作。", dt.date(2021, 12, 30)),
        OfficialDef("便民服务中心主任", ("approve",), (), "负责便民服务中心窗口受理、代办和审批事项初审。",
                    dt.date(2017, 8, 14), staff=True),
        OfficialDef("综合行政执法队队长", ("enforce",), (), "负责综合行政执法和违法建设巡查。", dt.date(2022, 4, 18),
                    staff=True),
        OfficialDef("财政所所长", ("finance",), (), "负责本级预算执行、会计核算和村级财务代理服务。", dt.date(2018, 1, 15),
                    staff=True),
    ]
    return UnitDef(code, name, name, UnitKind.TOWNSHIP, prefix, "YG-ZF",
                   {"approve": "便民服务中心", "enforce": "综合行政执法队", "finance": "财政所", "general": "党政综合办公室",
                    "social": "社会事务办公室", "planning": "规划建设办公室"},
                   posts, officials, address=f"{COUNTY}{name}人民路8号{DEMO_NOTE}", phone=phone(n * 10),
                   complaint_phone=phone(n * 10 + 8), head_word=head2)


def _village(code: str, name: str, prefix: str, parent: str, n: int, complaint: str) -> UnitDef:
    posts = [
        PostDef("村党组织书记、村委会主任", "head", principal=True, leader=True),
        PostDef("村委会副主任", "dep", leader=True),
        PostDef("村务监督委员会主任", "supervise", leader=True),
        PostDef("村报账员", "finance", sensitive=True),
        PostDef("便民服务代办员", "general"),
    ]
    officials = [
        OfficialDef("村党组织书记、村委会主任", ("head",), ("dangjian",),
                    "主持村党组织和村民委员会全面工作，召集村民会议、村民代表会议。", dt.date(2021, 3, 26)),
        OfficialDef("村委会副主任", ("dep",), ("nync", "xczx", "caiwu", "gcxm", "dzcg"),
                    "负责农业生产、村民建房协管、乡村振兴项目和村级财务、工程项目管理。",
                    dt.date(2021, 3, 26)),
        OfficialDef("村务监督委员会主任", ("supervise",), (), "主持村务监督委员会，负责民主理财和村务公开监督。",
                    dt.date(2021, 3, 26)),
        OfficialDef("村委委员、报账员", ("finance",), (), "负责村级财务报账、村务公开资料整理。", dt.date(2016, 4, 2),
                    staff=True),
    ]
    return UnitDef(code, name, name, UnitKind.VILLAGE, prefix, parent,
                   {"general": "村民委员会", "finance": "村民委员会（报账员）", "approve": "村便民服务代办点"},
                   posts, officials, address=f"{COUNTY}{name}村委会{DEMO_NOTE}", phone=phone(n * 10),
                   complaint_phone=complaint, users=False, head_word="村党组织书记")


_XW_POSTS = [
    PostDef("县委书记", "head", principal=True, leader=True),
    PostDef("县委副书记", "dep_party", leader=True),
    PostDef("县委常委、纪委书记、监委主任", "discipline", leader=True),
    PostDef("县委常委、组织部部长", "org", leader=True),
    PostDef("县委常委、宣传部部长", "publicity", leader=True),
    PostDef("县委常委、县委办公室主任", "office", leader=True),
    PostDef("县委办财务岗", "finance", sensitive=True),
    PostDef("县委办综合岗", "general"),
]
_XW_OFFICIALS = [
    OfficialDef("县委书记", ("head",), ("dangjian",),
                "主持县委全面工作，履行全面从严治党第一责任人职责；县委常委会议讨论重大事项时末位表态。", dt.date(2021, 6, 18)),
    OfficialDef("县委副书记", ("dep_party",), ("xczx", "xfwd"), "协助县委书记处理县委日常工作，分管乡村振兴、信访维稳。",
                dt.date(2022, 1, 10)),
    OfficialDef("县委常委、纪委书记、监委主任", ("discipline",), ("jijian",),
                "主持县纪委监委全面工作，负责权力公开透明运行的监督检查和责任追究。", dt.date(2021, 9, 3)),
    OfficialDef("县委常委、组织部部长", ("org",), ("renshi",), "负责组织、干部、人才工作，分管干部选拔任用。", dt.date(2022, 4, 22)),
    OfficialDef("县委常委、宣传部部长", ("publicity",), ("xuanchuan",), "负责宣传思想文化和意识形态工作。", dt.date(2023, 2, 14)),
    OfficialDef("县委常委、县委办公室主任", ("office",), ("caiwu", "dzcg"), "负责县委办公室工作，分管县委机关财务和物资采购。",
                dt.date(2022, 4, 22)),
    OfficialDef("县委办财务科科长", ("finance",), (), "负责县委机关会计核算和经费支付。", dt.date(2017, 6, 5), staff=True),
]

_ZF_POSTS = [
    PostDef("县长", "head", principal=True, leader=True),
    PostDef("常务副县长", "exec", leader=True),
    PostDef("副县长（城乡建设）", "dep_a", leader=True),
    PostDef("副县长（交通与综合执法）", "dep_b", leader=True),
    PostDef("副县长（农业农村）", "dep_c", leader=True),
    PostDef("县政府办公室主任", "office", leader=True),
    PostDef("法制审核岗", "legal", sensitive=True),
    PostDef("县政府办财务岗", "finance", sensitive=True),
    PostDef("县政府办综合岗", "general"),
]
_ZF_OFFICIALS = [
    OfficialDef("县委副书记、县长", ("head", "XW:dep_party"), ("zsyz",),
                "主持县人民政府全面工作，县政府常务会议讨论重大行政决策时最后发表意见；分管招商引资。", dt.date(2021, 12, 28)),
    OfficialDef("县委常委、常务副县长", ("exec",), ("renshi", "caiwu", "dzcg"),
                "负责县政府常务工作，分管财政、人力资源、政府采购和机关事务；联系县财政局、县发展和改革委员会。",
                dt.date(2022, 1, 10)),
    OfficialDef("副县长", ("dep_a",), ("xzsp", "gcxm"),
                "分管自然资源、城乡规划建设、房产管理和矿产资源管理；联系县国土资源局、县城乡规划建设局、县房产管理局、县矿产资源管理局。",
                dt.date(2022, 1, 10)),
    OfficialDef("副县长", ("dep_b",), ("zhifa", "aqsc"), "分管交通运输、综合行政执法和安全生产；联系县交通运输局。",
                dt.date(2023, 1, 12)),
    OfficialDef("副县长", ("dep_c",), ("nync", "jiaoyu", "weijian"), "分管农业农村、教育和卫生健康工作。", dt.date(2022, 1, 10)),
    OfficialDef("县政府办公室主任", ("office",), ("xfwd",), "负责县政府办公室工作和信访维稳协调。", dt.date(2023, 5, 8)),
    OfficialDef("县司法局法制审核员", ("legal",), (), "负责重大行政决策、规范性文件的合法性审查。", dt.date(2019, 9, 2), staff=True),
    OfficialDef("县政府办财务科科长", ("finance",), (), "负责县政府机关会计核算和经费支付。", dt.date(2024, 3, 4), staff=True),
]


def units() -> list[UnitDef]:
    """Every unit of the demo county, parents before children."""
    result = [
        UnitDef(ROOT_CODE, f"中共{COUNTY}委员会", "县委", UnitKind.PARTY_COMMITTEE, "XW", None,
                {"general": "县委办公室", "finance": "县委办公室财务科", "personnel": "县委组织部"},
                _XW_POSTS, _XW_OFFICIALS, address=f"{COUNTY}人民路1号{DEMO_NOTE}", phone=phone(1),
                complaint_phone=phone(2), head_word="县委书记", logins={"editor": "finance", "reviewer": "office"}),
        UnitDef("YG-ZF", f"{COUNTY}人民政府", "县政府", UnitKind.GOVERNMENT, "ZF", ROOT_CODE,
                {"general": "县政府办公室", "finance": "县政府办公室财务科", "legal": "县司法局（县政府法制机构）",
                 "land": "县国土资源局（承办）", "housing": "县房产管理局（房屋征收部门）", "info": "县政府办公室（政务公开办）"},
                _ZF_POSTS, _ZF_OFFICIALS, address=f"{COUNTY}人民路3号{DEMO_NOTE}", phone=phone(3),
                complaint_phone=phone(4), head_word="县长", logins={"editor": "legal", "reviewer": "office"}),
        _department("YG-CZ", f"{COUNTY}财政局", "县财政局", "CZ", 11,
                    {"approve": "政府采购监督管理股", "enforce": "财政监督检查股", "finance": "办公室（财务）",
                     "general": "办公室", "budget": "预算股", "treasury": "国库支付中心", "accounting": "会计管理股"}),
        _department("YG-FG", f"{COUNTY}发展和改革委员会", "县发改委", "FG", 12,
                    {"approve": "投资股（行政审批股）", "enforce": "法规监督股", "finance": "办公室（财务）",
                     "general": "办公室", "price": "价格管理股", "tender": "招投标监督股"},
                    head="主任", deputy="副主任"),
        _department("YG-JT", f"{COUNTY}交通运输局", "县交通运输局", "JT", 13,
                    {"approve": "行政审批股", "enforce": "交通运输综合行政执法大队", "finance": "办公室（财务）",
                     "general": "办公室", "road": "公路事业发展中心", "transport": "运输管理股"}),
        _department("YG-FC", f"{COUNTY}房产管理局", "县房产管理局", "FC", 14,
                    {"approve": "房地产市场管理股", "enforce": "房地产执法监察大队", "finance": "办公室（财务）",
                     "general": "办公室", "expropriation": "房屋征收与补偿服务中心", "security": "住房保障股"}),
        _department("YG-GT", f"{COUNTY}国土资源局", "县国土资源局", "GT", 15,
                    {"approve": "耕地保护与建设用地股", "enforce": "土地执法监察大队", "finance": "办公室（财务）",
                     "general": "办公室", "register": "不动产登记中心", "survey": "调查规划股", "market": "土地市场股"},
                    rotation_due=True),
        _department("YG-GH", f"{COUNTY}城乡规划建设局", "县城乡规划建设局", "GH", 16,
                    {"approve": "规划许可股", "enforce": "城乡规划建设执法大队", "finance": "办公室（财务）",
                     "general": "办公室", "construction": "建筑业管理股", "quality": "建设工程质量安全监督站"}),
        _department("YG-KG", f"{COUNTY}矿产资源管理局", "县矿产资源管理局", "KG", 17,
                    {"approve": "矿业权管理股", "enforce": "矿产资源执法监察大队", "finance": "办公室（财务）",
                     "general": "办公室", "ecology": "矿山生态修复股", "reserve": "储量与地质资料股"},
                    rotation_due=True),
        _township("YG-QSZ", "清水镇", "QSZ", 21, "镇长",
                  violation_note="（2025年分工调整时未及时纠正：仍分管财务，详见合规检查。）"),
        _township("YG-HSX", "河山乡", "HSX", 22, "乡长"),
    ]
    qs_phone = result[-2].complaint_phone
    hs_phone = result[-1].complaint_phone
    result += [
        _village("YG-QSZ-QSC", "清水村", "QSC", "YG-QSZ", 31, qs_phone),
        _village("YG-QSZ-SQC", "石桥村", "SQC", "YG-QSZ", 32, qs_phone),
        _village("YG-QSZ-LTC", "柳塘村", "LTC", "YG-QSZ", 33, qs_phone),
        _village("YG-HSX-HSC", "河山村", "HSC", "YG-HSX", 34, hs_phone),
        _village("YG-HSX-FLC", "枫林村", "FLC", "YG-HSX", 35, hs_phone),
    ]
    return result


# The one principal violation planted in the data (see build.py): 清水镇党委书记 still oversees 财务.
PLANTED_VIOLATION = ("YG-QSZ", "head", "caiwu")

# Staff logins beyond the per-unit editor/reviewer pairs: username, unit, role, display name, and the post
# of the official the login stands for. The admin login is a system account and stands for no one.
SUPERVISOR = ("jw_supervisor", ROOT_CODE, Role.SUPERVISOR, "县纪委监委监督检查室（演示）", "discipline")
ADMIN = ("admin", "系统管理员（演示）")
