"""The command line: `./sunlit` installs pinned dependencies by kind and keeps the caller's directory;
`sunlit test` runs its checks in the checkout, in order; CI=true turns a skip for a missing tool into a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sunlit import cli

ROOT = Path(__file__).resolve().parents[1]


# ---- ./sunlit, the bash entry point, on a copy of the checkout with a stand-in virtual environment ----


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """The script, pyproject.toml and lock files, with a .venv whose python logs pip calls and whose
    `sunlit` prints where it runs: what the script installs and runs, without installing anything."""
    root = tmp_path / "checkout"
    (root / "requirements").mkdir(parents=True)
    shutil.copy2(ROOT / "sunlit", root / "sunlit")
    shutil.copy2(ROOT / "pyproject.toml", root / "pyproject.toml")
    for lock in ("runtime.txt", "dev.txt"):
        shutil.copy2(ROOT / "requirements" / lock, root / "requirements" / lock)
    bin_dir = root / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").write_text('#!/bin/sh\necho "$*" >> "$(dirname "$0")/../pip.log"\n')
    (bin_dir / "sunlit").write_text('#!/bin/sh\necho "cwd=$(pwd)"\necho "args=$*"\n')
    for tool in bin_dir.iterdir():
        tool.chmod(0o755)
    return root


def run_script(checkout: Path, cwd: Path, *args: str) -> tuple[str, list[str]]:
    env = {k: v for k, v in os.environ.items() if k not in {"SUNLIT_VENV", "PYTHON"}}
    done = subprocess.run([str(checkout / "sunlit"), *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    log = checkout / ".venv" / "pip.log"
    installs = log.read_text().splitlines() if log.exists() else []
    log.unlink(missing_ok=True)
    return done.stdout, installs


def test_the_script_runs_the_command_where_it_was_started(checkout: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out, _ = run_script(checkout, elsewhere, "export-powers", "--unit", "X", "out.xlsx")
    assert out.splitlines() == [f"cwd={elsewhere}", "args=export-powers --unit X out.xlsx"]


def test_demo_installs_the_runtime_pins_only_and_once(checkout: Path, tmp_path: Path) -> None:
    runtime, dev = checkout / "requirements" / "runtime.txt", checkout / "requirements" / "dev.txt"
    _, installs = run_script(checkout, tmp_path, "demo", "--no-serve")
    assert installs == [
        f"-m pip install -q --disable-pip-version-check -r {runtime}",
        f"-m pip install -q --disable-pip-version-check --no-deps -e {checkout}",
    ]
    assert run_script(checkout, tmp_path, "serve")[1] == []  # nothing changed: nothing installed
    # A changed lock file (or pyproject.toml) is installed again.
    runtime.write_text(runtime.read_text() + "# refreshed\n")
    assert any(f"-r {runtime}" in line for line in run_script(checkout, tmp_path, "demo")[1])
    assert str(dev) not in "".join(run_script(checkout, tmp_path, "demo")[1])


def test_test_installs_the_runtime_and_dev_pins_and_serves_other_commands_too(checkout: Path, tmp_path: Path) -> None:
    runtime, dev = checkout / "requirements" / "runtime.txt", checkout / "requirements" / "dev.txt"
    _, installs = run_script(checkout, tmp_path, "test", "--sqlite")
    assert installs[0] == f"-m pip install -q --disable-pip-version-check -r {runtime} -r {dev}"
    assert installs[1].endswith(f"--no-deps -e {checkout}")
    assert run_script(checkout, tmp_path, "test")[1] == []
    # The dev pins include the runtime's, so a command after `test` needs no install of its own.
    assert run_script(checkout, tmp_path, "demo")[1] == []
    (checkout / "pyproject.toml").write_text((checkout / "pyproject.toml").read_text() + "\n")
    assert len(run_script(checkout, tmp_path, "test")[1]) == 2


def test_the_lock_files_pin_every_package_and_keep_test_tools_out_of_the_runtime() -> None:
    def pins(name: str) -> dict[str, str]:
        lines = (ROOT / "requirements" / name).read_text().splitlines()
        found = dict(re.findall(r"^([A-Za-z0-9_.-]+)==([^ ;]+)", "\n".join(lines), re.M))
        unpinned = [ln for ln in lines if ln and not ln.startswith((" ", "#")) and "==" not in ln]
        assert unpinned == [], unpinned
        return {k.lower(): v for k, v in found.items()}

    runtime, dev = pins("runtime.txt"), pins("dev.txt")
    assert {"django", "django-ninja", "cryptography", "openpyxl"} <= set(runtime)
    assert not {"pytest", "ruff", "mypy", "playwright", "import-linter", "hypothesis"} & set(runtime)
    assert {"pytest", "ruff", "mypy", "playwright", "import-linter", "pytest-django"} <= set(dev)
    assert {k: dev[k] for k in runtime} == runtime  # the tests run what a deployment runs


# ---- the installed console script ----


def test_the_console_script_reads_files_relative_to_where_it_runs(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "sunlit"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "sunlit.cli"]
    (tmp_path / "proof.json").write_text('{"type": "inclusion", "leaf_index": 0, "tree_size": 1, "leaf_hash": "'
                                         + "ef" * 32 + '", "proof": [], "root": "' + "ef" * 32 + '"}')
    env = {**os.environ, "SUNLIT_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run([*command, "verify", "proof.json"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok: ")


# ---- sunlit test ----


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[dict[str, Any]]:
    recorded: list[dict[str, Any]] = []

    def fake_run(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> int:
        data = (env or {}).get("SUNLIT_DATA_DIR")
        recorded.append({"argv": argv, "cwd": cwd, "db": (env or {}).get("SUNLIT_DATABASE_URL"), "data": data,
                         "data_existed": bool(data and Path(data).is_dir())})
        return 1 if Path(argv[-1]).name == "fail-here" or "fail-here" in argv else 0

    monkeypatch.setattr(cli, "_run", fake_run)
    monkeypatch.chdir(tmp_path)  # somewhere that is not the checkout
    return recorded


def _name(argv: list[str]) -> str:
    return Path(argv[2] if argv[1:2] == ["-m"] else argv[0]).name


def test_sunlit_test_runs_its_checks_in_order_in_the_checkout(calls: list[dict[str, Any]]) -> None:
    assert cli.run_tests(["-k", "import"]) == 0
    assert [_name(c["argv"]) for c in calls] == ["ruff", "mypy", "lint-imports", "pytest", "pytest"]
    assert {c["cwd"] for c in calls} == {ROOT}  # pyproject.toml and .importlinter apply
    sqlite, postgres = calls[3], calls[4]
    assert sqlite["db"] is None and postgres["db"].startswith("postgres://")
    assert sqlite["argv"][-2:] == ["-k", "import"]
    for run in (sqlite, postgres):  # each pass has a data folder of its own, removed afterwards
        assert run["data_existed"] and not Path(run["data"]).exists()
    assert sqlite["data"] != postgres["data"]


def test_sunlit_test_stops_at_the_first_failure(calls: list[dict[str, Any]]) -> None:
    assert cli.run_tests(["--sqlite", "fail-here"]) == 1
    assert [_name(c["argv"]) for c in calls] == ["pytest"]
    calls.clear()
    assert cli.run_tests(["--postgres"]) == 0
    assert [c["db"] is not None for c in calls] == [True]


def test_sunlit_test_needs_a_checkout(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(ROOT / "src" / "sunlit", site / "sunlit", ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "PYTHONPATH": str(site)}
    done = subprocess.run([sys.executable, "-m", "sunlit.cli", "test"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "sunlit test: runs only from a checkout" in done.stderr


# ---- CI=true: no skip for a missing tool ----

SAMPLE_TESTS = '''
import pytest

def test_needs_a_tool():
    pytest.skip("pdftoppm is not installed")

@pytest.mark.skipif(True, reason="TRUNCATE is PostgreSQL's")
def test_for_one_database_only():
    pass

@pytest.mark.xfail(reason="known bug")
def test_known_bug():
    assert False

def test_fine():
    pass
'''


def _run_sample(tmp_path: Path, ci: str | None) -> str:
    (tmp_path / "conftest.py").write_text(
        "from tests.conftest import pytest_make_collect_report, pytest_runtest_makereport  # noqa: F401\n")
    (tmp_path / "test_sample.py").write_text(SAMPLE_TESTS)
    (tmp_path / "test_module_skip.py").write_text('import pytest\npytest.importorskip("no_such_tool_module")\n')
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env.update(PYTHONPATH=str(ROOT), DJANGO_SETTINGS_MODULE="sunlit.settings", SUNLIT_DATA_DIR=str(tmp_path / "d"))
    if ci is not None:
        env["CI"] = ci
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rfEs",
                           "--continue-on-collection-errors", str(tmp_path)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    return done.stdout + done.stderr


def test_without_ci_a_missing_tool_skips(tmp_path: Path) -> None:
    out = _run_sample(tmp_path, None)
    assert re.search(r"^1 passed, 3 skipped, 1 xfailed", out, re.M), out


def test_under_ci_a_missing_tool_fails_and_a_one_database_test_still_skips(tmp_path: Path) -> None:
    out = _run_sample(tmp_path, "true")
    assert re.search(r"^1 failed, 1 passed, 1 skipped, 1 xfailed, 1 error", out, re.M), out
    assert "CI=true allows no skip for a missing tool: pdftoppm is not installed" in out
    assert "no_such_tool_module" in out
