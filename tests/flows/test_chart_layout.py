"""The flow chart's layout as a property: any valid flow, however its steps are named, is drawn with no two
boxes overlapping and every label inside its box.

Labels are measured here with the printed font as a PDF embeds it, not with the estimate that sized the boxes
(`core.fonts`): the font file subset to the characters drawn and instanced at weight 400 with fontTools, as
WeasyPrint subsets and instances it, then the advances of its `hmtx` summed. So a wrong estimate, a padding
that is too small, a glyph the estimate gets wrong (W, M, digits, full-width punctuation) shows as a label
sticking out of its box.

A label must keep its whole line box (advance width by the font's ascent and descent) within the stroke of
its box: the step boxes and the 监督点 / 风险 tags. No two of the step boxes, tags and decision diamonds touch
(strokes included; a diamond as a diamond, not its bounding box), and no outcome or edge label's ink runs into
any of them.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from itertools import combinations

import pytest
from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.varLib.instancer import instantiateVariableFont
from hypothesis import given, settings
from hypothesis import strategies as st

from sunlit.core.fonts import font_path
from sunlit.flows.chart import ChartStep, flow_dot, render_svg, step_lines
from sunlit.flows.validate import PlainFlow, PlainStep, PlainTransition, StepKind, validate_flow

SVG = "{http://www.w3.org/2000/svg}"
T = PlainTransition
WEIGHT = 400  # the weight the chart's labels are printed at
EPSILON = 0.02  # pt: Graphviz writes coordinates to two decimals

# What step names, posts and outcomes are made of: the words of county flows, a few rare and complex
# ideographs, Latin capitals as wide as W and M and as narrow as I, digits, full-width and ASCII punctuation
# (among them the characters DOT and SVG escape), and spaces between words.
CJK = ("申请受理审查决定送达补正不予许可听证专家评审检验检测上报窗口岗位分管副局长股室乡镇街道办事处村委会"
       "综合行政执法队自然资源农业农村住房城乡建设审批服务中心主任科员材料现场勘验核实公示复核签发归档收件登记"
       "龘齉鬱囍罍爨")
LATIN = "WMQ@%ABCDEFGHIJKLNOPRSTUVXYZmwilgjpqy"
DIGITS = "0123456789"
PUNCTUATION = "（）、，。：；《》“”·—-/&<>\"'\\()[]{}#+=_"
ALPHABET = CJK + LATIN + DIGITS + PUNCTUATION + "  "


# ------------------------------------------------------------------------------------------- the printed font


@dataclass(frozen=True)
class Glyph:
    """One character as the printed font sets it, in em: its advance and how far its ink reaches."""

    advance: float
    ink_top: float  # above the baseline
    ink_bottom: float  # below the baseline (positive when the ink goes below it)


@dataclass(frozen=True)
class Printed:
    """The characters measured so far, and the font's ascent and descent (em) that bound every line."""

    glyphs: dict[str, Glyph]
    ascent: float
    descent: float

    def width(self, text: str, size: float) -> float:
        return sum(self.glyphs[ch].advance for ch in text) * size


def _instanced(chars: str) -> TTFont:
    """The printed font as a PDF embeds it: subset to `chars`, then instanced at WEIGHT."""
    font = TTFont(font_path())
    subsetter = subset.Subsetter(subset.Options())
    subsetter.populate(text=chars)
    subsetter.subset(font)
    return instantiateVariableFont(font, {"wght": WEIGHT})


_printed: Printed | None = None


def printed(texts: list[str]) -> Printed:
    """The printed font's metrics for every character of `texts`, subset and instanced once per new batch.

    The first call measures the whole ALPHABET too, so later examples rarely need the font again.
    """
    global _printed
    known = _printed.glyphs if _printed else {}
    missing = {ch for text in texts for ch in text} - known.keys()
    if _printed is None or missing:
        chars = "".join(sorted(missing | (set() if _printed else set(ALPHABET))))
        font = _instanced(chars)
        cmap, glyf, units = font.getBestCmap(), font["glyf"], font["head"].unitsPerEm
        absent = [ch for ch in chars if ord(ch) not in cmap]
        assert not absent, f"the printed font has no glyph for {absent}: choose characters it holds"
        glyphs = dict(known)
        for ch in chars:
            name = cmap[ord(ch)]
            outline = glyf[name]
            outline.recalcBounds(glyf)
            top, bottom = (outline.yMax, -outline.yMin) if outline.numberOfContours else (0, 0)
            glyphs[ch] = Glyph(font["hmtx"][name][0] / units, top / units, bottom / units)
        _printed = Printed(glyphs, font["hhea"].ascent / units, -font["hhea"].descent / units)
    return _printed


def test_the_printed_font_is_proportional_for_latin_and_full_width_for_ideographs() -> None:
    font = printed([ALPHABET])
    em = {ch: glyph.advance for ch, glyph in font.glyphs.items()}

    assert em["受"] == em["（"] == 1.0
    assert em["W"] > em["M"] > em["0"] > em["i"] > 0
    assert 1 < font.ascent + font.descent < 2
    assert all(-font.descent <= -g.ink_bottom <= g.ink_top <= font.ascent for g in font.glyphs.values())


# ------------------------------------------------------------------------------------------- the SVG


@dataclass(frozen=True)
class Rect:
    left: float
    top: float
    right: float
    bottom: float

    def inset(self, d: float) -> Rect:
        return Rect(self.left + d, self.top + d, self.right - d, self.bottom - d)

    def outside(self, inner: Rect) -> float:
        """How far (pt) `inner` sticks out of this rectangle on its worst side; <= 0 when it is inside."""
        return max(self.left - inner.left, inner.right - self.right, self.top - inner.top,
                   inner.bottom - self.bottom)

    def overlap(self, other: Rect) -> float:
        """How deep (pt) the two rectangles overlap; <= 0 when they do not."""
        return min(min(self.right, other.right) - max(self.left, other.left),
                   min(self.bottom, other.bottom) - max(self.top, other.top))


def diamond_overlap(diamond: Rect, rect: Rect) -> float:
    """How deep (pt) `rect` reaches into the diamond inscribed in `diamond`; <= 0 when it does not.

    The point of `rect` nearest the diamond's centre (in the diamond's own measure, |dx|/a + |dy|/b) is the
    centre clamped to `rect`; its distance to the diamond's edge is the depth.
    """
    cx, cy = (diamond.left + diamond.right) / 2, (diamond.top + diamond.bottom) / 2
    a, b = (diamond.right - diamond.left) / 2, (diamond.bottom - diamond.top) / 2
    px, py = min(max(cx, rect.left), rect.right), min(max(cy, rect.top), rect.bottom)
    return (1 - abs(px - cx) / a - abs(py - cy) / b) * a * b / (a * a + b * b) ** 0.5


@dataclass(frozen=True)
class Line:
    text: str
    extent: Rect  # the line box: advance width by the font's ascent and descent
    ink: Rect  # advance width by how far the ink of its glyphs reaches up and down

    @classmethod
    def of(cls, element: ET.Element, font: Printed) -> Line:
        assert element.get("text-anchor") == "middle", ET.tostring(element)
        x, y, size = (float(element.get(name, "")) for name in ("x", "y", "font-size"))
        text = element.text or ""
        half = font.width(text, size) / 2
        top = max((font.glyphs[ch].ink_top for ch in text), default=0)
        bottom = max((font.glyphs[ch].ink_bottom for ch in text), default=0)
        return cls(text, Rect(x - half, y - font.ascent * size, x + half, y + font.descent * size),
                   Rect(x - half, y - top * size, x + half, y + bottom * size))


@dataclass(frozen=True)
class Node:
    title: str
    outline: Rect | None  # the outer edge of the drawn stroke; None for a label without a shape
    stroke: float
    filled: bool
    diamond: bool
    lines: tuple[Line, ...]

    @property
    def inside(self) -> Rect:
        """The area within the stroke, where labels must stay."""
        assert self.outline is not None
        return self.outline.inset(self.stroke)

    def overlap(self, rect: Rect) -> float:
        """How deep (pt) `rect` reaches into the shape, its stroke included."""
        assert self.outline is not None
        return diamond_overlap(self.outline, rect) if self.diamond else self.outline.overlap(rect)


NUMBER_PAIR = re.compile(r"(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)")


def parse(svg: str, labels: list[str]) -> tuple[list[Node], list[Line]]:
    """The nodes of the chart, and the labels written on its edges (xlabels)."""
    root = ET.fromstring(svg)
    font = printed([*labels, *(t.text or "" for t in root.iter(f"{SVG}text"))])
    nodes, edge_labels = [], []
    for g in root.iter(f"{SVG}g"):
        lines = tuple(Line.of(text, font) for text in g.findall(f"{SVG}text"))
        if g.get("class") == "edge":
            edge_labels += lines
        if g.get("class") != "node":
            continue
        shapes = [e for e in g if e.tag in (f"{SVG}polygon", f"{SVG}path", f"{SVG}ellipse")]
        assert len(shapes) <= 1, ET.tostring(g)
        outline, stroke, filled, diamond = None, 0.0, False, False
        if shapes:
            shape = shapes[0]
            # Rounded boxes are paths of Bézier segments whose control points lie on the box's edges.
            outline_text = shape.get("points") or shape.get("d", "")
            points = [(float(x), float(y)) for x, y in NUMBER_PAIR.findall(outline_text)]
            assert points, ET.tostring(shape)
            xs, ys = [x for x, _ in points], [y for _, y in points]
            stroke = float(shape.get("stroke-width", "1"))
            # The stroke is centred on the outline: half of it lies outside.
            outline = Rect(min(xs), min(ys), max(xs), max(ys)).inset(-stroke / 2)
            filled = shape.get("fill", "none") != "none"
            # A diamond's corners are the middles of its bounding box's sides.
            diamond = len(set(points)) == 4 and len(set(xs)) == 3 and len(set(ys)) == 3
        nodes.append(Node(g.findtext(f"{SVG}title") or "", outline, stroke, filled, diamond, lines))
    return nodes, edge_labels


# ------------------------------------------------------------------------------------------- valid flows

MIDDLE_KINDS = [StepKind.REVIEW, StepKind.DECIDE, StepKind.HEARING, StepKind.EXPERT_REVIEW, StepKind.TESTING,
                StepKind.REPORT_UP]
GROUND = "《中华人民共和国行政许可法》第四十五条"
# Mostly mixed text, sometimes Latin only: a long run of W, M or digits is where an estimate goes wrong.
words = (st.text(ALPHABET, min_size=1, max_size=20)
         | st.text(LATIN + DIGITS + " -", min_size=1, max_size=20)).filter(str.strip)
short_words = st.text(ALPHABET, min_size=1, max_size=8).filter(str.strip)


@dataclass(frozen=True)
class Chart:
    flow: PlainFlow
    steps: list[ChartStep]
    unit: str


@st.composite
def valid_charts(draw: st.DrawFn, max_middle: int = 5) -> Chart:
    """申请 → 受理 → review, hearing, expert … steps → 送达, with forward branches (听证, 专家评审 beside the
    main line), an optional 补正 loop back to 受理, optional 不予受理 and 不予许可 ends, and random names, posts,
    limits, supervision points and risk levels."""
    unit = draw(st.sampled_from(["working", "calendar"]))
    kinds = ([StepKind.APPLY, StepKind.ACCEPT]
             + draw(st.lists(st.sampled_from(MIDDLE_KINDS), max_size=max_middle)) + [StepKind.DELIVER])
    for kind, wanted in ((StepKind.NOT_ACCEPTED, st.booleans()), (StepKind.DENIED, st.booleans()),
                         (StepKind.CORRECTION, st.booleans())):
        if draw(wanted):
            kinds.append(kind)
    chain = sum(k not in (StepKind.NOT_ACCEPTED, StepKind.DENIED, StepKind.CORRECTION) for k in kinds)
    keys = [f"s{i}" for i in range(len(kinds))]
    kind_of = dict(zip(keys, kinds, strict=True))
    main = keys[:chain]

    edges = list(zip(main, main[1:], strict=False))
    for i, a in enumerate(main[:-2]):  # forward branches that skip steps: the side steps of the main line
        edges += [(a, b) for b in sorted(draw(st.sets(st.sampled_from(main[i + 2:]), max_size=2)))]
    for key in keys[chain:]:
        if kind_of[key] == StepKind.CORRECTION:
            edges += [("s1", key), (key, "s1")]
        else:  # an early end: from 受理 for 不予受理, from any step of the main line before 送达 otherwise
            source = "s1" if kind_of[key] == StepKind.NOT_ACCEPTED else draw(st.sampled_from(main[1:-1]))
            edges.append((source, key))
    transitions = []
    for source in keys:
        targets = [b for a, b in edges if a == source]
        if len(targets) > 1:  # a decision: every outcome named, and named differently
            outcomes = draw(st.lists(short_words, min_size=len(targets), max_size=len(targets),
                                     unique_by=str.strip))
        else:
            outcomes = [draw(st.sampled_from(["", "受理"]) | short_words) for _ in targets]
        transitions += [T(source, b, o) for b, o in zip(targets, outcomes, strict=True)]

    steps, plain = [], []
    for key, kind in kind_of.items():
        stops = kind == StepKind.CORRECTION or draw(st.integers(0, 4)) == 0
        step = ChartStep(key, draw(words), kind, draw(st.sampled_from(["", "窗口受理岗"]) | words),
                         draw(st.none() | st.integers(0, 365)), stops, draw(st.booleans()),
                         draw(st.sampled_from([None, "高", "中", "低"])))
        steps.append(step)
        plain.append(PlainStep(key, step.name, kind, step.limit, unit, step.clock_stops,
                               GROUND if stops else "", post_name=step.post_name))
    order = draw(st.permutations(range(len(steps))))
    flow = PlainFlow(tuple(plain[i] for i in order), tuple(draw(st.permutations(transitions))))
    return Chart(flow, [steps[i] for i in order], unit)


# ------------------------------------------------------------------------------------------- the property


def layout_problems(chart: Chart) -> list[str]:
    """Every overlap and overflow of the chart's layout, naming the boxes and saying by how many pt."""
    svg = render_svg(flow_dot(chart.steps, chart.flow.transitions, limit_unit=chart.unit))
    expected = [tuple(step_lines(step, chart.unit)) for step in chart.steps]
    nodes, edge_labels = parse(svg, [line for lines in expected for line in lines])

    # Step boxes are outlined and not filled; tags are filled; outcomes are labels without a shape;
    # the decision diamonds are shapes without a label.
    boxes = [n for n in nodes if n.outline is not None and n.lines and not n.filled]
    tags = [n for n in nodes if n.outline is not None and n.lines and n.filled]
    diamonds = [n for n in nodes if n.outline is not None and not n.lines]
    outcomes = [n for n in nodes if n.outline is None]
    assert all(n.diamond for n in diamonds) and not any(n.diamond for n in boxes + tags)
    drawn = Counter(tuple(line.text for line in n.lines) for n in boxes)
    assert drawn == Counter(expected), "each step is drawn as one box with its lines"
    assert all(n.lines for n in outcomes)

    problems = []
    for node in boxes + tags:
        for line in node.lines:
            out = node.inside.outside(line.extent)
            if out > EPSILON:
                problems.append(f"「{line.text}」 sticks out of the box 「{node.title}」 by {out:.2f} pt")
    shapes = boxes + tags + diamonds
    for a, b in combinations(shapes, 2):
        if a.diamond:  # a box against a diamond is measured against the diamond itself
            a, b = b, a
        assert a.outline is not None
        depth = b.overlap(a.outline)
        if depth > EPSILON:
            problems.append(f"the boxes 「{a.title}」 and 「{b.title}」 overlap by {depth:.2f} pt")
    # Labels outside boxes are judged by their ink: the line box is taller than the glyphs.
    for label, title in [*((line, n.title) for n in outcomes for line in n.lines),
                         *((line, "edge label") for line in edge_labels)]:
        for shape in shapes:
            depth = shape.overlap(label.ink)
            if depth > EPSILON:
                problems.append(
                    f"the label 「{label.text}」 ({title}) overlaps the box 「{shape.title}」 by {depth:.2f} pt")
    return problems


@settings(max_examples=40, deadline=None)
@given(valid_charts())
def test_any_valid_flow_is_laid_out_with_no_overlap_and_every_label_inside_its_box(chart: Chart) -> None:
    assert validate_flow(chart.flow) == []

    problems = layout_problems(chart)
    assert problems == [], problems


@pytest.mark.parametrize("resubmitted", ["补正完成", "补正后重新提交申请材料并重新计时"])
def test_the_licensing_flow_is_laid_out_cleanly(resubmitted: str) -> None:
    """The same check on a flow a county publishes, with a short or a long outcome on its 补正 loop."""
    S = ChartStep
    steps = [S("apply", "申请", "apply"), S("accept", "受理", "accept", "窗口受理岗", 5),
             S("correct", "补正", "correction", "", 5, clock_stops=True),
             S("refuse", "不予受理", "not_accepted", "窗口受理岗"),
             S("review", "审查", "review", "审批岗", 10, supervision_point=True),
             S("decide", "决定", "decide", "分管副局长", 5, supervision_point=True, risk="高"),
             S("deliver", "送达", "deliver", "窗口受理岗"), S("deny", "不予许可", "denied", "窗口受理岗")]
    transitions = (T("apply", "accept"), T("accept", "review", "受理"), T("accept", "correct", "材料不全"),
                   T("accept", "refuse", "不符合条件"), T("correct", "accept", resubmitted), T("review", "decide"),
                   T("decide", "deliver", "准予许可"), T("decide", "deny", "不予许可"))
    plain = tuple(PlainStep(s.key, s.name, s.kind, s.limit, "working", s.clock_stops,
                            GROUND if s.clock_stops else "") for s in steps)
    chart = Chart(PlainFlow(plain, transitions), steps, "working")
    assert validate_flow(chart.flow) == []

    problems = layout_problems(chart)
    assert problems == [], problems
