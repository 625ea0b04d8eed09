"""The flow chart (流程图) as DOT and as SVG: what it shows, that user text stays text, that boxes fit."""

from __future__ import annotations

import re
import time
import unicodedata
import xml.etree.ElementTree as ET

import pytest

from sunlit.flows import chart
from sunlit.flows.chart import ChartStep, flow_dot, render_svg
from sunlit.flows.validate import PlainTransition

S, T = ChartStep, PlainTransition
SVG = "{http://www.w3.org/2000/svg}"

LICENSING = [
    S("apply", "申请", "apply"),
    S("accept", "受理", "accept", "窗口受理岗", 5),
    S("correct", "补正", "correction", "", 5, clock_stops=True),
    S("refuse", "不予受理", "not_accepted", "窗口受理岗"),
    S("review", "审查", "review", "行政审批服务窗口审批岗", 10, supervision_point=True),
    S("decide", "决定", "decide", "分管副局长", 5, supervision_point=True, risk="高"),
    S("deliver", "送达", "deliver", "窗口受理岗"),
    S("deny", "不予许可", "denied", "窗口受理岗"),
]
LICENSING_TRANSITIONS = [
    T("apply", "accept"),
    T("accept", "review", "受理"), T("accept", "correct", "材料不全"), T("accept", "refuse", "不符合条件"),
    T("correct", "accept", "补正完成"),
    T("review", "decide"),
    T("decide", "deliver", "准予许可"), T("decide", "deny", "不予许可"),
]
TEN_STEPS = [*LICENSING, S("hearing", "听证", "hearing", "法制审核岗", 20, clock_stops=True),
             S("expert", "专家评审", "expert_review", "Expert Panel WWW", 3)]
TEN_TRANSITIONS = [*(t for t in LICENSING_TRANSITIONS if t.source != "review"),
                   T("review", "hearing", "需听证"), T("review", "expert", "需评审"), T("review", "decide", "直接决定"),
                   T("hearing", "decide"), T("expert", "decide")]


def svg_of(steps: list[ChartStep], transitions: list[PlainTransition]) -> ET.Element:
    return ET.fromstring(render_svg(flow_dot(steps, transitions, limit_unit="working")))


def test_the_dot_shows_each_step_with_post_and_limit_each_outcome_and_the_decisions() -> None:
    dot = flow_dot(LICENSING, LICENSING_TRANSITIONS, limit_unit="working")

    for lines in ("受理\\n窗口受理岗\\n5个工作日", "补正\\n不计时", "审查\\n行政审批服务窗口审批岗\\n10个工作日",
                  "决定\\n分管副局长\\n5个工作日", "不予许可\\n窗口受理岗", "申请"):
        assert f'label="{lines}"' in dot
    for outcome in ("受理", "材料不全", "不符合条件", "补正完成", "准予许可", "不予许可"):
        assert f'label="{outcome}", shape="plaintext"' in dot, outcome
    assert dot.count('shape="diamond"') == 2  # 受理 and 决定 branch; 审查 has one way on
    assert '"补正·补正完成" -> "受理" [constraint=false, style="dashed"]' in dot  # the loop, back up to 受理
    assert "xlabel" not in dot  # every outcome is a measured text node
    assert len(re.findall(r'label="监督点"', dot)) == 2 and 'label="风险高"' in dot
    assert re.search(r'"审查" \[[^]]*color="#c00000", penwidth=3', dot)  # a supervision point's bold red box
    assert re.search(r'"申请" \[[^]]*style="rounded"', dot) and re.search(r'"受理" \[(?![^]]*rounded)', dot)
    assert "splines=\"ortho\"" in dot and "rankdir=\"TB\"" in dot


def test_user_text_stays_text_in_the_dot_and_the_svg() -> None:
    hostile = 'X" shape=none URL="https://evil.example" \\N \\n &lt; <script>alert(1)</script>'
    steps = [S("apply", hostile, "apply", post_name="岗\\"), S("deliver", "送达", "deliver")]

    root = svg_of(steps, [T("apply", "deliver", "<b>结果</b>")])

    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert hostile in texts and "岗\\" in texts and "<b>结果</b>" in texts
    assert not list(root.iter(f"{SVG}script")) and not list(root.iter(f"{SVG}a"))


def test_the_svg_parses_names_every_step_and_loads_or_runs_nothing() -> None:
    svg = render_svg(flow_dot(LICENSING, LICENSING_TRANSITIONS, limit_unit="working", title="建房审批流程图"))
    root = ET.fromstring(svg)

    texts = {t.text for t in root.iter(f"{SVG}text")}
    assert {s.name for s in LICENSING} <= texts
    assert root[0].tag == f"{SVG}title" and root[0].text == "建房审批流程图" and root.get("role") == "img"
    assert not svg.lstrip().startswith(("<?xml", "<!DOCTYPE")) and "<!--" not in svg
    assert not [e for e in root.iter() if e.tag.rpartition("}")[2] in ("script", "a", "image", "foreignObject")]
    assert not [name for e in root.iter() for name in e.attrib if name.rpartition("}")[2] == "href"]
    assert all(re.match(r"'Noto Sans SC', 'Noto Sans CJK SC', .*sans-serif$", t.get("font-family", ""))
               for t in root.iter(f"{SVG}text"))


def test_an_svg_that_would_link_or_load_is_refused() -> None:
    with pytest.raises(chart.ChartError):
        render_svg('digraph { a [URL="https://example.org/"] }')


def em(line: str) -> float:
    """The brief's estimate: wide characters one em, others half."""
    return sum(1 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in line)


def test_every_box_is_as_wide_as_its_longest_line() -> None:
    root = svg_of(TEN_STEPS, TEN_TRANSITIONS)

    checked = 0
    for node in root.iter(f"{SVG}g"):
        shapes = [*node.iter(f"{SVG}polygon"), *node.iter(f"{SVG}path")]
        texts = node.findall(f"{SVG}text")
        if node.get("class") != "node" or not shapes or not texts:
            continue
        outline = shapes[0].get("points") or shapes[0].get("d", "")
        xs = [float(x) for x, _ in re.findall(r"(-?[\d.]+),(-?[\d.]+)", outline)]
        needed = max(em(t.text or "") * float(t.get("font-size", "0")) for t in texts)
        assert max(xs) - min(xs) >= needed, [t.text for t in texts]
        checked += 1
    assert checked >= len(TEN_STEPS)


def test_a_ten_step_flow_renders_in_under_5_s_and_faster_once_compiled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chart, "_backend", None)  # as in a new process: the module is compiled first
    dot = flow_dot(TEN_STEPS, TEN_TRANSITIONS, limit_unit="working")

    started = time.perf_counter()
    render_svg(dot)
    first = time.perf_counter() - started
    started = time.perf_counter()
    render_svg(dot)
    again = time.perf_counter() - started

    assert first < 5, first
    assert again < 0.25, again  # the compiled module is kept: no second compilation


def test_an_outcome_on_a_single_way_on_is_written_beside_the_line_not_over_the_arrow() -> None:
    steps = [ChartStep("file", "立案", "apply", "行政执法岗", 7), ChartStep("deliver", "送达", "deliver", "行政执法岗")]

    dot = flow_dot(steps, [PlainTransition("file", "deliver", "作出处罚决定")], limit_unit="calendar")

    assert "xlabel" not in dot
    assert 'label="作出处罚决定", shape="plaintext"' in dot
