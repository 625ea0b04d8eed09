"""Search at province scale: the first ranked page of a resident's query, through the public API.

Run:  .venv/bin/python benchmarks/search.py                      # SQLite, 100,000 items
      .venv/bin/python benchmarks/search.py --database-url postgres://postgres@127.0.0.1:5432/sunlit
                                                                  # PostgreSQL, 1,000,000 items

Builds its own database (a SQLite file in a temporary folder, or the throwaway database
`sunlit_bench_search` on the given PostgreSQL server, dropped afterwards), loads N power items the way
benchmarks/api_powers.py does (public, pending, cancelled and internal ones over 60 units) but with
province-like variety in their names (qualifiers, sub-items such as （变更）, many kinds of violation),
builds the grams index (`sunlit reindex-search`'s function), then asks `GET /api/v1/powers?q=…`
through Django's test client — the whole stack, ranking, the count up to 1,000 and the public query
path — for 200 random substrings of item names of 2, 3 and 4 characters each, and for 行政, 许可 and
建房 (each 20 times).

Goal: p95 under 50 ms for each length and each fixed word, at 100,000 items on SQLite and 1,000,000 on
PostgreSQL. Prints a table (the API's times, and beside them the search alone: synonyms, count, ranked
page and the public query path, without HTTP and JSON) and writes benchmarks/results/search-<database>.json.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import time
from typing import Any

import api_powers
from _util import environment, setup_django, summary, throwaway_database, write_results

QUALIFIERS = ["", "", "", "农村", "城镇", "县级", "乡镇", "临时", "新建", "改扩建"]
SUB_ITEMS = ["", "", "", "（新办）", "（变更）", "（延续）", "（注销）", "（补办）", "（协助）"]
VERBS = ["未经批准", "擅自", "违规", "非法", "超范围", "逾期未办理", "伪造", "拒不配合"]
CHECKS = ["行政检查", "监督检查", "日常巡查", "专项检查"]
FIXED = ["行政", "许可", "建房"]
GOAL_MS = 50.0


def province_names() -> dict[str, list[str]]:
    """api_powers' names, with the variety of a province's lists: about 12,000 distinct names."""
    objects = api_powers.OBJECTS
    names = dict(api_powers.NAMES)
    names["licensing"] = sorted({f"{q}{o}{kind}{sub}" for q in QUALIFIERS for o in objects
                                 for kind in ("许可", "审批", "许可证核发", "备案") for sub in SUB_ITEMS})
    names["penalty"] = sorted({f"对{v}{o}行为的行政处罚" for v in VERBS for o in objects}
                              | {f"对{a}的行政处罚" for a in api_powers.ACTS})
    names["inspection"] = sorted({f"对{q}{o}的{c}" for q in QUALIFIERS for o in objects for c in CHECKS})
    return names


def build_index() -> dict[str, Any]:
    """The grams index of every public item, as `sunlit reindex-search` builds it; on PostgreSQL the GIN
    index is dropped for the load and made again after it (as any bulk load does)."""
    from django.db import connection

    from sunlit.catalog.search.index import rebuild

    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP INDEX catalog_powersearch_grams")
        indexed = rebuild()
        if connection.vendor == "postgresql":
            cursor.execute("CREATE INDEX catalog_powersearch_grams ON catalog_powersearchentry USING gin (grams_tsv)")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # what autovacuum does shortly after a bulk load
    return {"indexed": indexed, "index_s": round(time.perf_counter() - t0, 1)}


WARMED = ("catalog_powersearchentry", "catalog_powersearch_grams", "catalog_powersearch_in_order",
          "catalog_powersearchentry_pkey", "catalog_poweritem", "catalog_poweritemversion", "org_unit")


def warm_cache() -> dict[str, Any]:
    """PostgreSQL: read the search table, its indexes and the tables a page of results is read from into the
    operating system's cache (pg_prewarm's 'read' mode), as a server that has been answering searches holds
    them. Without it, a first pass after other work has pushed them out reads from disk: right after a CI run
    here, API p95 was 107–127 ms for the random words, against 30–39 ms once warm."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return {}
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_prewarm'")
        if cursor.fetchone() is None:  # a contrib module: Debian's postgresql package has it
            return {}
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        blocks = 0
        for relation in WARMED:
            cursor.execute("SELECT pg_prewarm(%s::regclass, 'read')", [relation])
            blocks += cursor.fetchone()[0]
    return {"warmed_mb": blocks * 8 // 1024, "warm_s": round(time.perf_counter() - t0, 1)}


_RUN = re.compile(r"[^\W_]+")


def substrings(length: int, count: int, rng: random.Random) -> list[str]:
    """`count` random substrings of `length` letters or digits from the names of random public items."""
    from sunlit.catalog.models import PowerItem
    from sunlit.core.visibility import public_queryset

    ids = list(public_queryset(PowerItem).values_list("pk", flat=True))
    chosen: list[str] = []
    while len(chosen) < count:
        item = public_queryset(PowerItem).select_related("published_version").get(pk=rng.choice(ids))
        runs = [r for r in _RUN.findall(item.published_version.name) if len(r) >= length]
        if runs:
            run = rng.choice(runs)
            start = rng.randrange(len(run) - length + 1)
            chosen.append(run[start:start + length])
    return chosen


def measure(queries: list[str], client: Any, path: str = "/api/v1/powers") -> dict[str, Any]:
    """Each query once through `path`: its time, and for the API the count it reports."""
    samples, counts, capped = [], [], 0
    for q in queries:
        start = time.perf_counter()
        response = client.get(path, {"q": q})
        samples.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{q}: {response.status_code} {response.content[:300]!r}")
        if path.startswith("/api/"):
            body = response.json()
            counts.append(body["count"])
            capped += body["count_capped"]
    result: dict[str, Any] = {**summary(samples), "queries": len(queries)}
    if counts:
        result.update(median_count=sorted(counts)[len(counts) // 2], capped_share=round(capped / len(counts), 2))
    return result


def measure_search(queries: list[str]) -> dict[str, Any]:
    """Each query once through the search alone (catalog.selectors.public_power_search: the synonyms, the
    count and the first ranked page read through the public query path), without HTTP and JSON."""
    from sunlit.catalog.selectors import public_power_search

    samples = []
    for q in queries:
        start = time.perf_counter()
        found = public_power_search(q=q)
        found.count()
        found.page(0, 20)
        samples.append((time.perf_counter() - start) * 1000)
    return summary(samples)


def explain(words: list[str]) -> None:
    """Print the plans the database chooses for each tier and the count of `words`."""
    from django.db import connection

    from sunlit.catalog.search import index
    from sunlit.catalog.search.text import parse

    for word in words:
        query = parse(word)
        print(f"\n== {word}")
        with connection.cursor() as cursor:
            sql = index._Sql(connection.vendor)
            for marks, above in index._tiers():
                where, params = index._where(sql, query, marks, index.Filters(), above)
                prefix = "EXPLAIN QUERY PLAN" if connection.vendor == "sqlite" else "EXPLAIN ANALYZE"
                cursor.execute(f"{prefix} SELECT e.item_id FROM {sql.source()} WHERE {where} "
                               f"ORDER BY {sql.order()} LIMIT 20", params)
                print(f"-- tier {marks}")
                for row in cursor.fetchall():
                    print("  ", " ".join(str(c) for c in row))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, help="items to load (default 100,000 on SQLite, 1,000,000 on PostgreSQL)")
    parser.add_argument("--queries", type=int, default=200, help="random substrings per length")
    parser.add_argument("--database-url", help="PostgreSQL server to use (default: SQLite in a temp folder)")
    parser.add_argument("--bench-db", default="sunlit_bench_search", help="name of the throwaway PostgreSQL database")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true",
                        help="PostgreSQL: keep the database afterwards, and use it as it is if it was kept before")
    parser.add_argument("--explain", action="store_true", help="print the plans of the fixed words' queries")
    parser.add_argument("--cold", action="store_true",
                        help="PostgreSQL: measure without first reading the tables into the OS cache")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    items = args.items or (1_000_000 if args.database_url else 100_000)

    with throwaway_database(args.database_url, args.bench_db, keep=args.keep) as url:
        setup_django(url)
        import logging

        from django.test import Client

        logging.getLogger("sunlit.access").setLevel(logging.WARNING)  # a line per request would be the output

        env = environment()
        print(f"{env['database']} {env['database_version']}, Django {env['django']}, Python {env['python']}")
        api_powers.NAMES = province_names()  # build() draws each item's name from this table
        from sunlit.catalog.models import PowerSearchEntry

        if args.keep and PowerSearchEntry.objects.exists():
            built = {"items": items, "indexed": PowerSearchEntry.objects.count(), "build_s": "(kept)",
                     "index_s": "(kept)"}
        else:
            built = api_powers.build(items, rng)
            built.update(build_index())
        print(f"loaded {built['items']:,} items ({built['indexed']:,} public, indexed) in {built['build_s']} s; "
              f"index built in {built['index_s']} s")
        if args.explain:
            explain(FIXED)
        warmed = built["cache"] = {} if args.cold else warm_cache()
        if warmed:
            print(f"read {warmed['warmed_mb']:,} MB of tables and indexes into the OS cache in {warmed['warm_s']} s")
        client = Client(HTTP_HOST="127.0.0.1")
        rng = random.Random(args.seed + 1)  # the same queries whether the items were loaded now or kept
        sets = {f"{n} characters": substrings(n, args.queries, rng) for n in (2, 3, 4)}
        sets.update({word: [word] * 20 for word in FIXED})
        measure(substrings(2, 20, rng), client)  # warm-up: connections, caches, code paths
        results = {}
        print(f"\n{'query':<16}{'API p50':>9}{'API p95':>9}{'API max':>9}{'search p95':>12}"
              f"{'median count':>14}{'>1,000':>8}")
        for name, queries in sets.items():
            r = results[name] = measure(queries, client)
            r["search_alone"] = measure_search(queries)
            flag = "" if r["p95_ms"] < GOAL_MS else "  <-- over goal"
            print(f"{name:<16}{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}{r['max_ms']:>9.1f}"
                  f"{r['search_alone']['p95_ms']:>12.1f}{r['median_count']:>14,}{r['capped_share']:>8.0%}{flag}")
        portal = results["portal page, 2 characters"] = measure(sets["2 characters"], client, "/powers/")
        print(f"{'portal, 2 chars':<16}{portal['p50_ms']:>9.1f}{portal['p95_ms']:>9.1f}{portal['max_ms']:>9.1f}")
        built["load_average"] = os.getloadavg()  # other work on the machine while this ran
        print(f"load average at the end: {' '.join(f'{x:.1f}' for x in built['load_average'])} on {os.cpu_count()} CPUs")
        path = write_results(f"search-{env['database']}",
                             {"benchmark": "search", "goal": f"p95 < {GOAL_MS:g} ms for the first ranked page",
                              "environment": env, "data": built, "command": " ".join(sys.argv),
                              "results": results, "samples": {k: v[:20] for k, v in sets.items()}})
        print(f"\nwritten to {path}")


if __name__ == "__main__":
    main()
