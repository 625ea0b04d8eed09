"""Flow charts (流程图): the rules every flow of a power item must keep, as plain functions.

The flow editor, the BPMN import and the API all call `validate_flow`, so a flow is judged the same way
wherever it comes from. Plain values in, plain values out; no Django here, so the rules are tested fast
and exhaustively. Every graph walk is linear in steps and transitions (no enumeration of paths), so a
flow of hundreds of steps validates in milliseconds.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from enum import StrEnum

WORKING = "working"
CALENDAR = "calendar"
UNIT_LABELS: dict[str, str] = {WORKING: "工作日", CALENDAR: "日"}


class StepKind(StrEnum):
    APPLY = "apply"
    ACCEPT = "accept"
    REVIEW = "review"
    DECIDE = "decide"
    DELIVER = "deliver"
    CORRECTION = "correction"
    NOT_ACCEPTED = "not_accepted"
    DENIED = "denied"
    HEARING = "hearing"
    EXPERT_REVIEW = "expert_review"
    TESTING = "testing"
    REPORT_UP = "report_up"


LABELS: dict[str, str] = {
    StepKind.APPLY: "申请",
    StepKind.ACCEPT: "受理",
    StepKind.REVIEW: "审查",
    StepKind.DECIDE: "决定",
    StepKind.DELIVER: "送达（办结）",
    StepKind.CORRECTION: "补正",
    StepKind.NOT_ACCEPTED: "不予受理",
    StepKind.DENIED: "不予许可",
    StepKind.HEARING: "听证",
    StepKind.EXPERT_REVIEW: "专家评审",
    StepKind.TESTING: "检验检测",
    StepKind.REPORT_UP: "上报",
}
START_KINDS: frozenset[str] = frozenset({StepKind.APPLY})
END_KINDS: frozenset[str] = frozenset({StepKind.DELIVER, StepKind.NOT_ACCEPTED, StepKind.DENIED})

# The fields a problem can point at, so a form can put the message beside the right input.
FIELDS = frozenset({"steps", "transitions", "limit", "limit_unit", "legal_ground", "post", "outcome",
                    "kind", "key", "name"})


@dataclass(frozen=True)
class PlainStep:
    key: str
    name: str
    kind: str
    limit: int | None
    limit_unit: str
    clock_stops: bool = False
    legal_ground: str = ""
    post_ok: bool = True
    post_name: str = ""


@dataclass(frozen=True)
class PlainTransition:
    source: str
    target: str
    outcome: str = ""


@dataclass(frozen=True)
class Limit:
    days: int
    unit: str


@dataclass(frozen=True)
class PlainFlow:
    steps: tuple[PlainStep, ...]
    transitions: tuple[PlainTransition, ...]
    statutory: Limit | None = None
    promised: Limit | None = None


@dataclass(frozen=True)
class FlowProblem:
    step: str | None
    field: str
    message: str


def format_days(days: int, unit: str) -> str:
    """'23个工作日', '60日'."""
    return f"{days}个工作日" if unit == WORKING else f"{days}日"


# ------------------------------------------------------------------------------------------- the graph


@dataclass
class _Graph:
    """The flow as adjacency lists over the steps that have a usable key (first step of a key wins)."""

    flow: PlainFlow
    steps: dict[str, PlainStep] = field(default_factory=dict)
    out: dict[str, list[PlainTransition]] = field(default_factory=dict)
    inc: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, flow: PlainFlow) -> _Graph:
        g = cls(flow)
        for step in flow.steps:
            if step.key.strip() and step.key not in g.steps:
                g.steps[step.key] = step
                g.out[step.key] = []
                g.inc[step.key] = []
        seen: set[tuple[str, str]] = set()
        for t in flow.transitions:
            if t.source in g.steps and t.target in g.steps and (t.source, t.target) not in seen:
                seen.add((t.source, t.target))
                g.out[t.source].append(t)
                g.inc[t.target].append(t.source)
        return g

    def name(self, key: str) -> str:
        step = self.steps.get(key)
        return _name(step) if step else key

    def quoted(self, key: str) -> str:
        return f"「{self.name(key)}」"

    def is_correction_loop(self, source: str, target: str) -> bool:
        return self.steps[source].kind == StepKind.CORRECTION and self.steps[target].kind == StepKind.ACCEPT

    def forward(self, key: str) -> list[str]:
        """Successors once the correction→acceptance loops are set aside: the graph that must be a DAG."""
        return [t.target for t in self.out[key] if not self.is_correction_loop(key, t.target)]

    def starts(self) -> list[str]:
        return [k for k, s in self.steps.items() if s.kind in START_KINDS]


def _name(step: PlainStep, index: int | None = None) -> str:
    if step.name.strip():
        return step.name.strip()
    if step.key.strip():
        return step.key.strip()
    return f"第{index + 1}个环节" if index is not None else "未命名环节"


def _key(step: PlainStep) -> str | None:
    return step.key if step.key.strip() else None


def _about(step: PlainStep, index: int | None = None) -> str:
    return f"「{_name(step, index)}」："


def _reach(roots: list[str], edges: dict[str, list[str]]) -> set[str]:
    seen = set(roots)
    queue = deque(roots)
    while queue:
        for w in edges[queue.popleft()]:
            if w not in seen:
                seen.add(w)
                queue.append(w)
    return seen


def _strongly_connected(nodes: list[str], edges: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's components, iteratively so a long chain cannot exhaust the recursion limit."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for root in nodes:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, 0)]
        while work:
            v, i = work[-1]
            if i < len(edges[v]):
                work[-1] = (v, i + 1)
                w = edges[v][i]
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, 0))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
            if low[v] == index[v]:
                component = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    component.append(w)
                    if w == v:
                        break
                components.append(component)
    return components


def _cycle_through(start: str, members: set[str], edges: dict[str, list[str]]) -> list[str]:
    """A shortest cycle start → … → start inside one strongly connected component."""
    parent: dict[str, str] = {}
    queue = deque([start])
    seen = {start}
    while queue:
        v = queue.popleft()
        for w in edges[v]:
            if w == start:
                path = [v]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                return [*reversed(path), start]
            if w in members and w not in seen:
                seen.add(w)
                parent[w] = v
                queue.append(w)
    return [start, start]  # unreachable for a true component; keeps the message total


def _longest(g: _Graph) -> tuple[int, list[str]] | None:
    """The counted time of the longest path from the single start to an end, and that path.

    None when the flow has no single start or has a cycle beyond the correction loops; 0 when no end is
    reached, as nothing is then counted.
    Longest path over a DAG in topological order: linear, whatever the number of paths.
    """
    starts = g.starts()
    if len(starts) != 1:
        return None
    forward = {k: g.forward(k) for k in g.steps}
    nodes = _reach(starts, forward)
    indegree = dict.fromkeys(nodes, 0)
    for v in nodes:
        for w in forward[v]:
            indegree[w] += 1
    best: dict[str, int] = {starts[0]: _counted(g.steps[starts[0]])}
    parent: dict[str, str] = {}
    queue = deque(v for v in g.steps if v in nodes and indegree[v] == 0)
    done = 0
    while queue:
        v = queue.popleft()
        done += 1
        for w in forward[v]:
            if v in best and best[v] + _counted(g.steps[w]) > best.get(w, -1):
                best[w] = best[v] + _counted(g.steps[w])
                parent[w] = v
            indegree[w] -= 1
            if indegree[w] == 0:
                queue.append(w)
    if done < len(nodes):
        return None
    ends = [v for v in g.steps if v in best and g.steps[v].kind in END_KINDS]
    if not ends:
        return 0, starts
    end = max(ends, key=lambda v: best[v])  # the first of equals, in step order
    path = [end]
    while path[-1] in parent:
        path.append(parent[path[-1]])
    return best[end], path[::-1]


def _counted(step: PlainStep) -> int:
    if step.clock_stops or step.limit is None or step.limit < 0:
        return 0
    return step.limit


# ------------------------------------------------------------------------------------------- the rules


def validate_flow(flow: PlainFlow) -> list[FlowProblem]:
    """Every problem of the flow, rule by rule and step by step in the flow's order; [] when it is valid."""
    g = _Graph.build(flow)
    problems = [*_steps_are_well_formed(flow), *_transitions_name_steps(g, flow)]
    problems += _one_start(g)
    problems += _all_reachable(g)
    problems += _every_path_ends(g)
    cycles = _no_cycle_but_correction(g)
    problems += cycles
    problems += _branches_name_outcomes(g)
    problems += _posts_in_owning_unit_or_above(flow)
    units = _limits_in_one_unit(flow)
    problems += units
    if not cycles and not units:
        problems += _longest_path_fits(g)
    problems += _stopped_clock_names_ground(flow)
    return problems


def counted_days(flow: PlainFlow) -> int:
    """The counted time of the longest path from the start to an end (clock-stopping steps not counted).

    For a valid flow. Raises ValueError when the flow has no single start or a cycle beyond the
    correction loops, where no longest path exists.
    """
    longest = _longest(_Graph.build(flow))
    if longest is None:
        raise ValueError("流程没有唯一的起点或存在回路，无法计算最长路径")
    return longest[0]


def _steps_are_well_formed(flow: PlainFlow) -> list[FlowProblem]:
    problems = []
    first: dict[str, int] = {}
    for i, step in enumerate(flow.steps):
        about = _about(step, i)
        if not step.key.strip():
            problems.append(FlowProblem(None, "key", f"{about}环节缺少编码"))
        elif step.key in first:
            other = _name(flow.steps[first[step.key]], first[step.key])
            problems.append(FlowProblem(step.key, "key", f"{about}编码「{step.key}」与「{other}」重复"))
        else:
            first[step.key] = i
        if not step.name.strip():
            problems.append(FlowProblem(_key(step), "name", f"{about}环节缺少名称"))
        if step.kind not in LABELS:
            problems.append(FlowProblem(_key(step), "kind", f"{about}环节类型「{step.kind}」无法识别"))
    return problems


def _transitions_name_steps(g: _Graph, flow: PlainFlow) -> list[FlowProblem]:
    problems = []
    seen: set[tuple[str, str]] = set()
    for t in flow.transitions:
        if t.source not in g.steps:
            missing = "起点和终点环节都不存在" if t.target not in g.steps else f"起点环节「{t.source}」不存在"
            problems.append(FlowProblem(None, "transitions", f"流转「{t.source}」→「{t.target}」：{missing}"))
        elif t.target not in g.steps:
            problems.append(FlowProblem(
                t.source, "transitions", f"{g.quoted(t.source)}：流转指向不存在的环节「{t.target}」"))
        elif (t.source, t.target) in seen:
            problems.append(FlowProblem(
                t.source, "transitions", f"{g.quoted(t.source)}：到{g.quoted(t.target)}的流转重复"))
        seen.add((t.source, t.target))
    return problems


def _one_start(g: _Graph) -> list[FlowProblem]:
    starts = g.starts()
    if not starts:
        return [FlowProblem(None, "steps", "流程没有「申请」环节，无法确定起点")]
    problems = [
        FlowProblem(extra, "kind", f"{g.quoted(extra)}：流程只能有一个「申请」环节，已有{g.quoted(starts[0])}")
        for extra in starts[1:]
    ]
    for start in starts:
        if g.inc[start]:
            sources = "".join(g.quoted(s) for s in g.inc[start])
            problems.append(FlowProblem(
                start, "transitions", f"{g.quoted(start)}：申请是流程的起点，不能有流入的流转（来自{sources}）"))
    return problems


def _all_reachable(g: _Graph) -> list[FlowProblem]:
    starts = g.starts()
    if not starts:
        return []
    reached = _reach(starts, {k: [t.target for t in out] for k, out in g.out.items()})
    return [
        FlowProblem(k, "transitions", f"{g.quoted(k)}：从{g.quoted(starts[0])}出发没有路径到达此环节")
        for k in g.steps if k not in reached
    ]


def _every_path_ends(g: _Graph) -> list[FlowProblem]:
    ends = [k for k, s in g.steps.items() if s.kind in END_KINDS]
    problems = []
    if not ends:
        problems.append(FlowProblem(None, "steps", "流程没有办结环节（送达、不予受理或不予许可）"))
    can_end = _reach(ends, g.inc)
    for k, step in g.steps.items():
        targets = "".join(g.quoted(t.target) for t in g.out[k])
        if step.kind in END_KINDS and g.out[k]:
            problems.append(FlowProblem(k, "transitions", f"{g.quoted(k)}：办结环节不能再有流转（流向{targets}）"))
        elif step.kind not in END_KINDS and not g.out[k]:
            problems.append(FlowProblem(k, "transitions", f"{g.quoted(k)}：没有后续环节，流程在此中断"))
        elif ends and k not in can_end:
            problems.append(FlowProblem(k, "transitions", f"{g.quoted(k)}：从此环节出发无法到达任何办结环节"))
    return problems


def _no_cycle_but_correction(g: _Graph) -> list[FlowProblem]:
    forward = {k: g.forward(k) for k in g.steps}
    order = {k: i for i, k in enumerate(g.steps)}
    loops = []
    for component in _strongly_connected(list(g.steps), forward):
        if len(component) == 1 and component[0] not in forward[component[0]]:
            continue
        first = min(component, key=order.__getitem__)
        cycle = "→".join(g.name(k) for k in _cycle_through(first, set(component), forward))
        loops.append((order[first], FlowProblem(
            first, "transitions", f"{g.quoted(first)}：流程出现回路（{cycle}）；只有「补正」可以退回「受理」")))
    return [problem for _, problem in sorted(loops, key=lambda pair: pair[0])]


def _branches_name_outcomes(g: _Graph) -> list[FlowProblem]:
    problems = []
    for k in g.steps:
        out = g.out[k]
        if len(out) < 2:
            continue
        unnamed = [t for t in out if not t.outcome.strip()]
        if unnamed:
            targets = "".join(g.quoted(t.target) for t in unnamed)
            problems.append(FlowProblem(
                k, "outcome", f"{g.quoted(k)}：有多个去向，每条流转都要写明办理结果（到{targets}的流转未写明）"))
        by_outcome: dict[str, list[str]] = {}
        for t in out:
            if t.outcome.strip():
                by_outcome.setdefault(t.outcome.strip(), []).append(t.target)
        for outcome, targets_of in by_outcome.items():
            if len(targets_of) > 1:
                targets = "".join(g.quoted(t) for t in targets_of)
                problems.append(FlowProblem(
                    k, "outcome", f"{g.quoted(k)}：办理结果「{outcome}」对应多个去向（{targets}），应各不相同"))
    return problems


def _posts_in_owning_unit_or_above(flow: PlainFlow) -> list[FlowProblem]:
    return [
        FlowProblem(_key(step), "post",
                    f"{_about(step, i)}岗位「{step.post_name or '未指定'}」不在本单位或上级单位，不能承办此环节")
        for i, step in enumerate(flow.steps) if not step.post_ok
    ]


def _limits_in_one_unit(flow: PlainFlow) -> list[FlowProblem]:
    problems = []
    for which, limit in (("法定", flow.statutory), ("承诺", flow.promised)):
        if limit is None:
            continue
        if limit.days < 0:
            problems.append(FlowProblem(None, "limit", f"事项{which}时限不能为负数"))
        if limit.unit not in UNIT_LABELS:
            problems.append(FlowProblem(None, "limit_unit", f"事项{which}时限的单位「{limit.unit}」无法识别"))
    # Without a statutory limit the first step that has a limit sets the unit: a sum of working and
    # calendar days means nothing either way.
    reference: tuple[str, str] | None = None
    if flow.statutory is not None and flow.statutory.unit in UNIT_LABELS:
        reference = (flow.statutory.unit, "事项法定时限")
    for i, step in enumerate(flow.steps):
        if step.limit is None:
            continue
        about = _about(step, i)
        if step.limit < 0:
            problems.append(FlowProblem(_key(step), "limit", f"{about}时限不能为负数"))
        if step.limit_unit not in UNIT_LABELS:
            problems.append(FlowProblem(
                step.key, "limit_unit", f"{about}时限单位「{step.limit_unit}」无法识别，应为工作日或日"))
        elif reference is None:
            reference = (step.limit_unit, f"「{_name(step, i)}」")
        elif step.limit_unit != reference[0]:
            problems.append(FlowProblem(_key(step), "limit_unit", (
                f"{about}时限以{UNIT_LABELS[step.limit_unit]}计，而{reference[1]}以{UNIT_LABELS[reference[0]]}计；"
                "不能混用工作日和日")))
    return problems


def _longest_path_fits(g: _Graph) -> list[FlowProblem]:
    longest = _longest(g)
    if longest is None:
        return []
    days, path = longest
    flow = g.flow
    unit = next((s.limit_unit for s in flow.steps if s.limit is not None),
                flow.statutory.unit if flow.statutory else WORKING)
    route = "→".join(g.name(k) for k in path)
    problems = []
    for which, limit in (("法定", flow.statutory), ("承诺", flow.promised)):
        if limit is not None and limit.unit == unit and days > limit.days:
            problems.append(FlowProblem(None, "limit", (
                f"最长路径计时{format_days(days, unit)}，超过{which}时限{format_days(limit.days, unit)}"
                f"（{route}）")))
    return problems


def _stopped_clock_names_ground(flow: PlainFlow) -> list[FlowProblem]:
    return [
        FlowProblem(_key(step), "legal_ground", f"{_about(step, i)}此环节不计入办理时限，须写明法律依据（如《行政许可法》第四十五条）")
        for i, step in enumerate(flow.steps) if step.clock_stops and not step.legal_ground.strip()
    ]
