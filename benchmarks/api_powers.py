"""Public power list API at county scale: latency and SQL queries per request.

Run:  .venv/bin/python benchmarks/api_powers.py [--items 20000] [--requests 200]
      .venv/bin/python benchmarks/api_powers.py --database-url postgres://postgres@127.0.0.1:5432/sunlit

Builds its own database (a SQLite file in a temporary folder, or a throwaway database `sunlit_bench`
on the given PostgreSQL server, dropped afterwards), migrates it, loads N public power items over
~60 units and every category, then times requests through Django's test client — the whole stack
(middleware, routing, validation, queries, JSON) without a network — and counts SQL queries.

Goal: p95 under 50 ms for every scenario, and the same number of queries whatever the page.
Prints a table and writes benchmarks/results/api_powers-<database>.json.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from typing import Any

from _util import environment, setup_django, summary, throwaway_database, time_ms, write_results

TOWNSHIPS = ["贡江", "铁山垅", "盘古山", "禾丰", "祁禄山", "罗坳", "岭背", "黄麟", "沙心", "宽田", "葛坳", "桥头",
             "利村", "新陂", "靖石", "黄龙", "银坑", "梓山", "仙下", "车溪", "段屋", "马安", "小溪", "罗江",
             "岭坑", "金桥", "长新", "上欧", "城南", "城东"]
DEPARTMENTS = ["自然资源局", "住房和城乡建设局", "交通运输局", "农业农村局", "林业局", "水利局", "市场监督管理局",
               "生态环境局", "公安局", "民政局", "人力资源和社会保障局", "教育体育局", "卫生健康委员会",
               "文化广电新闻出版旅游局", "应急管理局", "商务局", "财政局", "审计局", "统计局", "医疗保障局",
               "退役军人事务局", "城市管理局", "行政审批局", "司法局", "发展和改革委员会", "工业和信息化局",
               "税务局", "气象局", "消防救援大队", "档案馆"]

OBJECTS = ["农村村民建房", "个人建房", "农村村民住宅建设", "建设工程规划", "乡村建设规划", "临时用地", "采矿",
           "林木采伐", "取水", "食品经营", "药品零售", "道路运输经营", "排污", "户外广告设置", "燃气经营",
           "建筑工程施工", "危险化学品经营", "烟花爆竹经营", "城市道路占用挖掘", "娱乐场所经营", "民办学校设立",
           "出版物零售", "种子生产经营", "动物防疫条件", "水利工程建设", "河道采砂", "宅基地使用", "农房建设质量",
           "建设工程消防设计", "公共场所卫生"]
ACTS = ["未经批准擅自建房", "非法占用土地", "无证经营食品", "超限运输", "违法排污", "擅自采伐林木", "非法采砂",
        "违规销售烟花爆竹", "擅自设置户外广告", "拒不履行动物防疫义务", "未取得施工许可擅自施工", "违规收费"]
NAMES: dict[str, list[str]] = {
    "licensing": [f"{o}{s}" for o in OBJECTS for s in ("许可", "审批", "许可证核发")],
    "penalty": [f"对{a}的行政处罚" for a in ACTS],
    "coercion": [f"{v}{o}" for v in ("查封", "扣押", "强制拆除") for o in ("违法建筑", "涉案物品", "违法设施", "非法采砂船只")],
    "levy": ["耕地开垦费征收", "水资源费征收", "城市基础设施配套费征收", "防空地下室易地建设费征收", "土地复垦费征收"],
    "benefit": ["最低生活保障金发放", "特困人员救助供养金发放", "临时救助金给付", "农村危房改造补助发放", "耕地地力保护补贴发放"],
    "inspection": [f"对{o}的行政检查" for o in OBJECTS],
    "confirmation": ["农村土地承包经营权确认", "宅基地使用权确认", "林权确认", "工伤认定", "农村建房竣工验收确认"],
    "reward": ["对举报违法建房有功人员的奖励", "对森林防火先进个人的奖励", "对见义勇为人员的奖励"],
    "adjudication": ["土地权属争议裁决", "林木林地权属争议裁决", "水事纠纷裁决"],
    "other": ["建设项目选址意见书核发", "建设用地规划条件核定", "农村建房规划许可公示"],
    "major_decision": ["年度重大建设项目安排", "国土空间总体规划编制", "重大民生政策制定"],
    "personnel": ["干部选拔任用", "事业单位公开招聘", "干部交流轮岗"],
    "finance": ["预算资金拨付审批", "大额资金使用审批", "专项资金分配"],
    "procurement": ["大宗物资采购", "政府采购项目实施", "办公设备采购"],
}
CATEGORY_WEIGHTS = {"licensing": 26, "penalty": 30, "coercion": 6, "levy": 3, "benefit": 4, "inspection": 14,
                    "confirmation": 4, "reward": 2, "adjudication": 2, "other": 4, "major_decision": 1,
                    "personnel": 1, "finance": 2, "procurement": 1}
LAWS = ["中华人民共和国行政许可法", "中华人民共和国土地管理法", "中华人民共和国城乡规划法", "中华人民共和国森林法",
        "中华人民共和国食品安全法", "中华人民共和国行政处罚法", "中华人民共和国水法", "江西省农村村民建房管理办法"]
TEXT = ("申请人应当如实提交有关材料和反映真实情况，并对其申请材料实质内容的真实性负责。承办机构对申请材料"
        "进行审查，需要对申请材料的实质内容进行核实的，应当指派两名以上工作人员进行核查。")
RESPONSIBILITIES = ("1.受理责任：公示依法应当提交的材料，一次性告知补正材料，依法受理或不予受理（不予受理的应当告知理由）。"
                    "2.审查责任：对申请材料进行审核，提出审查意见。3.决定责任：作出准予或不予许可的决定，不予许可的应当"
                    "书面告知理由。4.送达责任：制发证件或批准文书，依法送达并公开。5.事后监管责任：开展定期或不定期检查。")
ACCOUNTABILITY = ("因不履行或不正确履行行政职责，有下列情形的，行政机关及相关工作人员应承担相应责任：1.对符合法定条件的"
                  "申请不予受理的；2.对不符合法定条件的申请人准予许可的；3.擅自增设、变更审批程序或条件的；"
                  "4.在审批过程中滥用职权、玩忽职守的；5.索取或者收受他人财物或者谋取其他利益的。")
SHORT_TERMS = ["建房", "许可", "检查", "采矿"]
LONG_TERMS = ["建设工程", "食品经营", "农村村民", "道路运输"]


def build(n_items: int, rng: random.Random) -> dict[str, Any]:
    """Load `n_items` items straight into the tables.

    This bypasses the services (no per-version events, no validation round trip) because writing
    20,000 items one transaction at a time would take minutes and measure nothing we ask about here;
    the rows are the same shape the services write. Most items are public (one approved version);
    a few carry a pending draft, were cancelled, or are internal, so the public filter has work to do.
    """
    from django.contrib.auth.models import User
    from django.db import connection, transaction
    from django.db.models import OuterRef, Subquery

    from sunlit.catalog.models import ChangeKind, LegalBasis, PowerItem, PowerItemVersion, VersionStatus
    from sunlit.core.visibility import Audience
    from sunlit.org.models import Unit, UnitKind

    t0 = time.perf_counter()
    with transaction.atomic():
        author = User.objects.create(username="bench-editor")
        reviewer = User.objects.create(username="bench-reviewer")
        county = Unit.objects.create(code="YD", name="于都县人民政府", kind=UnitKind.GOVERNMENT)
        units = [Unit(code=f"YD-D{i:02d}", name=f"县{name}", kind=UnitKind.DEPARTMENT, parent=county,
                      path=f"/YD/YD-D{i:02d}/") for i, name in enumerate(DEPARTMENTS)]
        units += [Unit(code=f"YD-T{i:02d}", name=f"{name}镇", kind=UnitKind.TOWNSHIP, parent=county,
                       path=f"/YD/YD-T{i:02d}/") for i, name in enumerate(TOWNSHIPS)]
        Unit.objects.bulk_create(units)  # bulk_create skips save(), so path is given above

        categories = list(CATEGORY_WEIGHTS)
        weights = list(CATEGORY_WEIGHTS.values())
        per_unit: dict[int, int] = {}
        items, plans = [], []
        for _ in range(n_items):
            unit = units[min(int(rng.expovariate(1 / 18)), len(units) - 1)]  # big bureaus hold more powers
            per_unit[unit.pk] = per_unit.get(unit.pk, 0) + 1
            category = rng.choices(categories, weights)[0]
            items.append(PowerItem(unit=unit, code=f"{category[:2].upper()}-{per_unit[unit.pk]:05d}"))
            roll = rng.random()
            state = "pending" if roll < 0.05 else "cancelled" if roll < 0.07 else "internal" if roll < 0.08 else "public"
            plans.append((category, state))
        PowerItem.objects.bulk_create(items, batch_size=2000)

        versions: list[PowerItemVersion] = []
        for item, (category, state) in zip(items, plans, strict=True):
            statutory = rng.choice([20, 20, 20, 15, 10, 30, 60])
            promised = rng.choice([0, 1, 3, 5, 7, statutory // 2, statutory])
            base = dict(item=item, author=author, reviewer=reviewer, reviewed_at=item.created_at,
                        name=rng.choice(NAMES[category]), category=category,
                        implementing_body=item.unit.name, handling_office="行政审批股", conditions=TEXT,
                        materials="1.申请书；2.身份证明；3.相关批准文件；4.现场照片。",
                        statutory_limit=statutory, promised_limit=promised, fees="不收费",
                        service_commitment="一次性告知，限时办结", responsibilities=RESPONSIBILITIES,
                        accountability=ACCOUNTABILITY, complaint_phone="0797-6221234",
                        audience=Audience.INTERNAL if state == "internal" else Audience.PUBLIC)
            versions.append(PowerItemVersion(number=1, change_kind=ChangeKind.CREATE, status=VersionStatus.APPROVED,
                                             reason="清权：首次编制", **base))
            if state == "pending":
                versions.append(PowerItemVersion(number=2, change_kind=ChangeKind.CHANGE, status=VersionStatus.DRAFT,
                                                 reason="动态调整", **{**base, "reviewer": None, "reviewed_at": None}))
            elif state == "cancelled":
                versions.append(PowerItemVersion(number=2, change_kind=ChangeKind.CANCEL,
                                                 status=VersionStatus.APPROVED, reason="职能划转", **base))
        PowerItemVersion.objects.bulk_create(versions, batch_size=2000)
        LegalBasis.objects.bulk_create(
            (LegalBasis(version=v, position=p, law=rng.choice(LAWS), article=f"第{rng.randint(2, 90)}条", excerpt=TEXT)
             for v in versions for p in range(rng.randint(1, 3))), batch_size=2000)

        first = PowerItemVersion.objects.filter(item=OuterRef("pk"), number=1).values("pk")[:1]
        cancelled = [item.pk for item, (_, state) in zip(items, plans, strict=True) if state == "cancelled"]
        PowerItem.objects.update(published_version=Subquery(first))
        PowerItem.objects.filter(pk__in=cancelled).update(published_version=None, is_cancelled=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum does shortly after a bulk load
    return {"items": n_items, "units": len(units), "versions": len(versions),
            "legal_bases": LegalBasis.objects.count(), "build_s": round(time.perf_counter() - t0, 1)}


def scenarios(rng: random.Random) -> dict[str, Any]:
    """Each scenario: a function giving the next URL to ask for."""
    from django.db.models import Count

    from sunlit.catalog.models import PowerItem
    from sunlit.core.visibility import public_queryset

    public = public_queryset(PowerItem)
    ids = list(public.values_list("pk", flat=True))
    pages = math.ceil(len(ids) / 20)
    groups = list(public.values_list("unit__code", "published_version__category").annotate(n=Count("pk")))
    print(f"{len(ids):,} public items, {pages:,} pages of 20, {len(groups)} unit×category groups")

    def filtered() -> str:
        unit, category, n = rng.choice(groups)
        return f"/api/v1/powers?unit={unit}&category={category}&page={rng.randint(1, math.ceil(n / 20))}"

    return {
        "list, first page": lambda: "/api/v1/powers",
        "list, random page": lambda: f"/api/v1/powers?page={rng.randint(1, pages)}",
        "list, unit + category": filtered,
        "portal list, random page": lambda: f"/powers/?page={rng.randint(1, pages)}",
        "detail": lambda: f"/api/v1/powers/{rng.choice(ids)}",
        "history": lambda: f"/api/v1/powers/{rng.choice(ids)}/history",
        "search, 2 characters": lambda: f"/api/v1/powers?q={rng.choice(SHORT_TERMS)}",
        "search, 4 characters": lambda: f"/api/v1/powers?q={rng.choice(LONG_TERMS)}",
        "search, 2 characters, page 5": lambda: f"/api/v1/powers?q={rng.choice(SHORT_TERMS)}&page=5",
    }


def measure(name: str, next_url: Any, runs: int) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")  # a host settings.ALLOWED_HOSTS takes (no test runner here)

    def one() -> None:
        response = client.get(next_url())
        if response.status_code != 200:
            raise SystemExit(f"{name}: {response.status_code} {response.content[:300]!r}")

    samples = time_ms(one, runs)
    queries = set()
    for _ in range(30):
        with CaptureQueriesContext(connection) as ctx:
            one()
        queries.add(len(ctx.captured_queries))
    return {**summary(samples), "queries": sorted(queries), "runs": runs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per scenario")
    parser.add_argument("--database-url", help="PostgreSQL server to use (default: SQLite in a temp folder)")
    parser.add_argument("--bench-db", default="sunlit_bench", help="name of the throwaway PostgreSQL database")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--explain", action="store_true", help="print the plans of the list and search queries")
    args = parser.parse_args()
    rng = random.Random(args.seed)

    with throwaway_database(args.database_url, args.bench_db) as url:
        setup_django(url)
        env = environment()
        print(f"{env['database']} {env['database_version']}, Django {env['django']}, Python {env['python']}")
        built = build(args.items, rng)
        print(f"loaded {built['items']:,} items, {built['versions']:,} versions, "
              f"{built['legal_bases']:,} legal bases over {built['units']} units in {built['build_s']} s")
        if args.explain:
            explain()
        results = {}
        print(f"\n{'scenario':<32}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}  queries")
        for name, next_url in scenarios(rng).items():
            r = results[name] = measure(name, next_url, args.requests)
            flag = "" if r["p95_ms"] < 50 and len(r["queries"]) == 1 else "  <-- over goal"
            print(f"{name:<32}{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}{r['max_ms']:>9.1f}  "
                  f"{'/'.join(map(str, r['queries']))}{flag}")
        path = write_results(f"api_powers-{env['database']}",
                             {"benchmark": "api_powers", "goal": "p95 < 50 ms, constant queries per request",
                              "environment": env, "data": built, "command": " ".join(sys.argv),
                              "scenarios": results})
        print(f"\nwritten to {path}")


def explain() -> None:
    """Show how the database runs the list and its count (a search's plans: benchmarks/search.py --explain)."""
    from django.db import connection

    from sunlit.catalog import selectors

    options = {"analyze": True} if connection.vendor == "postgresql" else {}
    print(f"\n-- list page 500\n{selectors.public_powers()[500 * 20:500 * 20 + 20].explain(**options)}")
    print(f"\n-- count\n{selectors.public_powers().order_by().values('pk').explain(**options)}")


if __name__ == "__main__":
    main()
