"""`sunlit log-export DIR`: write the log as static files (checkpoint, key, tile/…)."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sunlit.record.export import ExportError, export


class Command(BaseCommand):
    help = "Write the transparency log as the static file tree of c2sp.org/tlog-tiles into DIR."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("directory", metavar="DIR")

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["directory"])
        try:
            report = export(directory)
        except ExportError as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:
            raise CommandError(f"cannot write {directory}: {exc}") from None
        self.stdout.write(
            f"exported the log at size {report.size} to {directory}: "
            f"{report.written} files written, {report.kept} already there"
        )
