"""三重一大: a major matter (重大事项) passes its mandatory stages, reaches a meeting's agenda, is stated on
by every member present in order with the principal last, voted on where its kind requires, concluded,
minuted and signed; observers drawn from a pool watch it.

Nothing of a meeting's record is edited in place: statements, votes, withdrawals, refusals and
signatures are appended once (record.models.AppendOnly); signed minutes refuse every change, and a
correction is new minutes linked to the old. decisions.services writes all of it, one transaction and
one event per action.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from sunlit.core import clock
from sunlit.core.models import AppendOnlyError
from sunlit.core.visibility import Exemption, Visibility, open_q, publishable
from sunlit.decisions.rules import MatterKind, Stage
from sunlit.org.models import Official, Unit
from sunlit.record.models import AppendOnly

USER = settings.AUTH_USER_MODEL


class Topic(models.TextChoices):
    """议题 areas: what a meeting discusses, and what an observer may watch."""

    LIVELIHOOD = "livelihood", "民生保障"
    CONSTRUCTION = "construction", "城乡建设"
    FINANCE = "finance", "财政资金"
    EDUCATION = "education", "教育文化"
    HEALTH = "health", "医疗卫生"
    AGRICULTURE = "agriculture", "农业农村"
    ENVIRONMENT = "environment", "生态环境"
    PERSONNEL = "personnel", "干部人事"


class KindRule(models.Model):
    """Which stages a kind of matter requires, and whether it is voted on (票决): configuration, seeded with
    the defaults of decisions.rules and editable by administrators, its source shown."""

    kind = models.CharField("事项类别", max_length=16, choices=MatterKind.choices, unique=True)
    stages = models.JSONField("必经程序", default=list)
    vote = models.BooleanField("须票决", default=False)
    source = models.CharField("依据", max_length=300)

    class Meta:
        verbose_name = verbose_name_plural = "三重一大程序配置"

    def __str__(self) -> str:
        return self.get_kind_display()


class MatterStatus(models.TextChoices):
    PREPARING = "preparing", "议前程序中"
    SCHEDULED = "scheduled", "已列入议程"
    DECIDED = "decided", "已作出决定"


def _matter_public() -> models.Q:
    return open_q()


@publishable(_matter_public)
class Matter(Visibility):
    """重大事项: one matter from research to result. The stages it requires are copied from its kind's rule
    when it is proposed, so a later change of configuration never changes an open matter's record."""

    unit = models.ForeignKey(Unit, verbose_name="决策单位", on_delete=models.PROTECT, related_name="matters")
    kind = models.CharField("事项类别", max_length=16, choices=MatterKind.choices)
    title = models.CharField("事项名称", max_length=200)
    summary = models.TextField("事项概要")
    amount = models.DecimalField("金额（元）", max_digits=16, decimal_places=2, null=True, blank=True)
    sponsor_office = models.CharField("承办科室", max_length=100)
    topic = models.CharField("议题领域", max_length=16, choices=Topic.choices)
    required_stages = models.JSONField("必经程序", default=list)
    vote_required = models.BooleanField("须票决", default=False)
    status = models.CharField("状态", max_length=16, choices=MatterStatus.choices, default=MatterStatus.PREPARING)
    proposed_by = models.ForeignKey(USER, verbose_name="提出人", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("提出时间", default=clock.now)

    class Meta:
        verbose_name = verbose_name_plural = "重大事项"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def requires(self, stage: str) -> bool:
        return stage in self.required_stages


class StageRecord(AppendOnly):
    """The record of a stage that is a document: the research report (调研报告 / 考察材料), the draft (决策草案)
    or the risk assessment (风险评估: integrity and social-stability risks with their measures, in `data`).
    Appended: a revised draft is a new record; the latest of each stage counts."""

    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="stage_records")
    stage = models.CharField("程序", max_length=16, choices=Stage.choices)
    text = models.TextField("内容")
    data = models.JSONField("结构化内容", default=dict, blank=True)
    author = models.ForeignKey(USER, verbose_name="录入人", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("时间", default=clock.now)

    class Meta:
        verbose_name = verbose_name_plural = "程序记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.matter}·{self.get_stage_display()}"


@publishable(lambda: open_q("matter__"))
class Consultation(models.Model):
    """公众参与: the comment period (征求意见) on the draft, and the unit's summary answering the comments."""

    matter = models.OneToOneField(Matter, on_delete=models.PROTECT, related_name="consultation")
    draft_text = models.TextField("征求意见稿")
    opens_on = models.DateField("开始日期")
    closes_on = models.DateField("截止日期")
    shorter_reason = models.TextField("期限少于30日的理由", blank=True)
    answer_summary = models.TextField("意见采纳情况说明", blank=True)
    answered_at = models.DateTimeField("说明发布时间", null=True, blank=True)
    opened_by = models.ForeignKey(USER, verbose_name="发布人", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "公众参与"

    def __str__(self) -> str:
        return f"{self.matter}（{self.opens_on}至{self.closes_on}）"


class Comment(AppendOnly):
    """A resident's comment on the portal during the comment period. Name and contact are never public."""

    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="comments")
    name = models.CharField("姓名", max_length=50, blank=True)
    contact = models.CharField("联系方式", max_length=100, blank=True)
    text = models.TextField("意见")
    at = models.DateTimeField("时间", default=clock.now)

    class Meta:
        verbose_name = verbose_name_plural = "公众意见"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.consultation.matter}·{self.at:%Y-%m-%d}"


class Expert(models.Model):
    """专家库: experts who may be asked to review a matter."""

    name = models.CharField("姓名", max_length=50)
    field = models.CharField("专业领域", max_length=100)
    organisation = models.CharField("工作单位", max_length=100)
    active = models.BooleanField("在库", default=True)
    added_at = models.DateTimeField("入库时间", default=clock.now)

    class Meta:
        verbose_name = verbose_name_plural = "专家库"
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.field}）"


class ExpertOpinion(AppendOnly):
    """专家论证: one expert's opinion on a matter, as the expert gave it."""

    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="expert_opinions")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="opinions")
    opinion = models.TextField("论证意见")
    entered_by = models.ForeignKey(USER, verbose_name="录入人", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("时间", default=clock.now)

    class Meta:
        verbose_name = verbose_name_plural = "专家论证意见"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.matter}·{self.expert.name}"


class LegalityReview(models.Model):
    """合法性审查 by the legal office: submitted on a day, concluded (passed or failed, with its opinion) no
    sooner than the least working days later on the unit's calendar. The latest review counts."""

    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="legality_reviews")
    submitted_on = models.DateField("送审日期")
    earliest_on = models.DateField("最早结论日期")
    earliest_confirmed = models.BooleanField("日期已按节假日安排确认", default=True)
    submitted_by = models.ForeignKey(USER, verbose_name="送审人", on_delete=models.PROTECT, related_name="+")
    passed = models.BooleanField("审查结论（通过）", null=True, blank=True)
    opinion = models.TextField("审查意见", blank=True)
    concluded_on = models.DateField("结论日期", null=True, blank=True)
    reviewer = models.ForeignKey(USER, verbose_name="审查人", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "合法性审查"
        ordering = ["submitted_on", "id"]

    def __str__(self) -> str:
        return f"{self.matter}·合法性审查（{self.submitted_on}）"


# ------------------------------------------------------------------------------------------- meetings

class BodyKind(models.TextChoices):
    PARTY_COMMITTEE = "party_committee", "党委会"
    GOVERNMENT_EXECUTIVE = "government_executive", "政府常务会议"
    BUREAU_OFFICE = "bureau_office", "局长办公会议"


class Body(models.Model):
    """A deciding body (决策机构) of a unit and its members."""

    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="bodies")
    kind = models.CharField("类型", max_length=24, choices=BodyKind.choices)
    name = models.CharField("名称", max_length=100)

    class Meta:
        verbose_name = verbose_name_plural = "决策机构"
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="decisions_body_unique_name")]

    def __str__(self) -> str:
        return self.name


class BodyMember(models.Model):
    """A member of a body: an official with a login (who signs the minutes with it). One is the principal."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="members")
    official = models.ForeignKey(Official, verbose_name="干部", on_delete=models.PROTECT, related_name="+")
    is_principal = models.BooleanField("主要负责人", default=False)
    position = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("在任", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "决策机构成员"
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["body", "official"], name="decisions_member_once"),
            models.UniqueConstraint(fields=["body"], condition=models.Q(is_principal=True, active=True),
                                    name="decisions_one_principal"),
        ]

    def __str__(self) -> str:
        return self.official.name


class MeetingState(models.TextChoices):
    PLANNED = "planned", "筹备中"
    CLOSED = "closed", "已闭会（纪要待签）"
    SIGNED = "signed", "纪要已签"


@publishable(lambda: open_q())
class Meeting(Visibility):
    """A meeting of a body: its agenda of ready matters, attendance, and who presides in the principal's
    place when the principal is absent or withdrawn (that member then speaks last)."""

    body = models.ForeignKey(Body, verbose_name="决策机构", on_delete=models.PROTECT, related_name="meetings")
    title = models.CharField("会议名称", max_length=200)
    starts_at = models.DateTimeField("召开时间")
    place = models.CharField("地点", max_length=200, blank=True)
    state = models.CharField("状态", max_length=16, choices=MeetingState.choices, default=MeetingState.PLANNED)
    acting_presider = models.ForeignKey(BodyMember, verbose_name="代为主持", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(USER, verbose_name="会议秘书", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", default=clock.now)

    class Meta:
        verbose_name = verbose_name_plural = "会议"
        ordering = ["-starts_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    """Whether a member attended (出席) or not (缺席, with the reason: 请假, 出差…)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendance")
    member = models.ForeignKey(BodyMember, on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField("出席")
    note = models.CharField("缺席原因", max_length=200, blank=True)
    recorded_at = models.DateTimeField("记录时间", default=clock.now)

    class Meta:
        verbose_name = verbose_name_plural = "出席情况"
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="decisions_attendance_once")]

    def __str__(self) -> str:
        return f"{self.member}·{'出席' if self.present else '缺席'}"


class AgendaItem(models.Model):
    """A matter on a meeting's agenda, and its conclusion (结论) once reached."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="agenda")
    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="agenda_items")
    position = models.PositiveSmallIntegerField("议程序号")
    adopted = models.BooleanField("结论（通过）", null=True, blank=True)
    conclusion = models.TextField("决定内容", blank=True)
    reasons = models.TextField("与多数意见不一致的理由", blank=True)
    dissent = models.JSONField("不同意见", default=list, blank=True)
    concluded_at = models.DateTimeField("作出决定时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "议程"
        ordering = ["meeting", "position"]
        constraints = [models.UniqueConstraint(fields=["meeting", "matter"], name="decisions_agenda_once")]

    def __str__(self) -> str:
        return f"{self.meeting}·{self.position}.{self.matter}"


class Withdrawal(AppendOnly):
    """回避: a member related to the matter declares it and takes no part in its discussion or vote."""

    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="withdrawals")
    member = models.ForeignKey(BodyMember, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField("回避事由")
    at = models.DateTimeField("时间", default=clock.now)

    class Meta:
        verbose_name = verbose_name_plural = "回避"
        constraints = [models.UniqueConstraint(fields=["item", "member"], name="decisions_withdrawal_once")]

    def __str__(self) -> str:
        return f"{self.member}回避{self.item}"


class Position(models.TextChoices):
    AGREE = "agree", "同意"
    DISAGREE = "disagree", "不同意"
    ABSTAIN = "abstain", "弃权"


class Statement(AppendOnly):
    """表态: a member's position on an agenda matter, in the order given (`sequence` 1, 2, …)."""

    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="statements")
    member = models.ForeignKey(BodyMember, on_delete=models.PROTECT, related_name="+")
    sequence = models.PositiveSmallIntegerField("发言顺序")
    position = models.CharField("表态", max_length=10, choices=Position.choices)
    reasons = models.TextField("理由", blank=True)
    at = models.DateTimeField("时间", default=clock.now)
    entered_by = models.ForeignKey(USER, verbose_name="记录人", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "表态发言"
        ordering = ["item", "sequence"]
        constraints = [models.UniqueConstraint(fields=["item", "member"], name="decisions_statement_once"),
                       models.UniqueConstraint(fields=["item", "sequence"], name="decisions_statement_sequence")]

    def __str__(self) -> str:
        return f"{self.sequence}. {self.member}：{self.get_position_display()}"


class StatementRefusal(AppendOnly):
    """A statement the procedure refused (末位表态: the principal before every other member present), kept in
    the meeting's record."""

    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="refusals")
    member = models.ForeignKey(BodyMember, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField("拒绝原因")
    at = models.DateTimeField("时间", default=clock.now)
    entered_by = models.ForeignKey(USER, verbose_name="记录人", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "被拒绝的表态"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.member}·{self.reason}"


class Vote(AppendOnly):
    """票决: a member's vote on an agenda matter whose kind requires one."""

    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="votes")
    member = models.ForeignKey(BodyMember, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField("票决", max_length=10, choices=Position.choices)
    at = models.DateTimeField("时间", default=clock.now)

    class Meta:
        verbose_name = verbose_name_plural = "票决"
        constraints = [models.UniqueConstraint(fields=["item", "member"], name="decisions_vote_once")]

    def __str__(self) -> str:
        return f"{self.member}：{self.get_choice_display()}"


class MinutesQuerySet(models.QuerySet["Minutes"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("会议纪要只能逐份修改（签字前），不能批量修改")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("会议纪要不能删除")


class Minutes(models.Model):
    """会议纪要, generated from the meeting's record and signed by each attendee. Once one attendee has
    signed, the text never changes; a correction is new minutes that point at the old."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="minutes")
    text = models.TextField("纪要")
    corrects = models.ForeignKey("self", verbose_name="更正", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="corrections")
    reason = models.TextField("更正理由", blank=True)
    created_by = models.ForeignKey(USER, verbose_name="生成人", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("生成时间", default=clock.now)

    objects = MinutesQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "会议纪要"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.meeting}·纪要{'（更正）' if self.corrects_id else ''}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding and MinutesSignature.objects.filter(minutes_id=self.pk).exists():
            raise AppendOnlyError("纪要已签字，不能修改；如需更正，请另行生成更正纪要")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("会议纪要不能删除")


class MinutesSignature(AppendOnly):
    """An attendee's signature on minutes, made with the attendee's own login."""

    minutes = models.ForeignKey(Minutes, on_delete=models.PROTECT, related_name="signatures")
    member = models.ForeignKey(BodyMember, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(USER, verbose_name="签字账号", on_delete=models.PROTECT, related_name="+")
    text_sha256 = models.CharField("所签纪要摘要", max_length=64)
    at = models.DateTimeField("签字时间", default=clock.now)

    class Meta:
        verbose_name = verbose_name_plural = "纪要签字"
        constraints = [models.UniqueConstraint(fields=["minutes", "member"], name="decisions_sign_once")]

    def __str__(self) -> str:
        return f"{self.member}签字"


# ------------------------------------------------------------------------------------------- observers

class ObserverCategory(models.TextChoices):
    EXPERT = "expert", "专家学者"
    RETIRED = "retired", "老干部代表"
    RESIDENT = "resident", "基层群众"
    MEMBER = "member", "普通党员"
    STAFF = "staff", "机关干部"
    DEPUTY = "deputy", "人大代表"
    CPPCC = "cppcc", "政协委员"


class Observer(models.Model):
    """旁听人员库: a person who may be drawn to observe meetings on their topics. `conflict_units`: the units
    (codes) the person is related to; they are never drawn for those units' meetings or matters."""

    code = models.CharField("库内编号", max_length=32, unique=True)
    name = models.CharField("姓名", max_length=50)
    category = models.CharField("类别", max_length=16, choices=ObserverCategory.choices)
    topics = models.JSONField("可旁听议题", default=list)
    contact = models.CharField("联系方式", max_length=100, blank=True)
    conflict_units = models.JSONField("利害关系单位", default=list, blank=True)
    active = models.BooleanField("在库", default=True)
    added_at = models.DateTimeField("入库时间", default=clock.now)

    class Meta:
        verbose_name = verbose_name_plural = "旁听人员库"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def topic_labels(self) -> list[str]:
        return [Topic(t).label for t in self.topics or [] if t in Topic.values]


@publishable(lambda: models.Q(frozen_at__isnull=False) & open_q("meeting__"))
class ObserverDraw(models.Model):
    """A meeting's draw of observers: set up (topic, quotas, the external value's source named in advance),
    its eligible pool frozen and logged, then drawn from the seed (decisions.draw)."""

    meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, related_name="draw")
    topic = models.CharField("议题领域", max_length=16, choices=Topic.choices)
    quotas = models.JSONField("各类别人数", default=dict)
    external_source = models.CharField("外部随机值来源", max_length=300)
    prepared_by = models.ForeignKey(USER, verbose_name="设置人", on_delete=models.PROTECT, related_name="+")
    prepared_at = models.DateTimeField("设置时间", default=clock.now)
    pool = models.JSONField("候选人员库", null=True, blank=True)
    pool_sha256 = models.CharField("候选人员库摘要", max_length=64, blank=True)
    frozen_at = models.DateTimeField("冻结时间", null=True, blank=True)
    external_value = models.CharField("外部随机值", max_length=300, blank=True)
    checkpoint_size = models.BigIntegerField("所用检查点大小", null=True, blank=True)
    seed = models.CharField("种子", max_length=64, blank=True)
    drawn = models.JSONField("抽中人员", default=list, blank=True)
    drawn_at = models.DateTimeField("抽取时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "旁听人员抽取"

    def __str__(self) -> str:
        return f"{self.meeting}·旁听抽取"


# ------------------------------------------------------------------------------------------- result and execution


@publishable(lambda: models.Q(exemption=Exemption.NONE) & open_q("item__matter__") & open_q("item__meeting__"))
class Publication(models.Model):
    """决策公开: the decision as published on the portal, or, when exempt (state secret, commercial secret,
    personal privacy), the exemption with its reason, which supervisors review."""

    item = models.OneToOneField(AgendaItem, on_delete=models.PROTECT, related_name="publication")
    text = models.TextField("公开内容")
    exemption = models.CharField("豁免情形", max_length=24, choices=Exemption.choices, default=Exemption.NONE)
    exemption_reason = models.TextField("不予公开的理由", blank=True)
    published_at = models.DateTimeField("公开时间", default=clock.now)
    published_by = models.ForeignKey(USER, verbose_name="经办人", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "决策公开"
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return f"{self.item.matter}·{'公开' if self.exemption == Exemption.NONE else self.get_exemption_display()}"


class Execution(models.Model):
    """决策执行: who carries out an adopted decision and how often they report its progress; the next report's
    due date is watched by e-supervision (core.watch: late → a card)."""

    item = models.OneToOneField(AgendaItem, on_delete=models.PROTECT, related_name="execution")
    owner = models.ForeignKey(Official, verbose_name="执行责任人", on_delete=models.PROTECT, related_name="+")
    every_days = models.PositiveSmallIntegerField("报告周期（日）")
    next_due = models.DateField("下次报告期限", null=True, blank=True)
    assigned_by = models.ForeignKey(USER, verbose_name="交办人", on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField("交办时间", default=clock.now)

    class Meta:
        verbose_name = verbose_name_plural = "决策执行"

    def __str__(self) -> str:
        return f"{self.item.matter}·{self.owner.name}"


class ProgressReport(AppendOnly):
    """A progress report on a decision's execution (执行情况报告)."""

    execution = models.ForeignKey(Execution, on_delete=models.PROTECT, related_name="reports")
    text = models.TextField("执行情况")
    finished = models.BooleanField("已执行完毕", default=False)
    at = models.DateTimeField("报告时间", default=clock.now)
    by = models.ForeignKey(USER, verbose_name="报告人", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "执行情况报告"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.execution}·{self.at:%Y-%m-%d}"


class Evaluation(AppendOnly):
    """决策后评估: how the decision worked out, recorded after execution."""

    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="evaluations")
    text = models.TextField("评估意见")
    at = models.DateTimeField("评估时间", default=clock.now)
    by = models.ForeignKey(USER, verbose_name="评估录入人", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "决策后评估"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.item.matter}·评估"
