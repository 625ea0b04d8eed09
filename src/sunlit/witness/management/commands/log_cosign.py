"""`sunlit log-cosign [--interval N]`: ask this log's witnesses to cosign its latest checkpoint.

Once (the default: exit 1 if a witness failed), or as a loop that sends every new checkpoint
(sunlit.witness.cosigner).
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sunlit.witness import client, cosigner, services


class Command(BaseCommand):
    help = (
        "Send the latest checkpoint to every active witness and store their cosignatures (exit 1 if one "
        "failed); with --interval, keep sending each new checkpoint."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--timeout", type=float, default=client.TIMEOUT, help="seconds per HTTP request")
        parser.add_argument("--interval", type=float, default=None, metavar="N",
                            help="run as a loop, looking for a new checkpoint every N seconds")
        parser.add_argument("--retry", type=float, default=60.0, help="in the loop, ask failed witnesses "
                            "again after this many seconds (default 60)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["interval"] is not None:
            if options["interval"] <= 0:
                raise CommandError("--interval must be positive")
            self.stdout.write(f"cosigning loop every {options['interval']} s (Ctrl-C stops)")
            try:
                cosigner.run(interval=options["interval"], retry=options["retry"], timeout=options["timeout"])
            except KeyboardInterrupt:
                self.stdout.write("stopped")
            return
        outcomes = services.collect_for_latest(timeout=options["timeout"])
        if not outcomes:
            self.stdout.write("no checkpoint or no active witness")
        for o in outcomes:
            self.stdout.write(f"{o.status}: {o.witness}: {o.message}")
        if any(not o.ok for o in outcomes):
            raise SystemExit(1)
