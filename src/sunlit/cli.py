"""The `sunlit` command: Django's management commands with Sunlit's settings, plus `sunlit test`.

Commands are spelt with hyphens on the command line (`sunlit import-powers`) and map to the
management command modules with underscores (`import_powers`). Every command runs in the directory
it was started in, so file arguments are read and written relative to it; the data folder does not
depend on it (settings.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/sunlit"


def _run(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> int:
    print("+ " + " ".join(argv), flush=True)
    return subprocess.call(argv, cwd=cwd, env=env)


def _tool(name: str) -> str:
    """A console script installed beside this Python (the virtual environment's bin/)."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else name


def run_tests(args: list[str]) -> int:
    """Run ruff, mypy, lint-imports and the pytest suite on SQLite and on PostgreSQL; any failure fails.

    Everything runs in the checkout this package is installed from, whatever the current directory,
    so that pyproject.toml and .importlinter apply; pytest arguments are relative to the checkout.
    """
    from sunlit.settings import checkout_root

    root = checkout_root()
    if root is None:
        print("sunlit test: runs only from a checkout (pip install -e .): the tests are not installed",
              file=sys.stderr)
        return 2
    only = None
    if args[:1] and args[0] in {"--sqlite", "--postgres"}:
        only, args = args[0][2:], args[1:]
    py = sys.executable
    checks = [
        [py, "-m", "ruff", "check", "src", "tests", "benchmarks"],
        [py, "-m", "mypy"],
        [_tool("lint-imports")],  # the contracts: .importlinter
    ] if only is None else []
    for check in checks:
        if _run(check, root) != 0:
            return 1
    targets: list[tuple[str, str | None]] = []
    if only in (None, "sqlite"):
        targets.append(("SQLite", None))
    if only in (None, "postgres"):
        targets.append(("PostgreSQL", os.environ.get("SUNLIT_TEST_POSTGRES_URL", POSTGRES_URL)))
    for label, url in targets:
        env = dict(os.environ)
        env.pop("SUNLIT_DATABASE_URL", None)
        if url:
            env["SUNLIT_DATABASE_URL"] = url
        tmp = tempfile.mkdtemp(prefix="sunlit-test-")
        env["SUNLIT_DATA_DIR"] = tmp
        env.setdefault("SUNLIT_SECRET_KEY", "test-only-key-not-secret")
        # Live-server threads must not keep connections open, or the test database cannot be dropped.
        env["SUNLIT_CONN_MAX_AGE"] = "0"
        print(f"== test suite on {label}", flush=True)
        try:
            code = _run([py, "-m", "pytest", *args], root, env=env)  # no path given: testpaths
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        if code != 0:
            return 1
    return 0


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] == "test":
        sys.exit(run_tests(argv[2:]))
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sunlit.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
