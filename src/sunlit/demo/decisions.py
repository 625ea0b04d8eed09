"""The demo county's major decisions (三重一大), July to September 2026, through the services as a county would
enter them: the county executive meeting (县政府常务会议) and its members, an observer pool, matters at every
stage (research only; a draft open for comment until the end of the year; a legality review under way; one
blocked by a failed legality review; one ready for the next meeting), and two past meetings with attendance,
withdrawals, statements in order, votes, drawn observers, signed minutes, published results and execution
reports (one report late, for e-supervision's card)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User

from sunlit.decisions import services
from sunlit.decisions.models import AgendaItem, BodyKind, BodyMember, Matter, Meeting, Position
from sunlit.decisions.permissions import SECRETARY
from sunlit.decisions.rules import MatterKind, Stage
from sunlit.org import services as org_services
from sunlit.org.models import Official, Role, Unit
from sunlit.record.sequencer import sequence_all

GOV = "YG-ZF"
MEMBERS = (("head", True), ("exec", False), ("dep_a", False), ("dep_b", False), ("dep_c", False))

# code, category, topics, units the person is related to (never drawn for their meetings)
POOL: list[tuple[str, str, str, tuple[str, ...], tuple[str, ...]]] = [
    ("OBS-0001", "expert", "刘建明", ("construction", "environment"), ()),
    ("OBS-0002", "expert", "黄晓燕", ("construction", "finance"), ()),
    ("OBS-0003", "expert", "邹国华", ("finance", "agriculture"), ()),
    ("OBS-0004", "expert", "谢文斌", ("construction",), ("YG-GH",)),
    ("OBS-0005", "expert", "曾丽萍", ("education", "health"), ()),
    ("OBS-0011", "retired", "钟永福", ("construction", "personnel", "livelihood"), ()),
    ("OBS-0012", "retired", "赖德明", ("personnel", "finance"), ()),
    ("OBS-0013", "retired", "温秀兰", ("livelihood", "agriculture"), ()),
    ("OBS-0021", "resident", "肖春生", ("construction", "livelihood"), ()),
    ("OBS-0022", "resident", "罗桂英", ("construction", "livelihood"), ()),
    ("OBS-0023", "resident", "朱大勇", ("construction",), ()),
    ("OBS-0024", "resident", "胡小梅", ("construction", "agriculture"), ()),
    ("OBS-0025", "resident", "叶建平", ("agriculture", "finance"), ()),
    ("OBS-0026", "resident", "潘玉珍", ("construction", "livelihood"), ("YG-ZF",)),
    ("OBS-0031", "member", "蔡志刚", ("personnel", "construction"), ()),
    ("OBS-0032", "member", "邓海燕", ("personnel", "finance"), ()),
    ("OBS-0041", "staff", "袁立新", ("finance", "personnel"), ()),
    ("OBS-0051", "deputy", "彭金水", ("construction", "finance"), ()),
    ("OBS-0052", "deputy", "傅春兰", ("finance", "agriculture", "personnel"), ()),
    ("OBS-0053", "deputy", "林志远", ("construction", "livelihood"), ()),
    ("OBS-0061", "cppcc", "杜文华", ("construction", "education"), ()),
    ("OBS-0062", "cppcc", "严冬梅", ("finance", "personnel"), ()),
]
RISKS = {
    "project": {"integrity": "工程招投标和变更签证环节存在围标串标、虚增工程量风险",
                "stability": "施工期间分片停水，可能引发居民投诉",
                "measures": "全程进入公共资源交易平台公开招标；变更签证须集体研究并公示；停水提前72小时公告并设临时供水点"},
    "funds": {"integrity": "资金分配中存在优亲厚友、虚报冒领风险",
              "stability": "分配不均可能引发村民上访",
              "measures": "分配因素法测算并公示；资金直达项目村；纪检全程监督，年底审计"},
    "parking": {"integrity": "收费资金管理存在截留挪用风险",
                "stability": "调价幅度较大，可能引发群众不满",
                "measures": "收费纳入财政专户；分时段阶梯收费；举行价格听证会"},
}


class DecisionsDemo:
    """Builds the decisions part of the demo on the builder's clock (`tl`, a demo Timeline)."""

    def __init__(self, tl: Any, *, units: dict[str, Unit], users: dict[str, User],
                 officials: dict[tuple[str, str], Official], admin: User) -> None:
        self.tl, self.units, self.admin = tl, units, admin
        self.secretary = users["zf_reviewer"]  # 县政府办公室主任: runs the executive meetings
        self.lawyer = users["zf_editor"]  # 县司法局法制审核员: legality review
        self.gh, self.cz = users["gh_editor"], users["cz_editor"]
        self.officials = officials

    def run(self) -> None:
        self.tl.start(dt.date(2026, 7, 1), 9, 0)
        org_services.membership_grant(user=self.secretary, unit=self.units[GOV], role=SECRETARY, actor=self.admin)
        org_services.membership_grant(user=self.lawyer, unit=self.units[GOV], role=Role.LEGAL_REVIEWER, actor=self.admin)
        self.body = services.body_create(unit=self.units[GOV], kind=BodyKind.GOVERNMENT_EXECUTIVE, name="县政府常务会议",
                                         actor=self.secretary)
        self.members = [self._member(role, principal) for role, principal in MEMBERS]
        for code, category, name, topics, conflicts in POOL:
            services.observer_add(code=code, name=name, category=category, topics=list(topics),
                                  conflict_units=list(conflicts), contact=f"1390797{code[-4:]}", actor=self.secretary)
        self.tl.step(30)
        self.first_meeting()
        self.second_meeting()
        self.open_matters()

    def _member(self, role: str, principal: bool) -> BodyMember:
        official = self.officials[(GOV, role)]
        if official.user_id is None:  # members sign minutes with a login of their own (no password in the demo)
            user = User.objects.create(username=f"zf_{role}", first_name=official.name)
            user.set_unusable_password()
            user.save(update_fields=["password"])
            official = org_services.official_change(official=official, user=user, actor=self.admin)
            self.officials[(GOV, role)] = official
        return services.body_member_add(body=self.body, official=official, principal=principal, actor=self.secretary)

    # --- matters ------------------------------------------------------------------------------------

    def _matter(self, kind: str, title: str, summary: str, sponsor: User, unit: str, office: str, topic: str,
                **extra: Any) -> Matter:
        return services.matter_create(unit=self.units[unit], kind=kind, title=title, summary=summary,
                                      sponsor_office=office, topic=topic, actor=sponsor, **extra)

    def _documents(self, matter: Matter, sponsor: User, risk: str | None = None) -> None:
        texts = {Stage.RESEARCH: f"关于{matter.title}的调研报告：实地走访、座谈和数据分析情况。",
                 Stage.DRAFT: f"{matter.title}（草案）。"}
        for stage, text in texts.items():
            if matter.requires(stage):
                services.stage_record(matter=matter, stage=stage, body=text, actor=sponsor)
                self.tl.step(60)
        if risk is not None and matter.requires(Stage.RISK):
            services.stage_record(matter=matter, stage=Stage.RISK, body="社会稳定和廉政风险评估报告。",
                                  data=RISKS[risk], actor=sponsor)

    def _consult(self, matter: Matter, sponsor: User, closes: dt.date, comments: list[str]) -> Any:
        today = self.tl.clock.now().date()
        consultation = services.consultation_open(
            matter=matter, draft_text=f"{matter.title}（征求意见稿）：{matter.summary}", opens_on=today,
            closes_on=closes, actor=sponsor)
        for text in comments:
            self.tl.step(90)
            services.consultation_comment(consultation=consultation, body=text)
        return consultation

    def _expert(self, matter: Matter, sponsor: User, opinion: str) -> None:
        expert = services.expert_add(name="孙伟民", field="给排水工程", organisation="江西理工大学",
                                     unit=matter.unit, actor=sponsor)
        services.expert_opinion_record(matter=matter, expert=expert, opinion=opinion, actor=sponsor)

    # --- the first meeting: 5 August ---------------------------------------------------------------------

    def first_meeting(self) -> None:
        water = self._matter(MatterKind.PROJECT, "县城老旧供水管网改造工程",
                             "改造县城2000年以前铺设的老旧供水管网38公里，总投资1.2亿元，分两期实施。", self.gh, "YG-GH",
                             "建设工程质量安全监督站", "construction", amount="120000000")
        funds = self._matter(MatterKind.FUNDS, "2026年县级财政衔接推进乡村振兴补助资金分配方案",
                             "县级财政衔接资金3000万元，按因素法分配到12个行政村的产业和基础设施项目。", self.cz, "YG-CZ",
                             "预算股", "agriculture", amount="30000000")
        self._documents(water, self.gh, "project")
        self._documents(funds, self.cz, "funds")
        consultation = self._consult(water, self.gh, dt.date(2026, 7, 30), [
            "建议先改造城东片区，夏天经常停水。", "施工时请不要同时挖开几条街，老人出行不方便。",
            "希望公布每段管网的施工时间表。"])
        self._expert(water, self.gh, "方案技术可行，建议采用球墨铸铁管并同步建设分区计量。")
        reviews = [services.legality_submit(matter=m, actor=s) for m, s in ((water, self.gh), (funds, self.cz))]
        self.tl.start(dt.date(2026, 7, 14), 10, 0)
        for review in reviews:
            services.legality_conclude(review=review, passed=True, opinion="决策事项在县政府权限内，程序符合规定，未发现违法情形。",
                                       actor=self.lawyer)
        self.tl.start(dt.date(2026, 7, 31), 10, 0)
        services.consultation_answer(consultation=consultation,
                                     summary="收到意见3条，全部采纳：城东片区列为一期；分段施工、错峰开挖；施工时间表在政府网站公布。",
                                     actor=self.gh)
        self.tl.start(dt.date(2026, 8, 3), 9, 0)
        meeting = services.meeting_create(body=self.body, title="县政府第8次常务会议", place="县政府三楼常务会议室",
                                          starts_at=dt.datetime(2026, 8, 5, 9, 0, tzinfo=self.tl.clock.at.tzinfo),
                                          actor=self.secretary)
        items = [services.agenda_add(meeting=meeting, matter=m, actor=self.secretary) for m in (water, funds)]
        self._draw(meeting, "construction", {"expert": 1, "resident": 2, "deputy": 1},
                   "中国福利彩票双色球第2026088期开奖号码（2026年8月4日开奖）", "04 09 15 22 27 31 + 06",
                   dt.date(2026, 8, 4))
        self.tl.start(dt.date(2026, 8, 5), 9, 0)
        self._attend(meeting, absent={})
        water_item, funds_item = items
        self._state(water_item, {"dep_b": (Position.DISAGREE, "一期投资过大，建议压缩到2000万元以内")})
        services.conclusion_record(item=water_item, adopted=True, decision="原则同意，分两期实施，一期改造城东片区15公里。",
                                   actor=self.secretary)
        services.withdrawal_declare(item=funds_item, member=self._m("dep_c"), reason="其配偶为受益村党支部书记",
                                    actor=self.secretary)
        self._state(funds_item, {})
        self._vote(funds_item, {"exec": Position.ABSTAIN})
        services.conclusion_record(item=funds_item, adopted=True, decision="同意分配方案，资金9月底前拨付到村。",
                                   actor=self.secretary)
        self._close(meeting)
        self._publish(water_item, "县政府决定实施县城老旧供水管网改造工程，一期改造城东片区15公里。")
        self._publish(funds_item, "县政府同意2026年县级财政衔接推进乡村振兴补助资金3000万元分配方案。")
        self.tl.start(dt.date(2026, 8, 6), 10, 0)
        execution = services.execution_assign(item=water_item, owner=self.officials[(GOV, "dep_a")], every_days=30,
                                              actor=self.secretary)
        services.execution_assign(item=funds_item, owner=self.officials[(GOV, "exec")], every_days=120,
                                  actor=self.secretary)
        self.tl.start(dt.date(2026, 9, 4), 15, 0)
        owner = self.officials[(GOV, "dep_a")].user
        services.progress_report(execution=execution, body="一期工程已完成招标，8月28日开工，已铺设3.2公里。", user=owner)
        # The next report, due early October, never comes: the final sweep of the demo raises a red card.

    # --- the second meeting: 9 September, the county head away --------------------------------------------

    def second_meeting(self) -> None:
        self.tl.start(dt.date(2026, 8, 17), 9, 0)
        appointment = self._matter(MatterKind.APPOINTMENT, "任命县交通运输局局长",
                                   "拟任命现县交通运输局副局长为县交通运输局局长，试用期一年。", self.lawyer, GOV,
                                   "县政府办公室（人事）", "personnel")
        services.stage_record(matter=appointment, stage=Stage.RESEARCH,
                              body="考察组对拟任人选进行民主推荐、个别谈话和实绩考核，考察结论：优秀。", actor=self.lawyer)
        grain = self._matter(MatterKind.FUNDS, "县粮食储备库维修改造资金安排", "安排县级资金680万元维修改造县粮食储备库。",
                             self.cz, "YG-CZ", "预算股", "finance", amount="6800000")
        self._documents(grain, self.cz, "funds")
        review = services.legality_submit(matter=grain, actor=self.cz)
        self.tl.start(dt.date(2026, 8, 28), 10, 0)
        services.legality_conclude(review=review, passed=True, opinion="资金安排符合预算法规定，程序合法。", actor=self.lawyer)
        self.tl.start(dt.date(2026, 9, 7), 9, 0)
        meeting = services.meeting_create(body=self.body, title="县政府第9次常务会议", place="县政府三楼常务会议室",
                                          starts_at=dt.datetime(2026, 9, 9, 9, 0, tzinfo=self.tl.clock.at.tzinfo),
                                          actor=self.secretary)
        items = [services.agenda_add(meeting=meeting, matter=m, actor=self.secretary) for m in (appointment, grain)]
        self._draw(meeting, "finance", {"expert": 1, "retired": 1, "deputy": 1, "cppcc": 1},
                   "中国福利彩票双色球第2026103期开奖号码（2026年9月8日开奖）", "02 11 13 19 26 33 + 14",
                   dt.date(2026, 9, 8))
        self.tl.start(dt.date(2026, 9, 9), 9, 0)
        self._attend(meeting, absent={"head": "赴省参加全省县长培训班"})
        services.presider_name(meeting=meeting, member=self._m("exec"), actor=self.secretary)
        for item in items:
            self._state(item, {}, last="exec")
            self._vote(item, {})
        services.conclusion_record(item=items[0], adopted=True, decision="同意任命，按程序办理任职手续。",
                                   actor=self.secretary)
        services.conclusion_record(item=items[1], adopted=True, decision="同意安排680万元，年内完工。",
                                   actor=self.secretary)
        self._close(meeting)
        self._publish(items[0], "县政府决定任命县交通运输局局长，试用期一年。")
        self._publish(items[1], "县政府同意安排县粮食储备库维修改造资金680万元。")

    # --- matters still on their way ------------------------------------------------------------------------

    def open_matters(self) -> None:
        self.tl.start(dt.date(2026, 9, 7), 14, 0)
        parking = self._matter(MatterKind.DECISION, "县城区机动车停放服务收费标准调整",
                               "县城区道路停车泊位由按次收费调整为按时段阶梯收费。", self.gh, "YG-GH", "城乡规划建设股",
                               "livelihood")
        self._documents(parking, self.gh, "parking")
        review = services.legality_submit(matter=parking, actor=self.gh)
        school = self._matter(MatterKind.PROJECT, "县第三中学新建工程", "新建48个班的初级中学一所，总投资2.6亿元。",
                              self.gh, "YG-GH", "建筑业管理股", "education", amount="260000000")
        self._documents(school, self.gh, "project")
        self._consult(school, self.gh, dt.date(2026, 12, 31), ["建议增加学生宿舍，方便乡镇学生寄宿。"])
        library = self._matter(MatterKind.DECISION, "县图书馆免费开放时间延长", "县图书馆每日开放时间延长至晚上9点。",
                               self.gh, "YG-GH", "综合岗", "education")
        services.stage_record(matter=library, stage=Stage.RESEARCH, body="读者问卷调查报告：七成读者希望延长晚间开放。",
                              actor=self.gh)
        bridge = self._matter(MatterKind.FUNDS, "河山乡危桥改造资金安排", "安排县级资金450万元改造河山乡3座危桥。",
                              self.cz, "YG-CZ", "预算股", "construction", amount="4500000")
        self._documents(bridge, self.cz, "funds")
        pending = services.legality_submit(matter=bridge, actor=self.cz)
        self.tl.start(dt.date(2026, 9, 18), 10, 0)
        services.legality_conclude(review=review, passed=False, actor=self.lawyer,
                                   opinion="调价未履行价格听证程序，违反《政府制定价格听证办法》第三条，不得提交会议审议。")
        assert pending.passed is None  # still under review: the demo keeps one

    # --- meeting helpers ------------------------------------------------------------------------------------

    def _m(self, role: str) -> BodyMember:
        official = self.officials[(GOV, role)]
        return next(m for m in self.members if m.official_id == official.pk)

    def _draw(self, meeting: Meeting, topic: str, quotas: dict[str, int], source: str, value: str,
              announced: dt.date) -> None:
        """Set up and freeze before the named lottery draw; the value entered the morning after it."""
        services.draw_prepare(meeting=meeting, topic=topic, quotas=quotas, external_source=source, actor=self.secretary)
        services.draw_freeze(meeting=meeting, actor=self.secretary)
        sequence_all()  # the pool's leaf and the checkpoint the seed will use
        self.tl.start(announced + dt.timedelta(days=1), 8, 45)
        services.draw_complete(meeting=meeting, external_value=value, actor=self.secretary)

    def _attend(self, meeting: Meeting, absent: dict[str, str]) -> None:
        for role, _ in MEMBERS:
            services.attendance_record(meeting=meeting, member=self._m(role), present=role not in absent,
                                       note=absent.get(role, ""), actor=self.secretary)

    def _state(self, item: AgendaItem, positions: dict[str, tuple[str, str]], last: str = "head") -> None:
        withdrawn = set(item.withdrawals.values_list("member_id", flat=True))
        order = [r for r, _ in MEMBERS if r != last] + [last]
        present = set(item.meeting.attendance.filter(present=True).values_list("member_id", flat=True))
        for role in order:
            member = self._m(role)
            if member.pk in withdrawn or member.pk not in present:
                continue
            position, reasons = positions.get(role, (Position.AGREE, ""))
            services.statement_make(item=item, member=member, position=position, reasons=reasons, actor=self.secretary)
            self.tl.step(5)

    def _vote(self, item: AgendaItem, choices: dict[str, str]) -> None:
        withdrawn = set(item.withdrawals.values_list("member_id", flat=True))
        present = set(item.meeting.attendance.filter(present=True).values_list("member_id", flat=True))
        for role, _ in MEMBERS:
            member = self._m(role)
            if member.pk in present and member.pk not in withdrawn:
                services.vote_cast(item=item, member=member, choice=choices.get(role, Position.AGREE),
                                   actor=self.secretary)

    def _close(self, meeting: Meeting) -> None:
        self.tl.step(30)
        minutes = services.minutes_generate(meeting=meeting, actor=self.secretary)
        self.tl.step(20)
        for member in self.members:
            if meeting.attendance.filter(member=member, present=True).exists():
                services.minutes_sign(minutes=minutes, user=member.official.user)

    def _publish(self, item: AgendaItem, text: str) -> None:
        self.tl.next_workday(1, 10, 0)
        services.decision_publish(item=item, body=text, actor=self.secretary)
