"""制权 reads. Public reads go through `public_queryset` only; staff reads take the viewer."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from sunlit.catalog.models import PowerItem
from sunlit.catalog.permissions import READ_ROLES
from sunlit.core.visibility import public_queryset
from sunlit.flows.bpmn import BpmnStep
from sunlit.flows.chart import ChartStep, flow_dot
from sunlit.flows.models import RISK_SEVERITY, FlowVersion, RiskLevel, RiskPoint, Step, Transition
from sunlit.flows.validate import PlainTransition
from sunlit.org.models import Post, Unit
from sunlit.org.permissions import units_for


@dataclass(frozen=True)
class PublicFlow:
    """The flow a resident reads for an item: its own (项目流程图) or its unit's category template."""

    version: FlowVersion
    source: str  # "item" | "category"
    steps: list[Step]
    transitions: list[Transition]
    public_posts: set[int]


    def rows(self) -> list[dict[str, Any]]:
        """Each step as the portal lists it (the chart's text alternative): the step, its post when
        public, and where it leads on which outcome."""
        names = {step.pk: step.name for step in self.steps}
        leads: dict[int, list[tuple[str, str]]] = {}
        for t in self.transitions:
            leads.setdefault(t.source_id, []).append((names[t.target_id], t.outcome))
        return [{"step": step, "post": step.post if step.post_id in self.public_posts else None,
                 "leads": leads.get(step.pk, [])} for step in self.steps]

    def chart_steps(self, risks: dict[int, str]) -> list[ChartStep]:
        """The steps as the public chart draws them: a post only when public; `risks` the highest public
        risk level of each step, by step id."""
        return [ChartStep(key=step.key, name=step.name, kind=step.kind, post_name=self._post_name(step),
                          limit=step.limit, clock_stops=step.clock_stops,
                          supervision_point=step.supervision_point, risk=risks.get(step.pk))
                for step in self.steps]

    def _post_name(self, step: Step) -> str:
        """The public post's name; a post of a unit above (上报) with its unit's short name."""
        if step.post is None or step.post_id not in self.public_posts:
            return ""
        return step.post.name if step.post.unit_id == self.version.flow.unit_id else sent_up_label(step.post)

    def bpmn_steps(self) -> list[BpmnStep]:
        """The steps as the public BPMN export holds them (a post only when public)."""
        return [BpmnStep(key=step.key, name=step.name, kind=step.kind, post_name=self._post_name(step),
                         duty=step.duty, limit=step.limit, clock_stops=step.clock_stops,
                         legal_ground=step.legal_ground, supervision_point=step.supervision_point,
                         rights=step.rights, complaint=step.complaint) for step in self.steps]

    def chart_dot(self, note: str = "") -> str:
        """The chart's DOT source: steps with their highest public risk level, titled with the version
        number (and `note`, e.g. "·草稿" for a draft staff look at)."""
        return flow_dot(self.chart_steps(step_risk_levels(self)), self.plain_transitions(),
                        limit_unit=self.version.limit_unit, title=f"办理流程图（第{self.version.number}版{note}）")

    def plain_transitions(self) -> list[PlainTransition]:
        keys = {step.pk: step.key for step in self.steps}
        return [PlainTransition(keys[t.source_id], keys[t.target_id], t.outcome) for t in self.transitions]


def step_risk_levels(flow: PublicFlow) -> dict[int, str]:
    """The highest public risk level (高 > 中 > 低) of each step that has one, by step id.

    A risk point is set at a step of one version, and stays with the step of the same key in the flow's
    later versions: approving a new version does not drop the register's marks from the chart."""
    if not flow.steps:
        return {}
    by_key = {step.key: step.pk for step in flow.steps}
    found: dict[int, str] = {}
    rows = (public_queryset(RiskPoint).filter(step__version__flow_id=flow.version.flow_id, step__key__in=by_key)
            .order_by(RISK_SEVERITY).values_list("step__key", "level"))
    for key, level in rows:
        found.setdefault(by_key[key], RiskLevel(level).label)
    return found


def at_flow_step(risk: RiskPoint, flow: PublicFlow) -> bool:
    """Whether a risk point marks a step of this flow: set at the step, or at the step of the same key in
    an earlier version of the same flow. (`risk.step.version` loaded: `risks.public_risks` does.)"""
    if risk.step is None or risk.step.version.flow_id != flow.version.flow_id:
        return False
    return any(step.key == risk.step.key for step in flow.steps)


def _with_content(versions: Any) -> Any:
    return versions.select_related("flow__unit").prefetch_related(
        Prefetch("steps", queryset=Step.objects.select_related("post__unit").order_by("position")),
        Prefetch("transitions", queryset=Transition.objects.select_related("source", "target").order_by("position")),
    )


def public_flow(item: PowerItem) -> PublicFlow | None:
    """The published flow of a public item: its own when it has one, else the template of its unit for
    its category; None when neither is published."""
    published = _with_content(public_queryset(FlowVersion))
    version, source = published.filter(flow__item=item).first(), "item"
    current = item.published_version
    if version is None and current is not None:
        templates = published.filter(flow__item__isnull=True, flow__unit=item.unit_id, flow__category=current.category)
        if current.statutory_limit is not None:  # a template counts in the unit the item's law counts in
            templates = templates.filter(limit_unit=current.statutory_limit_unit)
        version, source = templates.first(), "category"
    return _as_public(version, source) if version is not None else None


def _as_public(version: FlowVersion, source: str) -> PublicFlow:
    steps = list(version.steps.all())
    shown = public_post_ids(s.post_id for s in steps)
    return PublicFlow(version, source, steps, list(version.transitions.all()), shown)


def public_templates(unit: Unit) -> list[FlowVersion]:
    """A unit's published category flows (类别流程图), by category: what its items follow unless they
    have their own."""
    return list(public_queryset(FlowVersion).filter(flow__item__isnull=True, flow__unit=unit)
                .select_related("flow").order_by("flow__category"))


def public_template_flow(unit: Unit, category: str) -> PublicFlow | None:
    """The published category flow of a unit, or None."""
    version = _with_content(public_queryset(FlowVersion)).filter(
        flow__item__isnull=True, flow__unit=unit, flow__category=category).first()
    return _as_public(version, "category") if version is not None else None


def items_following(unit: Unit, category: str) -> QuerySet[PowerItem]:
    """The unit's public items of the category that have no published flow of their own: those the
    category flow is for."""
    own = public_queryset(FlowVersion).filter(flow__item__isnull=False).values("flow__item_id")
    return (public_queryset(PowerItem).filter(unit=unit, published_version__category=category)
            .exclude(pk__in=own).select_related("published_version").order_by("code"))


def public_post_ids(post_ids: Iterable[int | None]) -> set[int]:
    """Which of these posts the public query path admits: a flow names only those to the public."""
    wanted = {pk for pk in post_ids if pk is not None}
    return set(public_queryset(Post).filter(pk__in=wanted).values_list("pk", flat=True)) if wanted else set()


def sent_up_label(post: Post) -> str:
    """A post of a unit above the flow's (上报), as charts and BPMN lanes name it: 岗位（单位简称）."""
    return f"{post.name}（{post.unit.short_name or post.unit.name}）"


def posts_by_name(unit: Unit) -> dict[str, int]:
    """Posts a flow of `unit` may name, by name: the unit's own first, then those of the units above it
    (上报), each also as "岗位（单位简称）" the way charts and BPMN lanes print a post sent up."""
    found: dict[str, int] = {}
    codes = [c for c in unit.path.split("/") if c]
    posts = Post.objects.filter(unit__code__in=codes).select_related("unit")
    for post in sorted(posts, key=lambda p: -len(p.unit.path)):
        found.setdefault(post.name if post.unit_id == unit.pk else sent_up_label(post), post.pk)
        found.setdefault(post.name, post.pk)
    return found


def staff_flow_version(*, viewer: Any, version_id: int) -> FlowVersion | None:
    return FlowVersion.objects.filter(flow__unit__in=units_for(viewer, READ_ROLES), pk=version_id).select_related(
        "flow__unit").first()


def staff_flow(version: FlowVersion) -> PublicFlow:
    """A flow version of any status as its unit's staff read it (the console's chart, table and BPMN):
    every post is named, internal ones too. Never for the public: use `public_flow`."""
    loaded = _with_content(FlowVersion.objects.filter(pk=version.pk)).get()
    steps = list(loaded.steps.all())
    return PublicFlow(loaded, "category" if loaded.flow.is_template else "item", steps,
                      list(loaded.transitions.all()), {s.post_id for s in steps if s.post_id is not None})


@functools.lru_cache(maxsize=4096)
def _version_ways(version_id: int) -> dict[int, tuple[Transition, ...]]:
    ways: dict[int, list[Transition]] = {}
    for way in Transition.objects.filter(version_id=version_id).select_related("target").order_by("position"):
        ways.setdefault(way.source_id, []).append(way)
    return {source: tuple(found) for source, found in ways.items()}


def ways_on(version_id: int, step_id: int | None) -> tuple[Transition, ...]:
    """The ways on from a step of a flow version cases run on, in order, with their targets. Such a version
    never changes (a change is a new version), so each is read once per process; for a draft being edited,
    read the table."""
    return _version_ways(version_id).get(step_id or 0, ())


def forget_ways() -> None:
    """Tests reuse ids across rolled-back databases: start from the tables."""
    _version_ways.cache_clear()
