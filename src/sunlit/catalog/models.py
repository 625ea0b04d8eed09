"""清权: the power list (权力清单) and responsibility list (责任清单), managed by versions.

A PowerItem is the identity of a power (unit + code, and its main item when it is a sub-item).
Everything else lives in PowerItemVersion rows: every change is a new version with its reason,
author, reviewer and date, nothing is overwritten, and only the latest approved version is public.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.db import models

from sunlit.core import clock
from sunlit.core.lawnames import law_title
from sunlit.core.timelimits import LimitUnit
from sunlit.core.versioning import ImmutableVersionError, ReviewedVersion, VersionStatus
from sunlit.core.visibility import Visibility, open_q, publishable
from sunlit.org.models import Official, Post, Unit


class Category(models.TextChoices):
    """职权类别: the ten external kinds of administrative power, then the internal ones."""

    LICENSING = "licensing", "行政许可"
    PENALTY = "penalty", "行政处罚"
    COERCION = "coercion", "行政强制"
    LEVY = "levy", "行政征收"
    BENEFIT = "benefit", "行政给付"
    INSPECTION = "inspection", "行政检查"
    CONFIRMATION = "confirmation", "行政确认"
    REWARD = "reward", "行政奖励"
    ADJUDICATION = "adjudication", "行政裁决"
    OTHER = "other", "其他行政权力"
    MAJOR_DECISION = "major_decision", "重大决策"
    PERSONNEL = "personnel", "人事"
    FINANCE = "finance", "财务"
    PROCUREMENT = "procurement", "物资采购"


INTERNAL_CATEGORIES = frozenset({Category.MAJOR_DECISION, Category.PERSONNEL, Category.FINANCE, Category.PROCUREMENT})


def requires_legal_basis(category: str) -> bool:
    """External administrative powers must cite a legal basis (职权法定); internal ones need not."""
    return category not in INTERNAL_CATEGORIES


class ChangeKind(models.TextChoices):
    CREATE = "create", "新增"
    CHANGE = "change", "变更"
    CANCEL = "cancel", "取消"


def _published_q(prefix: str) -> models.Q:
    return (models.Q(**{f"{prefix}published_version__isnull": False, f"{prefix}is_cancelled": False})
            & open_q(f"{prefix}published_version__"))


def public_item_q(prefix: str = "") -> models.Q:
    """Published, not cancelled, and its published version open; a sub-item (子项) only while its main
    item is too, so cancelling or withdrawing a main item takes its sub-items off the public list
    (sub-items hang one level deep: services.power_item_create). `prefix` reaches the item from another
    model (e.g. 'item__')."""
    return _published_q(prefix) & (models.Q(**{f"{prefix}parent__isnull": True}) | _published_q(f"{prefix}parent__"))


def cancelled_item_q(prefix: str = "") -> models.Q:
    """Cancelled (已取消) after it was published, by an approved cancellation that is itself open (it carries
    the audience and exemption of the last published version): such an item keeps a public record, its page
    saying 已取消 with the date, reason and history. An item only flagged cancelled, never published, or whose
    last content was not public, has none. `prefix` reaches the item from another model (e.g. 'item__')."""
    cancellation = PowerItemVersion.objects.filter(
        open_q(), item=models.OuterRef(f"{prefix}pk"), status=VersionStatus.APPROVED, change_kind=ChangeKind.CANCEL)
    return models.Q(**{f"{prefix}is_cancelled": True}) & models.Q(models.Exists(cancellation))


@publishable(public_item_q)
class PowerItem(models.Model):
    """职权事项: identity of one power of a unit; content is in its versions."""

    unit = models.ForeignKey(Unit, verbose_name="实施单位", on_delete=models.PROTECT, related_name="power_items")
    code = models.CharField("事项编码", max_length=64)
    parent = models.ForeignKey(
        "self", verbose_name="主项", null=True, blank=True, on_delete=models.PROTECT, related_name="sub_items"
    )
    created_at = models.DateTimeField("创建时间", default=clock.now)
    published_version = models.ForeignKey(
        "PowerItemVersion", verbose_name="现行版本", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    is_cancelled = models.BooleanField("已取消", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "职权事项"
        constraints = [models.UniqueConstraint(fields=["unit", "code"], name="power_code_unique_in_unit")]
        indexes = [models.Index(fields=["is_cancelled", "published_version"])]

    def __str__(self) -> str:
        return self.code


@publishable(cancelled_item_q)
class CancelledPowerItem(PowerItem):
    """已取消的事项: a power item cancelled after publication, whose record stays public (the public list
    leaves it out; its page and history stay)."""

    class Meta:
        proxy = True
        verbose_name = verbose_name_plural = "已取消的职权事项"


def _version_is_public() -> models.Q:
    # Joins, not `item__in=<every public item>`: one item is looked up. A cancelled item's history keeps its
    # approved versions and the cancellation itself.
    return (
        models.Q(status=VersionStatus.APPROVED) & open_q()
        & ((models.Q(change_kind__in=[ChangeKind.CREATE, ChangeKind.CHANGE]) & public_item_q("item__"))
           | cancelled_item_q("item__"))
    )


CONTENT_FIELDS = (
    "name", "category", "implementing_body", "handling_office", "handling_post", "responsible_leader",
    "conditions", "materials", "statutory_limit", "statutory_limit_unit", "promised_limit",
    "promised_limit_unit", "fees", "fee_basis", "service_commitment", "responsibilities",
    "accountability", "complaint_phone", "remarks", "audience", "exemption",
)


@publishable(_version_is_public)
class PowerItemVersion(ReviewedVersion, Visibility):
    """One version of a power item (动态管理). Content never changes once written."""

    item = models.ForeignKey(PowerItem, on_delete=models.PROTECT, related_name="versions")
    change_kind = models.CharField("变更类型", max_length=10, choices=ChangeKind.choices)

    name = models.CharField("事项名称", max_length=200)
    category = models.CharField("职权类别", max_length=20, choices=Category.choices, db_index=True)
    implementing_body = models.CharField("实施主体", max_length=200, blank=True)
    handling_office = models.CharField("承办机构", max_length=200, blank=True)
    handling_post = models.ForeignKey(Post, verbose_name="承办岗位", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    responsible_leader = models.ForeignKey(Official, verbose_name="责任领导", null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="+")
    conditions = models.TextField("受理条件", blank=True)
    materials = models.TextField("申请材料", blank=True)
    statutory_limit = models.PositiveIntegerField("法定时限", null=True, blank=True)
    statutory_limit_unit = models.CharField("法定时限单位", max_length=10, choices=LimitUnit.choices,
                                            default=LimitUnit.WORKING_DAYS)
    promised_limit = models.PositiveIntegerField("承诺时限", null=True, blank=True)
    promised_limit_unit = models.CharField("承诺时限单位", max_length=10, choices=LimitUnit.choices,
                                           default=LimitUnit.WORKING_DAYS)
    fees = models.TextField("收费标准", blank=True)
    fee_basis = models.TextField("收费依据", blank=True)
    service_commitment = models.TextField("服务承诺", blank=True)
    responsibilities = models.TextField("责任事项", blank=True)
    accountability = models.TextField("追责情形", blank=True)
    complaint_phone = models.CharField("监督电话", max_length=60, blank=True)
    remarks = models.TextField("备注", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "职权事项版本"
        ordering = ["item", "number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="version_number_unique"),
            models.CheckConstraint(
                condition=models.Q(promised_limit__isnull=True) | models.Q(statutory_limit__isnull=True)
                | ~models.Q(promised_limit_unit=models.F("statutory_limit_unit"))
                | models.Q(promised_limit__lte=models.F("statutory_limit")),
                name="promised_not_longer_than_statutory",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.name}（第{self.number}版）"

    def snapshot(self, legal_bases: list[LegalBasis] | None = None) -> dict[str, Any]:
        """The content as plain values (references as ids): for events, diffs, exports and the log.
        `legal_bases`: this version's, when the caller has them at hand (else they are read)."""
        data: dict[str, Any] = {}
        for name in CONTENT_FIELDS:
            field = self._meta.get_field(name)
            data[name] = getattr(self, field.attname)  # type: ignore[union-attr]
        data["legal_bases"] = [
            {"law": b.law, "article": b.article, "excerpt": b.excerpt}
            for b in (self.legal_bases.all() if legal_bases is None else legal_bases)
        ]
        return data

    def record_header(self) -> dict[str, Any]:
        """What this version is, as the log names a published record: item, unit, number, kind of change."""
        item, unit = self.item, self.item.unit
        return {
            "item": {"id": item.pk, "code": item.code, "parent": item.parent_id},
            "unit": {"id": unit.pk, "code": unit.code, "name": unit.name},
            "number": self.number,
            "change_kind": self.change_kind,
        }


class LegalBasis(models.Model):
    """设定依据: one law and article a version cites, with the excerpt."""

    version = models.ForeignKey(PowerItemVersion, on_delete=models.PROTECT, related_name="legal_bases")
    position = models.PositiveSmallIntegerField(default=0)
    law = models.CharField("法律法规名称", max_length=200)
    article = models.CharField("条款", max_length=100, blank=True)
    excerpt = models.TextField("条文内容", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "设定依据"
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return f"{law_title(self.law)}{self.article}"

    # A legal basis is part of its version's content, so it is as unchangeable as the version.
    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableVersionError("设定依据属于版本内容，一经保存不可修改，请新建版本")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableVersionError("设定依据不可删除")


class ImportJob(models.Model):
    """An Excel import (导入任务): the workbook as uploaded, who imports it into which unit, and its progress
    and report, saved with each chunk it commits. It is kept in the database, not on a disk, so that any
    task worker of a county's servers can run it, and a report survives a crash midway."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "导入中"
        DONE = "done", "已完成"
        FAILED = "failed", "未能导入"

    unit = models.ForeignKey(Unit, verbose_name="导入单位", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="导入人", on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField("文件名", max_length=255)
    workbook = models.BinaryField("文件内容", editable=False)
    sha256 = models.CharField("文件SHA-256", max_length=64)
    dry_run = models.BooleanField("试导入", default=False)
    reason = models.CharField("变更理由", max_length=200, blank=True)
    columns = models.JSONField("列对应", default=dict, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    report = models.JSONField("导入报告", default=dict, blank=True)
    created_at = models.DateTimeField("提交时间", default=clock.now)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    updated_at = models.DateTimeField("最近进展", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "Excel导入任务"
        indexes = [models.Index(fields=["author", "created_at"])]

    def __str__(self) -> str:
        return f"{self.file_name}（{self.get_status_display()}）"


class PowerSearchEntry(models.Model):
    """One public item as search reads it (检索索引): its text normalised, and its grams.

    Kept by `catalog.search.index` whenever an item's published version changes (approved or
    cancelled): a row exists while the item is public. `grams` feeds the database's own index, built
    by migration: an FTS5 table kept by triggers on SQLite, a generated tsvector with a GIN index on
    PostgreSQL (the reasons are in `catalog.search.index`). Derived data: rebuilt with
    `sunlit reindex-search`, never shown as such.
    """

    item = models.OneToOneField(PowerItem, primary_key=True, on_delete=models.CASCADE, related_name="search_entry")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=20, choices=Category.choices)
    name = models.TextField()
    code = models.TextField()
    basis = models.TextField()
    grams = models.TextField()

    class Meta:
        verbose_name = verbose_name_plural = "检索索引"

    def __str__(self) -> str:
        return self.name


class SearchSynonym(models.Model):
    """群众常用说法: a word residents type and the words of the power list it stands for
    (盖房子 → 建房、宅基地). A query holding the phrase also looks for each word."""

    phrase = models.CharField("群众说法", max_length=40, unique=True)
    words = models.CharField("也查找", max_length=200, help_text="清单中的用语，用顿号、逗号或空格分隔，如：建房、宅基地")
    updated_at = models.DateTimeField("更新时间", default=clock.now)

    class Meta:
        verbose_name = verbose_name_plural = "群众常用说法"
        ordering = ["phrase"]

    def __str__(self) -> str:
        return f"{self.phrase} → {self.words}"

    def word_list(self) -> list[str]:
        return [w for w in re.split(r"[、，,;；/\s]+", self.words) if w]
