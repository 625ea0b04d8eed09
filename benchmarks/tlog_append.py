"""The transparency log in the database: appends, integration latency, proofs and tiles at 1,000,000 leaves.

Run:  .venv/bin/python benchmarks/tlog_append.py
      .venv/bin/python benchmarks/tlog_append.py --no-postgres          # SQLite only
      .venv/bin/python benchmarks/tlog_append.py --database-url postgres://postgres@127.0.0.1:5432/sunlit

Each database is measured in a child process of its own, on a throwaway database (a SQLite file in a
temporary folder with Sunlit's WAL settings; `sunlit_bench_tlog` on the PostgreSQL server, dropped
afterwards). In the same run, the parent measures the `pymerkle` package's persisted SQLite tree
(`pip install pymerkle` into the venv; it is not a dependency of Sunlit).

Measured, per database:

* appends persisted per second: event-shaped leaves (sealed: ~260-byte entry + ~450-byte document),
  queued in batches and appended by the sequencer, a signed checkpoint per batch; also one commit per
  leaf (as services do) followed by one sequencer drain;
* integration latency: from the commit of a leaf to the moment a signed checkpoint covering it is
  visible, with the sequencer loop running (in a thread beside the producer, woken on commit; and as
  a separate `sunlit log-sequence` process that polls every 0.2 s), at the default
  SUNLIT_LOG_CHECKPOINT_INTERVAL (1 s);
* at 1,000,000 leaves (built with the same bulk path, small public leaves): inclusion and consistency
  proofs from the database, the proof endpoint, tile and entry-bundle requests through Django's test
  client, and a full `audit-log`.

Goals: ≥ 10,000 appends/s on each database; ≥ 20× pymerkle; p50 integration ≤ 1 s; proofs < 1 ms;
Prints a table and writes benchmarks/results/tlog_append.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from _util import RESULTS, percentile, setup_django, throwaway_database

HERE = Path(__file__).resolve()
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/sunlit"
BENCH_DB = "sunlit_bench_tlog"


def ms(samples: list[float]) -> dict[str, float]:
    """p50/p95/max of samples in seconds, as milliseconds."""
    values = [s * 1000 for s in samples]
    return {"p50_ms": round(percentile(values, 50), 3), "p95_ms": round(percentile(values, 95), 3),
            "p99_ms": round(percentile(values, 99), 3), "max_ms": round(max(values), 3), "n": len(values)}


# --- leaves ----------------------------------------------------------------------------------------------


def event_leaves(n: int, start: int, kind: str = "event") -> list[Any]:
    """Sealed event leaves shaped like Sunlit's (header + digest entry, salted document)."""
    import datetime as dt

    from sunlit.record.leaf import make_leaf

    at = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)
    out = []
    for i in range(start, start + n):
        header = {"type": "event", "id": i, "at": at + dt.timedelta(microseconds=i),
                  "action": "catalog.version.approve", "object_type": "catalog.poweritemversion",
                  "object_id": str(i)}
        body = {"actor": 17, "before": {"published_version": i - 1, "is_cancelled": False},
                "after": {"published_version": i, "is_cancelled": False}, "note": "同意发布。经审核，事项要素齐全。"}
        out.append(make_leaf(kind, i, header, body, public=False))
    return out


def small_leaves(n: int, start: int) -> list[Any]:
    """Small public leaves for the 1M-leaf log (entry only, no document)."""
    from sunlit.record.leaf import Leaf

    return [Leaf(kind="bench", ref=i, data=b'{"n":%d,"schema":1,"type":"bench","text":"\xe9\x98\xb3\xe5\x85\x89"}' % i)
            for i in range(start, start + n)]


# --- one database (child process) ----------------------------------------------------------------------


def appends(batches: int, batch: int, per_commit: int) -> dict[str, Any]:
    from sunlit.record import sequencer, services

    t_build = t_enqueue = t_sequence = 0.0
    start = 0
    for _ in range(batches):
        t0 = time.perf_counter()
        leaves = event_leaves(batch, start)
        t1 = time.perf_counter()
        services.enqueue(leaves)  # its own committed transaction
        t2 = time.perf_counter()
        result = sequencer.sequence_once(batch=batch)
        t3 = time.perf_counter()
        assert result.appended == batch and result.checkpoint is not None
        t_build, t_enqueue, t_sequence = t_build + t1 - t0, t_enqueue + t2 - t1, t_sequence + t3 - t2
        start += batch
    n = batches * batch
    leaves = event_leaves(per_commit, start, kind="commit")
    t0 = time.perf_counter()
    for lf in leaves:
        services.enqueue([lf])  # one committed transaction per leaf, as a service's would be
    t1 = time.perf_counter()
    result = sequencer.sequence_all(batch=batch)
    t2 = time.perf_counter()
    assert result.appended == per_commit
    return {
        "leaves": n, "batch": batch,
        "build_leaves_per_s": round(n / t_build),
        "enqueue_per_s": round(n / t_enqueue),
        "sequence_per_s": round(n / t_sequence),
        "appends_per_s": round(n / (t_enqueue + t_sequence)),
        "per_commit_leaves": per_commit,
        "per_commit_enqueue_per_s": round(per_commit / (t1 - t0)),
        "per_commit_appends_per_s": round(per_commit / (t2 - t0)),
    }


def latency(mode: str, samples: int, rate: float) -> dict[str, Any]:
    """Commit → covered by a visible signed checkpoint, with the sequencer running (thread or process)."""
    from django.db import connection, connections

    from sunlit.record import sequencer, services
    from sunlit.record.models import Checkpoint, LogLeaf

    kind = f"lat-{mode}"
    seen: list[tuple[int, float]] = []  # (checkpoint size, first seen)
    stop = threading.Event()

    def observe() -> None:
        last = -1
        try:
            while not stop.is_set():
                size = Checkpoint.objects.order_by("-size").values_list("size", flat=True).first()
                now = time.monotonic()
                if size is not None and size > last:
                    seen.append((size, now))
                    last = size
                time.sleep(0.002)
        finally:
            connections.close_all()

    background = proc = None
    if mode == "thread":
        background = sequencer.BackgroundSequencer(interval=0.2).start()
    else:
        env = dict(os.environ)
        proc = subprocess.Popen([sys.executable, "-m", "sunlit.cli", "log-sequence", "--interval", "0.2"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(2.0)  # let it start
    observer = threading.Thread(target=observe, daemon=True)
    observer.start()
    rng = random.Random(6962)
    committed: dict[int, float] = {}
    try:
        for k in range(samples):
            time.sleep(rng.expovariate(rate))
            services.enqueue(event_leaves(1, k, kind=kind))
            committed[k] = time.monotonic()
        index = dict(LogLeaf.objects.filter(kind=kind).values_list("ref", "index"))
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            index = dict(LogLeaf.objects.filter(kind=kind).values_list("ref", "index"))
            if len(index) == samples and seen and seen[-1][0] > max(index.values()):
                break
            time.sleep(0.05)
    finally:
        stop.set()
        observer.join()
        if background is not None:
            background.stop()
        if proc is not None:
            proc.terminate()
            proc.wait(10)
        connection.close()
    waits = []
    for k, at in committed.items():
        i = index[k]
        covered = next(t for size, t in seen if size > i)
        waits.append(max(0.0, covered - at))
    return {"mode": mode, "offered_per_s": rate, **ms(waits), "checkpoints": len(seen)}


def build_to(target: int, batch: int) -> dict[str, Any]:
    from sunlit.record import sequencer, services
    from sunlit.record.models import LogState

    size = LogState.objects.get(pk=1).size
    t0 = time.perf_counter()
    added = 0
    while size < target:
        n = min(batch, target - size)
        services.enqueue(small_leaves(n, size))
        size = sequencer.sequence_once(batch=n).size
        added += n
    took = time.perf_counter() - t0
    return {"size": size, "added": added, "seconds": round(took, 1), "appends_per_s": round(added / took)}


def proofs(samples: int) -> dict[str, Any]:
    from django.test import Client

    from sunlit.core.tlog.merkle import verify_consistency, verify_inclusion
    from sunlit.record import selectors, store

    rng = random.Random(9162)
    latest = selectors.latest_checkpoint()
    assert latest is not None
    size, root = latest.size, bytes(latest.root)
    gen, both = [], []
    for _ in range(samples):
        index = rng.randrange(size)
        leaf = store.fetch_hashes([(0, index)])[(0, index)]
        t0 = time.perf_counter()
        proof = store.inclusion_proof(index, size)
        t1 = time.perf_counter()
        assert verify_inclusion(index, size, leaf, proof, root)
        t2 = time.perf_counter()
        gen.append(t1 - t0)
        both.append(t2 - t0)
    cgen, cboth = [], []
    for _ in range(samples):
        size1 = rng.randrange(1, size)
        root1 = store.root(size1)
        t0 = time.perf_counter()
        proof = store.consistency_proof(size1, size)
        t1 = time.perf_counter()
        assert verify_consistency(size1, size, proof, root1, root)
        t2 = time.perf_counter()
        cgen.append(t1 - t0)
        cboth.append(t2 - t0)
    ready = []
    for _ in range(samples):
        index = rng.randrange(size)
        t0 = time.perf_counter()
        selectors.inclusion_proof(index).bundle().dumps()
        ready.append(time.perf_counter() - t0)
    client, http = Client(), []
    for _ in range(max(200, samples // 4)):
        index = rng.randrange(size)
        t0 = time.perf_counter()
        response = client.get(f"/log/proof/{index}?format=json")
        http.append(time.perf_counter() - t0)
        assert response.status_code == 200
    return {"size": size, "inclusion_generate": ms(gen), "inclusion_generate_verify": ms(both),
            "consistency_generate": ms(cgen), "consistency_generate_verify": ms(cboth),
            "inclusion_bundle_selector": ms(ready), "proof_endpoint_http": ms(http)}


def tiles(samples: int) -> dict[str, Any]:
    from django.test import Client

    from sunlit.core.tlog.tiles import ENTRIES, Tile, partial_tiles_for_size
    from sunlit.record import selectors

    latest = selectors.latest_checkpoint()
    assert latest is not None
    size = latest.size
    rng = random.Random(256)
    client = Client()
    kinds: dict[str, list[Tile]] = {
        "level 0 full": [Tile(0, rng.randrange(size // 256)) for _ in range(samples)],
        "entries full": [Tile(ENTRIES, rng.randrange(size // 256)) for _ in range(samples)],
        "level 1 full": [Tile(1, rng.randrange(max(1, size // 65536))) for _ in range(samples)]
        if size >= 65536 else [],
        "partial (latest)": [rng.choice(partial_tiles_for_size(size)) for _ in range(samples)],
    }
    out: dict[str, Any] = {"size": size}
    everything = []
    for label, chosen in kinds.items():
        if not chosen:
            continue
        waits = []
        for tile in chosen:
            t0 = time.perf_counter()
            response = client.get("/log/" + tile.path)
            waits.append(time.perf_counter() - t0)
            assert response.status_code == 200, tile.path
        out[label] = ms(waits)
        everything += waits
    out["all"] = ms(everything)
    return out


def audit_time() -> dict[str, Any]:
    from sunlit.record.audit import audit

    t0 = time.perf_counter()
    report = audit()
    took = time.perf_counter() - t0
    assert report.ok, report.lines()
    return {"leaves": report.leaves, "hashes": report.hashes, "checkpoints": report.checkpoints,
            "seconds": round(took, 1)}


def child(args: argparse.Namespace) -> None:
    url = args.database_url if args.child == "postgresql" else None
    with throwaway_database(url, BENCH_DB) as db_url:
        setup_django(db_url)
        from django.db import connection

        from sunlit.record import keys

        keys.log_signer()
        out: dict[str, Any] = {"database": connection.vendor}
        print(f"[{connection.vendor}] appends …", file=sys.stderr, flush=True)
        out["appends"] = appends(args.batches, args.batch, args.per_commit)
        print(f"[{connection.vendor}] integration latency …", file=sys.stderr, flush=True)
        out["latency"] = [latency("thread", args.latency_samples, args.latency_rate),
                          latency("process", args.latency_samples, args.latency_rate)]
        print(f"[{connection.vendor}] building {args.leaves:,} leaves …", file=sys.stderr, flush=True)
        out["build"] = build_to(args.leaves, args.build_batch)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"[{connection.vendor}] proofs, tiles, audit …", file=sys.stderr, flush=True)
        out["proofs"] = proofs(args.samples)
        out["tiles"] = tiles(args.tile_samples)
        out["audit"] = audit_time() if not args.no_audit else None
        Path(args.out).write_text(json.dumps(out))


# --- pymerkle (parent) ----------------------------------------------------------------------------------


def pymerkle_figures(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sunlit.settings")
    from pymerkle import SqliteTree

    n = args.batches * args.batch
    entries = [lf.data for lf in event_leaves(n, 0)]
    out: dict[str, Any] = {}
    with SqliteTree(str(folder / "bulk.db")) as tree:
        t0 = time.perf_counter()
        for i in range(0, n, args.batch):
            tree.append_entries(entries[i : i + args.batch])
        out["append_entries_per_s"] = round(n / (time.perf_counter() - t0))
    for label, pragmas in (("append_entry_per_s", ()),
                           ("append_entry_wal_per_s", ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL"))):
        with SqliteTree(str(folder / f"{label}.db")) as tree:
            for pragma in pragmas:
                tree.con.execute(pragma)
            t0 = time.perf_counter()
            for e in entries[: args.per_commit]:
                tree.append_entry(e)
            out[label] = round(args.per_commit / (time.perf_counter() - t0))
    with SqliteTree(str(folder / "big.db")) as tree:
        t0 = time.perf_counter()
        for i in range(0, args.leaves, 100_000):
            tree.append_entries([lf.data for lf in small_leaves(min(100_000, args.leaves - i), i)])
        out["bulk_load_1m_seconds"] = round(time.perf_counter() - t0, 1)
        size = tree.get_size()
        rng = random.Random(1)
        incl, cons = [], []
        for _ in range(args.pymerkle_proofs):
            index = rng.randrange(1, size + 1)  # pymerkle counts leaves from 1
            t0 = time.perf_counter()
            tree.prove_inclusion(index, size)
            incl.append(time.perf_counter() - t0)
            size1 = rng.randrange(1, size)
            t0 = time.perf_counter()
            tree.prove_consistency(size1, size)
            cons.append(time.perf_counter() - t0)
        out["proofs_at"] = size
        out["inclusion"] = ms(incl)
        out["consistency"] = ms(cons)
    return out


# --- parent -----------------------------------------------------------------------------------------------


def table(results: dict[str, Any]) -> str:
    pm = results.get("pymerkle") or {}
    lines = []
    add = lines.append
    add("Transparency log in the database (sunlit.record)")
    for db, r in results["databases"].items():
        a, b, p, t = r["appends"], r["build"], r["proofs"], r["tiles"]
        add(f"\n== {db}")
        add(f"  appends, batches of {a['batch']:,} + a checkpoint each ({a['leaves']:,} event leaves):"
            f" {a['appends_per_s']:>9,}/s   [{'ok' if a['appends_per_s'] >= 10_000 else 'BELOW GOAL'} ≥10,000/s]")
        add(f"    enqueue {a['enqueue_per_s']:,}/s, sequence {a['sequence_per_s']:,}/s"
            f" (building the leaves in Python, not timed: {a['build_leaves_per_s']:,}/s)")
        add(f"  one commit per leaf, then one drain ({a['per_commit_leaves']:,} leaves):"
            f" {a['per_commit_appends_per_s']:>9,}/s")
        if pm:
            add(f"  ratio to pymerkle append_entry (one commit per entry):"
                f" {a['appends_per_s'] / pm['append_entry_per_s']:.0f}× batched,"
                f" {a['per_commit_appends_per_s'] / pm['append_entry_per_s']:.1f}× one commit per leaf")
            add(f"  ratio to pymerkle append_entry with WAL + synchronous=NORMAL:"
                f" {a['appends_per_s'] / pm['append_entry_wal_per_s']:.2f}× batched")
            add(f"  ratio to pymerkle append_entries (bulk, leaf rows only): {a['appends_per_s'] / pm['append_entries_per_s']:.2f}×")
        for lat in r["latency"]:
            ok = "ok" if lat["p50_ms"] <= 1000 else "BELOW GOAL"
            add(f"  integration latency ({lat['mode']}, ~{lat['offered_per_s']:.0f} leaves/s, n={lat['n']}):"
                f" p50 {lat['p50_ms']:.0f} ms  p99 {lat['p99_ms']:.0f} ms  max {lat['max_ms']:.0f} ms  [{ok} p50 ≤ 1 s]")
        add(f"  built {b['size']:,} leaves: {b['added']:,} appended in {b['seconds']} s ({b['appends_per_s']:,}/s)")
        for key, label in (("inclusion_generate", "inclusion proof from the database"),
                           ("inclusion_generate_verify", "  … and verified"),
                           ("consistency_generate", "consistency proof from the database"),
                           ("consistency_generate_verify", "  … and verified"),
                           ("inclusion_bundle_selector", "proof bundle ready to serve (selector)"),
                           ("proof_endpoint_http", "GET /log/proof/<i>?format=json")):
            s = p[key]
            flag = "" if "endpoint" in key or "selector" in key else f"  [{'ok' if s['p50_ms'] < 1 else 'SLOW'} < 1 ms]"
            add(f"  {label:<42} p50 {s['p50_ms']:7.3f} ms  p95 {s['p95_ms']:7.3f} ms{flag}")
        for key in ("level 0 full", "entries full", "level 1 full", "partial (latest)", "all"):
            if key not in t:
                continue
            s = t[key]
            add(f"  GET tile {key:<33} p50 {s['p50_ms']:7.3f} ms  p95 {s['p95_ms']:7.3f} ms")
        if r.get("audit"):
            add(f"  audit-log of {r['audit']['leaves']:,} leaves, {r['audit']['hashes']:,} hashes:"
                f" {r['audit']['seconds']} s")
    if pm:
        add("\n== pymerkle 7 SqliteTree (same entries, same machine)")
        add(f"  append_entries, batches: {pm['append_entries_per_s']:,}/s (stores leaf rows only)")
        add(f"  append_entry (one commit each): {pm['append_entry_per_s']:,}/s; with WAL + synchronous=NORMAL:"
            f" {pm['append_entry_wal_per_s']:,}/s")
        add(f"  at {pm['proofs_at']:,} leaves: inclusion proof p50 {pm['inclusion']['p50_ms']:.1f} ms,"
            f" consistency proof p50 {pm['consistency']['p50_ms']:.1f} ms (n={pm['inclusion']['n']})")
        for db, r in results.get("ratios", {}).items():
            add(f"  proofs from {db} are {r['inclusion_proof_speedup']:,}× (inclusion) and"
                f" {r['consistency_proof_speedup']:,}× (consistency) faster than pymerkle's")
    return "\n".join(lines)


def parent(args: argparse.Namespace) -> None:
    results: dict[str, Any] = {"args": {k: v for k, v in vars(args).items() if k not in {"child", "out"}},
                               "databases": {}}
    targets = ["sqlite"] + ([] if args.no_postgres else ["postgresql"])
    with tempfile.TemporaryDirectory(prefix="sunlit-tlog-bench-") as tmp:
        folder = Path(tmp)
        os.environ["SUNLIT_DATA_DIR"] = str(folder / "data")  # never the project's data/
        os.environ.setdefault("SUNLIT_SECRET_KEY", "benchmark-only-key-not-secret")
        for target in targets:
            out = folder / f"{target}.json"
            cmd = [sys.executable, str(HERE), "--child", target, "--out", str(out)]
            cmd += sys.argv[1:]
            code = subprocess.call(cmd)
            if code != 0:
                raise SystemExit(f"the {target} run failed ({code})")
            results["databases"][target] = json.loads(out.read_text())
        if not args.no_pymerkle:
            print("[pymerkle] …", file=sys.stderr, flush=True)
            sys.path.insert(0, str(HERE.parent.parent / "src"))
            results["pymerkle"] = pymerkle_figures(args, folder)
    pm = results.get("pymerkle")
    if pm:
        results["ratios"] = {
            db: {"batched_vs_append_entry": round(r["appends"]["appends_per_s"] / pm["append_entry_per_s"], 1),
                 "batched_vs_append_entry_wal": round(r["appends"]["appends_per_s"] / pm["append_entry_wal_per_s"], 2),
                 "batched_vs_append_entries": round(r["appends"]["appends_per_s"] / pm["append_entries_per_s"], 2),
                 "per_commit_vs_append_entry": round(
                     r["appends"]["per_commit_appends_per_s"] / pm["append_entry_per_s"], 1),
                 "inclusion_proof_speedup": round(pm["inclusion"]["p50_ms"] / r["proofs"]["inclusion_generate"]["p50_ms"]),
                 "consistency_proof_speedup": round(
                     pm["consistency"]["p50_ms"] / r["proofs"]["consistency_generate"]["p50_ms"])}
            for db, r in results["databases"].items()
        }
    text = table(results)
    print(text)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "tlog_append.json"
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    print(f"\nwrote {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("SUNLIT_TEST_POSTGRES_URL", DEFAULT_PG),
                        help="PostgreSQL server to use (a throwaway database sunlit_bench_tlog is made on it)")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-pymerkle", action="store_true")
    parser.add_argument("--no-audit", action="store_true")
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--per-commit", type=int, default=2_000)
    parser.add_argument("--latency-samples", type=int, default=200)
    parser.add_argument("--latency-rate", type=float, default=20.0, help="leaves per second offered")
    parser.add_argument("--leaves", type=int, default=1_000_000)
    parser.add_argument("--build-batch", type=int, default=50_000)
    parser.add_argument("--samples", type=int, default=2_000)
    parser.add_argument("--tile-samples", type=int, default=300)
    parser.add_argument("--pymerkle-proofs", type=int, default=20)
    parser.add_argument("--child", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
    else:
        parent(args)


if __name__ == "__main__":
    main()
