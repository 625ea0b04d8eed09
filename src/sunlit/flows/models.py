"""制权: every power on a published flow chart (流程图).

A Flow is the identity of a chart: a category template of a unit (类别流程图, the default for that
unit's items of the category) or an item's own flow (项目流程图, which overrides the template). Its
content lives in FlowVersion rows, written once and reviewed by another person as item versions are;
only the approved, published version is public, and a case keeps the version it started on. Steps and
transitions are this app's own tables: the chart a resident reads and the rails a case runs on are the
same rows.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from sunlit.catalog.models import Category, PowerItem, public_item_q
from sunlit.core import clock
from sunlit.core.timelimits import LimitUnit
from sunlit.core.versioning import ImmutableVersionError, ReviewedVersion, VersionStatus
from sunlit.core.visibility import publishable
from sunlit.flows.validate import LABELS, StepKind
from sunlit.org.models import Post, Unit


class Flow(models.Model):
    """流程: one chart's identity. Exactly one of `item` (项目流程图) or `category` (类别流程图) is set."""

    unit = models.ForeignKey(Unit, verbose_name="所属单位", on_delete=models.PROTECT, related_name="flows")
    category = models.CharField("职权类别", max_length=20, choices=Category.choices, blank=True)
    item = models.OneToOneField(PowerItem, verbose_name="职权事项", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="flow")
    published_version = models.ForeignKey("FlowVersion", verbose_name="现行版本", null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", default=clock.now)

    class Meta:
        verbose_name = verbose_name_plural = "流程"
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(item__isnull=False, category="") | models.Q(item__isnull=True) & ~models.Q(category="")),
                name="flow_is_an_item_flow_or_a_category_template",
            ),
            models.UniqueConstraint(fields=["unit", "category"], condition=models.Q(item__isnull=True),
                                    name="flow_one_template_per_unit_and_category"),
        ]

    def __str__(self) -> str:
        if self.item_id:
            return f"项目流程图·{self.item}"
        return f"类别流程图·{self.unit}·{self.get_category_display()}"

    @property
    def is_template(self) -> bool:
        return self.item_id is None


def _version_is_public() -> models.Q:
    """The published version of a flow whose item is public (a template: of any unit, units are public)."""
    published = models.Q(status=VersionStatus.APPROVED, flow__published_version=models.F("pk"))
    return published & (models.Q(flow__item__isnull=True) | public_item_q("flow__item__"))


@publishable(_version_is_public)
class FlowVersion(ReviewedVersion):
    """One version of a flow: its steps and transitions never change once written (动态管理)."""

    flow = models.ForeignKey(Flow, on_delete=models.PROTECT, related_name="versions")
    limit_unit = models.CharField("时限单位", max_length=10, choices=LimitUnit.choices, default=LimitUnit.WORKING_DAYS)

    immutable_message = "流程版本一经保存不可修改，请新建版本"

    class Meta:
        verbose_name = verbose_name_plural = "流程版本"
        ordering = ["flow", "number"]
        constraints = [models.UniqueConstraint(fields=["flow", "number"], name="flow_version_number_unique")]
        indexes = [models.Index(fields=["status", "created_at"], name="flow_version_status")]

    def __str__(self) -> str:
        return f"{self.flow}（第{self.number}版）"

    def snapshot(self) -> dict[str, Any]:
        """Steps and transitions as plain values (posts by id): for events, diffs and the log."""
        steps = list(self.steps.order_by("position"))
        keys = {s.pk: s.key for s in steps}
        return {
            "limit_unit": self.limit_unit,
            "steps": [s.snapshot() for s in steps],
            "transitions": [{"from": keys[t.source_id], "to": keys[t.target_id], "outcome": t.outcome}
                            for t in self.transitions.order_by("position")],
        }

    def record_header(self) -> dict[str, Any]:
        """What this version is, as the log names a published record."""
        flow = self.flow
        return {
            "flow": {"id": flow.pk, "unit": flow.unit.code, "item": flow.item_id, "category": flow.category},
            "number": self.number,
        }


class Step(models.Model):
    """环节: what a post must do, within what time, with which rights for the applicant."""

    version = models.ForeignKey(FlowVersion, on_delete=models.PROTECT, related_name="steps")
    position = models.PositiveSmallIntegerField("顺序")
    key = models.CharField("环节标识", max_length=40)
    name = models.CharField("环节名称", max_length=60)
    kind = models.CharField("环节类型", max_length=20, choices=[(k.value, LABELS[k.value]) for k in StepKind])
    post = models.ForeignKey(Post, verbose_name="承办岗位", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    duty = models.TextField("办理要求", blank=True)
    limit = models.PositiveIntegerField("环节时限", null=True, blank=True)
    clock_stops = models.BooleanField("不计入办理时限", default=False)
    legal_ground = models.CharField("不计时依据", max_length=200, blank=True)
    supervision_point = models.BooleanField("监督点", default=False)
    rights = models.TextField("申请人权利", blank=True)
    complaint = models.TextField("投诉途径", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "流程环节"
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="flow_step_key_unique")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableVersionError("流程环节属于版本内容，一经保存不可修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableVersionError("流程环节不可删除")

    def snapshot(self) -> dict[str, Any]:
        return {
            "key": self.key, "name": self.name, "kind": self.kind, "post": self.post_id, "duty": self.duty,
            "limit": self.limit, "clock_stops": self.clock_stops, "legal_ground": self.legal_ground,
            "supervision_point": self.supervision_point, "rights": self.rights, "complaint": self.complaint,
        }


class Transition(models.Model):
    """流转: from one step to the next, chosen by an outcome (受理 / 补正 / 不予受理 …)."""

    version = models.ForeignKey(FlowVersion, on_delete=models.PROTECT, related_name="transitions")
    position = models.PositiveSmallIntegerField("顺序")
    source = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="outgoing")
    target = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="incoming")
    outcome = models.CharField("办理结果", max_length=40, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "流程流转"
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["source", "target"], name="flow_transition_unique")]

    def __str__(self) -> str:
        return f"{self.source}→{self.target}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableVersionError("流程流转属于版本内容，一经保存不可修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableVersionError("流程流转不可删除")


class RiskLevel(models.TextChoices):
    HIGH = "high", "高"
    MEDIUM = "medium", "中"
    LOW = "low", "低"


RISK_SEVERITY = models.Case(models.When(level=RiskLevel.HIGH, then=models.Value(0)),
                            models.When(level=RiskLevel.MEDIUM, then=models.Value(1)), default=models.Value(2))
"""Order by this for 高 before 中 before 低 (the codes do not sort that way)."""


def _risk_is_public() -> models.Q:
    """A risk point of a public item, a post that is not internal, or a step that a published flow still
    has; its internal note is never shown (the portal shows levels and measures only)."""
    return (
        (models.Q(item__isnull=True) | public_item_q("item__"))
        & (models.Q(post__isnull=True) | models.Q(post__is_internal=False))
        & (models.Q(step__isnull=True) | models.Q(
            step__version__status=VersionStatus.APPROVED,
            # the flow's published version still has the step (of the same key: the register follows a step
            # through the flow's versions)
            step__version__flow__published_version__steps__key=models.F("step__key")))
    )


@publishable(_risk_is_public)
class RiskPoint(models.Model):
    """廉能风险点: where power could be abused (a power item, a step of its flow, or a post), how likely and
    how serious (高/中/低), what prevents it, who owns it, and when it is next reviewed. The register of
    a unit's risk points is its risk ledger (风险台账)."""

    unit = models.ForeignKey(Unit, verbose_name="所属单位", on_delete=models.PROTECT, related_name="risk_points")
    item = models.ForeignKey(PowerItem, verbose_name="职权事项", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="risk_points")
    step = models.ForeignKey(Step, verbose_name="流程环节", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="risk_points")
    post = models.ForeignKey(Post, verbose_name="岗位", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="risk_points")
    description = models.TextField("风险描述")
    level = models.CharField("风险等级", max_length=10, choices=RiskLevel.choices, db_index=True)
    measures = models.TextField("防控措施", blank=True)
    owner = models.CharField("责任人", max_length=100, blank=True)
    next_review = models.DateField("下次评估日期", null=True, blank=True, db_index=True)
    internal_note = models.TextField("内部备注", blank=True)
    created_at = models.DateTimeField("登记时间", default=clock.now)

    class Meta:
        verbose_name = verbose_name_plural = "廉能风险点"
        ordering = ["unit", "id"]
        constraints = [models.CheckConstraint(
            condition=models.Q(item__isnull=False) | models.Q(step__isnull=False) | models.Q(post__isnull=False),
            name="risk_point_attached")]

    def __str__(self) -> str:
        return f"{self.get_level_display()}·{self.description[:20]}"


class FlowChart(models.Model):
    """The public chart of a flow version, drawn once (the layout takes a WebAssembly Graphviz start-up)
    and served from here; the DOT source is kept so another Graphviz can redraw it."""

    version = models.OneToOneField(FlowVersion, on_delete=models.CASCADE, related_name="chart")
    dot = models.TextField()
    svg = models.TextField()
    drawn_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = verbose_name_plural = "流程图（已绘制）"

    def __str__(self) -> str:
        return f"{self.version}·流程图"
