"""Helpers shared by the benchmarks that need Django: a throwaway database, timing, results.

A benchmark never touches the project's own database: it makes a fresh one (a SQLite file in a
temporary folder, or a new database on the given PostgreSQL server), migrates it, fills it, and
removes it afterwards.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"


@contextmanager
def throwaway_database(url: str | None, name: str, keep: bool = False) -> Iterator[str]:
    """The URL of a new, empty database, dropped (or deleted) when the block ends.

    With no URL: a SQLite file in a temporary folder. With a PostgreSQL URL: database `name` on that
    server (the database named in the URL is only used to find the server and is never touched).
    `keep` (PostgreSQL only): an existing database `name` is used as it is, and kept afterwards, so a
    long load is paid once while a query is tuned.
    """
    if not url:
        folder = tempfile.mkdtemp(prefix="sunlit-bench-")
        os.environ["SUNLIT_DATA_DIR"] = folder
        try:
            yield f"sqlite:///{folder}/bench.sqlite3"
        finally:
            _close_django_connections()
            shutil.rmtree(folder, ignore_errors=True)
        return
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise SystemExit(f"only PostgreSQL URLs are supported, not {parts.scheme}://")
    import psycopg

    server = urlunsplit(("postgresql", parts.netloc, "/postgres", parts.query, ""))
    with psycopg.connect(server, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not (keep and exists):
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
    os.environ["SUNLIT_DATA_DIR"] = tempfile.mkdtemp(prefix="sunlit-bench-")
    try:
        yield urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))
    finally:
        _close_django_connections()
        if not keep:
            with psycopg.connect(server, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(os.environ["SUNLIT_DATA_DIR"], ignore_errors=True)


def _close_django_connections() -> None:
    if "django.db" in sys.modules:
        from django.db import connections

        connections.close_all()


def setup_django(database_url: str) -> None:
    """Configure Sunlit's settings for `database_url`, then set Django up and migrate."""
    os.environ["SUNLIT_DATABASE_URL"] = database_url
    os.environ.setdefault("SUNLIT_SECRET_KEY", "benchmark-only-key-not-secret")
    os.environ["DJANGO_SETTINGS_MODULE"] = "sunlit.settings"
    sys.path.insert(0, str(ROOT / "src"))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def time_ms(fn: Callable[[], Any], runs: int, warmup: int = 20) -> list[float]:
    """Wall time of each of `runs` calls of `fn`, in milliseconds, after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def percentile(samples: list[float], q: float) -> float:
    """The q-th percentile (0–100), interpolated between the nearest ranks."""
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[int(q) - 1]


def summary(samples: list[float]) -> dict[str, float]:
    return {"p50_ms": round(percentile(samples, 50), 2), "p95_ms": round(percentile(samples, 95), 2),
            "max_ms": round(max(samples), 2), "mean_ms": round(statistics.fmean(samples), 2)}


def environment() -> dict[str, Any]:
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("select sqlite_version()" if connection.vendor == "sqlite" else "show server_version")
        version = cursor.fetchone()[0]
    return {"python": platform.python_version(), "django": django.get_version(), "machine": platform.machine(),
            "cpus": os.cpu_count(), "database": connection.vendor, "database_version": version}


def write_results(name: str, data: dict[str, Any]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    return path
