"""The Excel import against openpyxl's own reading of the same file, in one run.

Goal (issue 18): for a 20,000-row sheet, the dry run within 4x and the import within 8x of the time
`openpyxl.load_workbook` (normal mode, which merged cells need) takes merely to read it. Also shown: importing
the same file again (every row compared and reported unchanged).

    .venv/bin/python benchmarks/excel_import.py [--rows 20000] [--database-url postgres://…]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import setup_django, throwaway_database, write_results  # noqa: E402

LAWS = ["中华人民共和国土地管理法", "中华人民共和国城乡规划法", "中华人民共和国行政许可法", "中华人民共和国行政处罚法",
        "江西省农村村民建房管理办法", "中华人民共和国森林法", "中华人民共和国食品安全法"]
CATEGORIES = ["行政许可", "行政处罚", "行政强制", "行政征收", "行政给付", "行政检查", "行政确认", "行政奖励", "其他行政权力"]
WORDS = ["农村村民", "住宅", "建设", "用地", "审批", "规划", "许可", "林木", "采伐", "食品", "经营", "登记", "备案",
         "证明", "核发", "变更", "注销", "检查", "处罚", "补助", "发放", "确认", "认定", "征收"]


def make_sheet(path: Path, rows: int, seed: int = 7) -> None:
    """A county bureau's list in the provincial template: a title, the header, `rows` items with every column
    filled the way clerks fill it (multi-line legal bases and conditions, both limits), a main item now and
    then with its sub-items merged under it."""
    from openpyxl import Workbook

    from sunlit.catalog.excel.columns import COLUMNS

    rnd = random.Random(seed)
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["县自然资源局权力清单"])
    ws.append([c.header for c in COLUMNS])
    keys = [c.key for c in COLUMNS]
    n = 0
    while n < rows:
        name = "".join(rnd.sample(WORDS, 3))
        category = rnd.choice(CATEGORIES)
        law = rnd.choice(LAWS)
        statutory = rnd.choice([20, 15, 30, 60])
        values = {
            "seq": n + 1, "code": f"ZR-{n:06d}", "name": name, "category": category,
            "legal_bases": f"1.《{law}》第{rnd.randint(1, 90)}条：{name}依法应当取得许可。\n"
                           f"2.《{rnd.choice(LAWS)}》第{rnd.randint(1, 90)}条",
            "implementing_body": "县自然资源局", "handling_office": rnd.choice(["耕地保护股", "规划股", "执法大队"]),
            "conditions": "（一）申请人为本集体经济组织成员；\n（二）符合国土空间规划。",
            "materials": "1.申请表\n2.身份证明\n3.权属证明", "statutory_limit": f"{statutory}个工作日",
            "promised_limit": f"{statutory // 2}个工作日", "fees": "不收费", "service_commitment": "一次告知，限时办结",
            "responsibilities": "1.受理责任\n2.审查责任\n3.决定责任", "accountability": "超过法定时限作出决定的",
            "complaint_phone": "0797-1234567", "remarks": "", "audience": "公开",
        }
        subs = rnd.random() < 0.05 and n + 3 < rows
        if subs:
            first = ws.max_row + 1
            for k in range(3):
                ws.append([values.get(key) if key not in ("sub_code", "sub_name") else
                           (f"ZR-{n:06d}-{k + 1:02d}" if key == "sub_code" else f"{name}（情形{k + 1}）")
                           for key in keys])
            for key in ("seq", "code", "name"):
                col = keys.index(key) + 1
                ws.merge_cells(start_row=first, start_column=col, end_row=first + 2, end_column=col)
            n += 3
        else:
            ws.append([values.get(key) for key in keys])
            n += 1
    book.save(path)


def timed(fn: object) -> float:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--database-url")
    parser.add_argument("--bench-db", default="sunlit_bench_import")
    args = parser.parse_args()

    with throwaway_database(args.database_url, args.bench_db) as url:
        setup_django(url)
        import openpyxl
        from django.contrib.auth import get_user_model

        from sunlit.catalog.excel import import_powers
        from sunlit.org.models import Role, Unit, UnitKind
        from sunlit.org.services import membership_grant

        folder = Path(tempfile.mkdtemp(prefix="sunlit-bench-xlsx-"))
        path = folder / "清单.xlsx"
        print(f"writing a {args.rows:,}-row sheet…", file=sys.stderr)
        make_sheet(path, args.rows)
        gov = Unit.objects.create(code="YD", name="于都县人民政府", kind=UnitKind.GOVERNMENT)
        land = Unit.objects.create(code="YD-ZRZY", name="县自然资源局", kind=UnitKind.DEPARTMENT, parent=gov)
        clerk = get_user_model().objects.create(username="clerk")
        membership_grant(user=clerk, unit=land, role=Role.EDITOR, actor=None, note="benchmark")

        openpyxl_s = min(timed(lambda: openpyxl.load_workbook(path)) for _ in range(2))
        reports = {}

        def run(dry_run: bool) -> None:
            reports[dry_run] = import_powers(path, unit=land, author=clerk, dry_run=dry_run)

        dry_s = timed(lambda: run(True))
        import_s = timed(lambda: run(False))
        imported = reports[False]
        again_s = timed(lambda: run(False))
        again = reports[False]

    result = {
        "rows": args.rows, "environment_database": url.split(":", 1)[0],
        "openpyxl_load_s": round(openpyxl_s, 2), "dry_run_s": round(dry_s, 2), "import_s": round(import_s, 2),
        "import_again_s": round(again_s, 2),
        "dry_run_ratio": round(dry_s / openpyxl_s, 2), "import_ratio": round(import_s / openpyxl_s, 2),
        "import_again_ratio": round(again_s / openpyxl_s, 2),
        "imported": imported.imported, "refused_rows": len(imported.refused_rows), "unchanged_again": again.unchanged,
    }
    print(f"openpyxl load_workbook (normal mode): {openpyxl_s:6.2f} s")
    print(f"dry run:                              {dry_s:6.2f} s  = {result['dry_run_ratio']}x  (goal ≤ 4x)")
    print(f"import ({imported.imported:,} items):              {import_s:6.2f} s  = {result['import_ratio']}x  (goal ≤ 8x)")
    print(f"same file again ({again.unchanged:,} unchanged):     {again_s:6.2f} s  = {result['import_again_ratio']}x")
    for error in imported.errors[:5]:
        print(f"  refused: row {error.row} {error.field}: {error.message}")
    ok = result["dry_run_ratio"] <= 4 and result["import_ratio"] <= 8 and not imported.refused_rows
    print("goal met" if ok else "GOAL NOT MET")
    name = "excel_import-" + ("postgresql" if args.database_url else "sqlite")
    write_results(name, result)


if __name__ == "__main__":
    main()
