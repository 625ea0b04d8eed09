"""How long the power handbook (权力手册) of a unit of 100 items takes: with every chart already drawn
(cached in FlowChart) and from a cold cache (no chart drawn, a new process: WebAssembly Graphviz, the font
and WeasyPrint all start from nothing), and once as on a new machine (the static font weights not yet
instanced either: core.fonts). Goal: under 30 s with charts cached.

    .venv/bin/python benchmarks/handbook.py [--items 100] [--database-url postgres://…]

Every item gets its own flow (a 项目流程图, 8 to 14 steps, so every chart is drawn, none shared), one to
three legal bases and a risk point at a sensitive step, all written through the services. Each run is
`sunlit handbook --unit … FILE.pdf` in a child process, timed from outside (what a clerk waits for),
and the child's own split between reading and drawing (the part charts cost) and laying out the PDF.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _util import environment, setup_django, throwaway_database, write_results

GOAL_CACHED_S = 30.0
UNIT = "BENCH-ZRZY"
NAMES = ["农村村民住宅建设审批", "建设用地规划许可", "乡村建设规划许可", "临时用地审批", "采矿权新立登记",
         "不动产首次登记", "土地复垦方案审查", "建设项目用地预审", "林木采伐许可", "取水许可",
         "国有建设用地使用权出让", "集体经营性建设用地入市审核", "地质灾害危险性评估备案", "测绘资质审批"]
LAWS = [("中华人民共和国土地管理法", "第四十四条"), ("中华人民共和国城乡规划法", "第四十一条"),
        ("中华人民共和国行政许可法", "第二十九条"), ("中华人民共和国矿产资源法", "第三条")]


def build(n_items: int, rng: random.Random) -> dict[str, object]:
    from tests import factories

    from sunlit.catalog import services
    from sunlit.flows import risks
    from sunlit.flows import services as flows
    from sunlit.org.models import Post, Unit, UnitKind

    started = time.perf_counter()
    gov = Unit.objects.create(code="BENCH", name="基准县人民政府", kind=UnitKind.GOVERNMENT)
    unit = Unit.objects.create(code=UNIT, name="基准县自然资源局", kind=UnitKind.DEPARTMENT, parent=gov)
    editor = factories.staff("bench_editor", unit, "editor")
    reviewer = factories.staff("bench_reviewer", unit, "reviewer")
    posts = {name: Post.objects.create(unit=unit, name=name)
             for name in ("窗口受理岗", "行政审批岗", "副局长（行政审批）", "局长", "法制审核岗")}
    for n in range(n_items):
        name = f"{rng.choice(NAMES)}（{n + 1:03d}）"
        bases = [{"law": law, "article": article, "excerpt": "依法需要取得行政许可的，应当向行政机关提出申请。"}
                 for law, article in rng.sample(LAWS, rng.randint(1, 3))]
        version = services.power_item_create(
            unit=unit, code=f"ZR-XK-{n + 1:03d}", content=factories.content(name=name, statutory_limit=40,
                                                                               promised_limit=30),
            legal_bases=bases, reason="新增事项", author=editor)
        services.power_version_submit(version=version, actor=editor)
        services.power_version_approve(version=version, reviewer=reviewer, comment="同意")
        reviews = rng.randint(1, 6)
        steps = [{"key": "apply", "name": "申请", "kind": "apply", "post": posts["窗口受理岗"].pk},
                 {"key": "accept", "name": "受理", "kind": "accept", "post": posts["窗口受理岗"].pk, "limit": 1,
                  "supervision_point": True},
                 {"key": "correct", "name": "补正", "kind": "correction", "post": posts["窗口受理岗"].pk,
                  "clock_stops": True, "legal_ground": "《中华人民共和国行政许可法》第三十二条"},
                 {"key": "refuse", "name": "不予受理", "kind": "not_accepted", "post": posts["窗口受理岗"].pk}]
        links = [{"from": "apply", "to": "accept"}, {"from": "accept", "to": "correct", "outcome": "补正"},
                 {"from": "correct", "to": "accept", "outcome": "补正完成"},
                 {"from": "accept", "to": "refuse", "outcome": "不予受理"}]
        previous, outcome = "accept", "受理"
        for r in range(reviews):
            steps.append({"key": f"review{r}", "name": f"审查（第{r + 1}环节）", "kind": "review",
                          "post": posts["行政审批岗"].pk, "limit": 2})
            links.append({"from": previous, "to": f"review{r}", "outcome": outcome})
            previous, outcome = f"review{r}", ""
        steps += [{"key": "decide", "name": "决定", "kind": "decide", "post": posts["局长"].pk, "limit": 2,
                   "supervision_point": True},
                  {"key": "deliver", "name": "送达", "kind": "deliver", "post": posts["窗口受理岗"].pk},
                  {"key": "deny", "name": "不予许可", "kind": "denied", "post": posts["窗口受理岗"].pk}]
        links += [{"from": previous, "to": "decide"}, {"from": "decide", "to": "deliver", "outcome": "准予许可"},
                  {"from": "decide", "to": "deny", "outcome": "不予许可"}]
        flow = flows.flow_version_create(item=version.item, steps=steps, transitions=links, reason="编制",
                                          author=editor, submit=True)
        flows.flow_version_approve(version=flow, reviewer=reviewer)
        risks.risk_point_create(unit=unit, step=flow.steps.get(key="decide"), level="high",
                                description="违规作出准予许可决定", measures="集体研究；结果公示", actor=editor)
    return {"items": n_items, "build_s": round(time.perf_counter() - started, 1)}


def run_handbook(out: Path, **env: str) -> tuple[float, str]:
    """`sunlit handbook` in a child process on the same database: (wall seconds, its output)."""
    started = time.perf_counter()
    done = subprocess.run([str(Path(sys.executable).parent / "sunlit"), "handbook", "--unit", UNIT, str(out)],
                          env={**os.environ, **env}, capture_output=True, text=True, check=True)
    return time.perf_counter() - started, done.stdout


def split(unit_code: str) -> dict[str, float]:
    """In this process: reading items and charts (cached now) vs laying out the PDF."""
    from sunlit.handbook import content, render

    unit = content.public_unit(unit_code)
    assert unit is not None
    started = time.perf_counter()
    content.handbook_sections(unit)
    read = time.perf_counter() - started
    started = time.perf_counter()
    render.handbook_pdf(unit)
    whole = time.perf_counter() - started
    return {"read_and_charts_s": round(read, 2), "whole_s": round(whole, 2), "layout_s": round(whole - read, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--database-url", help="PostgreSQL server to use (default: SQLite in a temp folder)")
    parser.add_argument("--bench-db", default="sunlit_bench_handbook")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--skip-new-machine", action="store_true", help="skip the run with an empty font cache")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.factories

    with throwaway_database(args.database_url, args.bench_db) as url:
        setup_django(url)
        env = environment()
        built = build(args.items, random.Random(args.seed))
        print(f"{env['database']}: {built['items']} items, each with its own flow, built in {built['build_s']} s")
        from sunlit.flows.models import FlowChart

        out = Path(tempfile.mkdtemp(prefix="sunlit-bench-")) / "handbook.pdf"
        new_machine = None
        if not args.skip_new_machine:  # no chart drawn and no static font weight cached yet
            FlowChart.objects.all().delete()
            new_machine, _ = run_handbook(out, SUNLIT_CACHE_DIR=str(out.parent / "cache"))
        FlowChart.objects.all().delete()
        cold, _ = run_handbook(out)
        charts = FlowChart.objects.count()
        cached, said = run_handbook(out)
        pages = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
        page_count = next((line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:")), "?")
        inside = split(UNIT)
        if new_machine is not None:
            print(f"first on a new machine (fonts instanced):  {new_machine:6.1f} s")
        print(f"cold cache (no chart drawn, new process): {cold:6.1f} s   ({charts} charts drawn)")
        print(f"charts cached (new process):             {cached:6.1f} s   goal < {GOAL_CACHED_S:.0f} s "
              f"{'met' if cached < GOAL_CACHED_S else 'NOT MET'}")
        print(f"  in one warm process: read + charts {inside['read_and_charts_s']} s, PDF layout "
              f"{inside['layout_s']} s; {page_count} pages, {out.stat().st_size / 1e6:.1f} MB")
        path = write_results(f"handbook-{env['database']}", {
            "benchmark": "handbook", "goal": f"cached < {GOAL_CACHED_S} s", "environment": env, "data": built,
            "command": " ".join(sys.argv), "new_machine_s": new_machine and round(new_machine, 1), "cold_s": round(cold, 1), "cached_s": round(cached, 1),
            "charts_drawn": charts, "pages": page_count, "in_process": inside, "last_output": said})
        print(f"written to {path}")


if __name__ == "__main__":
    main()
