"""The production server under load: p50/p95 of portal pages and public API reads with 32 concurrent clients
on `sunlit serve` (gunicorn), beside the same clients fetching a static file from the same server.

    .venv/bin/python benchmarks/serve_load.py [--items 20000] [--clients 32] [--seconds 10]
    .venv/bin/python benchmarks/serve_load.py --database-url postgres://postgres@127.0.0.1:5432/sunlit

A throwaway database gets N public items (benchmarks/api_powers.py's loader), `sunlit serve` runs on it in a
child process with its default workers, and each scenario keeps every client busy for `--seconds` on its own
keep-alive connection (the client threads share this process's interpreter: on a small machine they take
CPU from the server, so the figures are a floor of what the server does alone).
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable

from _util import environment, setup_django, throwaway_database, write_results


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def load(port: int, clients: int, seconds: float, next_url: Callable[[random.Random], str]) -> dict[str, float]:
    latencies: list[float] = []
    errors = [0]
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def client(seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                conn.request("GET", next_url(rng), headers={"Accept-Encoding": "gzip"})
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            if ok:
                mine.append((time.perf_counter() - started) * 1000)
            else:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    return {"requests": len(latencies), "errors": errors[0], "per_s": round(len(latencies) / seconds, 1),
            "p50_ms": round(statistics.median(latencies), 1) if latencies else 0.0,
            "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1) if latencies else 0.0,
            "max_ms": round(latencies[-1], 1) if latencies else 0.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--database-url", help="PostgreSQL server to use (default: SQLite in a temp folder)")
    parser.add_argument("--bench-db", default="sunlit_bench_serve")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    import api_powers

    with throwaway_database(args.database_url, args.bench_db) as url:
        setup_django(url)
        env = environment()
        built = api_powers.build(args.items, random.Random(args.seed))
        from sunlit.catalog.models import PowerItem
        from sunlit.core.visibility import public_queryset

        ids = list(public_queryset(PowerItem).values_list("pk", flat=True))
        pages = max(1, len(ids) // 20)
        child_env = {**os.environ, "SUNLIT_DATABASE_URL": url, "SUNLIT_ACCESS_LOG": "0", "SUNLIT_TASKS_URL": "memory://"}
        subprocess.run([sys.executable, "-m", "sunlit", "init"], env=child_env, check=True, capture_output=True)
        port = _free_port()
        server = subprocess.Popen([sys.executable, "-m", "sunlit", "serve", "--port", str(port)], env=child_env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                    conn.request("GET", "/static/sunlit/site.css")
                    if conn.getresponse().status == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not start")
                time.sleep(0.3)
            scenarios: dict[str, Callable[[random.Random], str]] = {
                "static file (site.css)": lambda rng: "/static/sunlit/site.css",
                "portal home": lambda rng: "/",
                "portal list, random page": lambda rng: f"/powers/?page={rng.randint(1, pages)}",
                "portal item page": lambda rng: f"/powers/{rng.choice(ids)}/",
                "API list, random page": lambda rng: f"/api/v1/powers?page={rng.randint(1, pages)}",
                "API item": lambda rng: f"/api/v1/powers/{rng.choice(ids)}",
            }
            for next_url in scenarios.values():  # warm every worker
                load(port, args.clients, 1, next_url)
            print(f"{env['database']}: {built['items']:,} items; {args.clients} clients, {args.seconds:.0f} s each")
            print(f"{'scenario':<28}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'errors':>8}")
            results = {}
            for name, next_url in scenarios.items():
                r = results[name] = load(port, args.clients, args.seconds, next_url)
                print(f"{name:<28}{r['per_s']:>8.0f}{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}{r['max_ms']:>9.1f}"
                      f"{r['errors']:>8}")
        finally:
            server.terminate()
            server.wait(30)
        path = write_results(f"serve_load-{env['database']}", {
            "benchmark": "serve_load", "environment": env, "items": built["items"], "clients": args.clients,
            "seconds": args.seconds, "command": " ".join(sys.argv), "scenarios": results})
        print(f"written to {path}")


if __name__ == "__main__":
    main()
