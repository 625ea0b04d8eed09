"""清权 writes. Each is one transaction that checks permissions, writes, and records its event."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max

from sunlit.catalog.models import (
    CONTENT_FIELDS,
    ChangeKind,
    LegalBasis,
    PowerItem,
    PowerItemVersion,
)
from sunlit.catalog.permissions import require_edit, require_review
from sunlit.catalog.rules import validate_content
from sunlit.catalog.search import index as search_index
from sunlit.catalog.selectors import public_snapshot
from sunlit.core import clock as clock_mod
from sunlit.core.clock import Clock
from sunlit.core.errors import Conflict, DomainError, Invalid
from sunlit.core.versioning import OPEN_STATUSES, VersionStatus, mark_reviewed, mark_submitted
from sunlit.core.visibility import public_queryset
from sunlit.org.models import Official, Post, Unit
from sunlit.record.events import record_event
from sunlit.record.services import publish_record


class ContentInvalid(Invalid):
    """A version's content was refused; `errors` lists each field that was wrong."""


def _clean_content(content: dict[str, Any]) -> dict[str, Any]:
    unknown = set(content) - set(CONTENT_FIELDS) - {"handling_post_id", "responsible_leader_id"}
    if unknown:
        raise DomainError(f"未知字段：{'、'.join(sorted(unknown))}", field=sorted(unknown)[0])
    cleaned = {k: v for k, v in content.items() if v is not None or k.endswith("_limit")}
    for key in ("handling_post", "responsible_leader"):
        if key in cleaned:
            cleaned[f"{key}_id"] = cleaned.pop(key)
    return cleaned


def _write_version(
    *, item: PowerItem, kind: str, content: dict[str, Any], legal_bases: list[dict[str, str]],
    reason: str, author: Any, submit: bool, clock: Clock | None,
) -> PowerItemVersion:
    if not (reason or "").strip():
        raise DomainError("请填写变更理由", field="reason")
    errors = validate_content(content, legal_bases)
    if errors:
        raise ContentInvalid(errors)
    cleaned = _clean_content(content)
    _check_references(item.unit, cleaned)
    at = clock_mod.now(clock)
    number = (item.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = PowerItemVersion.objects.create(
        item=item, number=number, change_kind=kind, reason=reason.strip(), author=author, created_at=at,
        status=VersionStatus.SUBMITTED if submit else VersionStatus.DRAFT,
        submitted_at=at if submit else None, **cleaned,
    )
    LegalBasis.objects.bulk_create(
        LegalBasis(version=version, position=i, law=b["law"].strip(), article=(b.get("article") or "").strip(),
                   excerpt=(b.get("excerpt") or "").strip())
        for i, b in enumerate(legal_bases)
    )
    record_event(actor=author, action=f"catalog.version.{'submit' if submit else 'draft'}", obj=version,
                 after={"item": item.pk, "number": number, "kind": kind, "content": version.snapshot()},
                 note=reason, clock=clock)
    return version


def _check_references(unit: Unit, cleaned: dict[str, Any]) -> None:
    post_id = cleaned.get("handling_post_id")
    if post_id is not None and not Post.objects.filter(pk=post_id, unit__path__startswith=unit.path).exists():
        raise DomainError("承办岗位不存在或不属于本单位", field="handling_post")
    leader_id = cleaned.get("responsible_leader_id")
    if leader_id is not None and not Official.objects.filter(pk=leader_id).exists():
        raise DomainError("责任领导不存在", field="responsible_leader")


@transaction.atomic
def power_item_create(
    *, unit: Unit, code: str, content: dict[str, Any], legal_bases: list[dict[str, str]], reason: str,
    author: Any, parent: PowerItem | None = None, submit: bool = False, clock: Clock | None = None,
) -> PowerItemVersion:
    """Add a new power to a unit's list: the item and its first version (draft, or submitted)."""
    require_edit(author, unit)
    code = (code or "").strip()
    if not code:
        raise DomainError("缺少事项编码", field="code")
    if PowerItem.objects.filter(unit=unit, code=code).exists():
        raise Conflict(f"事项编码{code}在{unit.name}已存在", field="code")
    if parent is not None and parent.unit_id != unit.pk:
        raise DomainError("主项必须属于同一单位", field="main_item")
    item = PowerItem.objects.create(unit=unit, code=code, parent=parent, created_at=clock_mod.now(clock))
    return _write_version(item=item, kind=ChangeKind.CREATE, content=content, legal_bases=legal_bases,
                          reason=reason, author=author, submit=submit, clock=clock)


def _refuse_if_open(item: PowerItem) -> None:
    if item.is_cancelled:
        raise Conflict("该事项已取消，不能再变更", field="item")
    if item.versions.filter(status__in=OPEN_STATUSES).exists():
        raise Conflict("该事项已有未审结的版本，请先提交审核或等待审核结果", field="item")


@transaction.atomic
def power_version_draft(
    *, item: PowerItem, content: dict[str, Any], legal_bases: list[dict[str, str]], reason: str,
    author: Any, submit: bool = False, clock: Clock | None = None,
) -> PowerItemVersion:
    """Propose a change to an item: a new version; the published one stays until this is approved."""
    item = PowerItem.objects.select_for_update().get(pk=item.pk)
    require_edit(author, item.unit)
    _refuse_if_open(item)
    return _write_version(item=item, kind=ChangeKind.CHANGE, content=content, legal_bases=legal_bases,
                          reason=reason, author=author, submit=submit, clock=clock)


@transaction.atomic
def power_item_cancel(*, item: PowerItem, reason: str, author: Any, clock: Clock | None = None) -> PowerItemVersion:
    """Propose cancelling (取消) an item: a submitted cancellation version that a reviewer approves."""
    item = PowerItem.objects.select_for_update().get(pk=item.pk)
    require_edit(author, item.unit)
    _refuse_if_open(item)
    if item.published_version is None:
        raise Conflict("该事项尚未发布，无需取消", field="item")
    content = item.published_version.snapshot()
    bases = content.pop("legal_bases")
    return _write_version(item=item, kind=ChangeKind.CANCEL, content=content, legal_bases=bases,
                          reason=reason, author=author, submit=True, clock=clock)


def _lock(version: PowerItemVersion) -> PowerItemVersion:
    return PowerItemVersion.objects.select_for_update().select_related("item__unit").get(pk=version.pk)


@transaction.atomic
def power_version_submit(*, version: PowerItemVersion, actor: Any, clock: Clock | None = None) -> PowerItemVersion:
    version = _lock(version)
    require_edit(actor, version.item.unit)
    mark_submitted(version, clock=clock)
    record_event(actor=actor, action="catalog.version.submit", obj=version,
                 before={"status": VersionStatus.DRAFT}, after={"status": version.status}, clock=clock)
    return version


@transaction.atomic
def power_version_approve(
    *, version: PowerItemVersion, reviewer: Any, comment: str = "", clock: Clock | None = None
) -> PowerItemVersion:
    """Approve a submitted version: it becomes the public one (or, for a cancellation, the item leaves
    the public list and stays in history)."""
    version = _lock(version)
    require_review(reviewer, version.item.unit)
    mark_reviewed(version, reviewer=reviewer, approve=True, comment=comment, clock=clock)
    item = PowerItem.objects.select_for_update().get(pk=version.item_id)
    before = {"published_version": item.published_version_id, "is_cancelled": item.is_cancelled}
    if version.change_kind == ChangeKind.CANCEL:
        item.published_version, item.is_cancelled = None, True
    else:
        item.published_version = version
    item.save(update_fields=["published_version", "is_cancelled"])
    if version.change_kind != ChangeKind.CANCEL:
        _publish(version, clock)
    search_index.index_item(item)
    record_event(actor=reviewer, action="catalog.version.approve", obj=version, before=before,
                 after={"published_version": item.published_version_id, "is_cancelled": item.is_cancelled},
                 note=version.review_comment, clock=clock)
    return version


def _publish(version: PowerItemVersion, clock: Clock | None) -> None:
    """Put the version that just became the published one into the log: in clear when the public query
    path admits it (showing only what that path shows), sealed otherwise."""
    public = public_queryset(PowerItemVersion).filter(pk=version.pk).exists()
    content = public_snapshot(version) if public else version.snapshot()
    publish_record(obj=version, header=version.record_header(), content=content, public=public,
                   at=version.reviewed_at, clock=clock)


@transaction.atomic
def power_version_reject(
    *, version: PowerItemVersion, reviewer: Any, comment: str, clock: Clock | None = None
) -> PowerItemVersion:
    version = _lock(version)
    require_review(reviewer, version.item.unit)
    mark_reviewed(version, reviewer=reviewer, approve=False, comment=comment, clock=clock)
    record_event(actor=reviewer, action="catalog.version.reject", obj=version,
                 before={"status": VersionStatus.SUBMITTED}, after={"status": version.status},
                 note=version.review_comment, clock=clock)
    return version
