"""A progress bar for long commands on a terminal (imports): redrawn on one line of stderr, at most ten times
a second; nothing at all when stderr is not a terminal (a cron job's log, a test), so the output stays
what a script reads."""

from __future__ import annotations

import shutil
import sys
import time
from typing import TextIO


class ProgressBar:
    def __init__(self, label: str, stream: TextIO | None = None, unit: str = "行") -> None:
        self.label, self.unit = label, unit
        self.stream = stream or sys.stderr
        self.shown = self.stream.isatty()
        self._last = 0.0

    def update(self, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.shown or (done < total and now - self._last < 0.1):
            return
        self._last = now
        width = max(10, min(40, shutil.get_terminal_size((80, 20)).columns - 40))
        share = done / total if total else 1.0
        filled = round(width * share)
        bar = "█" * filled + "░" * (width - filled)
        self.stream.write(f"\r{self.label} {bar} {done:,}/{total:,}{self.unit} {share:4.0%}")
        self.stream.flush()

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()
