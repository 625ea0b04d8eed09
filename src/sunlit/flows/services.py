"""制权 writes: flow versions drafted, submitted, approved or rejected by another person.

Each is one transaction that checks the viewer's right on the flow's unit, validates the flow with the
one validator (`sunlit.flows.validate`), writes, and records its event; an approved version that
becomes the published one enters the log through `record.services.publish_record`.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max

from sunlit.catalog.models import Category, PowerItem, PowerItemVersion
from sunlit.catalog.permissions import require_edit, require_review
from sunlit.core import clock as clock_mod
from sunlit.core.clock import Clock
from sunlit.core.errors import Conflict, DomainError, FieldError, Invalid
from sunlit.core.timelimits import LimitUnit
from sunlit.core.versioning import OPEN_STATUSES, VersionStatus, mark_reviewed, mark_submitted, mark_withdrawn
from sunlit.core.visibility import public_queryset
from sunlit.flows import bpmn, chart, validate
from sunlit.flows.models import Flow, FlowChart, FlowVersion, Step, Transition
from sunlit.flows.selectors import PublicFlow, posts_by_name, public_post_ids
from sunlit.org.models import Post, Unit
from sunlit.record.events import record_event
from sunlit.record.services import publish_record

MAX_STEPS = 200
MAX_TEXT = 2000
STEP_TEXT_FIELDS = ("duty", "rights", "complaint")


class FlowInvalid(Invalid):
    """A flow was refused; `errors` lists every problem, each naming its step and field."""


def _item_limits(item: PowerItem) -> tuple[str, validate.Limit | None, validate.Limit | None]:
    """The unit all step limits must use and the limits the longest path must fit: the item's published
    version, or its newest one while it has none."""
    version: PowerItemVersion | None = item.published_version or item.versions.order_by("-number").first()
    if version is None:
        return LimitUnit.WORKING_DAYS, None, None
    statutory = (validate.Limit(version.statutory_limit, version.statutory_limit_unit)
                 if version.statutory_limit is not None else None)
    promised = (validate.Limit(version.promised_limit, version.promised_limit_unit)
                if version.promised_limit is not None else None)
    return version.statutory_limit_unit, statutory, promised


def _text(raw: dict[str, Any], name: str, where: str, *, limit: int = MAX_TEXT) -> str:
    value = raw.get(name) or ""
    if not isinstance(value, str):
        raise DomainError(f"{where}的{name}必须是文字", field=f"{where}.{name}")
    if len(value) > limit:
        raise DomainError(f"{where}的{name}超过{limit}字", field=f"{where}.{name}")
    if "\x00" in value:
        raise DomainError(f"{where}的{name}不能包含空字符（\\0）", field=f"{where}.{name}")
    return value.strip()


def _parse_steps(raw_steps: Any, unit: Unit, limit_unit: str) -> tuple[list[dict[str, Any]], list[validate.PlainStep]]:
    if not isinstance(raw_steps, list) or not raw_steps:
        raise DomainError("流程至少要有一个环节", field="steps")
    if len(raw_steps) > MAX_STEPS:
        raise DomainError(f"流程环节不能超过{MAX_STEPS}个", field="steps")
    post_ids = {r.get("post") for r in raw_steps if isinstance(r, dict) and isinstance(r.get("post"), int)}
    posts = Post.objects.select_related("unit").in_bulk(post_ids)
    rows, plain = [], []
    for i, raw in enumerate(raw_steps):
        where = f"steps[{i}]"
        if not isinstance(raw, dict):
            raise DomainError(f"第{i + 1}个环节格式不对", field=where)
        limit = raw.get("limit")
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or not 0 <= limit <= 3650):
            raise DomainError(f"第{i + 1}个环节的时限必须是0到3650之间的整数", field=f"{where}.limit")
        post_id = raw.get("post")
        post = posts.get(post_id) if isinstance(post_id, int) else None
        if post_id is not None and post is None:
            raise DomainError(f"第{i + 1}个环节的承办岗位不存在", field=f"{where}.post")
        row: dict[str, Any] = {
            "key": _text(raw, "key", where, limit=40), "name": _text(raw, "name", where, limit=60),
            "kind": _text(raw, "kind", where, limit=20), "post": post, "limit": limit,
            "clock_stops": bool(raw.get("clock_stops")), "legal_ground": _text(raw, "legal_ground", where, limit=200),
            "supervision_point": bool(raw.get("supervision_point")),
            **{name: _text(raw, name, where) for name in STEP_TEXT_FIELDS},
        }
        rows.append(row)
        plain.append(validate.PlainStep(
            key=row["key"], name=row["name"], kind=row["kind"], limit=limit,
            limit_unit=raw.get("limit_unit") or limit_unit, clock_stops=row["clock_stops"],
            legal_ground=row["legal_ground"],
            # the owning unit or a unit above it (上报: a village's step done by the township)
            post_ok=post is None or unit.path.startswith(post.unit.path),
            post_name=str(post) if post else "",
        ))
    return rows, plain


def _parse_transitions(raw_transitions: Any) -> list[validate.PlainTransition]:
    if not isinstance(raw_transitions, list):
        raise DomainError("流转必须是列表", field="transitions")
    if len(raw_transitions) > MAX_STEPS * 4:
        raise DomainError("流转过多", field="transitions")
    out = []
    for i, raw in enumerate(raw_transitions):
        where = f"transitions[{i}]"
        if not isinstance(raw, dict):
            raise DomainError(f"第{i + 1}条流转格式不对", field=where)
        out.append(validate.PlainTransition(source=_text(raw, "from", where, limit=40),
                                            target=_text(raw, "to", where, limit=40),
                                            outcome=_text(raw, "outcome", where, limit=40)))
    return out


def _flow_for(*, item: PowerItem | None, unit: Unit | None, category: str, clock: Clock | None) -> Flow:
    if item is not None:
        flow, _ = Flow.objects.get_or_create(item=item, defaults={"unit": item.unit, "created_at": clock_mod.now(clock)})
        return flow
    if unit is None or category not in Category.values:
        raise DomainError("类别流程图须指明单位和职权类别", field="category")
    flow, _ = Flow.objects.get_or_create(unit=unit, category=category, item=None,
                                         defaults={"created_at": clock_mod.now(clock)})
    return flow


@transaction.atomic
def flow_version_create(
    *, steps: Any, transitions: Any, reason: str, author: Any, item: PowerItem | None = None,
    unit: Unit | None = None, category: str = "", limit_unit: str = LimitUnit.WORKING_DAYS,
    submit: bool = False, clock: Clock | None = None,
) -> FlowVersion:
    """Draft (or submit) a new version of an item's flow (项目流程图), or of a unit's template for a
    category (类别流程图). Refused whole, with every problem named, when the flow is not valid."""
    owner = item.unit if item is not None else unit
    if owner is None:
        raise DomainError("请指明事项，或类别流程图所属的单位", field="unit")
    require_edit(author, owner)
    if not (reason or "").strip():
        raise DomainError("请填写变更理由", field="reason")
    flow = Flow.objects.select_for_update().get(pk=_flow_for(item=item, unit=unit, category=category, clock=clock).pk)
    if flow.versions.filter(status__in=OPEN_STATUSES).exists():
        raise Conflict("该流程已有未审结的版本，请先提交审核或等待审核结果", field="flow")
    if item is not None:
        limit_unit, statutory, promised = _item_limits(item)
    elif limit_unit in LimitUnit.values:
        statutory = promised = None
    else:
        raise DomainError("时限单位只能是工作日或日", field="limit_unit")
    rows, plain_steps = _parse_steps(steps, flow.unit, limit_unit)
    plain_transitions = _parse_transitions(transitions)
    problems = validate.validate_flow(validate.PlainFlow(tuple(plain_steps), tuple(plain_transitions),
                                                         statutory=statutory, promised=promised))
    if problems:
        raise FlowInvalid([FieldError(_field(p), p.message) for p in problems])
    at = clock_mod.now(clock)
    version = FlowVersion.objects.create(
        flow=flow, number=(flow.versions.aggregate(n=Max("number"))["n"] or 0) + 1, limit_unit=limit_unit,
        reason=reason.strip(), author=author, created_at=at,
        status=VersionStatus.SUBMITTED if submit else VersionStatus.DRAFT, submitted_at=at if submit else None,
    )
    made = Step.objects.bulk_create(Step(version=version, position=i, **row) for i, row in enumerate(rows))
    by_key = {s.key: s for s in made}
    Transition.objects.bulk_create(
        Transition(version=version, position=i, source=by_key[t.source], target=by_key[t.target], outcome=t.outcome)
        for i, t in enumerate(plain_transitions))
    record_event(actor=author, action=f"flows.version.{'submit' if submit else 'draft'}", obj=version,
                 after={"flow": flow.pk, "number": version.number, "content": version.snapshot()},
                 note=version.reason, clock=clock)
    return version


def flow_version_from_bpmn(*, item: PowerItem, data: bytes, reason: str, author: Any, submit: bool = False,
                           clock: Clock | None = None) -> FlowVersion:
    """A new version of an item's flow from a BPMN 2.0 file of the subset Sunlit exports (never run:
    parsed with defusedxml, anything outside the subset refused by name), validated like any other.
    Lanes name posts of the item's unit, or of a unit above it."""
    require_edit(author, item.unit)  # before reading the file: no one learns anything from a refused upload
    steps, transitions, _ = bpmn.import_bpmn(data)
    posts = posts_by_name(item.unit)
    for step in steps:
        name = step.pop("post_name", "") or ""
        if name and name not in posts:
            raise DomainError(f"「{step['name']}」的岗位「{name}」不在本单位或上级单位", field=f"steps.{step['key']}.post")
        step["post"] = posts.get(name) if name else None
    return flow_version_create(item=item, steps=steps, transitions=transitions, reason=reason, author=author,
                               submit=submit, clock=clock)


def _field(problem: validate.FlowProblem) -> str:
    return f"steps.{problem.step}.{problem.field}" if problem.step else problem.field


def _lock(version: FlowVersion) -> FlowVersion:
    return FlowVersion.objects.select_for_update().select_related("flow__unit").get(pk=version.pk)


@transaction.atomic
def flow_version_submit(*, version: FlowVersion, actor: Any, clock: Clock | None = None) -> FlowVersion:
    version = _lock(version)
    require_edit(actor, version.flow.unit)
    mark_submitted(version, clock=clock)
    record_event(actor=actor, action="flows.version.submit", obj=version,
                 before={"status": VersionStatus.DRAFT}, after={"status": version.status}, clock=clock)
    return version


@transaction.atomic
def flow_version_approve(
    *, version: FlowVersion, reviewer: Any, comment: str = "", clock: Clock | None = None
) -> FlowVersion:
    """Approve a submitted version: it becomes the flow's published one (cases already running keep theirs)."""
    version = _lock(version)
    require_review(reviewer, version.flow.unit)
    mark_reviewed(version, reviewer=reviewer, approve=True, comment=comment, clock=clock)
    flow = Flow.objects.select_for_update().get(pk=version.flow_id)
    before = {"published_version": flow.published_version_id}
    flow.published_version = version
    flow.save(update_fields=["published_version"])
    public = public_queryset(FlowVersion).filter(pk=version.pk).exists()
    publish_record(obj=version, header=version.record_header(), content=_public_snapshot(version) if public
                   else version.snapshot(), public=public, at=version.reviewed_at, clock=clock)
    record_event(actor=reviewer, action="flows.version.approve", obj=version, before=before,
                 after={"published_version": version.pk}, note=version.review_comment, clock=clock)
    return version


def _public_snapshot(version: FlowVersion) -> dict[str, Any]:
    """The snapshot as the public query path shows it: a step's post only when the post is public."""
    data = version.snapshot()
    shown = public_post_ids(step["post"] for step in data["steps"])
    for step in data["steps"]:
        if step["post"] not in shown:
            step["post"] = None
    return data


@transaction.atomic
def flow_version_withdraw(*, version: FlowVersion, actor: Any, reason: str, clock: Clock | None = None) -> FlowVersion:
    """Take back an open version (a wrong upload, a draft overtaken): the flow is free for a new one."""
    version = _lock(version)
    require_edit(actor, version.flow.unit)
    before = {"status": version.status}
    mark_withdrawn(version, reason=reason, clock=clock)
    record_event(actor=actor, action="flows.version.withdraw", obj=version, before=before,
                 after={"status": version.status}, note=version.review_comment, clock=clock)
    return version


@transaction.atomic
def flow_version_reject(
    *, version: FlowVersion, reviewer: Any, comment: str, clock: Clock | None = None
) -> FlowVersion:
    version = _lock(version)
    require_review(reviewer, version.flow.unit)
    mark_reviewed(version, reviewer=reviewer, approve=False, comment=comment, clock=clock)
    record_event(actor=reviewer, action="flows.version.reject", obj=version,
                 before={"status": VersionStatus.SUBMITTED}, after={"status": version.status},
                 note=version.review_comment, clock=clock)
    return version


def flow_chart_svg(flow: PublicFlow) -> str:
    """The public chart of a published flow version, drawn once per DOT source and served from the
    FlowChart row. The DOT is cheap to write and the layout is not, so the cache is keyed by the DOT: a risk
    level set later, or a change in how charts are drawn, redraws the chart on its next request."""
    dot = flow.chart_dot()
    cached = FlowChart.objects.filter(version=flow.version).values_list("dot", "svg").first()
    if cached is not None and cached[0] == dot:
        return cached[1]
    svg = chart.render_svg(dot)
    FlowChart.objects.update_or_create(version=flow.version, defaults={"dot": dot, "svg": svg, "drawn_at": clock_mod.now()})
    return svg
