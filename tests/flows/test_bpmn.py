"""BPMN export and import (sunlit.flows.bpmn): plain functions, no database.

SpiffWorkflow (test-only dependency) checks that the export is BPMN a standard parser accepts.
"""

from __future__ import annotations

from dataclasses import asdict
from xml.etree import ElementTree as ET

import pytest
from lxml import etree
from SpiffWorkflow.bpmn.parser import BpmnParser

from sunlit.flows.bpmn import (
    BPMN_NS,
    BPMNDI_NS,
    DC_NS,
    MAX_BYTES,
    NO_POST_LANE,
    BpmnError,
    BpmnStep,
    export_bpmn,
    import_bpmn,
)
from sunlit.flows.validate import PlainTransition

B = f"{{{BPMN_NS}}}"

STEPS = [
    BpmnStep(key="apply", name="申请", kind="apply", post_name="", rights="申请人可以查询办理进度"),
    BpmnStep(key="accept", name="受理", kind="accept", post_name="窗口受理岗", limit=5,
             duty="核对材料是否齐全", complaint="12345热线"),
    BpmnStep(key="correction", name="补正", kind="correction", post_name="", limit=5, clock_stops=True,
             legal_ground="《行政许可法》第三十二条"),
    BpmnStep(key="not_accepted", name="不予受理", kind="not_accepted", post_name="窗口受理岗"),
    BpmnStep(key="review", name="审查", kind="review", post_name="业务科室审查岗", limit=10,
             supervision_point=True, duty="审查申请材料\n实质内容"),
    BpmnStep(key="hearing", name="听证", kind="hearing", post_name="法制审核岗", limit=20, clock_stops=True,
             legal_ground="《行政许可法》第四十五条"),
    BpmnStep(key="decide", name="决定", kind="decide", post_name="分管负责人", limit=3, supervision_point=True),
    BpmnStep(key="deliver", name="送达", kind="deliver", post_name="窗口受理岗", limit=2),
    BpmnStep(key="denied", name="不予许可", kind="denied", post_name="窗口受理岗", rights="可申请行政复议"),
]
TRANSITIONS = [
    PlainTransition("apply", "accept"),
    PlainTransition("accept", "review", "受理"),
    PlainTransition("accept", "correction", "需补正"),
    PlainTransition("accept", "not_accepted", "不予受理"),
    PlainTransition("correction", "accept", "已补正"),
    PlainTransition("review", "hearing"),
    PlainTransition("hearing", "decide"),
    PlainTransition("decide", "deliver", "准予许可"),
    PlainTransition("decide", "denied", "不予许可"),
]


def _export(steps=STEPS, transitions=TRANSITIONS, unit="working") -> bytes:
    return export_bpmn(steps, transitions, limit_unit=unit, process_id="licensing", name="建房许可")


def _spiff(xml: bytes):
    # Sunlit marks its process isExecutable="false" (a description for people, never run); SpiffWorkflow
    # only builds specs of executable processes, so that one attribute is flipped for the check.
    # Spiff also wants a condition on every gateway branch: the test adds `outcome == "<branch name>"`
    # (Sunlit writes none and refuses them on import, as Spiff's conditions are Python eval).
    assert xml.count(b'isExecutable="false"') == 1
    root = etree.fromstring(xml.replace(b'isExecutable="false"', b'isExecutable="true"'))
    for flow in root.iter(f"{B}sequenceFlow"):
        if flow.get("sourceRef").startswith("Gateway_"):
            etree.SubElement(flow, f"{B}conditionExpression").text = f"outcome == {flow.get('name')!r}"
    parser = BpmnParser()
    parser.add_bpmn_xml(root, filename="licensing.bpmn")
    return parser.get_spec("licensing")


def test_export_parses_with_spiffworkflow_and_keeps_every_step():
    spec = _spiff(_export())
    names = {t.bpmn_name for t in spec.task_specs.values() if t.bpmn_name}
    assert {s.name for s in STEPS} <= names
    user_tasks = [t for t in spec.task_specs.values() if type(t).__name__ == "UserTask"]
    assert len(user_tasks) == len(STEPS)


def test_lanes_are_posts_and_steps_without_a_post_go_to_the_unassigned_lane():
    spec = _spiff(_export())
    lane_by_name = {t.bpmn_name: t.lane for t in spec.task_specs.values() if type(t).__name__ == "UserTask"}
    for step in STEPS:
        assert lane_by_name[step.name] == (step.post_name or NO_POST_LANE), step.name


def test_gateway_branches_are_the_outcomes():
    spec = _spiff(_export())
    by_id = {t.bpmn_id: t for t in spec.task_specs.values() if t.bpmn_id}
    gateways = {name: t for name, t in spec.task_specs.items() if type(t).__name__ == "ExclusiveGateway"}
    assert len(gateways) == 2  # after 受理 (three ways on) and after 决定 (two)
    root = ET.fromstring(_export())
    flows = root.iter(f"{B}sequenceFlow")
    branches: dict[str, set[tuple[str, str]]] = {}
    for f in flows:
        if f.get("sourceRef", "").startswith("Gateway_"):
            branches.setdefault(f.get("sourceRef"), set()).add((by_id[f.get("targetRef")].bpmn_name, f.get("name")))
    assert branches == {
        "Gateway_Task_accept": {("审查", "受理"), ("补正", "需补正"), ("不予受理", "不予受理")},
        "Gateway_Task_decide": {("送达", "准予许可"), ("不予许可", "不予许可")},
    }
    # and Spiff wires the gateway to the same tasks
    accept_gateway = next(g for g in gateways.values() if g.bpmn_id == "Gateway_Task_accept")
    # (a task with a timer is reached through Spiff's BoundaryEventSplit)
    reached = {o.bpmn_name for g in accept_gateway.outputs
               for o in (g.outputs if type(g).__name__ == "BoundaryEventSplit" else [g]) if type(o).__name__ == "UserTask"}
    assert reached == {"审查", "补正", "不予受理"}


def test_spiffworkflow_sees_a_timer_on_each_step_with_a_limit():
    spec = _spiff(_export())
    timers = {t.bpmn_name for t in spec.task_specs.values() if type(t).__name__ == "BoundaryEvent"}
    assert timers == {f"{s.limit}个工作日" for s in STEPS if s.limit is not None}
    splits = {t.name.removesuffix(".BoundaryEventSplit") for t in spec.task_specs.values()
              if type(t).__name__ == "BoundaryEventSplit"}
    assert splits == {f"Task_{s.key}" for s in STEPS if s.limit is not None}


def test_start_end_and_timer_events():
    root = ET.fromstring(_export())
    process = root.find(f"{B}process")
    starts = process.findall(f"{B}startEvent")
    assert len(starts) == 1
    ends = {e.get("id") for e in process.findall(f"{B}endEvent")}
    assert ends == {"EndEvent_Task_not_accepted", "EndEvent_Task_deliver", "EndEvent_Task_denied"}
    timers = {b.get("attachedToRef"): b.find(f"{B}timerEventDefinition/{B}timeDuration").text
              for b in process.findall(f"{B}boundaryEvent")}
    assert timers == {f"Task_{s.key}": f"P{s.limit}D" for s in STEPS if s.limit is not None}
    assert all(b.get("cancelActivity") == "false" for b in process.findall(f"{B}boundaryEvent"))


def test_every_node_and_flow_has_diagram_coordinates():
    root = ET.fromstring(_export())
    process = root.find(f"{B}process")
    node_ids = {e.get("id") for e in process if e.tag != f"{B}sequenceFlow" and e.get("id")}
    flow_ids = {e.get("id") for e in process.findall(f"{B}sequenceFlow")}
    plane = root.find(f"{{{BPMNDI_NS}}}BPMNDiagram/{{{BPMNDI_NS}}}BPMNPlane")
    shapes = {s.get("bpmnElement"): s.find(f"{{{DC_NS}}}Bounds") for s in plane.findall(f"{{{BPMNDI_NS}}}BPMNShape")}
    edges = {e.get("bpmnElement"): e for e in plane.findall(f"{{{BPMNDI_NS}}}BPMNEdge")}
    assert node_ids - {"LaneSet_1"} <= set(shapes)
    assert flow_ids == set(edges)
    assert all(len(list(e)) >= 2 for e in edges.values())
    x = {k: float(b.get("x")) for k, b in shapes.items()}
    # layered by longest distance from the start: each forward step lies right of the one before
    for a, b in [("apply", "accept"), ("accept", "review"), ("review", "hearing"), ("hearing", "decide"),
                 ("decide", "deliver"), ("decide", "denied")]:
        assert x[f"Task_{a}"] < x[f"Task_{b}"], (a, b)
    # tasks never overlap
    boxes = [(float(b.get("x")), float(b.get("y"))) for k, b in shapes.items() if k.startswith("Task_")]
    assert len(set(boxes)) == len(boxes)


def test_round_trip_keeps_the_flow():
    steps, transitions, unit = import_bpmn(_export())
    assert unit == "working"
    expected = []
    for s in STEPS:
        row = asdict(s)
        expected.append({**row, "post": None})
    assert steps == expected
    assert sorted((t["from"], t["to"], t["outcome"]) for t in transitions) == sorted(
        (t.source, t.target, t.outcome) for t in TRANSITIONS)
    # and exporting the import again gives the same document
    again = export_bpmn([BpmnStep(**{k: v for k, v in s.items() if k != "post"}) for s in steps],
                        [PlainTransition(t["from"], t["to"], t["outcome"]) for t in transitions],
                        limit_unit=unit, process_id="licensing", name="建房许可")
    assert again == _export()


def test_calendar_days_and_keys_that_are_not_xml_names_round_trip():
    steps = [BpmnStep(key="申请 1", name="申请", kind="apply"),
             BpmnStep(key="2x", name="办结", kind="deliver", limit=30, post_name="<岗&位>")]
    xml = export_bpmn(steps, [PlainTransition("申请 1", "2x", "")], limit_unit="calendar",
                      process_id="p", name="测试")
    got, transitions, unit = import_bpmn(xml)
    assert unit == "calendar"
    assert [(s["key"], s["limit"], s["post_name"]) for s in got] == [("申请 1", None, ""), ("2x", 30, "<岗&位>")]
    assert transitions == [{"from": "申请 1", "to": "2x", "outcome": ""}]


def test_a_modelers_edit_of_the_duration_wins():
    xml = _export().replace(b"<bpmn:timeDuration>P10D<", b"<bpmn:timeDuration>P12D<")
    steps, _, _ = import_bpmn(xml)
    assert {s["key"]: s["limit"] for s in steps}["review"] == 12


def _document(process_body: str, extra: str = "") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="{BPMN_NS}" id="d" targetNamespace="x">{extra}
  <bpmn:process id="p" isExecutable="false">
    <bpmn:startEvent id="s"/>
    <bpmn:userTask id="a" name="申请"/>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="a"/>
    {process_body}
  </bpmn:process>
</bpmn:definitions>""".encode()


def test_a_plain_modeler_file_imports_with_kinds_inferred():
    steps, transitions, unit = import_bpmn(_document(
        '<bpmn:userTask id="b" name="办结"/><bpmn:endEvent id="e"/>'
        '<bpmn:sequenceFlow id="f2" sourceRef="a" targetRef="b" name="通过"/>'
        '<bpmn:sequenceFlow id="f3" sourceRef="b" targetRef="e"/>'))
    assert unit == "calendar"
    assert [(s["key"], s["kind"]) for s in steps] == [("a", "apply"), ("b", "deliver")]
    assert transitions == [{"from": "a", "to": "b", "outcome": "通过"}]


@pytest.mark.parametrize(("body", "name"), [
    ('<bpmn:scriptTask id="x"><bpmn:script>import os</bpmn:script></bpmn:scriptTask>', "scriptTask"),
    ('<bpmn:serviceTask id="x"/>', "serviceTask"),
    ('<bpmn:parallelGateway id="x"/>', "parallelGateway"),
    ('<bpmn:subProcess id="x"/>', "subProcess"),
    ('<bpmn:task id="x"/>', "task"),
    ('<bpmn:userTask id="b"/><bpmn:sequenceFlow id="f2" sourceRef="a" targetRef="b">'
     '<bpmn:conditionExpression language="python">__import__("os")</bpmn:conditionExpression>'
     '</bpmn:sequenceFlow>', "conditionExpression"),
    ('<bpmn:userTask id="b"><bpmn:multiInstanceLoopCharacteristics/></bpmn:userTask>',
     "multiInstanceLoopCharacteristics"),
    ('<bpmn:boundaryEvent id="x" attachedToRef="a"><bpmn:messageEventDefinition/></bpmn:boundaryEvent>',
     "messageEventDefinition"),
    ('<other xmlns="urn:other" id="x"/>', "other"),
])
def test_anything_outside_the_subset_is_refused_by_name(body, name):
    with pytest.raises(BpmnError) as e:
        import_bpmn(_document(body))
    assert f" {name}（" in e.value.message


def test_a_message_flow_is_refused_by_name():
    collaboration = ('<bpmn:collaboration id="c"><bpmn:participant id="pa" processRef="p"/>'
                     '<bpmn:messageFlow id="m" sourceRef="pa" targetRef="pa"/></bpmn:collaboration>')
    with pytest.raises(BpmnError, match="messageFlow"):
        import_bpmn(_document("", collaboration))


def test_the_subset_itself_is_accepted():
    # the control for the refusals above: the same document without the extra element imports
    steps, _, _ = import_bpmn(_document(""))
    assert [s["key"] for s in steps] == ["a"]


def test_billion_laughs_is_refused():
    bomb = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&lol3;</bpmn:definitions>"""
    with pytest.raises(BpmnError, match="DTD"):
        import_bpmn(bomb)


def test_external_entity_is_refused():
    xxe = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">
<bpmn:process id="p"><bpmn:userTask id="a" name="&x;"/></bpmn:process></bpmn:definitions>"""
    with pytest.raises(BpmnError, match="DTD"):
        import_bpmn(xxe)


def test_an_oversize_file_is_refused_before_parsing():
    base = _document("")
    padded = base.replace(b"<bpmn:process", b"<!--" + b"x" * (MAX_BYTES - len(base)) + b"--><bpmn:process")
    assert len(padded) > MAX_BYTES
    with pytest.raises(BpmnError, match="过大"):
        import_bpmn(padded)
    # just under the limit still imports
    fits = base.replace(b"<bpmn:process", b"<!--" + b"x" * (MAX_BYTES - len(base) - 20) + b"--><bpmn:process")
    assert len(fits) <= MAX_BYTES
    assert import_bpmn(fits)[0][0]["key"] == "a"


def test_not_xml_or_not_bpmn_is_refused():
    with pytest.raises(BpmnError):
        import_bpmn(b"<definitions")
    with pytest.raises(BpmnError, match="definitions"):
        import_bpmn(b"<definitions/>")
