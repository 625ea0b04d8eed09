"""清权 writes. Each is one transaction that checks permissions, writes, and records its event."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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
from sunlit.catalog.selectors import public_snapshot, version_to_revise
from sunlit.core import clock as clock_mod
from sunlit.core.clock import Clock
from sunlit.core.errors import Conflict, DomainError, Invalid
from sunlit.core.lawnames import law_name
from sunlit.core.versioning import OPEN_STATUSES, VersionStatus, mark_reviewed, mark_submitted, mark_withdrawn
from sunlit.core.visibility import public_queryset
from sunlit.org.models import Official, Post, Unit
from sunlit.record.events import record_event, record_events
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


def _checked(content: dict[str, Any], legal_bases: list[dict[str, str]], reason: str) -> dict[str, Any]:
    """A version's content as it will be written, or refused (ContentInvalid, DomainError) naming the field."""
    if not (reason or "").strip():
        raise DomainError("请填写变更理由", field="reason")
    errors = validate_content(content, legal_bases)
    if errors:
        raise ContentInvalid(errors)
    return _clean_content(content)


def _bases_of(version: PowerItemVersion, legal_bases: list[dict[str, str]]) -> list[LegalBasis]:
    return [LegalBasis(version=version, position=i, law=law_name(b["law"]), article=(b.get("article") or "").strip(),
                       excerpt=(b.get("excerpt") or "").strip()) for i, b in enumerate(legal_bases)]


def _write_version(
    *, item: PowerItem, kind: str, content: dict[str, Any], legal_bases: list[dict[str, str]],
    reason: str, author: Any, submit: bool, clock: Clock | None,
) -> PowerItemVersion:
    cleaned = _checked(content, legal_bases, reason)
    _check_references(item.unit, cleaned)
    at = clock_mod.now(clock)
    number = (item.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = PowerItemVersion.objects.create(
        item=item, number=number, change_kind=kind, reason=reason.strip(), author=author, created_at=at,
        status=VersionStatus.SUBMITTED if submit else VersionStatus.DRAFT,
        submitted_at=at if submit else None, **cleaned,
    )
    LegalBasis.objects.bulk_create(_bases_of(version, legal_bases))
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
    _check_parent(parent, unit)
    item = PowerItem.objects.create(unit=unit, code=code, parent=parent, created_at=clock_mod.now(clock))
    return _write_version(item=item, kind=ChangeKind.CREATE, content=content, legal_bases=legal_bases,
                          reason=reason, author=author, submit=submit, clock=clock)


def _check_parent(parent: PowerItem | None, unit: Unit) -> None:
    """A sub-item's main item (主项): of the same unit, and a main item itself, since a sub-item is public
    only while its main item is (catalog.models.public_item_q), one level up."""
    if parent is not None and parent.unit_id != unit.pk:
        raise DomainError("主项必须属于同一单位", field="main_item")
    if parent is not None and parent.parent_id is not None:
        raise DomainError("所选主项本身是子项，子项下不能再设子项", field="main_item")


@dataclass(frozen=True)
class NewPower:
    """One power for power_items_create_many, as power_item_create takes it."""

    code: str
    content: dict[str, Any]
    legal_bases: list[dict[str, str]]
    reason: str
    parent: PowerItem | None = None


@transaction.atomic
def power_items_create_many(
    *, unit: Unit, powers: Sequence[NewPower], author: Any, submit: bool = False, clock: Clock | None = None,
) -> list[PowerItemVersion]:
    """power_item_create for many powers of one unit at once (a chunk of an Excel import): the same checks,
    the same rows and one event each, in a few statements instead of a few per power. All or none: the
    first refusal raises (DomainError naming its field) and nothing is written."""
    require_edit(author, unit)
    codes = [(p.code or "").strip() for p in powers]
    cleaned = []
    for code, power in zip(codes, powers, strict=True):
        if not code:
            raise DomainError("缺少事项编码", field="code")
        _check_parent(power.parent, unit)
        cleaned.append(_checked(power.content, power.legal_bases, power.reason))
    taken = set(PowerItem.objects.filter(unit=unit, code__in=codes).values_list("code", flat=True))
    if taken or len(set(codes)) < len(codes):
        code = next(iter(taken)) if taken else next(c for c in codes if codes.count(c) > 1)
        raise Conflict(f"事项编码{code}在{unit.name}已存在", field="code")
    _check_references_many(unit, cleaned)
    at = clock_mod.now(clock)
    items = PowerItem.objects.bulk_create(
        [PowerItem(unit=unit, code=code, parent=p.parent, created_at=at) for code, p in zip(codes, powers, strict=True)])
    status = VersionStatus.SUBMITTED if submit else VersionStatus.DRAFT
    versions = PowerItemVersion.objects.bulk_create([
        PowerItemVersion(item=item, number=1, change_kind=ChangeKind.CREATE, reason=p.reason.strip(), author=author,
                         created_at=at, status=status, submitted_at=at if submit else None, **fields)
        for item, p, fields in zip(items, powers, cleaned, strict=True)])
    bases = [_bases_of(v, p.legal_bases) for v, p in zip(versions, powers, strict=True)]
    LegalBasis.objects.bulk_create([b for per_version in bases for b in per_version])
    record_events(actor=author, action=f"catalog.version.{'submit' if submit else 'draft'}", clock=clock, entries=[
        (v, {"item": v.item_id, "number": 1, "kind": ChangeKind.CREATE, "content": v.snapshot(b)}, p.reason)
        for v, b, p in zip(versions, bases, powers, strict=True)])
    return versions


def _check_references_many(unit: Unit, cleaned: list[dict[str, Any]]) -> None:
    posts = {c["handling_post_id"] for c in cleaned if c.get("handling_post_id") is not None}
    if posts and len(posts) > Post.objects.filter(pk__in=posts, unit__path__startswith=unit.path).count():
        raise DomainError("承办岗位不存在或不属于本单位", field="handling_post")
    leaders = {c["responsible_leader_id"] for c in cleaned if c.get("responsible_leader_id") is not None}
    if leaders and len(leaders) > Official.objects.filter(pk__in=leaders).count():
        raise DomainError("责任领导不存在", field="responsible_leader")


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
def power_version_revise(
    *, item: PowerItem, changes: dict[str, Any], legal_bases: list[dict[str, str]] | None = None, reason: str,
    author: Any, submit: bool = False, clock: Clock | None = None,
) -> PowerItemVersion:
    """A change that names only what changes: each content field `changes` leaves out, and the legal
    bases when `legal_bases` is None, keeps its value in the version revised (the published one, else
    the newest: selectors.version_to_revise). A field given as None or '' is cleared where it may be
    empty; one that may not (a name) is refused as in any version."""
    item = PowerItem.objects.select_for_update().get(pk=item.pk)
    require_edit(author, item.unit)
    content: dict[str, Any] = {}
    kept: list[dict[str, str]] = []
    base = version_to_revise(item)
    if base is not None:
        content = base.snapshot()
        kept = content.pop("legal_bases")
    content.update(changes)
    return power_version_draft(item=item, content=content, legal_bases=kept if legal_bases is None else legal_bases,
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
def power_version_withdraw(*, version: PowerItemVersion, actor: Any, reason: str,
                           clock: Clock | None = None) -> PowerItemVersion:
    """Take back an open version (a draft with a mistake, a change no longer wanted), with a reason: the
    item is free for a new version, which may start from this one (selectors.version_to_revise)."""
    version = _lock(version)
    require_edit(actor, version.item.unit)
    before = {"status": version.status}
    mark_withdrawn(version, reason=reason, clock=clock)
    record_event(actor=actor, action="catalog.version.withdraw", obj=version, before=before,
                 after={"status": version.status}, note=version.review_comment, clock=clock)
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
