"""Settings read, never write; say which variable is wrong; find the data folder wherever a command starts.

Each case runs a fresh Python, since settings are read once per process.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def clean_env(**overrides: str) -> dict[str, str]:
    """This process's environment without any SUNLIT_* or Django variable, plus `overrides`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUNLIT_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update(overrides)
    return env


def python(code: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=clean_env(**env),
                          capture_output=True, text=True, timeout=60)


def sunlit(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    env.setdefault("DJANGO_SETTINGS_MODULE", "sunlit.settings")
    return subprocess.run([sys.executable, "-m", "sunlit.cli", *args], cwd=cwd, env=clean_env(**env),
                          capture_output=True, text=True, timeout=120)


def tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_importing_settings_creates_nothing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    checkout_data = sorted((ROOT / "data").iterdir()) if (ROOT / "data").exists() else None
    done = python("import sunlit.settings as s; print(repr(s.SECRET_KEY)); print(s.DATA_DIR)", cwd,
                  SUNLIT_DATA_DIR=str(data))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["''", str(data)]  # no key yet: Django complains only when one is used
    assert not data.exists()
    assert tree(tmp_path) == ["cwd"]
    assert (sorted((ROOT / "data").iterdir()) if (ROOT / "data").exists() else None) == checkout_data


def test_verify_runs_with_no_data_folder_and_no_secret_key(tmp_path: Path) -> None:
    proof = tmp_path / "proof.json"
    leaf = "ab" * 32
    proof.write_text(f'{{"type": "inclusion", "leaf_index": 0, "tree_size": 1, "leaf_hash": "{leaf}", '
                     f'"proof": [], "root": "{leaf}"}}')
    done = sunlit("verify", "proof.json", cwd=tmp_path, SUNLIT_DATA_DIR=str(tmp_path / "nowhere"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok: ")
    assert tree(tmp_path) == ["proof.json"]


def test_a_secret_key_file_written_by_init_is_read(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("from-the-file\n")
    done = python("import sunlit.settings as s; print(s.SECRET_KEY)", tmp_path, SUNLIT_DATA_DIR=str(tmp_path))
    assert done.stdout.strip() == "from-the-file"
    done = python("import sunlit.settings as s; print(s.SECRET_KEY)", tmp_path, SUNLIT_DATA_DIR=str(tmp_path),
                  SUNLIT_SECRET_KEY="from-the-environment")
    assert done.stdout.strip() == "from-the-environment"


@pytest.mark.parametrize(("value", "debug"), [("1", True), ("on", True), ("Yes", True), ("true", True),
                                              ("0", False), ("off", False), ("no", False), ("FALSE", False)])
def test_booleans_read_the_usual_spellings(tmp_path: Path, value: str, debug: bool) -> None:
    done = python("import sunlit.settings as s; print(s.DEBUG)", tmp_path, SUNLIT_DEBUG=value)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(debug)


def test_an_unknown_boolean_is_an_error_naming_the_variable(tmp_path: Path) -> None:
    done = python("import sunlit.settings", tmp_path, SUNLIT_DEBUG="maybe")
    assert done.returncode != 0
    assert "ImproperlyConfigured: SUNLIT_DEBUG='maybe' is neither yes nor no" in done.stderr
    # the command line says so too, before doing anything
    done = sunlit("verify", "-", cwd=tmp_path, SUNLIT_DEBUG="maybe")
    assert done.returncode != 0 and "SUNLIT_DEBUG='maybe'" in done.stderr


def test_a_number_that_is_not_one_is_an_error_naming_the_variable(tmp_path: Path) -> None:
    done = python("import sunlit.settings", tmp_path, SUNLIT_LOG_CHECKPOINT_INTERVAL="soon")
    assert done.returncode != 0
    assert "SUNLIT_LOG_CHECKPOINT_INTERVAL='soon' is not a number" in done.stderr


def test_the_data_folder_is_the_checkouts_wherever_a_command_starts(tmp_path: Path) -> None:
    code = ("from django.conf import settings; print(settings.DATA_DIR); "
            "print(settings.DATABASES['default']['NAME']); print(settings.SUNLIT_LOG_KEY_FILE)")
    done = sunlit("shell", "-v", "0", "-c", code, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [str(ROOT / "data"), str(ROOT / "data" / "sunlit.sqlite3"),
                                        str(ROOT / "data" / "log-signer.key")]
    assert tree(tmp_path) == []
    # SUNLIT_DATA_DIR wins; a relative one is taken from where the command starts
    done = sunlit("shell", "-v", "0", "-c", code, cwd=tmp_path, SUNLIT_DATA_DIR="here")
    assert done.stdout.splitlines()[0] == str(tmp_path / "here")


def _readme_defaults() -> dict[str, str]:
    """The settings table of the README: variable -> its default cell."""
    rows = re.findall(r"^\| `(SUNLIT_[A-Z_]+)`[^|]*\| (.+?) \|$", (ROOT / "README.md").read_text(), re.M)
    return dict(rows)


def test_the_readme_settings_table_gives_the_defaults_the_code_has(tmp_path: Path) -> None:
    readme = _readme_defaults()
    done = python("import sunlit.settings as s; print(','.join(s.ALLOWED_HOSTS)); print(s.SUNLIT_LOG_ORIGIN); "
                  "print(s.SUNLIT_WITNESS_NAME); print(s.SUNLIT_LOG_CHECKPOINT_INTERVAL); print(s.DEBUG)",
                  tmp_path, SUNLIT_DATA_DIR=str(tmp_path))
    hosts, origin, witness, interval, debug = done.stdout.splitlines()
    assert readme["SUNLIT_ALLOWED_HOSTS"].startswith(f"`{hosts}`")
    assert "testserver" not in hosts  # the test client's host is added by the test set-up, not here
    assert readme["SUNLIT_LOG_ORIGIN"].startswith(f"`{origin}`")
    assert f"`{witness}`" in readme["SUNLIT_WITNESS_NAME"]
    assert readme["SUNLIT_LOG_CHECKPOINT_INTERVAL"].startswith(f"`{float(interval):g}`")
    assert debug == "False" and readme["SUNLIT_DEBUG"].startswith("off")
    for name in ("SUNLIT_DATA_DIR", "SUNLIT_SECRET_KEY", "SUNLIT_DATABASE_URL", "SUNLIT_CONN_MAX_AGE"):
        assert name in readme


def test_the_witness_name_and_the_key_files_come_from_settings_alone(tmp_path: Path) -> None:
    code = ("import django; django.setup(); from sunlit.witness import keys as w; from sunlit.record import keys as r; "
            "print(w.witness_name()); print(w.key_file()); print(r.key_file())")
    done = sunlit("shell", "-v", "0", "-c", code, cwd=tmp_path, SUNLIT_DATA_DIR=str(tmp_path / "d"),
                  SUNLIT_WITNESS_NAME="county-b.example/witness")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["county-b.example/witness", str(tmp_path / "d" / "witness-signer.key"),
                                        str(tmp_path / "d" / "log-signer.key")]


@pytest.fixture
def installed_elsewhere(tmp_path: Path) -> Path:
    """The package copied outside any checkout, as an install into site-packages would have it."""
    site = tmp_path / "site"
    shutil.copytree(ROOT / "src" / "sunlit", site / "sunlit", ignore=shutil.ignore_patterns("__pycache__"))
    return site


def test_outside_a_checkout_only_what_needs_the_data_folder_asks_for_it(
    installed_elsewhere: Path, tmp_path: Path
) -> None:
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    env = {"PYTHONPATH": str(installed_elsewhere)}
    done = python("import sunlit, sunlit.settings as s; print(sunlit.__file__); print(s.DATA_DIR)", cwd, **env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [str(installed_elsewhere / "sunlit" / "__init__.py"), "None"]

    (cwd / "p.json").write_text('{"type": "inclusion", "leaf_index": 0, "tree_size": 1, "leaf_hash": "'
                                + "cd" * 32 + '", "proof": [], "root": "' + "cd" * 32 + '"}')
    assert sunlit("verify", "p.json", cwd=cwd, **env).returncode == 0

    for command in (["init"], ["migrate"], ["serve"]):
        done = sunlit(*command, cwd=cwd, **env)
        assert done.returncode == 1, (command, done.stdout, done.stderr)
        assert "set SUNLIT_DATA_DIR" in done.stderr, (command, done.stderr)
        assert "Traceback" not in done.stderr
    assert tree(cwd) == ["p.json"]

    # With the data folder given, the same install works.
    done = sunlit("init", cwd=cwd, SUNLIT_DATA_DIR=str(tmp_path / "var"), **env)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "var" / "secret_key").exists()
