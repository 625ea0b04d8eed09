"""清权: the public power list (no login) and its editing and review (token or console session).

One router, because a path may carry a public GET and a staff POST. Handlers parse, call one selector
or service, and shape; the rules (who may, what is valid) live in catalog.selectors and services.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from ninja import File, Form, Query, Router, Status, UploadedFile

from sunlit.api import schemas as s
from sunlit.api.auth import staff_auth
from sunlit.catalog import excel, selectors, services
from sunlit.catalog.models import Category, PowerItem, PowerItemVersion
from sunlit.catalog.search.text import MAX_QUERY_LENGTH
from sunlit.core.errors import DomainError, Gone, NotFound

router = Router(tags=["公开数据"])
STAFF = ["编制与审核"]


def _not_public(what: str) -> NotFound:
    return NotFound(f"{what}不存在或未公开", field="id")


class PowerFilters(s.InputSchema):
    unit: str | None = s.Field(None, max_length=32)
    category: Category | None = None
    # Its length is checked by the search itself, so the API and the portal refuse in the same words.
    q: str | None = s.Field(None, description="检索词：空格分隔的几个词须都出现；按事项名称、编码开头、设定依据查找，"
                                              f"并按群众常用说法扩展；最多{MAX_QUERY_LENGTH}个字",
                            json_schema_extra={"maxLength": MAX_QUERY_LENGTH})
    include_sub_units: bool = False
    page: s.PageNumber = 1
    page_size: int = s.Field(20, ge=1, le=100)


@router.get("/powers", response=s.PowerPageOut, summary="权力清单：检索与分页")
def list_powers(request: HttpRequest, filters: Query[PowerFilters]) -> Any:
    """Without `q`, the list in unit and code order. With `q`, a ranked search: every term found in the
    name first, then by code prefix, then in the legal basis; `count` stops at 1,000 (`count_capped`
    says there are more); `also_searched` names the words the residents' synonyms added."""
    start = (filters.page - 1) * filters.page_size
    page = {"page": filters.page, "page_size": filters.page_size}
    if filters.q:
        found = selectors.public_power_search(q=filters.q, unit_code=filters.unit, category=filters.category,
                                              include_sub_units=filters.include_sub_units)
        return {**page, "count": found.count(), "count_capped": found.capped,
                "terms": [t.text for t in found.query.terms], "also_searched": list(found.added),
                "items": found.page(start, filters.page_size)}
    items = selectors.public_powers(unit_code=filters.unit, category=filters.category,
                                    include_sub_units=filters.include_sub_units)
    return {**page, "count": items.count(), "items": selectors.page_of(items, start, filters.page_size)}


# Before /powers/{item_id}, which would otherwise take this address (and answer 405).
@router.post("/powers/import", auth=staff_auth, tags=STAFF, response=s.ImportReportOut,
             summary="从Excel（省级通用模板）导入权力清单")
def import_powers(request: HttpRequest, unit: Form[str], file: File[UploadedFile], dry_run: Form[bool] = False,
                  reason: Form[str] = "") -> Any:
    """A new code becomes a new submitted item, a row equal to its item is reported unchanged, a row that
    differs becomes a submitted version (with `reason`, unless the sheet has a 变更理由 column), and each bad
    row is listed with its reason; a file beyond a limit (20 MB, 1,000,000 cells a sheet, …) is refused whole,
    naming the limit."""
    return excel.import_powers(file, unit=selectors.unit_named(unit), author=request.user, dry_run=dry_run,
                               file_name=file.name, reason=reason[:200])


@router.get("/powers/{item_id}", response=s.PowerDetailOut, summary="事项详情（现行版本）")
def get_power(request: HttpRequest, item_id: int) -> Any:
    """A cancelled item answers 410 with the date and reason; its history stays at …/history."""
    item = selectors.public_power(item_id)
    if item is not None:
        return item
    cancelled_item = selectors.public_cancelled_power(item_id)
    if cancelled_item is not None:
        cancelled = selectors.cancellation(selectors.public_power_history(cancelled_item))
        raise Gone(_cancelled_message(item_id, cancelled), field="id")
    raise _not_public("事项")


def _cancelled_message(item_id: int, cancelled: PowerItemVersion | None) -> str:
    when = f"于{date_format(timezone.localtime(cancelled.reviewed_at), 'Y年n月j日')}" if cancelled and cancelled.reviewed_at else ""
    why = f"（{cancelled.reason}）" if cancelled and cancelled.reason else ""
    return f"该事项已{when}取消{why}，历史版本见 /api/v1/powers/{item_id}/history"


@router.get("/powers/{item_id}/history", response=list[s.VersionContentOut], summary="已批准的历史版本（已取消的事项也有）")
def power_history(request: HttpRequest, item_id: int) -> Any:
    item = selectors.public_record(item_id)
    if item is None:
        raise _not_public("事项")
    return selectors.public_power_history(item)


def _content(payload: s.VersionContentIn) -> tuple[dict[str, Any], list[dict[str, str]] | None, str, bool]:
    """The fields the request sent (a field left out is not in the content; legal bases None)."""
    data = payload.dict(exclude_unset=True)
    bases = data.pop("legal_bases", None)
    reason, submit = data.pop("reason"), data.pop("submit", False)
    for extra in ("unit", "code", "main_item"):
        data.pop(extra, None)
    return data, bases, reason, submit


def _staff_item(request: HttpRequest, item_id: int) -> PowerItem:
    item = selectors.staff_item(viewer=request.user, item_id=item_id)
    if item is None:
        raise NotFound("事项不存在或您无权查看", field="id")
    return item


def _staff_version(request: HttpRequest, version_id: int, field: str = "id") -> PowerItemVersion:
    version = selectors.staff_version(viewer=request.user, version_id=version_id)
    if version is None:
        raise NotFound("版本不存在或您无权查看", field=field)
    return version


@router.post("/powers", auth=staff_auth, tags=STAFF, response={201: s.VersionStateOut}, summary="新增事项（首个版本）")
def create_power(request: HttpRequest, payload: s.PowerCreateIn) -> Any:
    unit = selectors.unit_named(payload.unit)
    parent = None if payload.main_item is None else selectors.main_item_to_attach(
        viewer=request.user, item_id=payload.main_item)
    content, bases, reason, submit = _content(payload)
    return Status(201, services.power_item_create(unit=unit, code=payload.code, parent=parent, content=content,
                                                  legal_bases=bases or [], reason=reason, author=request.user,
                                                  submit=submit))


@router.post("/powers/{item_id}/versions", auth=staff_auth, tags=STAFF, response={201: s.VersionStateOut}, summary="编制新版本")
def create_version(request: HttpRequest, item_id: int, payload: s.VersionContentIn) -> Any:
    """Send only what changes: every field left out keeps its value in the published version."""
    content, bases, reason, submit = _content(payload)
    return Status(201, services.power_version_revise(item=_staff_item(request, item_id), changes=content,
                                                     legal_bases=bases, reason=reason, author=request.user,
                                                     submit=submit))


@router.post("/powers/{item_id}/cancel", auth=staff_auth, tags=STAFF, response={201: s.VersionStateOut}, summary="申请取消事项")
def cancel_power(request: HttpRequest, item_id: int, payload: s.CancelIn) -> Any:
    return Status(201, services.power_item_cancel(item=_staff_item(request, item_id), reason=payload.reason,
                                                  author=request.user))


@router.get("/versions/{version_id}", auth=staff_auth, tags=STAFF, response=s.VersionStateOut, summary="版本状态")
def get_version(request: HttpRequest, version_id: int) -> Any:
    return _staff_version(request, version_id)


@router.post("/versions/{version_id}/submit", auth=staff_auth, tags=STAFF, response=s.VersionStateOut, summary="提交审核")
def submit_version(request: HttpRequest, version_id: int) -> Any:
    return services.power_version_submit(version=_staff_version(request, version_id), actor=request.user)


@router.post("/versions/{version_id}/approve", auth=staff_auth, tags=STAFF, response=s.VersionStateOut, summary="批准")
def approve_version(request: HttpRequest, version_id: int, payload: s.ReviewIn) -> Any:
    return services.power_version_approve(version=_staff_version(request, version_id), reviewer=request.user,
                                          comment=payload.comment)


@router.post("/versions/{version_id}/reject", auth=staff_auth, tags=STAFF, response=s.VersionStateOut, summary="退回")
def reject_version(request: HttpRequest, version_id: int, payload: s.ReviewIn) -> Any:
    return services.power_version_reject(version=_staff_version(request, version_id), reviewer=request.user,
                                         comment=payload.comment)


@router.post("/versions/{version_id}/withdraw", auth=staff_auth, tags=STAFF, response=s.VersionStateOut,
             summary="撤回（草稿或待审核的版本，须写明理由）")
def withdraw_version(request: HttpRequest, version_id: int, payload: s.ReviewIn) -> Any:
    return services.power_version_withdraw(version=_staff_version(request, version_id), actor=request.user,
                                           reason=payload.comment)


@router.get("/versions/{version_id}/diff", auth=staff_auth, tags=STAFF, summary="与上一版本或指定版本的差异")
def diff_version(request: HttpRequest, version_id: int, against: int | None = None) -> Any:
    version = _staff_version(request, version_id)
    if against is None:
        old = selectors.previous_version(version)
    else:
        old = _staff_version(request, against, field="against")
        if old.item_id != version.item_id:
            raise DomainError("只能比较同一事项的版本", field="against")
    return json.loads(json.dumps({"from": old.number if old else None, "to": version.number,
                                  "changes": selectors.version_diff(old, version)}, default=str))
