"""The demo county's flow charts (流程图): a licensing template (working days) and a penalty template
(calendar days) for each unit that exercises those powers, drawn on the unit's own posts.

Step limits follow 行政许可法 (Art. 32 acceptance within 5 days, Art. 42 decision within 20) and
行政处罚法 (Art. 54–64: filing, investigation, notice of the right to be heard, decision), shortened as a
county promises; time the law excludes (补正, 听证) stops the clock and names its ground.
"""

from __future__ import annotations

from dataclasses import dataclass

from sunlit.catalog.models import Category

GROUND_CORRECTION = "《中华人民共和国行政许可法》第三十二条、第四十五条"
GROUND_HEARING_LICENCE = "《中华人民共和国行政许可法》第四十五条、第四十七条"
GROUND_HEARING_PENALTY = "《中华人民共和国行政处罚法》第六十三条、第六十四条"
COMPLAINT = "对办理过程有异议的，可向本单位纪检监察机构或县纪委监委投诉：0797-6213002"


@dataclass(frozen=True)
class StepDef:
    key: str
    name: str
    kind: str
    role: str  # "window", "handler", "leader", "principal": which post of the unit does it
    limit: int | None = None
    clock_stops: bool = False
    legal_ground: str = ""
    supervision_point: bool = False
    duty: str = ""
    rights: str = ""
    up: bool = False  # 上报: done by a post of the unit above (the township approving what a village receives)


@dataclass(frozen=True)
class FlowDef:
    category: str
    limit_unit: str
    steps: tuple[StepDef, ...]
    transitions: tuple[tuple[str, str, str], ...]


LICENSING = FlowDef(Category.LICENSING, "working", (
    StepDef("apply", "申请", "apply", "window", rights="可通过网上或窗口提交申请，查询办理进度"),
    StepDef("accept", "受理", "accept", "window", 1, supervision_point=True,
            duty="当场审查申请材料是否齐全、符合法定形式，出具受理或不予受理凭证",
            rights="材料不全的，一次性告知需要补正的全部内容"),
    StepDef("correct", "补正", "correction", "window", 5, clock_stops=True, legal_ground=GROUND_CORRECTION,
            rights="在告知期限内补正材料，补正时间不计入办理时限"),
    StepDef("refuse", "不予受理", "not_accepted", "window", rights="有权获得书面理由，并依法申请行政复议或提起行政诉讼"),
    StepDef("review", "审查", "review", "handler", 3, supervision_point=True,
            duty="审查申请材料的实质内容，需要核实的，指派两名以上工作人员现场核查"),
    StepDef("decide", "决定", "decide", "leader", 1, supervision_point=True,
            duty="作出准予或不予许可的书面决定", rights="不予许可的，有权获得书面理由"),
    StepDef("deliver", "送达", "deliver", "window", duty="颁发、送达许可证件，公开许可决定"),
    StepDef("deny", "不予许可", "denied", "window", rights="依法申请行政复议或提起行政诉讼"),
), (
    ("apply", "accept", ""), ("accept", "review", "受理"), ("accept", "correct", "补正"),
    ("accept", "refuse", "不予受理"), ("correct", "accept", "补正完成"), ("review", "decide", ""),
    ("decide", "deliver", "准予许可"), ("decide", "deny", "不予许可"),
))

PENALTY = FlowDef(Category.PENALTY, "calendar", (
    StepDef("file", "立案", "apply", "handler", 7, supervision_point=True,
            duty="发现违法线索后七日内决定是否立案，由两名以上执法人员持证办理"),
    StepDef("investigate", "调查取证", "review", "handler", 30, duty="全面、客观、公正地调查，收集证据，制作笔录"),
    StepDef("legal_review", "法制审核", "review", "leader", 7, supervision_point=True,
            duty="重大执法决定作出前进行法制审核"),
    StepDef("notice", "告知", "review", "handler", 3, rights="有权陈述、申辩；符合条件的，有权要求听证"),
    StepDef("hearing", "听证", "hearing", "leader", 20, clock_stops=True, legal_ground=GROUND_HEARING_PENALTY,
            rights="听证由非本案调查人员主持，当事人可以委托代理人"),
    StepDef("decide", "决定", "decide", "principal", 7, supervision_point=True,
            duty="负责人审查；情节复杂或者重大违法行为给予处罚的，集体讨论决定"),
    StepDef("deliver", "送达执行", "deliver", "handler", rights="不服的，可依法申请行政复议或提起行政诉讼"),
), (
    ("file", "investigate", "立案"), ("investigate", "legal_review", ""), ("legal_review", "notice", ""),
    ("notice", "hearing", "要求听证"), ("notice", "decide", "陈述申辩"), ("hearing", "decide", ""),
    ("decide", "deliver", "作出处罚决定"),
))

FLOWS = (LICENSING, PENALTY)

# 项目流程图: items whose own legal procedure overrides their unit's template, by item name.
VILLAGE_HOUSE = FlowDef(Category.OTHER, "working", (
    StepDef("apply", "提出建房申请", "apply", "window", rights="可委托便民服务代办员代为申请，免费代办"),
    StepDef("accept", "受理", "accept", "window", 1, supervision_point=True,
            duty="查验申请书、户口簿、宅基地现状等材料", rights="材料不全的，一次性告知需要补正的全部内容"),
    StepDef("correct", "补正", "correction", "window", 5, clock_stops=True, legal_ground=GROUND_CORRECTION),
    StepDef("refuse", "不予受理", "not_accepted", "window", rights="有权获得书面理由"),
    StepDef("discuss", "村民小组讨论并公示", "review", "leader", 5, supervision_point=True,
            duty="村民小组会议讨论，申请人、建房位置和面积在本组公示不少于5个工作日",
            rights="村民对公示内容有异议的，可向村务监督委员会反映"),
    StepDef("check", "村级初审", "decide", "leader", 2, duty="村委会审查申请人资格、是否符合村庄规划和宅基地使用方案"),
    StepDef("report", "上报乡镇审批", "report_up", "window", 1, up=True,
            duty="将申请材料和初审意见报乡镇人民政府便民服务中心"),
    StepDef("sent", "转乡镇审批", "deliver", "window", up=True, rights="可凭受理编号查询乡镇审批进度"),
    StepDef("rejected", "初审不通过", "denied", "leader", rights="有权获得书面理由，可向乡镇人民政府反映"),
), (
    ("apply", "accept", ""), ("accept", "discuss", "受理"), ("accept", "correct", "补正"),
    ("accept", "refuse", "不予受理"), ("correct", "accept", "补正完成"), ("discuss", "check", ""),
    ("check", "report", "同意上报"), ("check", "rejected", "不同意"), ("report", "sent", ""),
))

TOWNSHIP_HOMESTEAD = FlowDef(Category.LICENSING, "working", (
    StepDef("apply", "申请（村级上报）", "apply", "window", rights="可通过村便民服务代办员代办"),
    StepDef("accept", "受理", "accept", "window", 1, supervision_point=True,
            rights="材料不全的，一次性告知需要补正的全部内容"),
    StepDef("correct", "补正", "correction", "window", 5, clock_stops=True, legal_ground=GROUND_CORRECTION),
    StepDef("refuse", "不予受理", "not_accepted", "window", rights="有权获得书面理由"),
    StepDef("survey", "联合审查和实地踏勘", "review", "handler", 5, supervision_point=True,
            duty="会同自然资源、农业农村等部门审查用地、规划，到现场踏勘"),
    StepDef("hearing", "听证", "hearing", "leader", 20, clock_stops=True, legal_ground=GROUND_HEARING_LICENCE,
            rights="涉及他人重大利益的，利害关系人有权要求听证"),
    StepDef("decide", "审批决定", "decide", "principal", 2, supervision_point=True,
            duty="乡镇人民政府集体研究，作出批准或不予批准的决定"),
    StepDef("deliver", "发放批准书并公开", "deliver", "window", duty="发放《农村宅基地批准书》，审批结果公开"),
    StepDef("deny", "不予批准", "denied", "window", rights="依法申请行政复议或提起行政诉讼"),
), (
    ("apply", "accept", ""), ("accept", "survey", "受理"), ("accept", "correct", "补正"),
    ("accept", "refuse", "不予受理"), ("correct", "accept", "补正完成"), ("survey", "decide", "无需听证"),
    ("survey", "hearing", "需要听证"), ("hearing", "decide", ""), ("decide", "deliver", "批准"),
    ("decide", "deny", "不予批准"),
))

ITEM_FLOWS: dict[str, FlowDef] = {"村民建房申请初审": VILLAGE_HOUSE, "农村村民宅基地审批": TOWNSHIP_HOMESTEAD}

POSTS_BY_ROLE: dict[str, dict[str, tuple[str, ...]]] = {
    # role → post names to try in a unit, first found wins
    "window": {"any": ("便民服务中心审批岗", "便民服务代办员", "行政审批岗")},
    "handler": {"licensing": ("行政审批岗", "便民服务中心审批岗", "便民服务代办员"),
                "penalty": ("行政执法岗", "综合行政执法岗")},
    "leader": {"licensing": ("副局长（行政审批）", "党委副书记", "村党组织书记、村委会主任"),
               "penalty": ("副局长（执法监察）", "党委副书记")},
    "principal": {"any": ("局长", "党委书记")},
}


def post_names(role: str, category: str) -> tuple[str, ...]:
    table = POSTS_BY_ROLE[role]
    return table.get(category) or table.get("any") or table.get(Category.LICENSING) or ()


# 廉能风险点 at the sensitive steps of each template: (step key, level, description, measures).
RISKS: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    Category.LICENSING: (
        ("accept", "medium", "对符合条件的申请不予受理，或对不符合条件的违规受理；刁难申请人",
         "一次性告知制度；受理凭证全程留痕；电子监察实时预警"),
        ("review", "high", "审查不严、降低标准或附加条件；与申请人有利害关系不回避",
         "两人以上现场核查；利害关系回避；审查意见实名签署"),
        ("decide", "high", "违规作出准予许可决定；超越权限审批",
         "分管领导审核与集体研究相结合；许可结果公示；纪检监察抽查"),
    ),
    Category.PENALTY: (
        ("investigate", "high", "选择性执法；调查取证不全面、不客观；隐瞒违法事实",
         "执法全过程记录；两名以上执法人员持证执法；案卷评查"),
        ("decide", "high", "滥用自由裁量权，处罚畸轻畸重；以罚代刑",
         "严格执行行政处罚自由裁量基准；重大处罚集体讨论和法制审核"),
        ("deliver", "low", "罚没款不按规定上缴；执行不到位",
         "罚缴分离；罚没收入直接缴入国库"),
    ),
}
