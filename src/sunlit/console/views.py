"""Staff pages. Each view checks the viewer through selectors and calls one service; no rules here."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from sunlit.catalog import selectors, services
from sunlit.catalog.excel import export_powers as run_export
from sunlit.catalog.excel import import_powers as run_import
from sunlit.catalog.models import VersionStatus
from sunlit.catalog.permissions import EDIT_ROLES, READ_ROLES, REVIEW_ROLES
from sunlit.core import clock
from sunlit.core.errors import DomainError
from sunlit.org.models import Unit
from sunlit.org.permissions import has_role, units_for
from sunlit.org.selectors import principal_violations


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    units = units_for(request.user, READ_ROLES).order_by("path")
    return render(request, "console/dashboard.html", {
        "units": units[:200], "unit_count": units.count(),
        "queue": selectors.review_queue(viewer=request.user)[:20],
        "queue_count": selectors.review_queue(viewer=request.user).count(),
    })


@login_required
def power_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or None
    status = status if status in VersionStatus.values else None
    q = request.GET.get("q", "").strip()[:100]
    unit_code = request.GET.get("unit") or None
    items = selectors.staff_powers(viewer=request.user, unit_code=unit_code, q=q, status=status)
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(request, "console/power_list.html", {
        "page": page, "q": q, "status": status, "statuses": VersionStatus.choices, "unit_code": unit_code or "",
        "units": units_for(request.user, READ_ROLES).order_by("path"),
    })


@login_required
def power_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    item = selectors.staff_item(viewer=request.user, item_id=item_id)
    if item is None:
        raise Http404("事项不存在或您无权查看")
    versions = list(item.versions.select_related("author", "reviewer").order_by("-number"))
    by_number = {v.number: v for v in versions}
    new = by_number.get(_int(request.GET.get("to")) or 0, versions[0] if versions else None)
    old = by_number.get(_int(request.GET.get("from")) or 0)
    if new is not None and old is None and not request.GET.get("from"):
        old = next((v for v in versions if v.number < new.number), None)
    return render(request, "console/power_detail.html", {
        "item": item, "versions": versions, "new": new, "old": old,
        "diff": selectors.version_diff(old, new) if new else [],
        "can_edit": has_role(request.user, item.unit, EDIT_ROLES),
        "can_review": has_role(request.user, item.unit, REVIEW_ROLES),
    })


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


_ACTIONS: dict[str, Any] = {
    "submit": lambda v, user, text: services.power_version_submit(version=v, actor=user),
    "approve": lambda v, user, text: services.power_version_approve(version=v, reviewer=user, comment=text),
    "reject": lambda v, user, text: services.power_version_reject(version=v, reviewer=user, comment=text),
}
_DONE = {"submit": "已提交审核", "approve": "已批准，现行版本已更新", "reject": "已退回"}


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


def _unit_for(request: HttpRequest, code: str | None, roles: Any) -> Unit | None:
    return units_for(request.user, roles).filter(code=code).first() if code else None


@login_required
def import_powers(request: HttpRequest) -> HttpResponse:
    units = units_for(request.user, EDIT_ROLES).order_by("path")
    report, error = None, None
    if request.method == "POST":
        unit = _unit_for(request, request.POST.get("unit"), EDIT_ROLES)
        upload = request.FILES.get("file")
        if unit is None:
            error = "请选择您有编制权限的单位"
        elif upload is None:
            error = "请选择要导入的Excel文件（.xlsx）"
        else:
            try:
                report = run_import(upload, unit=unit, author=request.user,
                                    dry_run=bool(request.POST.get("dry_run")), file_name=upload.name)
            except DomainError as exc:  # an unreadable file or no edit right on the unit
                error = exc.message
    return render(request, "console/import.html", {"units": units, "report": report, "error": error})


@login_required
def export_powers(request: HttpRequest) -> FileResponse:
    unit = _unit_for(request, request.GET.get("unit"), READ_ROLES)
    if unit is None:
        raise Http404("单位不存在或您无权导出")
    buffer = io.BytesIO()
    run_export(unit=unit).save(buffer)
    buffer.seek(0)
    name = f"{unit.name}权力清单-{clock.today():%Y%m%d}.xlsx"
    response = FileResponse(buffer, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = content_disposition_header(True, name) or ""
    return response


@login_required
def compliance(request: HttpRequest) -> HttpResponse:
    day = clock.today()
    visible = set(units_for(request.user, READ_ROLES).values_list("pk", flat=True))
    found = [v for v in principal_violations(day=day) if v.official.unit_id in visible]
    return render(request, "console/compliance.html", {"violations": found, "day": day})
