"""清权 pages: the power list, an item with its versions and diff, submit/approve/reject, cancel."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sunlit.catalog import permissions, selectors, services
from sunlit.catalog.models import VersionStatus
from sunlit.catalog.permissions import EDIT_ROLES, READ_ROLES
from sunlit.core import paging
from sunlit.core.errors import DomainError

PAGE_SIZE = 30


@login_required
def power_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or None
    status = status if status in VersionStatus.values else None
    q = request.GET.get("q", "").strip()[:100]
    unit_code = request.GET.get("unit") or None
    items = selectors.staff_powers(viewer=request.user, unit_code=unit_code, q=q, status=status)
    page = paging.paginate(items, PAGE_SIZE, request.GET.get("page"))
    for item in page:
        latest = getattr(item, "latest_status", None)
        item.latest_status_label = VersionStatus(latest).label if latest else ""  # type: ignore[attr-defined]
    return render(request, "console/power_list.html", {
        "page": page, "q": q, "status": status, "statuses": VersionStatus.choices, "unit_code": unit_code or "",
        "units": selectors.staff_units(viewer=request.user, roles=READ_ROLES),
        "can_create": selectors.staff_units(viewer=request.user, roles=EDIT_ROLES).exists(),
    })


@login_required
def power_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    item = selectors.staff_item(viewer=request.user, item_id=item_id)
    if item is None:
        raise Http404("事项不存在或您无权查看")
    versions = list(item.versions.select_related("author", "reviewer").order_by("-number"))
    by_number = {v.number: v for v in versions}
    new = by_number.get(_int(request.GET.get("to")) or 0, versions[0] if versions else None)
    if request.GET.get("from"):
        old = by_number.get(_int(request.GET.get("from")) or 0)
    else:
        old = selectors.previous_version(new) if new is not None else None
    return render(request, "console/power_detail.html", {
        "item": item, "versions": versions, "new": new, "old": old,
        "diff": selectors.version_diff(old, new) if new else [],
        "can_edit": permissions.can_edit(request.user, item.unit),
        "pending": selectors.open_version(item),
        "can_review": permissions.can_review(request.user, item.unit),
    })


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


_ACTIONS: dict[str, Any] = {
    "submit": lambda v, user, text: services.power_version_submit(version=v, actor=user),
    "approve": lambda v, user, text: services.power_version_approve(version=v, reviewer=user, comment=text),
    "reject": lambda v, user, text: services.power_version_reject(version=v, reviewer=user, comment=text),
    "withdraw": lambda v, user, text: services.power_version_withdraw(version=v, actor=user, reason=text),
}
_DONE = {"submit": "已提交审核", "approve": "已批准，现行版本已更新", "reject": "已退回",
         "withdraw": "已撤回，可以重新编制"}


@login_required
@require_POST
def version_action(request: HttpRequest, version_id: int, action: str) -> HttpResponse:
    version = selectors.staff_version(viewer=request.user, version_id=version_id)
    if version is None or action not in _ACTIONS:
        raise Http404("版本不存在或您无权操作")
    try:
        _ACTIONS[action](version, request.user, request.POST.get("comment", ""))
        messages.success(request, _DONE[action])
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("console:power_detail", item_id=version.item_id)


@login_required
@require_POST
def power_cancel(request: HttpRequest, item_id: int) -> HttpResponse:
    item = selectors.staff_item(viewer=request.user, item_id=item_id)
    if item is None:
        raise Http404("事项不存在或您无权操作")
    try:
        services.power_item_cancel(item=item, reason=request.POST.get("reason", ""), author=request.user)
        messages.success(request, "取消申请已提交，审核通过后事项将不再公开，历史保留")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("console:power_detail", item_id=item.pk)
