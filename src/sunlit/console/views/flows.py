"""制权 pages: an item's flow (办理流程). Which flow applies now, every version of the item's own flow
(项目流程图) with its chart and steps, a BPMN file uploaded as a new version, and submit, approve or reject
by another person. Drafts are not public: their charts and BPMN are drawn here for the unit's staff only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sunlit.catalog import permissions
from sunlit.catalog import selectors as catalog_selectors
from sunlit.catalog.models import PowerItem
from sunlit.core.errors import DomainError, Invalid
from sunlit.core.versioning import OPEN_STATUSES, VersionStatus
from sunlit.flows import chart, selectors, services
from sunlit.flows.bpmn import MAX_BYTES, export_bpmn
from sunlit.flows.models import FlowVersion

MAX_REASON = 500


def _item(request: HttpRequest, item_id: int) -> PowerItem:
    item = catalog_selectors.staff_item(viewer=request.user, item_id=item_id)
    if item is None:
        raise Http404("事项不存在或您无权查看")
    return item


def _version(request: HttpRequest, item: PowerItem, version_id: int, *, own: bool = False) -> FlowVersion:
    """A version of the item's own flow, or (unless `own`) of a category template of its unit."""
    version = selectors.staff_flow_version(viewer=request.user, version_id=version_id)
    allowed = (item.pk,) if own else (item.pk, None)
    if version is None or version.flow.unit_id != item.unit_id or version.flow.item_id not in allowed:
        raise Http404("流程版本不存在或您无权查看")
    return version


def _name(item: PowerItem) -> str:
    current = item.published_version or item.versions.order_by("-number").first()
    return current.name if current is not None else item.code


def _page_url(item: PowerItem, number: int | None = None) -> str:
    url = reverse("console:flow", args=[item.pk])
    return f"{url}?v={number}" if number else url


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _render(request: HttpRequest, item: PowerItem, *, number: int | None = None, errors: list[str] | None = None,
            reason: str = "", submit: bool = False, status: int = 200) -> HttpResponse:
    versions = list(FlowVersion.objects.filter(flow__item=item).select_related("flow", "author", "reviewer")
                    .order_by("-number"))
    applicable = selectors.public_flow(item)
    selected = next((v for v in versions if v.number == number), versions[0] if versions else None)
    shown_version = selected or (applicable.version if applicable is not None else None)
    return render(request, "console/flow.html", {
        "item": item, "name": _name(item), "versions": versions, "applicable": applicable,
        "current_id": versions[0].flow.published_version_id if versions else None,
        "shown": selectors.staff_flow(shown_version) if shown_version is not None else None,
        "open_version": next((v for v in versions if v.status in OPEN_STATUSES), None),
        "can_edit": permissions.can_edit(request.user, item.unit),
        "can_review": permissions.can_review(request.user, item.unit),
        "errors": errors or [], "reason": reason, "submit": submit, "max_mb": MAX_BYTES // 1024 // 1024,
        "max_reason": MAX_REASON,
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def flow_page(request: HttpRequest, item_id: int) -> HttpResponse:
    """GET: the page; POST: a BPMN file as a new version (refused whole, every problem listed on the page)."""
    item = _item(request, item_id)
    if request.method != "POST":
        return _render(request, item, number=_int(request.GET.get("v")))
    reason = request.POST.get("reason", "").strip()
    submit = request.POST.get("submit") == "1"
    upload = request.FILES.get("bpmn")
    try:
        permissions.require_edit(request.user, item.unit)
        if len(reason) > MAX_REASON:
            raise DomainError(f"变更理由不能超过{MAX_REASON}字", field="reason")
        if upload is None or not upload.size:
            raise DomainError("请选择要上传的BPMN文件", field="bpmn")
        if upload.size > MAX_BYTES:
            raise DomainError(f"BPMN文件超过{MAX_BYTES // 1024 // 1024} MB", field="bpmn")
        version = services.flow_version_from_bpmn(item=item, data=upload.read(), reason=reason,
                                                  author=request.user, submit=submit)
    except Invalid as exc:
        errors = [e.message for e in exc.errors]
    except DomainError as exc:
        errors = [exc.message]
    else:
        messages.success(request, f"已上传为第{version.number}版（{version.get_status_display()}）"
                         + ("，请等待他人审核" if submit else "；核对无误后请提交审核"))
        return redirect(_page_url(item, version.number))
    return _render(request, item, errors=errors, reason=reason, submit=submit, status=400)


_ACTIONS: dict[str, Any] = {
    "submit": lambda v, user, text: services.flow_version_submit(version=v, actor=user),
    "approve": lambda v, user, text: services.flow_version_approve(version=v, reviewer=user, comment=text),
    "reject": lambda v, user, text: services.flow_version_reject(version=v, reviewer=user, comment=text),
    "withdraw": lambda v, user, text: services.flow_version_withdraw(version=v, actor=user, reason=text),
}
_DONE = {"submit": "已提交审核", "approve": "已批准，成为本事项的现行流程图", "reject": "已退回",
         "withdraw": "已撤回，可以重新上传"}
_VERB = {"submit": "提交", "approve": "批准", "reject": "退回", "withdraw": "撤回"}


@login_required
@require_POST
def flow_action(request: HttpRequest, item_id: int, version_id: int, action: str) -> HttpResponse:
    item = _item(request, item_id)
    version = _version(request, item, version_id, own=True)
    if action not in _ACTIONS:
        raise Http404("没有这个操作")
    try:
        _ACTIONS[action](version, request.user, request.POST.get("comment", ""))
        messages.success(request, f"第{version.number}版{_DONE[action]}")
    except DomainError as exc:
        messages.error(request, f"第{version.number}版未能{_VERB[action]}：{exc.message}")
    return redirect(_page_url(item, version.number))



@login_required
@require_GET
def flow_chart(request: HttpRequest, item_id: int, version_id: int) -> HttpResponse:
    """The chart of one version, drafts too, with internal posts named: drawn for staff, never cached in
    the public chart table."""
    version = _version(request, _item(request, item_id), version_id)
    flow = selectors.staff_flow(version)
    status = "" if version.status == VersionStatus.APPROVED else f"·{version.get_status_display()}"
    try:
        svg = chart.render_svg(flow.chart_dot(status))
    except chart.ChartError as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "private, no-cache"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@login_required
@require_GET
def flow_bpmn(request: HttpRequest, item_id: int, version_id: int) -> HttpResponse:
    """One version as BPMN 2.0, every post in its lane (internal ones too), to edit in a modeler and upload."""
    item = _item(request, item_id)
    version = _version(request, item, version_id)
    flow = selectors.staff_flow(version)
    data = export_bpmn(flow.bpmn_steps(), flow.plain_transitions(), limit_unit=version.limit_unit,
                       process_id=f"Process_{item.pk}", name=f"{_name(item)}（第{version.number}版）")
    kind = "category" if flow.source == "category" else "item"
    response = HttpResponse(data, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sunlit-flow-{item.pk}-{kind}-v{version.number}.bpmn"'
    return response
