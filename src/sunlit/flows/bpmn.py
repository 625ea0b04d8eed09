"""BPMN 2.0 export and import of a flow (流程图), for standard modelers (bpmn.io, Camunda Modeler, ...).

Plain values in, plain values out; no database here. The subset Sunlit writes and reads:

* every step is a `userTask` (id from its key, name = the step's name), in a `laneSet` lane per post
  (lane name = post name; a step without a public post goes in the lane 「未指定岗位」);
* a `startEvent` before each start step (START_KINDS) and an `endEvent` after each end step (END_KINDS);
* a step with more than one way on is followed by an `exclusiveGateway` whose outgoing `sequenceFlow`s
  are named by the outcome; a single way on is one `sequenceFlow` named by its outcome, if any;
* a step with a limit carries a non-interrupting timer `boundaryEvent` whose `timeDuration` is the
  limit as an ISO 8601 duration (P5D); the exact count and unit (工作日 or 日) also go in the extension;
* Sunlit's own fields go in `bpmn:extensionElements` in the namespace `SUNLIT_NS`;
* `bpmndi` coordinates: a layered layout by longest distance from the start, so modelers open it laid out.

The import parses with defusedxml (no DTDs, no entities, at most `MAX_BYTES`) and accepts only that
subset: anything else (scriptTask, serviceTask, parallelGateway, conditionExpression, subProcess,
messageFlow, ...) is refused by name with a `BpmnError`. Uploaded BPMN is never run: conditions,
scripts and timers are data here, never evaluated.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree as ET

import defusedxml
import defusedxml.ElementTree as SafeET

from sunlit.core.errors import DomainError
from sunlit.flows.validate import CALENDAR, END_KINDS, START_KINDS, WORKING, PlainTransition, StepKind

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
DI_NS = "http://www.omg.org/spec/DD/20100524/DI"
SUNLIT_NS = "https://sunlit.example/bpmn/1"

NO_POST_LANE = "未指定岗位"
MAX_BYTES = 2 * 1024 * 1024

_TEXT_FIELDS = ("legal_ground", "duty", "rights", "complaint")
_XML_TAGS = {"legal_ground": "legalGround", "duty": "duty", "rights": "rights", "complaint": "complaint"}


class BpmnError(DomainError):
    """A BPMN file Sunlit will not import; the message (in Chinese) names what was wrong."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="bpmn")


@dataclass(frozen=True)
class BpmnStep:
    """One step as BPMN exports it: the Step fields, and `post_name` ("" when no public post)."""

    key: str
    name: str
    kind: str
    post_name: str = ""
    duty: str = ""
    limit: int | None = None
    clock_stops: bool = False
    legal_ground: str = ""
    supervision_point: bool = False
    rights: str = ""
    complaint: str = ""


# ------------------------------------------------------------------------------------------- export

_NCNAME_TAIL = re.compile(r"[A-Za-z0-9_.-]+")
_XML_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# layout (bpmn.io's sizes)
_TASK_W, _TASK_H = 100, 80
_GATEWAY = 50
_EVENT = 36
_COL_W, _ROW_H = 150, 120
_POOL_X, _POOL_Y, _HEADER = 120, 60, 30


def _clean(text: str) -> str:
    return _XML_BAD_CHARS.sub("", text)


@dataclass
class _Node:
    id: str
    kind: str  # "task" | "start" | "end" | "gateway" | "timer"
    lane: int
    col: int
    row: int = 0
    x: float = 0
    y: float = 0
    w: float = 0
    h: float = 0

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


def _layers(keys: list[str], succ: dict[str, list[str]], starts: list[str]) -> dict[str, int]:
    """Longest distance from the start of each step, with the edges that close a loop set aside."""
    # Back edges by an iterative depth-first search from the starts, then from anything left over.
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    back: set[tuple[str, str]] = set()
    for root in [*starts, *keys]:
        if root in state:
            continue
        state[root] = 1
        work = [(root, 0)]
        while work:
            v, i = work[-1]
            if i < len(succ[v]):
                work[-1] = (v, i + 1)
                w = succ[v][i]
                if w not in state:
                    state[w] = 1
                    work.append((w, 0))
                elif state[w] == 1:
                    back.add((v, w))
            else:
                state[v] = 2
                work.pop()
    indegree = {k: 0 for k in keys}
    for v in keys:
        for w in succ[v]:
            if (v, w) not in back:
                indegree[w] += 1
    layer = {k: 0 for k in keys}
    queue = deque(k for k in keys if indegree[k] == 0)
    while queue:
        v = queue.popleft()
        for w in succ[v]:
            if (v, w) in back:
                continue
            layer[w] = max(layer[w], layer[v] + 1)
            indegree[w] -= 1
            if indegree[w] == 0:
                queue.append(w)
    return layer


def export_bpmn(steps: Sequence[BpmnStep], transitions: Sequence[PlainTransition], *, limit_unit: str,
                process_id: str, name: str) -> bytes:
    """The flow as a BPMN 2.0 document (UTF-8 bytes). Transitions naming no step are left out."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]*", process_id):
        raise ValueError(f"process_id must be an XML name: {process_id!r}")
    if limit_unit not in (WORKING, CALENDAR):
        raise ValueError(f"limit_unit must be {WORKING!r} or {CALENDAR!r}: {limit_unit!r}")

    # ids: Task_<key> when the key is a plain ASCII name, else Task_<n>; the key itself goes in the extension
    by_key: dict[str, BpmnStep] = {}
    task_id: dict[str, str] = {}
    used: set[str] = set()
    for i, step in enumerate(steps):
        if step.key in by_key:
            continue
        candidate = f"Task_{step.key}" if _NCNAME_TAIL.fullmatch(step.key) else f"Task_{i + 1}"
        while candidate in used:
            candidate += "_"
        used.add(candidate)
        by_key[step.key] = step
        task_id[step.key] = candidate
    keys = list(by_key)
    out: dict[str, list[PlainTransition]] = {k: [] for k in keys}
    for t in transitions:
        if t.source in by_key and t.target in by_key:
            out[t.source].append(t)
    succ = {k: [t.target for t in out[k]] for k in keys}
    starts = [k for k in keys if by_key[k].kind in START_KINDS]
    layer = _layers(keys, succ, starts)

    lanes: list[str] = []
    for k in keys:
        lane_name = by_key[k].post_name.strip() or NO_POST_LANE
        if lane_name not in lanes:
            lanes.append(lane_name)
    lane_of = {k: lanes.index(by_key[k].post_name.strip() or NO_POST_LANE) for k in keys}

    # nodes and flows
    nodes: dict[str, _Node] = {}
    flows: list[tuple[str, str, str, str]] = []  # id, source, target, name

    def flow(source: str, target: str, label: str = "") -> None:
        flows.append((f"Flow_{len(flows) + 1}", source, target, label))

    for n, k in enumerate(starts):
        start_id = f"StartEvent_{n + 1}"
        nodes[start_id] = _Node(start_id, "start", lane_of[k], 0)
        flow(start_id, task_id[k])
    gateways: dict[str, str] = {}
    ends: dict[str, str] = {}
    for k in keys:
        tid = task_id[k]
        col = 1 + 2 * layer[k]
        nodes[tid] = _Node(tid, "task", lane_of[k], col)
        is_end = by_key[k].kind in END_KINDS
        branches = len(out[k]) + (1 if is_end else 0)
        source = tid
        if branches > 1:
            gateways[k] = source = f"Gateway_{tid}"
            nodes[source] = _Node(source, "gateway", lane_of[k], col + 1)
            flow(tid, source)
        for t in out[k]:
            flow(source, task_id[t.target], t.outcome)
        if is_end:
            ends[k] = end_id = f"EndEvent_{tid}"
            nodes[end_id] = _Node(end_id, "end", lane_of[k], col + (2 if branches > 1 else 1))
            flow(source, end_id)

    # layout: lanes are bands, columns left to right; nodes sharing a lane and a column stack
    stacks: dict[tuple[int, int], int] = {}
    for node in nodes.values():
        node.row = stacks.get((node.lane, node.col), 0)
        stacks[(node.lane, node.col)] = node.row + 1
    rows = [max([r for (lane, _), r in stacks.items() if lane == i] or [1]) for i in range(len(lanes))]
    lane_y = [_POOL_Y + sum(rows[:i]) * _ROW_H for i in range(len(lanes))]
    columns = max(n.col for n in nodes.values()) + 1 if nodes else 1
    pool_w = 2 * _HEADER + columns * _COL_W
    size = {"task": (_TASK_W, _TASK_H), "gateway": (_GATEWAY, _GATEWAY), "start": (_EVENT, _EVENT),
            "end": (_EVENT, _EVENT)}
    for node in nodes.values():
        node.w, node.h = size[node.kind]
        cx = _POOL_X + 2 * _HEADER + node.col * _COL_W + _COL_W / 2
        cy = lane_y[node.lane] + node.row * _ROW_H + _ROW_H / 2
        node.x, node.y = cx - node.w / 2, cy - node.h / 2
    timers: dict[str, _Node] = {}
    for k in keys:
        if by_key[k].limit is not None:
            task = nodes[task_id[k]]
            timer = _Node(f"Timer_{task.id}", "timer", task.lane, task.col, w=_EVENT, h=_EVENT)
            timer.x, timer.y = task.x + task.w - _EVENT - 8, task.y + task.h - _EVENT / 2
            timers[k] = timer

    # the document
    root = ET.Element("bpmn:definitions", {
        "xmlns:bpmn": BPMN_NS, "xmlns:bpmndi": BPMNDI_NS, "xmlns:dc": DC_NS, "xmlns:di": DI_NS,
        "xmlns:sunlit": SUNLIT_NS, "id": "Definitions_1", "targetNamespace": SUNLIT_NS,
        "exporter": "Sunlit", "exporterVersion": "1",
    })
    collaboration = ET.SubElement(root, "bpmn:collaboration", {"id": "Collaboration_1"})
    ET.SubElement(collaboration, "bpmn:participant",
                  {"id": "Participant_1", "name": _clean(name), "processRef": process_id})
    process = ET.SubElement(root, "bpmn:process", {"id": process_id, "name": _clean(name), "isExecutable": "false"})
    ext = ET.SubElement(process, "bpmn:extensionElements")
    ET.SubElement(ext, "sunlit:flow", {"limitUnit": limit_unit})
    lane_set = ET.SubElement(process, "bpmn:laneSet", {"id": "LaneSet_1"})
    lane_elements = [ET.SubElement(lane_set, "bpmn:lane", {"id": f"Lane_{i + 1}", "name": _clean(lane_name)})
                     for i, lane_name in enumerate(lanes)]
    for node in [*nodes.values(), *timers.values()]:
        ET.SubElement(lane_elements[node.lane], "bpmn:flowNodeRef").text = node.id

    incoming: dict[str, list[str]] = {}
    outgoing: dict[str, list[str]] = {}
    for fid, source, target, _ in flows:
        outgoing.setdefault(source, []).append(fid)
        incoming.setdefault(target, []).append(fid)

    def links(element: ET.Element, node_id: str) -> None:
        for fid in incoming.get(node_id, []):
            ET.SubElement(element, "bpmn:incoming").text = fid
        for fid in outgoing.get(node_id, []):
            ET.SubElement(element, "bpmn:outgoing").text = fid

    for node in nodes.values():
        if node.kind == "start":
            links(ET.SubElement(process, "bpmn:startEvent", {"id": node.id}), node.id)
    for k in keys:
        step = by_key[k]
        tid = task_id[k]
        user_task = ET.SubElement(process, "bpmn:userTask", {"id": tid, "name": _clean(step.name)})
        if step.duty.strip():
            ET.SubElement(user_task, "bpmn:documentation").text = _clean(step.duty)
        ext = ET.SubElement(user_task, "bpmn:extensionElements")
        attrs = {"key": _clean(step.key), "kind": step.kind, "clockStops": _bool(step.clock_stops),
                 "supervisionPoint": _bool(step.supervision_point)}
        if step.limit is not None:
            attrs |= {"limit": str(step.limit), "limitUnit": limit_unit}
        sunlit_step = ET.SubElement(ext, "sunlit:step", attrs)
        for field_name in _TEXT_FIELDS:
            value = getattr(step, field_name)
            if value:
                ET.SubElement(sunlit_step, f"sunlit:{_XML_TAGS[field_name]}").text = _clean(value)
        links(user_task, tid)
        if k in gateways:
            gid = gateways[k]
            links(ET.SubElement(process, "bpmn:exclusiveGateway", {"id": gid}), gid)
        if k in ends:
            links(ET.SubElement(process, "bpmn:endEvent", {"id": ends[k]}), ends[k])
        if k in timers:
            assert step.limit is not None
            boundary = ET.SubElement(process, "bpmn:boundaryEvent", {
                "id": timers[k].id, "name": _limit_label(step.limit, limit_unit),
                "attachedToRef": tid, "cancelActivity": "false"})
            b_ext = ET.SubElement(boundary, "bpmn:extensionElements")
            ET.SubElement(b_ext, "sunlit:limit", {"days": str(step.limit), "unit": limit_unit})
            timer_def = ET.SubElement(boundary, "bpmn:timerEventDefinition", {"id": f"TimerDef_{tid}"})
            ET.SubElement(timer_def, "bpmn:timeDuration").text = f"P{step.limit}D"
    for fid, source, target, label in flows:
        attrs = {"id": fid, "sourceRef": source, "targetRef": target}
        if label:
            attrs["name"] = _clean(label)
        ET.SubElement(process, "bpmn:sequenceFlow", attrs)

    # diagram interchange
    diagram = ET.SubElement(root, "bpmndi:BPMNDiagram", {"id": "BPMNDiagram_1"})
    plane = ET.SubElement(diagram, "bpmndi:BPMNPlane", {"id": "BPMNPlane_1", "bpmnElement": "Collaboration_1"})
    pool_h = sum(rows) * _ROW_H
    _shape(plane, "Participant_1", _POOL_X, _POOL_Y, pool_w, pool_h, horizontal=True)
    for i in range(len(lanes)):
        _shape(plane, f"Lane_{i + 1}", _POOL_X + _HEADER, lane_y[i], pool_w - _HEADER, rows[i] * _ROW_H,
               horizontal=True)
    for node in [*nodes.values(), *timers.values()]:
        _shape(plane, node.id, node.x, node.y, node.w, node.h)
    for fid, source, target, _ in flows:
        edge = ET.SubElement(plane, "bpmndi:BPMNEdge", {"id": f"{fid}_di", "bpmnElement": fid})
        for x, y in _waypoints(nodes[source], nodes[target]):
            ET.SubElement(edge, "di:waypoint", {"x": _num(x), "y": _num(y)})

    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False)


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _num(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.1f}"


def _limit_label(days: int, unit: str) -> str:
    return f"{days}个工作日" if unit == WORKING else f"{days}日"


def _shape(plane: ET.Element, element: str, x: float, y: float, w: float, h: float, *,
           horizontal: bool = False) -> None:
    attrs = {"id": f"{element}_di", "bpmnElement": element}
    if horizontal:
        attrs["isHorizontal"] = "true"
    shape = ET.SubElement(plane, "bpmndi:BPMNShape", attrs)
    ET.SubElement(shape, "dc:Bounds", {"x": _num(x), "y": _num(y), "width": _num(w), "height": _num(h)})


def _waypoints(a: _Node, b: _Node) -> list[tuple[float, float]]:
    if b.col > a.col:  # forward: right side to left side, orthogonal when the rows differ
        sx, tx = a.x + a.w, b.x
        if a.cy == b.cy:
            return [(sx, a.cy), (tx, b.cy)]
        mid = tx - 25
        return [(sx, a.cy), (mid, a.cy), (mid, b.cy), (tx, b.cy)]
    # a loop back (补正 → 受理) or a same-column link: over the top
    top = min(a.y, b.y) - 25
    return [(a.cx, a.y), (a.cx, top), (b.cx, top), (b.cx, b.y)]


# ------------------------------------------------------------------------------------------- import

_LABELS = {
    "task": "任务（请改为用户任务 userTask）", "scriptTask": "脚本任务", "serviceTask": "服务任务",
    "sendTask": "发送任务", "receiveTask": "接收任务", "businessRuleTask": "业务规则任务",
    "manualTask": "手工任务", "callActivity": "调用活动", "subProcess": "子流程", "transaction": "事务",
    "adHocSubProcess": "自由子流程", "parallelGateway": "并行网关", "inclusiveGateway": "包容网关",
    "eventBasedGateway": "事件网关", "complexGateway": "复杂网关", "intermediateCatchEvent": "中间捕获事件",
    "intermediateThrowEvent": "中间抛出事件", "conditionExpression": "条件表达式", "messageFlow": "消息流",
    "script": "脚本", "dataObject": "数据对象", "dataObjectReference": "数据对象引用",
    "dataStoreReference": "数据存储引用", "message": "消息", "signal": "信号", "error": "错误",
    "escalation": "升级", "messageEventDefinition": "消息事件", "signalEventDefinition": "信号事件",
    "errorEventDefinition": "错误事件", "terminateEventDefinition": "终止事件", "timerEventDefinition": "定时事件",
    "conditionalEventDefinition": "条件事件", "escalationEventDefinition": "升级事件",
    "compensateEventDefinition": "补偿事件", "cancelEventDefinition": "取消事件", "linkEventDefinition": "链接事件",
    "multiInstanceLoopCharacteristics": "多实例", "standardLoopCharacteristics": "循环",
    "ioSpecification": "输入输出定义", "dataInputAssociation": "数据输入关联",
    "dataOutputAssociation": "数据输出关联", "childLaneSet": "嵌套泳道", "textAnnotation": "文本注释",
    "association": "关联", "group": "分组", "import": "外部引用", "property": "属性",
    "choreography": "编排", "conversation": "会话",
}
_SUBSET = "Sunlit只导入开始事件、结束事件、用户任务（userTask）、排他网关、顺序流和定时边界事件"
_DURATION = re.compile(r"P(\d{1,4})D")
_KINDS = frozenset(k.value for k in StepKind)


def _local(tag: Any) -> tuple[str, str]:
    """(namespace, local name) of an element's tag; comments and processing instructions give ("", "")."""
    if not isinstance(tag, str):
        return "", ""
    if tag.startswith("{"):
        ns, _, local = tag[1:].partition("}")
        return ns, local
    return "", tag


def _refuse(element: ET.Element, where: str = "") -> BpmnError:
    ns, local = _local(element.tag)
    label = _LABELS.get(local, "未知元素") if ns == BPMN_NS else "未知元素"
    ident = element.get("id")
    at = f"（{label}{'，id=' + ident if ident else ''}）"
    place = f"{where}中" if where else ""
    return BpmnError(f"不支持{place}的BPMN元素 {local or element.tag}{at}：{_SUBSET}")


def _children(element: ET.Element, allowed: set[str], where: str) -> list[ET.Element]:
    """The BPMN children of `element`, refusing any not in `allowed` (documentation and extensions pass)."""
    out = []
    for child in element:
        ns, local = _local(child.tag)
        if not local:
            continue
        if ns == BPMN_NS and local in {"documentation", "extensionElements"}:
            continue
        if ns != BPMN_NS or local not in allowed:
            raise _refuse(child, where)
        out.append(child)
    return out


def _sunlit(element: ET.Element, name: str) -> ET.Element | None:
    ext = element.find(f"{{{BPMN_NS}}}extensionElements")
    return None if ext is None else ext.find(f"{{{SUNLIT_NS}}}{name}")


def _flag(element: ET.Element | None, attr: str) -> bool:
    return element is not None and element.get(attr, "false").strip().lower() == "true"


def _parse(data: bytes) -> ET.Element:
    if not isinstance(data, bytes | bytearray):
        raise BpmnError("BPMN文件必须以字节读入")
    if len(data) > MAX_BYTES:
        raise BpmnError(f"BPMN文件过大：不能超过{MAX_BYTES // (1024 * 1024)} MB")
    try:
        root = SafeET.fromstring(bytes(data), forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DTDForbidden as e:
        raise BpmnError("BPMN文件不得含有文档类型定义（DTD）") from e
    except defusedxml.EntitiesForbidden as e:
        raise BpmnError("BPMN文件不得定义实体（ENTITY）") from e
    except defusedxml.ExternalReferenceForbidden as e:
        raise BpmnError("BPMN文件不得引用外部资源") from e
    except (ET.ParseError, ValueError) as e:
        raise BpmnError(f"BPMN文件不是有效的XML：{e}") from e
    if not isinstance(root, ET.Element):
        raise BpmnError("BPMN文件不是有效的XML")
    return root


def import_bpmn(data: bytes) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str]:
    """(steps, transitions, limit_unit) from a BPMN document, in the shape the flows service takes.

    Each step has `post` None and `post_name` its lane's name ("" for 「未指定岗位」 or no lane): the
    caller maps lane names to posts. Gateways are collapsed into outcome-labelled transitions.
    Raises BpmnError on anything outside the subset. Nothing in the file is evaluated.
    """
    root = _parse(data)
    if _local(root.tag) != (BPMN_NS, "definitions"):
        raise BpmnError("不是BPMN 2.0文件：根元素须为 bpmn:definitions")
    processes: list[ET.Element] = []
    for child in root:
        ns, local = _local(child.tag)
        if not local or (ns == BPMN_NS and local in {"documentation", "extensionElements"}):
            continue
        if ns == BPMNDI_NS and local == "BPMNDiagram":
            continue
        if ns == BPMN_NS and local == "process":
            processes.append(child)
        elif ns == BPMN_NS and local == "collaboration":
            for participant in _children(child, {"participant"}, "协作"):
                _children(participant, set(), "参与者")
        else:
            raise _refuse(child)
    if len(processes) != 1:
        raise BpmnError(f"BPMN文件须恰好包含一个流程（process），现有{len(processes)}个")
    return _read_process(processes[0])


def _read_process(process: ET.Element) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str]:
    flow_ext = _sunlit(process, "flow")
    limit_unit = flow_ext.get("limitUnit", CALENDAR) if flow_ext is not None else CALENDAR
    if limit_unit not in (WORKING, CALENDAR):
        raise BpmnError(f"时限单位只能是 {WORKING} 或 {CALENDAR}：{limit_unit}")

    nodes: dict[str, str] = {}  # id -> "task" | "start" | "end" | "gateway"
    tasks: list[ET.Element] = []
    flows: list[ET.Element] = []
    boundaries: list[ET.Element] = []
    lane_of: dict[str, str] = {}
    allowed = {"laneSet", "startEvent", "endEvent", "userTask", "exclusiveGateway", "sequenceFlow",
               "boundaryEvent"}
    for element in _children(process, allowed, "流程"):
        local = _local(element.tag)[1]
        ident = element.get("id", "")
        if local != "laneSet" and not ident:
            raise BpmnError(f"BPMN元素 {local} 缺少 id")
        if local == "laneSet":
            for lane in _children(element, {"lane"}, "泳道集"):
                for ref in _children(lane, {"flowNodeRef"}, "泳道"):
                    lane_of[(ref.text or "").strip()] = (lane.get("name") or "").strip()
            continue
        if local == "sequenceFlow":
            _children(element, set(), "顺序流")  # conditionExpression refused here, by name
            flows.append(element)
            continue
        if local == "boundaryEvent":
            boundaries.append(element)
            continue
        if ident in nodes:
            raise BpmnError(f"BPMN元素 id 重复：{ident}")
        _children(element, {"incoming", "outgoing"}, {"userTask": "用户任务", "exclusiveGateway": "排他网关",
                                                      "startEvent": "开始事件", "endEvent": "结束事件"}[local])
        nodes[ident] = {"userTask": "task", "startEvent": "start", "endEvent": "end",
                        "exclusiveGateway": "gateway"}[local]
        if local == "userTask":
            tasks.append(element)

    limits = _read_timers(boundaries, nodes, limit_unit)

    out: dict[str, list[tuple[str, str]]] = {n: [] for n in nodes}  # node -> [(target, name)]
    for f in flows:
        source, target = f.get("sourceRef", ""), f.get("targetRef", "")
        for end in (source, target):
            if end not in nodes:
                raise BpmnError(f"顺序流 {f.get('id')} 连接的元素 {end or '（空）'} 不存在或不受支持")
        if nodes[target] == "start" or nodes[source] == "end":
            raise BpmnError(f"顺序流 {f.get('id')} 不能进入开始事件或离开结束事件")
        out[source].append((target, (f.get("name") or "").strip()))

    def reach(node: str, label: str) -> list[tuple[str, str]]:
        """The tasks reached from `node` through gateways, each with the outcome that leads there."""
        found: list[tuple[str, str]] = []
        seen: set[str] = set()
        work = [(node, label)]
        while work:
            at, name = work.pop()
            for target, flow_name in out[at]:
                outcome = flow_name or name
                if nodes[target] == "task":
                    found.append((target, outcome))
                elif nodes[target] == "gateway" and target not in seen:
                    seen.add(target)
                    work.append((target, outcome))
        return found

    after_start = {t for n, kind in nodes.items() if kind == "start" for t, _ in reach(n, "")}
    before_end = {n for n, kind in nodes.items() if kind == "task" and _reaches_end(n, out, nodes)}

    steps: list[dict[str, Any]] = []
    key_of: dict[str, str] = {}
    for task in tasks:
        ident = task.get("id", "")
        ext = _sunlit(task, "step")
        key = (ext.get("key") if ext is not None else None) or ident
        if key in key_of.values():
            raise BpmnError(f"环节标识重复：{key}")
        key_of[ident] = key
        default_kind = (StepKind.APPLY if ident in after_start else
                        StepKind.DELIVER if ident in before_end else StepKind.REVIEW)
        kind = (ext.get("kind") if ext is not None else None) or default_kind.value
        if kind not in _KINDS:
            raise BpmnError(f"环节「{task.get('name') or key}」的类型 {kind} 不受支持")
        lane_name = lane_of.get(ident, "")
        doc = task.find(f"{{{BPMN_NS}}}documentation")
        texts = {f: _text(ext, _XML_TAGS[f]) for f in _TEXT_FIELDS}
        if not texts["duty"] and doc is not None:
            texts["duty"] = (doc.text or "").strip()
        steps.append({
            "key": key, "name": (task.get("name") or "").strip(), "kind": kind,
            "post": None, "post_name": "" if lane_name == NO_POST_LANE else lane_name,
            "limit": limits.get(ident), "clock_stops": _flag(ext, "clockStops"),
            "supervision_point": _flag(ext, "supervisionPoint"), **texts,
        })

    transitions: list[dict[str, Any]] = []
    for task in tasks:
        ident = task.get("id", "")
        for target, outcome in reach(ident, ""):
            transitions.append({"from": key_of[ident], "to": key_of[target], "outcome": outcome})
    return steps, transitions, limit_unit


def _text(ext: ET.Element | None, tag: str) -> str:
    if ext is None:
        return ""
    child = ext.find(f"{{{SUNLIT_NS}}}{tag}")
    return (child.text or "") if child is not None else ""


def _reaches_end(node: str, out: dict[str, list[tuple[str, str]]], nodes: dict[str, str]) -> bool:
    """Whether `node` leads to an end event directly or through gateways only."""
    work, seen = [node], {node}
    while work:
        for target, _ in out[work.pop()]:
            if nodes[target] == "end":
                return True
            if nodes[target] == "gateway" and target not in seen:
                seen.add(target)
                work.append(target)
    return False


def _read_timers(boundaries: list[ET.Element], nodes: dict[str, str], limit_unit: str) -> dict[str, int]:
    """Each task's limit in days from its timer boundary event (one at most, no outgoing flow)."""
    limits: dict[str, int] = {}
    for b in boundaries:
        ident = b.get("id", "")
        task = b.get("attachedToRef", "")
        if nodes.get(task) != "task":
            raise BpmnError(f"边界事件 {ident} 须附在用户任务上")
        if task in limits:
            raise BpmnError(f"用户任务 {task} 只能有一个定时边界事件")
        children = _children(b, {"timerEventDefinition", "incoming", "outgoing"}, "边界事件")
        if any(_local(c.tag)[1] in {"incoming", "outgoing"} for c in children):
            raise BpmnError(f"定时边界事件 {ident} 不能连接顺序流")
        timers = [c for c in children if _local(c.tag)[1] == "timerEventDefinition"]
        if len(timers) != 1:
            raise BpmnError(f"边界事件 {ident} 须是定时事件（含一个 timerEventDefinition）")
        durations = _children(timers[0], {"timeDuration"}, "定时事件")
        if len(durations) != 1:
            raise BpmnError(f"定时边界事件 {ident} 须用 timeDuration 写明时限（如 P5D）")
        text = (durations[0].text or "").strip().strip("\"'")
        match = _DURATION.fullmatch(text)
        if not match:
            raise BpmnError(f"定时边界事件 {ident} 的时限须是整天数，如 P5D：{text or '（空）'}")
        days = int(match.group(1))
        # the extension keeps the exact count; a duration edited in a modeler wins over a stale count
        mark = _sunlit(b, "limit")
        if mark is not None and mark.get("days") == str(days) and mark.get("unit", limit_unit) != limit_unit:
            raise BpmnError(f"定时边界事件 {ident} 的时限单位与流程不一致")
        limits[task] = days
    return limits
