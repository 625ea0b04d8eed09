"""办件: an application for a public power item walking the approved flow version it started on.

A case stores where it stands (its current step, when that step began, its indexed deadlines) and keeps
every step it took (CaseStep), every period its clock stood still (ClockStop), everything the applicant
was told (CaseNotice) and the materials they handed in (CaseMaterial). Nothing is edited in place: each action of cases.services appends, and recomputes
the deadlines from those rows with the official calendar (cases.deadlines), in one transaction with its
event.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from sunlit.cases.materials import KINDS, Kind
from sunlit.cases.storage import materials_storage
from sunlit.catalog.models import Category, PowerItem
from sunlit.core import clock
from sunlit.core.timelimits import LimitUnit
from sunlit.flows.models import FlowVersion, Step
from sunlit.org.models import Official, Unit


class Channel(models.TextChoices):
    PORTAL = "portal", "网上申请"
    COUNTER = "counter", "窗口受理"


class CaseState(models.TextChoices):
    OPEN = "open", "办理中"
    STOPPED = "stopped", "暂停计时"
    APPROVED = "approved", "已办结（准予）"
    REFUSED = "refused", "已办结（不予）"
    NOT_ACCEPTED = "not_accepted", "不予受理"
    WITHDRAWN = "withdrawn", "已撤回"
    VOIDED = "voided", "已作废"


OPEN_STATES = frozenset({CaseState.OPEN, CaseState.STOPPED})

DECIDED_STATES = frozenset({CaseState.APPROVED, CaseState.REFUSED})
"""办结: the cases that ended with a decision, the ones time limits and on-time rates are counted on."""

APPLIED_FOR = frozenset({Category.LICENSING, Category.BENEFIT, Category.CONFIRMATION, Category.ADJUDICATION,
                         Category.OTHER})
"""The kinds of power a person or company applies for (依申请): licences, benefits, confirmations, rulings
between parties and the other powers exercised on request. Penalties, coercion, levies, inspections and
rewards start on the authority's own motion (依职权), and internal powers are not applied for at all."""


class Case(models.Model):
    receipt = models.CharField("受理编号", max_length=48, unique=True)
    password_hash = models.CharField("查询密码（摘要）", max_length=200)
    item = models.ForeignKey(PowerItem, verbose_name="事项", on_delete=models.PROTECT, related_name="cases")
    unit = models.ForeignKey(Unit, verbose_name="办理单位", on_delete=models.PROTECT, related_name="cases")
    # No index on the references nothing looks cases up by (the version, who entered it, the current step): every
    # index is a page more to write on every step of every case (benchmarks/case_transitions.py).
    flow_version = models.ForeignKey(FlowVersion, verbose_name="流程版本", on_delete=models.PROTECT,
                                     related_name="cases", db_index=False)
    calendar = models.CharField("节假日适用范围", max_length=32)
    channel = models.CharField("申请方式", max_length=10, choices=Channel.choices)
    applicant_name = models.CharField("申请人", max_length=100)
    applicant_id_number = models.CharField("证件号码", max_length=40)
    applicant_contact = models.CharField("联系方式", max_length=100)
    subject = models.CharField("申请事项摘要", max_length=200, blank=True)
    received_at = models.DateTimeField("收件时间")
    entered_at = models.DateTimeField("录入时间", default=clock.now)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+", db_index=False)
    limit_unit = models.CharField("时限单位", max_length=10, choices=LimitUnit.choices)
    promised_limit = models.PositiveIntegerField("承诺时限", null=True, blank=True)
    promised_limit_unit = models.CharField("承诺时限单位", max_length=10, choices=LimitUnit.choices,
                                           default=LimitUnit.WORKING_DAYS)
    statutory_limit = models.PositiveIntegerField("法定时限", null=True, blank=True)
    state = models.CharField("状态", max_length=16, choices=CaseState.choices, default=CaseState.OPEN)
    current_step = models.ForeignKey(Step, verbose_name="当前环节", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", db_index=False)
    step_started_at = models.DateTimeField("当前环节开始时间", null=True, blank=True)
    step_due = models.DateField("当前环节期限", null=True, blank=True)
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    extension_days = models.PositiveIntegerField("延长天数", default=0)
    due = models.DateField("办结期限（承诺）", null=True, blank=True)
    statutory_due = models.DateField("办结期限（法定）", null=True, blank=True)
    due_confirmed = models.BooleanField("期限已按节假日安排确认", default=True)
    ended_at = models.DateTimeField("办结时间", null=True, blank=True)
    version = models.PositiveIntegerField("修订号", default=0)  # compare-and-swap for every action

    class Meta:
        verbose_name = verbose_name_plural = "办件"
        indexes = [
            models.Index(fields=["state", "step_due"], name="case_open_step_due"),
            models.Index(fields=["state", "due"], name="case_open_due"),
            models.Index(fields=["unit", "state"], name="case_unit_state"),
        ]

    def __str__(self) -> str:
        return self.receipt

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def past_due(self, today: dt.date) -> bool:
        """已超期: still open, its promised limit passed."""
        return self.is_open and self.due is not None and self.due < today

    @property
    def ended_late(self) -> bool:
        """超期办结: decided (approved or refused) after its promised limit."""
        return (self.state in DECIDED_STATES and self.due is not None and self.ended_at is not None
                and timezone.localdate(self.ended_at) > self.due)


class CaseStep(models.Model):
    """One step as the case took it: who did it, holding which post, with what opinion and outcome."""

    # Read by case (and by id, by the sweep's anomaly pass): no index on the other references, which every step
    # of every case would write.
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="steps")
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="+", db_index=False)
    started_at = models.DateTimeField("开始时间")
    due = models.DateField("环节期限", null=True, blank=True)
    done_at = models.DateTimeField("完成时间（办理人记录）")
    entered_at = models.DateTimeField("录入时间", default=clock.now)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="办理人", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+", db_index=False)
    official = models.ForeignKey(Official, verbose_name="办理干部", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", db_index=False)
    outcome = models.CharField("办理结果", max_length=60, blank=True)
    opinion = models.TextField("办理意见", blank=True)
    fee = models.DecimalField("实收费用（元）", max_digits=10, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "办件环节"
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}·{self.step_id}·{self.outcome}"

    @property
    def finished_late(self) -> bool:
        """Done after the end of its due day, on the local (Beijing) calendar day."""
        return self.due is not None and timezone.localtime(self.done_at).date() > self.due


class ClockStop(models.Model):
    """A period the law does not count (补正, 听证, 专家评审, 检验检测 …), with its legal ground."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="clock_stops")
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="+")
    legal_ground = models.CharField("法律依据", max_length=200)
    stopped_on = models.DateField("停止计时日期")
    restarted_on = models.DateField("恢复计时日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "暂停计时"
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}·{self.stopped_on}–{self.restarted_on or ''}"


class CaseMaterial(models.Model):
    """申请材料: one file the applicant handed in with the application, as cases.materials accepted it. The
    name is what they called it (cleaned), shown and downloaded by, never a path; the file lies under a
    random name in the data folder (cases.storage)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="materials")
    name = models.CharField("文件名", max_length=120)
    kind = models.CharField("文件类型", max_length=8, choices=[(k.key, k.label) for k in KINDS.values()])
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    file = models.FileField("文件", storage=materials_storage, max_length=200)
    uploaded_at = models.DateTimeField("上传时间", default=clock.now)

    class Meta:
        verbose_name = verbose_name_plural = "申请材料"
        ordering = ["case", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "sha256"], name="case_material_once")]

    def __str__(self) -> str:
        return f"{self.case_id}·{self.name}"

    @property
    def type(self) -> Kind:
        return KINDS[self.kind]


class NoticeKind(models.TextChoices):
    RECEIVED = "received", "收件"
    ACCEPTED = "accepted", "受理"
    CLOCK_STOPPED = "clock_stopped", "暂停计时"
    CLOCK_RESTARTED = "clock_restarted", "恢复计时"
    EXTENDED = "extended", "延长期限"
    ENDED = "ended", "办结"


class CaseNotice(models.Model):
    """What the applicant was told, when: what they read on the portal by receipt number and password."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField("类型", max_length=20, choices=NoticeKind.choices)
    text = models.TextField("告知内容")
    at = models.DateTimeField("告知时间", default=clock.now)

    class Meta:
        verbose_name = verbose_name_plural = "告知申请人"
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}·{self.get_kind_display()}"


class RatingLevel(models.TextChoices):
    """好差评 (国办发〔2019〕51号): five levels; the last two are bad ratings."""

    VERY_SATISFIED = "5", "非常满意"
    SATISFIED = "4", "满意"
    BASICALLY = "3", "基本满意"
    DISSATISFIED = "2", "不满意"
    VERY_DISSATISFIED = "1", "非常不满意"


BAD_RATINGS = frozenset({RatingLevel.DISSATISFIED, RatingLevel.VERY_DISSATISFIED})


class Rating(models.Model):
    """The applicant's rating of an ended case: one per case, never a default. A bad rating opens a
    follow-up with its deadline (watched by e-supervision like a step), closed by a call-back recording the
    applicant's answer. The comment is public only after review."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="rating")
    level = models.CharField("评价", max_length=1, choices=RatingLevel.choices)
    comment = models.TextField("评价内容", blank=True)
    comment_public = models.BooleanField("评价内容已审核公开", default=False)
    rated_at = models.DateTimeField("评价时间", default=clock.now)
    follow_up_due = models.DateField("整改期限", null=True, blank=True)
    follow_up_confirmed = models.BooleanField("整改期限已按节假日安排确认", default=True)
    followed_up_at = models.DateTimeField("回访时间", null=True, blank=True)
    followed_up_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="回访人", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    follow_up_note = models.TextField("整改及回访情况", blank=True)
    applicant_answer = models.CharField("申请人回访意见", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "好差评"
        indexes = [models.Index(fields=["level"], name="rating_level")]

    def __str__(self) -> str:
        return f"{self.case_id}·{self.get_level_display()}"

    @property
    def is_bad(self) -> bool:
        return self.level in BAD_RATINGS
