"""How long one flow chart takes to draw: the first chart of a process (WebAssembly Graphviz start-up)
and every later one, for flows of 10, 30 and 60 steps. No database: the chart module is pure.

    .venv/bin/python benchmarks/flow_chart.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from sunlit.flows.chart import ChartStep, flow_dot, render_svg  # noqa: E402
from sunlit.flows.validate import PlainTransition  # noqa: E402

GOAL_WARM_MS = 100


def flow(steps: int) -> tuple[list[ChartStep], list[PlainTransition]]:
    """申请 → 受理 (补正 loop, 不予受理) → a chain of review steps, some with a hearing branch → 决定 → ends."""
    chart = [ChartStep("apply", "申请", "apply"),
             ChartStep("accept", "受理", "accept", "窗口受理岗", 5, supervision_point=True),
             ChartStep("correct", "补正", "correction", "", 5, clock_stops=True),
             ChartStep("refuse", "不予受理", "not_accepted", "窗口受理岗")]
    links = [PlainTransition("apply", "accept"), PlainTransition("accept", "correct", "补正"),
             PlainTransition("correct", "accept", "补正完成"), PlainTransition("accept", "refuse", "不予受理")]
    previous, outcome = "accept", "受理"
    for i in range(max(steps - 7, 1)):
        key = f"review{i}"
        chart.append(ChartStep(key, f"审查（第{i + 1}环节）", "review", "行政审批岗", 1, risk="中" if i % 3 == 0 else None))
        links.append(PlainTransition(previous, key, outcome))
        if i % 4 == 3:
            chart.append(ChartStep(f"hearing{i}", "听证", "hearing", "法制审核岗", None, clock_stops=True))
            links += [PlainTransition(key, f"hearing{i}", "需听证")]
            links += [PlainTransition(f"hearing{i}", f"review{i + 1}" if i + 1 < steps - 7 else "decide")]
            outcome = "无需听证"
        else:
            outcome = ""
        previous = key
    chart += [ChartStep("decide", "决定", "decide", "分管副局长", 3, supervision_point=True, risk="高"),
              ChartStep("deliver", "送达", "deliver", "窗口受理岗"), ChartStep("deny", "不予许可", "denied", "窗口受理岗")]
    links += [PlainTransition(previous, "decide", outcome), PlainTransition("decide", "deliver", "准予许可"),
              PlainTransition("decide", "deny", "不予许可")]
    return chart, links


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    first = None
    print(f"{'steps':>5}  {'first ms':>9}  {'median ms':>9}  {'max ms':>7}")
    for size in (10, 30, 60):
        steps, links = flow(size)
        dot = flow_dot(steps, links, limit_unit="working")
        times = []
        for _ in range(args.repeat + (1 if first is None else 0)):
            started = time.perf_counter()
            render_svg(dot)
            times.append((time.perf_counter() - started) * 1000)
        if first is None:
            first = times.pop(0)
        print(f"{len(steps):>5}  {first if size == 10 else float('nan'):>9.1f}  {statistics.median(times):>9.1f}"
              f"  {max(times):>7.1f}")
    warm = statistics.median(times)
    verdict = "meets" if warm < GOAL_WARM_MS else "misses"
    print(f"first chart of a process (WebAssembly start-up) {first:.0f} ms; "
          f"a {len(steps)}-step chart {warm:.1f} ms warm: {verdict} the {GOAL_WARM_MS} ms goal for a drawn chart")


if __name__ == "__main__":
    main()
