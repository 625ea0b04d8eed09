"""Versions another person reviews (动态管理): written once, then drafted → submitted → approved or
rejected, never by the same person who wrote them (分岗设权).

Power item versions and flow versions (and later rule documents and disclosures) share this: the
review fields, the rule that content never changes once saved, and the state changes. What a domain
adds is who may write or review (its permissions) and the event it records.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from sunlit.core import clock as clock_mod
from sunlit.core.clock import Clock
from sunlit.core.errors import Conflict, DomainError, NotAllowed


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审核"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "已退回"
    WITHDRAWN = "withdrawn", "已撤回"


OPEN_STATUSES = (VersionStatus.DRAFT, VersionStatus.SUBMITTED)
REVIEW_FIELDS = frozenset({"status", "submitted_at", "reviewer", "reviewed_at", "review_comment"})


class ImmutableVersionError(Exception):
    pass


class ReviewedVersion(models.Model):
    """The review fields of a version; a saved version may change only them."""

    number = models.PositiveIntegerField("版本号")
    status = models.CharField("状态", max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    reason = models.TextField("变更理由")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="编制人", on_delete=models.PROTECT,
                               related_name="+")
    created_at = models.DateTimeField("编制时间", default=clock_mod.now)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_comment = models.TextField("审核意见", blank=True)

    immutable_message = "版本内容一经保存不可修改，请新建版本"

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            fields = kwargs.get("update_fields")
            if fields is None or not set(fields) <= REVIEW_FIELDS:
                raise ImmutableVersionError(self.immutable_message)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableVersionError("版本不可删除")


def mark_submitted(version: ReviewedVersion, *, clock: Clock | None = None) -> None:
    """A draft goes to review. The caller has locked the row and checked the right to submit."""
    if version.status != VersionStatus.DRAFT:
        raise Conflict(f"只有草稿可以提交，当前状态：{version.get_status_display()}", field="status")
    version.status, version.submitted_at = VersionStatus.SUBMITTED, clock_mod.now(clock)
    version.save(update_fields=["status", "submitted_at"])


def mark_withdrawn(version: ReviewedVersion, *, reason: str, clock: Clock | None = None) -> None:
    """An open version (a draft, or one waiting for review) is taken back by its unit's editors, with a
    reason: a wrong upload need not wait for a reviewer to reject it. The caller has locked the row and
    checked the right to edit. The reason is kept where a review comment would be."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("撤回时请写明理由", field="comment")
    if version.status not in OPEN_STATUSES:
        raise Conflict(f"只有草稿或待审核的版本可以撤回，当前状态：{version.get_status_display()}", field="status")
    version.status, version.reviewed_at, version.review_comment = VersionStatus.WITHDRAWN, clock_mod.now(clock), reason
    version.save(update_fields=["status", "reviewed_at", "review_comment"])


def mark_reviewed(version: ReviewedVersion, *, reviewer: Any, approve: bool, comment: str,
                  clock: Clock | None = None) -> None:
    """A submitted version is approved or rejected (with a reason) by someone other than its author.
    The caller has locked the row and checked the right to review."""
    comment = (comment or "").strip()
    if not approve and not comment:
        raise DomainError("退回时请写明理由", field="comment")
    if version.status != VersionStatus.SUBMITTED:
        raise Conflict(f"只有待审核的版本可以审核，当前状态：{version.get_status_display()}", field="status")
    if version.author_id == reviewer.pk:
        raise NotAllowed("审核人不能是编制人本人（分岗设权）", field="reviewer")
    version.status = VersionStatus.APPROVED if approve else VersionStatus.REJECTED
    version.reviewer, version.reviewed_at, version.review_comment = reviewer, clock_mod.now(clock), comment
    version.save(update_fields=["status", "reviewer", "reviewed_at", "review_comment"])
