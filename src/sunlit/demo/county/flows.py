"""The demo county's flow charts (流程图): a category template (类别流程图) for every kind of power its units
exercise in public, the item flows (项目流程图) of the items whose own procedure the county publishes, and
the integrity-risk points (廉能风险点) at their sensitive steps, drawn on each unit's own posts (a step sent up,
上报, on its parent's; a legality review, on the county government's when the unit has no reviewer).

External powers follow their laws: 行政许可法 (Art. 32 acceptance, Art. 42 decision, Art. 45 time not
counted, Art. 47 hearing), 行政处罚法 (Art. 54–64), 行政强制法 (Art. 18, 25, 35–37, 43), 重大行政决策程序暂行条例
and 信访工作条例, with step limits shortened as a county promises; time the law excludes (补正, 听证, the
party's own period after a 催告, testing of seized goods, a public comment period) stops the clock and
names its ground. Internal powers (重大决策, 财务, 人事, 物资采购) run as the seed programmes ask: “三重一大”
by collective decision with the principal speaking last (末位表态), money by graded approval, cadres by
动议→推荐→考察→讨论决定→公示, purchases by declared need, open procurement and separate acceptance; a
village decides by “四议两公开” and its money and projects are checked by the township (村账乡代管).

A unit has one template per category; it counts in the unit its items' laws count in (see
`template_unit`), and an item whose law counts in the other one gets the template as its own flow. An item
promising less time than its template counts has its own, shorter flow (即办件, 简易程序, 小额临时救助), so no
chart a resident reads adds up to more than the item's statutory or promised limit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from sunlit.catalog.models import Category
from sunlit.flows.validate import CALENDAR, WORKING
from sunlit.org.models import UnitKind

GROUND_CORRECTION = "《中华人民共和国行政许可法》第三十二条、第四十五条"
GROUND_CORRECTION_REGISTRATION = "《不动产登记暂行条例》第十七条；参照《中华人民共和国行政许可法》第三十二条"
GROUND_HEARING_LICENCE = "《中华人民共和国行政许可法》第四十五条、第四十七条"
GROUND_HEARING_PENALTY = "《中华人民共和国行政处罚法》第六十三条、第六十四条"
GROUND_DEMAND = "《中华人民共和国行政强制法》第三十五条、第三十六条"
GROUND_TESTING_SEIZED = "《中华人民共和国行政强制法》第二十五条第三款"
GROUND_PUBLIC_COMMENT = "《重大行政决策程序暂行条例》第十五条"
COMPLAINT = "对办理过程有异议的，可向本单位纪检监察机构或县纪委监委投诉：0797-6213002"


@dataclass(frozen=True)
class StepDef:
    key: str
    name: str
    kind: str
    role: str  # which post of the unit does it: a key of POSTS_BY_ROLE
    limit: int | None = None
    clock_stops: bool = False
    legal_ground: str = ""
    supervision_point: bool = False
    duty: str = ""
    rights: str = ""
    up: bool = False  # 上报: done by a post of the unit above (the township approving what a village receives)


@dataclass(frozen=True)
class RiskDef:
    """廉能风险点 at one step: its level (high/medium/low), what could go wrong, and how it is prevented."""

    step: str
    level: str
    description: str
    measures: str


@dataclass(frozen=True)
class FlowDef:
    category: str
    limit_unit: str  # the unit the step limits are meant in when the unit's items give no other
    steps: tuple[StepDef, ...]
    transitions: tuple[tuple[str, str, str], ...]
    risks: tuple[RiskDef, ...] = ()


# --- 行政许可 / 行政处罚 ---------------------------------------------------------------------------

LICENSING = FlowDef(Category.LICENSING, WORKING, (
    StepDef("apply", "申请", "apply", "window", rights="可通过网上或窗口提交申请，查询办理进度"),
    StepDef("accept", "受理", "accept", "window", 1, supervision_point=True,
            duty="当场审查申请材料是否齐全、符合法定形式，出具受理或不予受理凭证",
            rights="材料不全的，一次性告知需要补正的全部内容"),
    StepDef("correct", "补正", "correction", "window", 5, clock_stops=True, legal_ground=GROUND_CORRECTION,
            rights="在告知期限内补正材料，补正时间不计入办理时限"),
    StepDef("refuse", "不予受理", "not_accepted", "window", rights="有权获得书面理由，并依法申请行政复议或提起行政诉讼"),
    StepDef("review", "审查", "review", "handler", 3, supervision_point=True,
            duty="审查申请材料的实质内容，需要核实的，指派两名以上工作人员现场核查"),
    StepDef("hearing", "听证", "hearing", "leader", 20, clock_stops=True, legal_ground=GROUND_HEARING_LICENCE,
            rights="涉及申请人与他人之间重大利益关系的，申请人、利害关系人可在被告知之日起5日内申请听证；"
                   "听证由审查人员以外的人员主持"),
    StepDef("decide", "决定", "decide", "leader", 1, supervision_point=True,
            duty="作出准予或不予许可的书面决定", rights="不予许可的，有权获得书面理由"),
    StepDef("deliver", "送达", "deliver", "window", duty="颁发、送达许可证件，公开许可决定"),
    StepDef("deny", "不予许可", "denied", "window", rights="依法申请行政复议或提起行政诉讼"),
), (
    ("apply", "accept", ""), ("accept", "review", "受理"), ("accept", "correct", "补正"),
    ("accept", "refuse", "不予受理"), ("correct", "accept", "补正完成"), ("review", "decide", "无需听证"),
    ("review", "hearing", "依法听证"), ("hearing", "decide", ""),
    ("decide", "deliver", "准予许可"), ("decide", "deny", "不予许可"),
), (
    RiskDef("accept", "medium", "对符合条件的申请不予受理，或对不符合条件的违规受理；刁难申请人",
            "一次性告知制度；受理凭证全程留痕；电子监察实时预警"),
    RiskDef("review", "high", "审查不严、降低标准或附加条件；与申请人有利害关系不回避",
            "两人以上现场核查；利害关系回避；审查意见实名签署"),
    RiskDef("decide", "high", "违规作出准予许可决定；超越权限审批",
            "分管领导审核与集体研究相结合；许可结果公示；纪检监察抽查"),
))

PENALTY = FlowDef(Category.PENALTY, CALENDAR, (
    StepDef("file", "立案", "apply", "handler", 7, supervision_point=True,
            duty="发现违法线索后七日内决定是否立案，由两名以上执法人员持证办理"),
    StepDef("investigate", "调查取证", "review", "handler", 30, supervision_point=True,
            duty="全面、客观、公正地调查，收集证据，制作笔录",
            rights="执法人员不得少于两人并出示执法证件；与案件有利害关系的，有权申请回避"),
    StepDef("legal_review", "法制审核", "review", "leader", 7, supervision_point=True,
            duty="重大执法决定作出前进行法制审核"),
    StepDef("notice", "告知", "review", "handler", 3, rights="有权陈述、申辩；符合条件的，有权要求听证"),
    StepDef("hearing", "听证", "hearing", "leader", 20, clock_stops=True, legal_ground=GROUND_HEARING_PENALTY,
            rights="听证由非本案调查人员主持，当事人可以委托代理人"),
    StepDef("decide", "决定", "decide", "principal", 7, supervision_point=True,
            duty="负责人审查；情节复杂或者重大违法行为给予处罚的，集体讨论决定"),
    StepDef("deliver", "送达执行", "deliver", "handler", supervision_point=True,
            duty="送达处罚决定书；罚款由当事人到指定银行缴纳", rights="不服的，可依法申请行政复议或提起行政诉讼"),
), (
    ("file", "investigate", "立案"), ("investigate", "legal_review", ""), ("legal_review", "notice", ""),
    ("notice", "hearing", "要求听证"), ("notice", "decide", "陈述申辩"), ("hearing", "decide", ""),
    ("decide", "deliver", "作出处罚决定"),
), (
    RiskDef("investigate", "high", "选择性执法；调查取证不全面、不客观；隐瞒违法事实",
            "执法全过程记录；两名以上执法人员持证执法；案卷评查"),
    RiskDef("decide", "high", "滥用自由裁量权，处罚畸轻畸重；以罚代刑",
            "严格执行行政处罚自由裁量基准；重大处罚集体讨论和法制审核"),
    RiskDef("deliver", "low", "罚没款不按规定上缴；执行不到位", "罚缴分离；罚没收入直接缴入国库"),
))

# --- 行政强制: measures (查封、扣押) and enforcement (催告→陈述申辩→决定→执行), in calendar days as the law counts

COERCION = FlowDef(Category.COERCION, CALENDAR, (
    StepDef("file", "立案报批", "apply", "handler", 1, supervision_point=True,
            duty="实施前向行政机关负责人报告并经批准；情况紧急当场实施的，二十四小时内补办批准手续"),
    StepDef("measure", "实施查封、扣押", "review", "handler", 1, supervision_point=True,
            duty="由两名以上执法人员实施，出示执法证件，通知当事人到场，制作现场笔录，当场交付决定书和清单",
            rights="有权知悉理由、依据和救济途径，当场陈述和申辩；查封、扣押限于涉案场所、设施和财物"),
    StepDef("test", "检测、检验或技术鉴定", "testing", "handler", clock_stops=True, legal_ground=GROUND_TESTING_SEIZED,
            rights="检测、检验、检疫或者技术鉴定期间不计入查封、扣押期限，其费用由行政机关承担"),
    StepDef("resolve", "作出处理决定", "decide", "principal", 20, supervision_point=True,
            duty="在查封、扣押期限（不超过三十日）内查清事实，依法没收、销毁或者解除查封、扣押",
            rights="对违法事实清楚的，依法处理；不再需要查封、扣押的，及时解除并退还财物"),
    StepDef("resolved", "送达处理决定", "deliver", "handler", rights="不服的，可依法申请行政复议或提起行政诉讼"),
    StepDef("demand", "催告", "review", "handler", 3, supervision_point=True,
            duty="作出强制执行决定前，书面催告当事人履行义务，载明履行期限、方式和依法享有的陈述权、申辩权",
            rights="收到催告书后有权进行陈述和申辩"),
    StepDef("defend", "陈述申辩（履行期间）", "hearing", "leader", clock_stops=True, legal_ground=GROUND_DEMAND,
            duty="充分听取当事人意见，对其提出的事实、理由和证据进行记录、复核；理由成立的，予以采纳",
            rights="催告书载明的履行期间不计入办理时限"),
    StepDef("decide", "强制执行决定", "decide", "principal", 3, supervision_point=True,
            duty="经催告，当事人逾期仍不履行且无正当理由的，作出书面强制执行决定；重大的经法制审核和集体讨论"),
    StepDef("execute", "送达并强制执行", "deliver", "handler",
            rights="不得在夜间或者法定节假日实施强制执行（情况紧急的除外），不得以停止供水、供电、供热、供燃气"
                   "等方式迫使履行"),
    StepDef("court", "申请人民法院强制执行", "deliver", "handler",
            rights="没有强制执行权的，自期限届满之日起三个月内申请人民法院强制执行"),
    StepDef("performed", "当事人履行，终结", "deliver", "handler"),
), (
    ("file", "measure", "采取强制措施"), ("file", "demand", "强制执行"),
    ("measure", "resolve", "事实清楚"), ("measure", "test", "需要检测鉴定"), ("test", "resolve", ""),
    ("resolve", "resolved", ""),
    ("demand", "defend", ""), ("defend", "decide", "逾期不履行"), ("defend", "performed", "履行完毕"),
    ("decide", "execute", "自行强制执行"), ("decide", "court", "申请法院强制执行"),
), (
    RiskDef("file", "medium", "未经批准擅自实施强制；超范围、超对象查封扣押",
            "实施前报负责人批准；两名以上执法人员持证实施，执法全过程音像记录"),
    RiskDef("measure", "high", "违规处置、调换、损毁查封扣押财物；以扣代罚",
            "财物登记造册，专人专库保管；处理结果公开；纪检监察抽查"),
    RiskDef("decide", "high", "滥用强制手段，选择性执行或久拖不执行",
            "严格依法定条件和程序作出决定；重大强制决定法制审核、集体讨论"),
))

# --- 行政征收: 核定→告知→征收→开具票据 -------------------------------------------------------------------

LEVY = FlowDef(Category.LEVY, WORKING, (
    StepDef("start", "确定征收对象", "apply", "handler", duty="依据法律法规确定征收范围和对象，依职权启动"),
    StepDef("assess", "核定", "review", "handler", 5, supervision_point=True,
            duty="按照法定标准核定征收项目、数额，核定结果两人以上复核",
            rights="有权查阅征收依据和标准"),
    StepDef("approve", "审核批准", "decide", "leader", 2, supervision_point=True,
            duty="审核核定结果；减、免、缓征须符合法定条件，经集体研究"),
    StepDef("exempt", "依法减免缓征", "denied", "handler", rights="减、免、缓征决定书面告知并公开"),
    StepDef("notify", "告知", "review", "handler", 2,
            duty="送达征收决定或缴款通知书，载明依据、标准、数额、期限",
            rights="有权陈述、申辩；不服的，可依法申请行政复议或提起行政诉讼"),
    StepDef("collect", "征收", "review", "handler", supervision_point=True,
            duty="实行票款分离，款项通过银行直接缴入国库或财政专户"),
    StepDef("receipt", "开具票据", "deliver", "handler",
            duty="开具财政部门统一监制的票据，征收情况按规定公开", rights="有权索取合法票据，拒绝无票收费"),
), (
    ("start", "assess", ""), ("assess", "approve", ""), ("approve", "notify", "核定征收"),
    ("approve", "exempt", "依法减免缓"), ("notify", "collect", ""), ("collect", "receipt", ""),
), (
    RiskDef("assess", "high", "擅自改变征收范围、标准，人情征收、少征漏征",
            "征收依据和标准公开；核定结果两人以上复核；电子监察比对"),
    RiskDef("approve", "high", "违规减免缓征，以权谋私", "减免缓须符合法定条件并集体研究，结果公开"),
    RiskDef("collect", "medium", "坐收坐支、截留挪用征收款项", "票款分离、银行代收，直接缴入国库；定期对账"),
))

# --- 行政给付: 申请→受理→审核→公示→审批→发放 -----------------------------------------------------------

BENEFIT = FlowDef(Category.BENEFIT, WORKING, (
    StepDef("apply", "申请", "apply", "window", rights="本人申请有困难的，可委托村（居）民委员会代为提出申请"),
    StepDef("accept", "受理", "accept", "window", 1, supervision_point=True,
            duty="审查申请材料，符合条件的当场受理", rights="材料不全的，一次性告知需要补齐的全部材料"),
    StepDef("refuse", "不予受理", "not_accepted", "window", rights="有权获得书面理由"),
    StepDef("investigate", "审核（入户调查）", "review", "handler", 3, supervision_point=True,
            duty="两人以上入户调查、邻里访问、信息核对，经村（居）民主评议后提出审核意见",
            rights="有权如实说明家庭情况；调查人员与申请人有近亲属关系的应当回避"),
    StepDef("publicize", "公示", "review", "handler", 5, supervision_point=True,
            duty="在申请人所在村（社区）公示审核结果，隐去个人隐私信息",
            rights="对公示有异议的，可向乡镇人民政府或县级主管部门反映"),
    StepDef("approve", "审批", "decide", "leader", 1, supervision_point=True, duty="集体研究审批，作出给付或不予给付的决定",
            rights="不予给付的，有权获得书面理由"),
    StepDef("pay", "发放", "deliver", "handler", supervision_point=True, duty="通过金融机构社会化发放到户，给付结果定期公开"),
    StepDef("deny", "不予给付", "denied", "window", rights="可依法申请行政复议或提起行政诉讼"),
), (
    ("apply", "accept", ""), ("accept", "investigate", "受理"), ("accept", "refuse", "不予受理"),
    ("investigate", "publicize", ""), ("publicize", "approve", ""), ("approve", "pay", "批准"),
    ("approve", "deny", "不予批准"),
), (
    RiskDef("investigate", "high", "调查核实不实，优亲厚友，搞人情保、关系保",
            "两人以上入户调查；民主评议；经办人员及村干部近亲属申请备案"),
    RiskDef("approve", "high", "违规审批，擅自降低或提高给付标准", "集体研究审批；县级部门抽查复核；结果公开"),
    RiskDef("pay", "high", "截留、挪用、冒领给付资金", "社会化发放，资金直达“一卡通”；定期对账，发放名册公开"),
))

# --- 行政检查: 制定计划→随机抽取（双随机）→实施检查→处理→结果公开 -------------------------------------------

INSPECTION = FlowDef(Category.INSPECTION, WORKING, (
    StepDef("plan", "制定检查计划", "apply", "handler",
            duty="按照“双随机、一公开”要求制定抽查事项清单和年度检查计划，向社会公开"),
    StepDef("draw", "随机抽取（双随机）", "review", "handler", 2, supervision_point=True,
            duty="从检查对象名录库和执法检查人员名录库中随机抽取，抽取过程全程留痕"),
    StepDef("inspect", "实施检查", "review", "handler", 10, supervision_point=True,
            duty="两名以上执法人员持证检查，制作检查记录；不得超出检查事项，不得妨碍正常生产经营",
            rights="执法人员少于两人或者未出示执法证件的，有权拒绝检查；与检查对象有利害关系的执法人员应当回避"),
    StepDef("handle", "处理", "decide", "leader", 3, supervision_point=True, duty="对检查发现的问题依法提出处理意见"),
    StepDef("rectify", "责令整改或移送查处", "review", "handler",
            duty="责令限期整改并跟踪复查；涉嫌违法的，移送立案查处", rights="对处理意见有权陈述、申辩"),
    StepDef("publish", "结果公开", "deliver", "handler", 20, duty="检查结果自作出之日起二十个工作日内向社会公开"),
), (
    ("plan", "draw", ""), ("draw", "inspect", ""), ("inspect", "handle", ""), ("handle", "publish", "未发现问题"),
    ("handle", "rectify", "发现问题"), ("rectify", "publish", ""),
), (
    RiskDef("draw", "high", "不按规定随机抽取，选择性检查、人情检查",
            "双随机系统抽取，过程全程留痕、不可更改；抽查计划和结果公开"),
    RiskDef("inspect", "high", "检查中吃拿卡要、以检谋私；检查走过场",
            "两人以上持证检查；执法全过程记录；回避制度"),
    RiskDef("handle", "medium", "发现问题不处理或降格处理，以罚代管", "处理意见集体研判；移送立案全程留痕；结果公开"),
))

# --- 行政确认 ------------------------------------------------------------------------------------------

CONFIRMATION = FlowDef(Category.CONFIRMATION, WORKING, (
    StepDef("apply", "申请", "apply", "window", rights="可通过网上或窗口提交申请，查询办理进度"),
    StepDef("accept", "受理", "accept", "window", 1, supervision_point=True,
            duty="查验申请材料是否齐全、符合法定形式", rights="材料不全的，一次性告知需要补正的全部内容"),
    StepDef("correct", "补正", "correction", "window", 5, clock_stops=True, legal_ground=GROUND_CORRECTION_REGISTRATION,
            rights="补正时间不计入办理时限"),
    StepDef("refuse", "不予受理", "not_accepted", "window", rights="有权获得书面理由"),
    StepDef("review", "审核（实地查看）", "review", "handler", 1, supervision_point=True,
            duty="审核权属来源和申请事项，需要的，两名以上工作人员实地查看"),
    StepDef("confirm", "确认（登簿）", "decide", "leader", 1, supervision_point=True,
            duty="作出确认或不予确认的决定，确认结果记载于簿册", rights="不予确认的，有权获得书面理由"),
    StepDef("deliver", "发证", "deliver", "window", duty="核发证书或证明，结果依法公开、可查询"),
    StepDef("deny", "不予确认", "denied", "window", rights="依法申请行政复议或提起行政诉讼"),
), (
    ("apply", "accept", ""), ("accept", "review", "受理"), ("accept", "correct", "补正"),
    ("accept", "refuse", "不予受理"), ("correct", "accept", "补正完成"), ("review", "confirm", ""),
    ("confirm", "deliver", "予以确认"), ("confirm", "deny", "不予确认"),
), (
    RiskDef("accept", "medium", "刁难申请人，违规受理或拖延受理", "一次性告知；受理凭证全程留痕；电子监察预警"),
    RiskDef("review", "high", "审核不严，违规确认权属或虚假登记", "两人以上核查；审核与登簿分岗；结果抽查"),
    RiskDef("confirm", "high", "越权确认，擅自改变确认结果", "确认结果公开可查；登簿审核实名签署；纪检监察抽查"),
))

# --- 行政奖励 ------------------------------------------------------------------------------------------

REWARD = FlowDef(Category.REWARD, WORKING, (
    StepDef("apply", "推荐申报", "apply", "window", duty="公布奖励条件和程序，组织推荐、申报"),
    StepDef("accept", "受理", "accept", "window", 1, rights="材料不全的，一次性告知需要补正的全部内容"),
    StepDef("refuse", "不予受理", "not_accepted", "window", rights="有权获得书面理由"),
    StepDef("review", "资格审核", "review", "handler", 5, supervision_point=True, duty="审核事迹材料的真实性和奖励条件"),
    StepDef("appraise", "集体评审", "review", "leader", 5, supervision_point=True,
            duty="按公开的标准集体评审，评审意见记录在案"),
    StepDef("publicize", "公示", "review", "handler", 5, rights="对公示对象有异议的，可向本单位或纪检监察机关反映"),
    StepDef("decide", "决定", "decide", "principal", 2, supervision_point=True, duty="领导班子集体研究决定或报请决定"),
    StepDef("award", "表彰奖励并公开", "deliver", "window"),
    StepDef("deny", "不予奖励", "denied", "window", rights="有权获得书面理由"),
), (
    ("apply", "accept", ""), ("accept", "review", "受理"), ("accept", "refuse", "不予受理"),
    ("review", "appraise", ""), ("appraise", "publicize", ""), ("publicize", "decide", ""),
    ("decide", "award", "予以奖励"), ("decide", "deny", "不予奖励"),
), (
    RiskDef("appraise", "high", "评审暗箱操作、优亲厚友，弄虚作假骗取奖励", "评审标准和结果公开；集体评审；公示接受监督"),
    RiskDef("decide", "medium", "擅自改变评审结果或奖励标准", "集体研究决定；奖励结果公开"),
))

# --- 行政裁决 ------------------------------------------------------------------------------------------

ADJUDICATION = FlowDef(Category.ADJUDICATION, WORKING, (
    StepDef("apply", "申请（投诉）", "apply", "window", rights="可书面提出申请，写明请求、事实和理由"),
    StepDef("accept", "受理", "accept", "window", 2, supervision_point=True, duty="审查申请是否符合受理条件"),
    StepDef("refuse", "不予受理", "not_accepted", "window", rights="有权获得书面理由，并依法申请行政复议或提起行政诉讼"),
    StepDef("notify", "通知答复", "review", "handler", 3, duty="将申请书副本送达被申请人，通知其答辩并提交证据"),
    StepDef("investigate", "调查取证", "review", "handler", 5, supervision_point=True,
            duty="两名以上工作人员调查核实，听取双方意见", rights="有权申请回避，有权查阅、复制相关材料"),
    StepDef("mediate", "调解", "review", "leader", 3, rights="调解自愿；调解不成的，依法作出裁决"),
    StepDef("agreed", "制作调解书", "deliver", "window"),
    StepDef("decide", "作出裁决", "decide", "leader", 2, supervision_point=True,
            duty="集体研究，依法作出书面裁决（处理决定），说明理由"),
    StepDef("deliver", "送达裁决书", "deliver", "window", rights="不服的，可依法申请行政复议或提起行政诉讼"),
), (
    ("apply", "accept", ""), ("accept", "notify", "受理"), ("accept", "refuse", "不予受理"),
    ("notify", "investigate", ""), ("investigate", "mediate", "可以调解"), ("investigate", "decide", "不宜调解"),
    ("mediate", "agreed", "调解成功"), ("mediate", "decide", "调解不成"), ("decide", "deliver", ""),
), (
    RiskDef("investigate", "high", "偏袒一方当事人，调查取证不全面", "利害关系回避；两人以上调查；听取双方意见并记录"),
    RiskDef("decide", "high", "裁决显失公正或超越职权", "集体研究；法制审核；裁决书公开说理"),
))

# --- 其他行政权力 ---------------------------------------------------------------------------------------

OTHER = FlowDef(Category.OTHER, WORKING, (
    StepDef("apply", "申请（或依职权启动）", "apply", "window", rights="可通过网上或窗口提交申请，查询办理进度"),
    StepDef("accept", "受理", "accept", "window", 1, supervision_point=True,
            duty="审查申请材料是否齐全、符合法定形式", rights="材料不全的，一次性告知需要补齐的全部内容"),
    StepDef("refuse", "不予受理", "not_accepted", "window", rights="有权获得书面理由"),
    StepDef("review", "审核", "review", "handler", 3, supervision_point=True, duty="审核申请事项，需要的，现场核查"),
    StepDef("decide", "审批", "decide", "leader", 1, supervision_point=True, duty="作出办理或不予办理的决定",
            rights="不予办理的，有权获得书面理由"),
    StepDef("deliver", "办结", "deliver", "window", duty="送达办理结果，依法公开"),
    StepDef("deny", "不予办理", "denied", "window", rights="依法申请行政复议或提起行政诉讼"),
), (
    ("apply", "accept", ""), ("accept", "review", "受理"), ("accept", "refuse", "不予受理"),
    ("review", "decide", ""), ("decide", "deliver", "同意"), ("decide", "deny", "不同意"),
), (
    RiskDef("accept", "medium", "推诿、刁难申请人，违规受理", "首问负责；一次性告知；受理全程留痕"),
    RiskDef("review", "high", "审核把关不严，吃拿卡要，故意拖延", "审核意见实名签署；电子监察时限预警"),
    RiskDef("decide", "medium", "超越权限审批，违规办理", "分管领导审核；结果公开；纪检监察抽查"),
))

# --- internal powers, as the five links run them ----------------------------------------------------------

MAJOR_DECISION = FlowDef(Category.MAJOR_DECISION, WORKING, (
    StepDef("propose", "提出动议", "apply", "clerk",
            duty="分管领导或承办股室提出议题，经主要负责人同意列入“三重一大”事项"),
    StepDef("research", "调查研究", "review", "clerk", supervision_point=True,
            duty="深入调研，拟订备选方案，开展风险评估；专业性强的组织专家论证"),
    StepDef("consult", "公开征求意见", "hearing", "clerk", clock_stops=True, legal_ground=GROUND_PUBLIC_COMMENT,
            duty="涉及群众切身利益的，公布决策草案，通过座谈会、听证会等方式听取意见",
            rights="公众可在征求意见期间（一般不少于30日）提出意见和建议"),
    StepDef("legal", "合法性审查", "review", "legal", 7, supervision_point=True,
            duty="保证不少于7个工作日的审查时间；未经合法性审查或者经审查不合法的，不得提交讨论"),
    StepDef("discuss", "集体讨论（末位表态）", "review", "secretary", supervision_point=True,
            duty="会议集体讨论，与会人员充分发表意见，主要负责人末位表态；不同意见如实记录"),
    StepDef("decide", "决定", "decide", "secretary", supervision_point=True,
            duty="按少数服从多数作出决定；与多数意见不一致的，在会上说明理由"),
    StepDef("publish", "公开并组织执行", "deliver", "clerk", supervision_point=True,
            duty="除涉及国家秘密、商业秘密、个人隐私外，决策结果自作出之日起二十个工作日内公开；明确执行责任，督查督办，"
                 "定期报告执行情况"),
    StepDef("shelve", "不予通过（暂缓）", "denied", "clerk", duty="记录理由，需要的，重新调研论证"),
), (
    ("propose", "research", ""), ("research", "consult", "需公开征求意见"), ("research", "legal", "无需公开征求意见"),
    ("consult", "legal", ""), ("legal", "discuss", "审查通过"), ("legal", "shelve", "审查不通过"),
    ("discuss", "decide", ""), ("decide", "publish", "通过"), ("decide", "shelve", "不通过"),
), (
    RiskDef("research", "medium", "议题未经调研论证即提交决策；化整为零规避集体决策",
            "“三重一大”事项清单管理；会前调研、征求意见；议题材料提前送达参会人员"),
    RiskDef("legal", "high", "未经合法性审查或审查走过场即提交讨论", "未经审查或审查不合法的不得上会；审查意见书面留存"),
    RiskDef("discuss", "high", "主要负责人先定调子、搞“一言堂”，以个人意见代替集体决策",
            "主要负责人末位表态；票决制；会议全程记录，纪检监察机构列席监督"),
    RiskDef("publish", "medium", "决策结果不公开，执行走样或不执行", "决策结果按期公开；执行情况定期报告、督查督办；终身责任追究"),
))

FINANCE = FlowDef(Category.FINANCE, WORKING, (
    StepDef("apply", "用款申请", "apply", "clerk", duty="经办人据实填报，附原始凭证，经手人、证明人签字"),
    StepDef("review", "财务审核", "review", "finance", 2, supervision_point=True,
            duty="审核是否列入预算、票据是否真实合规、标准是否符合规定"),
    StepDef("approve", "分管领导审批", "decide", "leader", 2, supervision_point=True,
            duty="限额以内由分管领导审批；主要负责人不直接分管财务"),
    StepDef("collective", "集体研究（大额资金）", "decide", "secretary", supervision_point=True,
            duty="超过限额的大额资金使用，提交领导班子集体研究，主要负责人末位表态"),
    StepDef("pay", "支付", "review", "finance", 3, supervision_point=True, duty="通过国库集中支付或公务卡结算，会计、出纳分设"),
    StepDef("publish", "财务公开", "deliver", "finance", duty="按规定公开预算、决算和财务收支情况，接受监督"),
    StepDef("refuse", "不予支付", "denied", "finance", duty="退回并说明理由"),
), (
    ("apply", "review", ""), ("review", "approve", "限额以内"), ("review", "collective", "大额资金"),
    ("review", "refuse", "不符合规定"), ("approve", "pay", "同意"), ("approve", "refuse", "不同意"),
    ("collective", "pay", "通过"), ("collective", "refuse", "未通过"), ("pay", "publish", ""),
), (
    RiskDef("review", "high", "审核把关不严，虚列支出、套取资金，报销不合规票据",
            "会计、出纳分设；原始凭证审核签字；公务卡结算"),
    RiskDef("approve", "medium", "超预算、超权限审批，化整为零规避集体研究", "分级审批限额公开；超过限额的提交集体研究"),
    RiskDef("collective", "high", "大额资金使用未经集体研究，或先支后议", "“三重一大”集体决策，主要负责人末位表态，会议记录备查"),
    RiskDef("pay", "high", "违规支付，公款私存，坐收坐支", "国库集中支付；银行账户统一管理；定期对账和审计"),
))

PERSONNEL = FlowDef(Category.PERSONNEL, WORKING, (
    StepDef("propose", "动议", "apply", "leader", supervision_point=True,
            duty="分析研判，按职数和岗位需要提出启动意见和工作方案"),
    StepDef("recommend", "民主推荐", "review", "clerk", supervision_point=True,
            duty="会议推荐和个别谈话推荐相结合，推荐结果作为重要参考，不简单以票取人"),
    StepDef("inspect", "考察", "review", "leader", supervision_point=True,
            duty="考察组不少于两人；干部档案必审、个人有关事项报告必核、纪检监察机关意见必听、线索具体的信访举报必查"),
    StepDef("decide", "讨论决定", "decide", "secretary", supervision_point=True,
            duty="党委（党组）会议集体讨论，应到会成员三分之二以上到会，主要负责人末位表态，表决决定"),
    StepDef("publicize", "任前公示", "review", "clerk", 5, supervision_point=True,
            duty="公示期不少于5个工作日", rights="对公示对象有异议的，可向组织部门或纪检监察机关反映"),
    StepDef("appoint", "任职", "deliver", "clerk", duty="发文任职，任前廉政谈话；实行任职试用期"),
    StepDef("stop", "终止任用", "denied", "clerk", duty="记录理由，按干部管理权限报告"),
), (
    ("propose", "recommend", ""), ("recommend", "inspect", ""), ("inspect", "decide", ""),
    ("decide", "publicize", "通过"), ("decide", "stop", "未通过"), ("publicize", "appoint", "公示无异议"),
    ("publicize", "stop", "反映问题经查实"),
), (
    RiskDef("propose", "medium", "动议不规范，因人设岗、突击提拔", "按职数和岗位需要动议；动议情况全程纪实"),
    RiskDef("inspect", "high", "考察失真失实，带病提拔", "“凡提四必”；考察组实名签署考察材料；考察失真责任追究"),
    RiskDef("decide", "high", "个人或少数人说了算，临时动议", "集体讨论，票决制，主要负责人末位表态；全程纪实"),
    RiskDef("publicize", "low", "公示走过场，对反映问题不核查", "公示期不少于5个工作日；反映问题及时调查核实并反馈"),
))

PROCUREMENT = FlowDef(Category.PROCUREMENT, WORKING, (
    StepDef("apply", "需求申报", "apply", "clerk", duty="根据预算和实际需要申报采购需求，不得指定品牌、设置排他条件"),
    StepDef("review", "审核", "review", "finance", 3, supervision_point=True, duty="审核是否列入预算，确定采购方式"),
    StepDef("approve", "审批", "decide", "leader", 2, supervision_point=True,
            duty="按权限审批；达到限额的提交集体研究"),
    StepDef("purchase", "采购（公开招标等）", "review", "finance", supervision_point=True,
            duty="达到公开招标数额标准的必须公开招标，不得化整为零规避；委托集中采购机构或公共资源交易平台实施"),
    StepDef("check", "验收", "review", "clerk", 5, supervision_point=True,
            duty="采购与验收分岗，验收方成员在验收书上签字"),
    StepDef("publish", "结果公开", "deliver", "finance", duty="公布采购结果，合同签订后七个工作日内备案"),
    StepDef("refuse", "不予采购", "denied", "clerk", duty="说明理由"),
), (
    ("apply", "review", ""), ("review", "approve", ""), ("approve", "purchase", "同意"), ("approve", "refuse", "不同意"),
    ("purchase", "check", ""), ("check", "publish", ""),
), (
    RiskDef("review", "medium", "规避公开招标，化整为零", "采购计划和方式公开；财务审核把关"),
    RiskDef("purchase", "high", "围标串标，量身定制采购需求，指定品牌", "公开招标为主要方式；评审专家随机抽取；纪检监察全程监督"),
    RiskDef("check", "medium", "验收走过场，以次充好", "采购与验收分离；大型项目邀请质量检测机构参加验收"),
))

FLOWS = (LICENSING, PENALTY, COERCION, LEVY, BENEFIT, INSPECTION, CONFIRMATION, REWARD, ADJUDICATION, OTHER,
         MAJOR_DECISION, FINANCE, PERSONNEL, PROCUREMENT)

# --- a village (村) runs its affairs by its own rules ------------------------------------------------------

VILLAGE_DECISION = FlowDef(Category.MAJOR_DECISION, WORKING, (
    StepDef("propose", "村党组织提议", "apply", "secretary", duty="会前调研，广泛听取村民意见，形成初步方案"),
    StepDef("consult", "村“两委”会议商议", "review", "leader", duty="村“两委”成员充分讨论，形成商议意见"),
    StepDef("review", "党员大会审议", "review", "secretary", supervision_point=True, duty="党员大会审议，提出审议意见"),
    StepDef("resolve", "村民（代表）会议决议", "decide", "secretary", supervision_point=True,
            duty="应到人数三分之二以上参加，到会人员过半数同意方为通过；表决情况当场公布",
            rights="村民（代表）有权发表意见、投票表决"),
    StepDef("publicize", "决议公开", "review", "window", 5, supervision_point=True, duty="在村务公开栏公开决议，接受村民监督",
            rights="对决议有异议的，可向村务监督委员会或乡镇人民政府反映"),
    StepDef("implement", "组织实施，结果公开", "deliver", "leader", duty="按决议组织实施，实施结果及时公开"),
    StepDef("rejected", "决议未通过", "denied", "window", duty="公布表决结果"),
), (
    ("propose", "consult", ""), ("consult", "review", ""), ("review", "resolve", ""),
    ("resolve", "publicize", "通过"), ("resolve", "rejected", "未通过"), ("publicize", "implement", ""),
), (
    RiskDef("review", "medium", "不经民主程序，村干部个人决定重大事项", "“四议两公开”；村务监督委员会全程监督"),
    RiskDef("resolve", "high", "会议走过场，代签代表决，程序不到位", "表决票和会议记录留存备查；乡镇包村干部现场指导"),
    RiskDef("publicize", "medium", "决议和实施结果不公开或公开不实", "村务公开栏、“阳光惠农明白墙”公开；村民可查询"),
))

VILLAGE_FINANCE = FlowDef(Category.FINANCE, WORKING, (
    StepDef("apply", "报账申请", "apply", "finance", duty="凭合法原始凭证报账，经手人、证明人签字"),
    StepDef("audit", "民主理财审核", "review", "supervisor", 5, supervision_point=True,
            duty="村务监督委员会审核收支凭证，签署意见"),
    StepDef("approve", "村委会审批", "decide", "leader", 2, supervision_point=True,
            duty="限额以内村委会审批；大额支出经村民（代表）会议决定"),
    StepDef("township", "乡镇代理记账审核", "review", "finance", 5, supervision_point=True, up=True,
            duty="村账乡代管：乡镇财政所审核原始凭证、入账，资金由乡镇统一管理"),
    StepDef("publish", "财务公开", "deliver", "finance", duty="财务收支每月公开一次，接受村民查询"),
    StepDef("refuse", "不予报账", "denied", "finance", duty="退回并说明理由"),
), (
    ("apply", "audit", ""), ("audit", "approve", "审核通过"), ("audit", "refuse", "审核不通过"),
    ("approve", "township", "同意"), ("approve", "refuse", "不同意"), ("township", "publish", ""),
), (
    RiskDef("audit", "medium", "民主理财走过场，白条入账", "村务监督委员会逐笔审核签字；白条不得入账"),
    RiskDef("approve", "high", "村干部虚报冒领、截留挪用集体资金", "大额支出“四议两公开”；村账乡代管"),
    RiskDef("township", "medium", "代理记账审核不严", "乡镇财政所审核原始凭证；定期审计，结果公开"),
))

VILLAGE_PROCUREMENT = FlowDef(Category.PROCUREMENT, WORKING, (
    StepDef("propose", "提出项目", "apply", "leader", duty="根据村民需求和集体经济状况提出项目及预算"),
    StepDef("resolve", "“四议”决定", "decide", "secretary", supervision_point=True,
            duty="村党组织提议、村“两委”商议、党员大会审议、村民（代表）会议决议"),
    StepDef("publicize", "决议公开", "review", "window", 5, duty="公开项目、预算和发包方式"),
    StepDef("tender", "乡镇审核并组织发包", "review", "finance", 5, supervision_point=True, up=True,
            duty="乡镇审核发包方案，达到限额的进入公共资源交易平台公开发包"),
    StepDef("check", "验收", "review", "supervisor", supervision_point=True, duty="村务监督委员会参与验收，签署意见"),
    StepDef("publish", "实施结果公开", "deliver", "window", duty="公开中标人、合同价款、验收和结算情况"),
    StepDef("rejected", "决议未通过", "denied", "window", duty="公布表决结果"),
), (
    ("propose", "resolve", ""), ("resolve", "publicize", "通过"), ("resolve", "rejected", "未通过"),
    ("publicize", "tender", ""), ("tender", "check", ""), ("check", "publish", ""),
), (
    RiskDef("resolve", "high", "不经民主程序确定项目和承包人，优亲厚友", "“四议两公开”；村务监督委员会全程监督"),
    RiskDef("tender", "high", "规避公开发包，围标串标", "达到限额的进入公共资源交易平台；乡镇审核把关"),
    RiskDef("check", "medium", "虚报工程量，验收走过场", "村务监督委员会参与验收；结算结果公开"),
))

VILLAGE_PERSONNEL = FlowDef(Category.PERSONNEL, WORKING, (
    StepDef("plan", "制定评议方案", "apply", "supervisor", duty="村务监督委员会主持，每年至少评议一次"),
    StepDef("report", "述职述廉", "review", "secretary", duty="村“两委”成员向村民（代表）会议述职述廉"),
    StepDef("rate", "民主测评", "review", "supervisor", supervision_point=True, duty="无记名投票，当场计票",
            rights="村民（代表）对村干部履职情况进行评议"),
    StepDef("file", "报乡镇备案", "review", "leader", 5, up=True, duty="评议结果报乡镇党委备案，连续两次不称职的职务终止"),
    StepDef("publish", "结果公开", "deliver", "window", duty="在村务公开栏公布评议结果"),
), (
    ("plan", "report", ""), ("report", "rate", ""), ("rate", "file", ""), ("file", "publish", ""),
), (
    RiskDef("rate", "medium", "评议走过场，拉票或打击报复", "无记名投票、当场计票；结果公开并报乡镇备案"),
))

VILLAGE_AFFAIRS = FlowDef(Category.OTHER, WORKING, (
    StepDef("apply", "村民申请或村委会提出", "apply", "window", rights="可到村便民服务代办点申请，免费代办"),
    StepDef("accept", "登记受理", "accept", "window", 1, supervision_point=True, duty="登记台账，首问负责"),
    StepDef("refuse", "不予受理", "not_accepted", "window", rights="有权获得说明，可向乡镇人民政府反映"),
    StepDef("handle", "办理", "review", "leader", 5, supervision_point=True, duty="调查核实、调解或协助办理，记录在案"),
    StepDef("decide", "村委会研究", "decide", "secretary", 2, supervision_point=True, duty="村委会研究提出意见"),
    StepDef("deliver", "办结，结果公开", "deliver", "window", duty="告知办理结果，涉及村民利益的在村务公开栏公开"),
    StepDef("deny", "不予办理", "denied", "window", rights="有权获得说明，可向村务监督委员会或乡镇人民政府反映"),
), (
    ("apply", "accept", ""), ("accept", "handle", "受理"), ("accept", "refuse", "不予受理"),
    ("handle", "decide", ""), ("decide", "deliver", "办理"), ("decide", "deny", "不予办理"),
), (
    RiskDef("handle", "medium", "优亲厚友，办事不公", "首问负责；村务监督委员会监督；办理结果公开"),
    RiskDef("decide", "medium", "村干部个人说了算，暗箱操作", "村委会集体研究；涉及村民利益的事项公开"),
))

VILLAGE_FLOWS: dict[str, FlowDef] = {flow.category: flow for flow in (
    VILLAGE_DECISION, VILLAGE_FINANCE, VILLAGE_PROCUREMENT, VILLAGE_PERSONNEL, VILLAGE_AFFAIRS)}

# --- 项目流程图: items whose own legal procedure overrides their unit's template, by item name -----------------

VILLAGE_HOUSE = FlowDef(Category.OTHER, WORKING, (
    StepDef("apply", "提出建房申请", "apply", "window", rights="可委托便民服务代办员代为申请，免费代办"),
    StepDef("accept", "受理", "accept", "window", 1, supervision_point=True,
            duty="查验申请书、户口簿、宅基地现状等材料", rights="材料不全的，一次性告知需要补正的全部内容"),
    StepDef("correct", "补正", "correction", "window", 5, clock_stops=True, legal_ground=GROUND_CORRECTION),
    StepDef("refuse", "不予受理", "not_accepted", "window", rights="有权获得书面理由"),
    StepDef("discuss", "村民小组讨论并公示", "review", "leader", 5, supervision_point=True,
            duty="村民小组会议讨论，申请人、建房位置和面积在本组公示不少于5个工作日",
            rights="村民对公示内容有异议的，可向村务监督委员会反映"),
    StepDef("check", "村级初审", "decide", "leader", 2, supervision_point=True,
            duty="村委会审查申请人资格、是否符合村庄规划和宅基地使用方案"),
    StepDef("report", "上报乡镇审批", "report_up", "window", 1, up=True,
            duty="将申请材料和初审意见报乡镇人民政府便民服务中心"),
    StepDef("sent", "转乡镇审批", "deliver", "window", up=True, rights="可凭受理编号查询乡镇审批进度"),
    StepDef("rejected", "初审不通过", "denied", "leader", rights="有权获得书面理由，可向乡镇人民政府反映"),
), (
    ("apply", "accept", ""), ("accept", "discuss", "受理"), ("accept", "correct", "补正"),
    ("accept", "refuse", "不予受理"), ("correct", "accept", "补正完成"), ("discuss", "check", ""),
    ("check", "report", "同意上报"), ("check", "rejected", "不同意"), ("report", "sent", ""),
), (
    RiskDef("discuss", "medium", "公示走过场，隐瞒“一户多宅”等情况", "村民小组会议记录和公示照片存档；村务监督委员会监督"),
    RiskDef("check", "high", "对不符合条件的申请出具同意意见，优亲厚友", "初审意见实名签署；乡镇联合审查复核"),
))

TOWNSHIP_HOMESTEAD = FlowDef(Category.LICENSING, WORKING, (
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
), (
    RiskDef("survey", "high", "踏勘不实，对超面积、占用耕地等情况不如实记录", "两个以上部门联合踏勘；踏勘照片和记录存档"),
    RiskDef("decide", "high", "违规批准“一户多宅”、超标准用地", "集体研究审批；批准结果公开；县级抽查"),
))

# 信访工作条例: register and answer whether accepted within 15 days, handle within 60 of acceptance (calendar days).
PETITION = FlowDef(Category.OTHER, CALENDAR, (
    StepDef("apply", "信访登记", "apply", "window", rights="可采用书信、网络、电话、走访等形式提出信访事项"),
    StepDef("accept", "受理告知", "accept", "window", 5, supervision_point=True,
            duty="登记后及时告知是否受理（法定不超过15日）"),
    StepDef("refuse", "不予受理", "not_accepted", "window",
            rights="应当通过诉讼、仲裁、行政复议等法定途径解决的，告知相应途径"),
    StepDef("investigate", "调查核实", "review", "clerk", 15, supervision_point=True,
            duty="听取信访人陈述，调查核实，必要时组织听证或协调会", rights="有权如实反映情况，要求与本人有利害关系的工作人员回避"),
    StepDef("decide", "提出处理意见", "decide", "petition", 5, supervision_point=True, duty="分管领导审定处理意见"),
    StepDef("reply", "书面答复", "deliver", "window",
            rights="对处理意见不服的，可自收到书面答复之日起30日内请求复查"),
), (
    ("apply", "accept", ""), ("accept", "investigate", "受理"), ("accept", "refuse", "不予受理"),
    ("investigate", "decide", ""), ("decide", "reply", ""),
), (
    RiskDef("accept", "medium", "对信访事项推诿、不登记或压案不办", "信访事项全部登记、全程留痕；办理时限预警"),
    RiskDef("investigate", "high", "调查不实，敷衍塞责，泄露信访人信息", "两人以上调查；信访人信息保密；纪检监察督办"),
))

# 社会救助暂行办法 Art. 48: a small sum the township approves itself, and in an emergency it helps first and
# publishes after, so the promise of 5 working days holds.
SMALL_RELIEF = FlowDef(Category.BENEFIT, WORKING, (
    StepDef("apply", "申请", "apply", "window", rights="本人申请有困难的，可委托村（居）民委员会代为提出申请"),
    StepDef("accept", "受理", "accept", "window", 1, supervision_point=True,
            duty="当场审查申请材料", rights="材料不全的，一次性告知需要补齐的全部材料"),
    StepDef("refuse", "不予受理", "not_accepted", "window", rights="有权获得书面理由"),
    StepDef("investigate", "审核（入户核实）", "review", "handler", 2, supervision_point=True,
            duty="两人以上入户核实困难情况；情况紧急的，先行救助，事后补充核实"),
    StepDef("approve", "审批", "decide", "leader", 1, supervision_point=True, duty="在县民政局委托的额度内审批"),
    StepDef("pay", "发放并公示", "deliver", "handler", supervision_point=True,
            duty="救助金直接发放到户，救助对象和金额按月公示", rights="对公示有异议的，可向乡镇人民政府或县民政局反映"),
    StepDef("deny", "不予救助", "denied", "window", rights="有权获得书面理由，可依法申请行政复议"),
), (
    ("apply", "accept", ""), ("accept", "investigate", "受理"), ("accept", "refuse", "不予受理"),
    ("investigate", "approve", ""), ("approve", "pay", "批准"), ("approve", "deny", "不予批准"),
), (
    RiskDef("investigate", "high", "核实不实，优亲厚友，重复救助", "两人以上入户核实；救助信息系统比对，防止重复救助"),
    RiskDef("pay", "high", "截留、冒领救助金", "直接发放到户；救助对象和金额按月公示"),
))

# 即办件: what the county promises to finish on the spot (备案, 申报, 查询).
ON_THE_SPOT = FlowDef(Category.OTHER, WORKING, (
    StepDef("apply", "提交（网上或窗口）", "apply", "window", rights="可通过网上平台或窗口提交，不见面办理"),
    StepDef("accept", "当场核对", "accept", "window", 0, supervision_point=True,
            duty="当场核对信息是否齐全、符合规定", rights="信息不全的，一次性告知需要补充的全部内容"),
    StepDef("refuse", "不予受理", "not_accepted", "window", rights="有权获得书面理由"),
    StepDef("deliver", "当场办结", "deliver", "window", duty="即时办结，出具备案回执或查询结果"),
), (
    ("apply", "accept", ""), ("accept", "deliver", "办结"), ("accept", "refuse", "不予受理"),
), (
    RiskDef("accept", "medium", "即办件不即办，推诿拖延或违规泄露登记信息", "当场办结，电子监察实时预警；查询全程留痕，依法保护个人信息"),
))

# 简易程序: what the county promises within two or three working days.
QUICK = FlowDef(Category.OTHER, WORKING, (
    StepDef("apply", "提交申请", "apply", "window", rights="可通过网上平台或窗口提交"),
    StepDef("accept", "受理", "accept", "window", 1, supervision_point=True,
            duty="审查材料是否齐全", rights="材料不全的，一次性告知需要补齐的全部内容"),
    StepDef("refuse", "不予受理", "not_accepted", "window", rights="有权获得书面理由"),
    StepDef("review", "审核", "review", "handler", 1, supervision_point=True, duty="审核事项是否符合规定"),
    StepDef("deliver", "办结", "deliver", "window", duty="办结并告知结果"),
    StepDef("deny", "不予办理", "denied", "window", rights="有权获得书面理由"),
), (
    ("apply", "accept", ""), ("accept", "review", "受理"), ("accept", "refuse", "不予受理"),
    ("review", "deliver", "符合规定"), ("review", "deny", "不符合规定"),
), (
    RiskDef("review", "medium", "审核把关不严或故意拖延", "审核意见实名签署；电子监察时限预警"),
))

ITEM_FLOWS: dict[str, FlowDef] = {
    "村民建房申请初审": VILLAGE_HOUSE, "农村村民宅基地审批": TOWNSHIP_HOMESTEAD, "信访事项受理和办理": PETITION,
    "临时救助审批（小额）": SMALL_RELIEF,
    **dict.fromkeys(("商品房预售合同网签备案", "房地产成交价格申报", "企业投资项目备案", "不动产登记资料查询"), ON_THE_SPOT),
    **dict.fromkeys(("政府采购合同备案", "财政资金支付", "房屋租赁登记备案"), QUICK),
}


def template_for(category: str, unit_kind: str) -> FlowDef | None:
    """The category template a unit of this kind uses: a village's own, else the county's."""
    if unit_kind == UnitKind.VILLAGE and category in VILLAGE_FLOWS:
        return VILLAGE_FLOWS[category]
    return next((flow for flow in FLOWS if flow.category == category), None)


def template_unit(counted_in: Iterable[str | None], default: str) -> str:
    """The unit a template counts in: the one most of the items it serves count their time in (an item
    counts in its statutory limit's unit, or its promised limit's when it has no statutory one); on a tie
    or when none says, the template's own."""
    votes = Counter(unit for unit in counted_in if unit)
    if not votes:
        return default
    best = max(votes.values())
    tied = sorted(unit for unit, n in votes.items() if n == best)
    return default if default in tied else tied[0]


# --- 配权: which post of a unit does a step ------------------------------------------------------------------

_APPROVAL_STAFF = ("行政审批岗", "便民服务中心审批岗", "便民服务代办员", "县政府办综合岗")
_ENFORCEMENT_STAFF = ("行政执法岗", "综合行政执法岗", "县政府办综合岗")
_FINANCE_STAFF = ("财务岗", "财政所会计岗", "村报账员", "县委办财务岗", "县政府办财务岗")
_CLERKS = ("综合岗", "党政办综合岗", "县委办综合岗", "县政府办综合岗", "便民服务代办员")
_APPROVAL_LEADERS = ("副局长（行政审批）", "副主任（行政审批）", "党委委员、副镇长（规划建设）", "党委委员、副乡长（规划建设）",
                     "副县长（城乡建设）", "村委会副主任")
_ENFORCEMENT_LEADERS = ("副局长（执法监察）", "副主任（执法监察）", "副镇长（综合执法）", "副乡长（综合执法）",
                        "副县长（交通与综合执法）")
_FINANCE_LEADERS = ("党组成员、副局长（机关事务）", "党组成员、副主任（机关事务）", "党委委员、副镇长（财政）",
                    "党委委员、副乡长（财政）", "常务副县长", "县委常委、县委办公室主任", "村委会副主任")
_PERSONNEL_LEADERS = ("县委常委、组织部部长", "党委委员、组织委员", "党组成员、副局长（机关事务）", "党组成员、副主任（机关事务）",
                      "常务副县长")


def _by_category(approval: tuple[str, ...], enforcement: tuple[str, ...], finance: tuple[str, ...],
                 personnel: tuple[str, ...], decision: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    groups = ((approval, (Category.LICENSING, Category.CONFIRMATION, Category.OTHER, Category.BENEFIT,
                          Category.REWARD, Category.ADJUDICATION, Category.LEVY)),
              (enforcement, (Category.PENALTY, Category.COERCION, Category.INSPECTION)),
              (finance, (Category.FINANCE, Category.PROCUREMENT)),
              (personnel, (Category.PERSONNEL,)), (decision, (Category.MAJOR_DECISION,)))
    return {str(category): names for names, categories in groups for category in categories}


POSTS_BY_ROLE: dict[str, dict[str, tuple[str, ...]]] = {
    # role → post names to try in a unit ("any" category unless the category has its own), first found wins.
    # A department is led by a 局长 or, at the 发改委, a 主任; a township's names say 镇 or 乡.
    "window": {"any": ("便民服务中心审批岗", "便民服务代办员", "行政审批岗", "县政府办综合岗", "县委办综合岗")},
    "handler": _by_category(_APPROVAL_STAFF, _ENFORCEMENT_STAFF, _FINANCE_STAFF, _CLERKS, _CLERKS),
    "leader": _by_category(_APPROVAL_LEADERS, _ENFORCEMENT_LEADERS, _FINANCE_LEADERS, _PERSONNEL_LEADERS,
                           _APPROVAL_LEADERS),
    # 行政首长: signs what the administration decides (a township's government head, not its party secretary)
    "principal": {"any": ("局长", "主任", "镇长", "乡长", "县长", "村党组织书记、村委会主任")},
    # who chairs the collective decision (党委会、党组会、常务会议、村两委) and speaks last
    "secretary": {"any": ("党委书记", "县委书记", "局长", "主任", "县长", "村党组织书记、村委会主任")},
    "clerk": {"any": _CLERKS},
    "finance": {"any": _FINANCE_STAFF},
    "legal": {"any": ("法制审核岗", "县委办综合岗")},
    "supervisor": {"any": ("村务监督委员会主任", "党委委员、纪委书记", "县委常委、纪委书记、监委主任")},
    "petition": {"any": ("党委副书记", "县委副书记", "县政府办公室主任")},
}

# Roles a unit without such a post sends to the nearest unit above that has one: a department or township
# has no legal reviewer of its own, so its 合法性审查 is done by the county government's (县司法局).
BORROWED_ROLES = frozenset({"legal"})


def post_names(role: str, category: str) -> tuple[str, ...]:
    table = POSTS_BY_ROLE[role]
    return table.get(category) or table.get("any") or table.get(Category.LICENSING) or ()
