"""`sunlit log-sequence [--once] [--interval 0.2]`: run the log's sequencer (see sunlit.record.sequencer)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from sunlit.record import sequencer


class Command(BaseCommand):
    help = "Append queued leaves to the transparency log and sign checkpoints; --once drains the queue and stops."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--once", action="store_true", help="one drain and one checkpoint, then exit")
        parser.add_argument("--interval", type=float, default=0.2, help="seconds between passes (default 0.2)")
        parser.add_argument(
            "--checkpoint-interval", type=float, default=None,
            help="at most one checkpoint per this many seconds (default SUNLIT_LOG_CHECKPOINT_INTERVAL)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["interval"] <= 0:
            raise CommandError("--interval must be positive")
        try:
            self._run(options)
        except (sequencer.LogConfigError, ImproperlyConfigured) as exc:
            raise CommandError(str(exc)) from None

    def _run(self, options: dict[str, Any]) -> None:
        if options["once"]:
            result = sequencer.sequence_all()
            self.stdout.write(
                f"appended {result.appended} leaves; log size {result.size}; "
                f"latest checkpoint size {result.checkpointed_size}"
            )
            return
        self.stdout.write(f"log sequencer running every {options['interval']} s (Ctrl-C stops)")
        try:
            sequencer.run(interval=options["interval"], checkpoint_interval_s=options["checkpoint_interval"])
        except KeyboardInterrupt:
            self.stdout.write("stopped")
