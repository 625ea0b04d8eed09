"""A Sunlit of its own for each test: a fresh data folder, commands run as `sunlit …` in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


class Sunlit:
    def __init__(self, tmp_path: Path) -> None:
        self.data = tmp_path / "var" / "sunlit"  # does not exist yet
        self.cwd = tmp_path / "cwd"
        self.cwd.mkdir()
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith("SUNLIT_") and k != "DJANGO_SETTINGS_MODULE"}
        self.env.update(SUNLIT_DATA_DIR=str(self.data), PYTHONUNBUFFERED="1")

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "sunlit.cli", *args]

    def run(self, *args: str, umask: int | None = None, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.command(*args), cwd=self.cwd, env={**self.env, **env}, capture_output=True, text=True,
            timeout=120, preexec_fn=(lambda: os.umask(umask)) if umask is not None else None,
        )

    def ok(self, *args: str, **env: str) -> str:
        done = self.run(*args, **env)
        assert done.returncode == 0, f"sunlit {' '.join(args)}\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def popen(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(self.command(*args), cwd=self.cwd, env=self.env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)


@pytest.fixture
def sunlit(tmp_path: Path) -> Sunlit:
    return Sunlit(tmp_path)


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777
