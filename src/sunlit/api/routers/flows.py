"""制权: an item's published flow (public) and flow versions drafted and reviewed by staff."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from sunlit.api import schemas as s
from sunlit.api.auth import staff_auth
from sunlit.catalog import selectors as catalog_selectors
from sunlit.catalog.models import Category, PowerItem
from sunlit.core.errors import DomainError, NotFound
from sunlit.core.visibility import public_queryset
from sunlit.flows import risks, selectors, services
from sunlit.flows.bpmn import MAX_BYTES, export_bpmn
from sunlit.flows.models import FlowVersion
from sunlit.flows.validate import LABELS
from sunlit.org.models import Unit

router = Router(tags=["公开数据"])
STAFF = ["流程图"]


def _flow_document(flow: selectors.PublicFlow) -> dict[str, Any]:
    keys = {step.pk: step.key for step in flow.steps}
    return {
        "version": flow.version.number,
        "source": flow.source,
        "unit": flow.version.limit_unit,
        "steps": [{
            "key": step.key, "name": step.name, "kind": step.kind, "kind_label": LABELS[step.kind],
            "post": ({"id": step.post.pk, "name": step.post.name, "unit": step.post.unit.code}
                     if step.post is not None and step.post_id in flow.public_posts else None),
            "duty": step.duty, "limit": step.limit, "clock_stops": step.clock_stops,
            "legal_ground": step.legal_ground, "supervision_point": step.supervision_point,
            "rights": step.rights, "complaint": step.complaint,
        } for step in flow.steps],
        "transitions": [{"from": keys[t.source_id], "to": keys[t.target_id], "outcome": t.outcome}
                        for t in flow.transitions],
    }


def _public_flow(item_id: int) -> tuple[PowerItem, selectors.PublicFlow]:
    item = catalog_selectors.public_power(item_id)
    flow = selectors.public_flow(item) if item is not None else None
    if item is None or flow is None:
        raise NotFound("事项不存在、未公开或尚无已发布的流程图", field="id")
    return item, flow


@router.get("/powers/{item_id}/flow", summary="事项的流程图（项目流程图，或所属单位的类别流程图）")
def get_flow(request: HttpRequest, item_id: int) -> Any:
    _, flow = _public_flow(item_id)
    return _flow_document(flow)


@router.get("/powers/{item_id}/flow.svg", summary="事项的流程图（SVG）")
def get_flow_svg(request: HttpRequest, item_id: int) -> HttpResponse:
    _, flow = _public_flow(item_id)
    return _svg_response(services.flow_chart_svg(flow))


def _svg_response(svg: str) -> HttpResponse:
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@router.get("/powers/{item_id}/flow.bpmn", summary="事项的流程图（BPMN 2.0，可在标准建模工具中打开）")
def get_flow_bpmn(request: HttpRequest, item_id: int) -> HttpResponse:
    item, flow = _public_flow(item_id)
    data = export_bpmn(flow.bpmn_steps(), flow.plain_transitions(), limit_unit=flow.version.limit_unit,
                       process_id=f"Process_{item.pk}", name=f"{item.published_version.name}（第{flow.version.number}版）"
                       if item.published_version else f"事项{item.pk}")
    response = HttpResponse(data, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sunlit-flow-{item.pk}-v{flow.version.number}.bpmn"'
    return response


def _public_template(code: str, category: str) -> tuple[Unit, selectors.PublicFlow]:
    unit = public_queryset(Unit).filter(code=code).first()
    flow = selectors.public_template_flow(unit, category) if unit is not None else None
    if unit is None or flow is None:
        raise NotFound(f"单位{code}没有已发布的{Category(category).label if category in Category.values else category}"
                       "类别流程图", field="category")
    return unit, flow


@router.get("/units/{code}/flows/{category}", summary="单位的类别流程图")
def get_template(request: HttpRequest, code: str, category: str) -> Any:
    _, flow = _public_template(code, category)
    return _flow_document(flow)


@router.get("/units/{code}/flows/{category}/flow.svg", summary="单位的类别流程图（SVG）")
def get_template_svg(request: HttpRequest, code: str, category: str) -> HttpResponse:
    _, flow = _public_template(code, category)
    return _svg_response(services.flow_chart_svg(flow))


class RiskOut(s.Schema):
    id: int
    level: str
    level_label: str = s.Field(alias="get_level_display")
    description: str
    measures: str
    owner: str
    item: int | None = s.Field(None, alias="item_id")
    step: str | None = s.Field(None, alias="step.name")
    post: str | None = s.Field(None, alias="post.name")
    next_review: dt.date | None


@router.get("/units/{code}/risks", response=list[RiskOut], summary="单位的廉能风险点及防控措施")
def unit_risks(request: HttpRequest, code: str) -> Any:
    unit = public_queryset(Unit).filter(code=code).first()
    if unit is None:
        raise NotFound(f"单位{code}不存在", field="code")
    return risks.public_risks(unit)


class FlowVersionIn(s.InputSchema):
    steps: list[dict[str, Any]] = s.Field(..., max_length=200)
    transitions: list[dict[str, Any]] = s.Field(default_factory=list, max_length=800)
    reason: str = s.Field(..., max_length=500)
    submit: bool = False
    limit_unit: str = s.Field("working", max_length=10)


class FlowVersionOut(s.Schema):
    id: int
    number: int
    status: str
    status_label: str = s.Field(alias="get_status_display")


def _staff_version(request: HttpRequest, version_id: int) -> FlowVersion:
    version = selectors.staff_flow_version(viewer=request.user, version_id=version_id)
    if version is None:
        raise NotFound("流程版本不存在或您无权查看", field="id")
    return version


@router.post("/powers/{item_id}/flow-versions", auth=staff_auth, tags=STAFF, response={201: FlowVersionOut},
             summary="编制事项的流程图（新版本）")
def create_item_flow(request: HttpRequest, item_id: int, payload: FlowVersionIn) -> Any:
    item = catalog_selectors.staff_item(viewer=request.user, item_id=item_id)
    if item is None:
        raise NotFound("事项不存在或您无权查看", field="id")
    return Status(201, services.flow_version_create(item=item, steps=payload.steps, transitions=payload.transitions,
                                                    reason=payload.reason, author=request.user,
                                                    submit=payload.submit))


class BpmnImportQuery(s.InputSchema):
    reason: str = s.Field(..., min_length=1, max_length=500)
    submit: bool = False


@router.post("/powers/{item_id}/flow-versions.bpmn", auth=staff_auth, tags=STAFF, response={201: FlowVersionOut},
             summary="从BPMN 2.0文件导入事项的流程图（新版本）",
             description="请求体为BPMN XML（不超过2 MB）；只接受Sunlit导出的子集，其余元素按名称拒绝。")
def import_item_flow(request: HttpRequest, item_id: int, query: Query[BpmnImportQuery]) -> Any:
    item = catalog_selectors.staff_item(viewer=request.user, item_id=item_id)
    if item is None:
        raise NotFound("事项不存在或您无权查看", field="id")
    declared = int(request.headers.get("Content-Length") or 0)
    if declared > MAX_BYTES:
        raise DomainError(f"BPMN文件超过{MAX_BYTES // 1024 // 1024} MB", field="bpmn")
    return Status(201, services.flow_version_from_bpmn(item=item, data=request.body, reason=query.reason,
                                                       author=request.user, submit=query.submit))


@router.post("/units/{code}/flows/{category}/versions", auth=staff_auth, tags=STAFF, response={201: FlowVersionOut},
             summary="编制单位的类别流程图（新版本）")
def create_category_flow(request: HttpRequest, code: str, category: Category, payload: FlowVersionIn) -> Any:
    unit = catalog_selectors.unit_named(code)
    return Status(201, services.flow_version_create(unit=unit, category=category, steps=payload.steps,
                                                    transitions=payload.transitions, reason=payload.reason,
                                                    author=request.user, submit=payload.submit,
                                                    limit_unit=payload.limit_unit))


@router.post("/flow-versions/{version_id}/submit", auth=staff_auth, tags=STAFF, response=FlowVersionOut,
             summary="提交审核")
def submit_flow(request: HttpRequest, version_id: int) -> Any:
    return services.flow_version_submit(version=_staff_version(request, version_id), actor=request.user)


@router.post("/flow-versions/{version_id}/approve", auth=staff_auth, tags=STAFF, response=FlowVersionOut,
             summary="批准")
def approve_flow(request: HttpRequest, version_id: int, payload: s.ReviewIn) -> Any:
    return services.flow_version_approve(version=_staff_version(request, version_id), reviewer=request.user,
                                         comment=payload.comment)


@router.post("/flow-versions/{version_id}/withdraw", auth=staff_auth, tags=STAFF, response=FlowVersionOut,
             summary="撤回（编制人员，写明理由）")
def withdraw_flow(request: HttpRequest, version_id: int, payload: s.ReviewIn) -> Any:
    return services.flow_version_withdraw(version=_staff_version(request, version_id), actor=request.user,
                                          reason=payload.comment)


@router.post("/flow-versions/{version_id}/reject", auth=staff_auth, tags=STAFF, response=FlowVersionOut,
             summary="退回")
def reject_flow(request: HttpRequest, version_id: int, payload: s.ReviewIn) -> Any:
    return services.flow_version_reject(version=_staff_version(request, version_id), reviewer=request.user,
                                        comment=payload.comment)
