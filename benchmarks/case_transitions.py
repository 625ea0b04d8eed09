"""Step transitions per second: `case_step_done` as a clerk's click runs it (lock the case, check the post,
append the step, recompute the deadlines on the calendar, tell the applicant, keep the watches, one event
and its log leaf, a public log entry, one transaction), beside single-row ORM inserts each in its own
transaction on the same database. Goal: transitions at least 1/5 of the inserts' rate.

    .venv/bin/python benchmarks/case_transitions.py [--cases 2000] [--database-url postgres://…]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from _util import environment, setup_django, throwaway_database, write_results

GOAL_RATIO = 0.2
BATCH = 50


def build(n: int) -> tuple[list[object], object]:
    from tests import factories
    from tests.cases.conftest import ID_NUMBER, _official, licensing_flow

    from sunlit.cases.services import case_submit
    from sunlit.flows import services as flows
    from sunlit.org.models import Post, Unit, UnitKind

    gov = Unit.objects.create(code="BENCH", name="基准县人民政府", kind=UnitKind.GOVERNMENT)
    land = Unit.objects.create(code="BENCH-ZR", name="基准县自然资源局", kind=UnitKind.DEPARTMENT, parent=gov)
    editor = factories.staff("bench_editor", land, "editor")
    reviewer = factories.staff("bench_reviewer", land, "reviewer")
    posts = {name: Post.objects.create(unit=land, name=label) for name, label in
             (("window", "窗口受理岗"), ("review", "审批岗"), ("deputy", "分管副局长"), ("director", "局长"))}
    item = factories.published(land, editor, reviewer, code="XK-001", statutory_limit=20, promised_limit=10)
    steps, links = licensing_flow(posts)
    version = flows.flow_version_create(item=item.item, steps=steps, transitions=links, reason="编制", author=editor,
                                        submit=True)
    flows.flow_version_approve(version=version, reviewer=reviewer)
    window = _official(land, posts["window"], "陈窗", "window")
    cases = [case_submit(item_id=item.item_id, applicant_name="张三", applicant_id_number=ID_NUMBER,
                         applicant_contact="13800000000")[0] for _ in range(n)]
    return cases, window


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--database-url", help="PostgreSQL server to use (default: SQLite in a temp folder)")
    parser.add_argument("--bench-db", default="sunlit_bench_cases")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.factories, tests.cases.conftest

    with throwaway_database(args.database_url, args.bench_db) as url:
        setup_django(url)
        from django.contrib.auth.hashers import make_password  # noqa: F401  (loaded before timing)
        from django.db import transaction

        from sunlit.cases.models import CaseNotice
        from sunlit.cases.services import case_step_done
        from sunlit.core.clock import FixedClock, set_clock

        set_clock(FixedClock(dt.datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))))
        env = environment()
        started = time.perf_counter()
        cases, window = build(args.cases)
        print(f"{env['database']}: {len(cases):,} cases submitted in {time.perf_counter() - started:.1f} s")

        # The two are timed in alternating batches, so whatever else the machine does weighs on both alike.
        wall = {"steps": 0.0, "inserts": 0.0}
        cpu = {"steps": 0.0, "inserts": 0.0}

        def timed(what: str, work: Callable[[], None]) -> None:
            w, c = time.perf_counter(), time.process_time()
            work()
            wall[what] += time.perf_counter() - w
            cpu[what] += time.process_time() - c

        def transitions(batch: list[object]) -> None:
            for case in batch:
                case_step_done(case=case, outcome="受理", opinion="材料齐全", actor=window)

        def single_inserts(batch: list[object]) -> None:
            for case in batch:
                with transaction.atomic():
                    CaseNotice.objects.create(case=case, kind="accepted", text="基准：单行插入")

        for start in range(0, len(cases), BATCH):
            batch = cases[start:start + BATCH]
            timed("steps", lambda b=batch: transitions(b))
            timed("inserts", lambda b=batch: single_inserts(b))
        steps, inserts = len(cases) / wall["steps"], len(cases) / wall["inserts"]
        steps_cpu, inserts_cpu = len(cases) / cpu["steps"], len(cases) / cpu["inserts"]

        ratio = steps / inserts
        # On a busy machine wall time is shared out unevenly; this process's own CPU time is not (on SQLite all
        # the work is in this process; on PostgreSQL the server's share is not counted, so wall time is the figure).
        print(f"on this process's CPU time: {steps_cpu:,.0f} transitions/s, {inserts_cpu:,.0f} inserts/s, "
              f"ratio {steps_cpu / inserts_cpu:.2f}; load average {os.getloadavg()[0]:.1f}")
        print(f"step transitions:           {steps:>9,.0f} per second")
        print(f"single-row inserts:         {inserts:>9,.0f} per second")
        print(f"ratio:                      {ratio:>9.2f}   goal ≥ {GOAL_RATIO} {'met' if ratio >= GOAL_RATIO else 'NOT MET'}")
        path = write_results(f"case_transitions-{env['database']}", {
            "benchmark": "case_transitions", "goal": f"transitions ≥ {GOAL_RATIO} × single-row inserts",
            "environment": env, "cases": len(cases), "command": " ".join(sys.argv),
            "transitions_per_s": round(steps, 1), "inserts_per_s": round(inserts, 1), "ratio": round(ratio, 3),
            "cpu_ratio": round(steps_cpu / inserts_cpu, 3), "load_average": round(os.getloadavg()[0], 2)})
        print(f"written to {path}")


if __name__ == "__main__":
    main()
