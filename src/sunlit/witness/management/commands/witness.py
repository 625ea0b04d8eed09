"""`sunlit witness URL [--key VKEY]... [--state FILE] [--once | --interval N]`: watch a tlog-tiles log.

Prints one line per poll: ``ok: …`` or ``FORK: …`` / ``ROLLBACK: …`` / ``BAD SIGNATURE: …`` /
``INVALID: …`` (with both checkpoints on standard error) or ``error: …`` (the log could not be read).
Exit status: 0 ok, 1 fork, rollback, bad signature or invalid log, 2 unreadable log. With
``--interval`` it polls until an alarm (exit 1) or Ctrl-C; read errors are printed and retried.
"""

from __future__ import annotations

import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sunlit.core.tlog.note import NoteError, Verifier, parse_verifier_key
from sunlit.witness import client, monitor


class Command(BaseCommand):
    help = (
        "Poll a tlog-tiles log's checkpoint (URL/checkpoint), verify its signature and its consistency with "
        "the last checkpoint kept, and report a fork or a rollback (exit 1)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("url", metavar="URL", help="the log's tlog-tiles prefix, e.g. https://county.example/log")
        parser.add_argument("--key", action="append", default=[], metavar="VKEY",
                            help="a verifier key of the log (repeatable); default: the keys of witness-add-log")
        parser.add_argument("--state", type=Path, default=None, metavar="FILE",
                            help="JSON file of the last checkpoint kept (default: the witness's database for a "
                                 "configured log, else DATA_DIR/witness-state-<origin hash>.json)")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--once", action="store_true", help="poll once (the default)")
        mode.add_argument("--interval", type=float, default=None, metavar="N", help="poll every N seconds")
        parser.add_argument("--timeout", type=float, default=client.TIMEOUT, help="seconds per HTTP request")

    def handle(self, *args: Any, **options: Any) -> None:
        verifiers: list[Verifier] = []
        for vkey in options["key"]:
            try:
                verifiers.append(parse_verifier_key(vkey))
            except NoteError as exc:
                raise CommandError(f"--key {vkey[:60]!r}: {exc}") from None
        interval = options["interval"]
        if interval is not None and interval <= 0:
            raise CommandError("--interval must be positive")
        try:
            while True:
                report = monitor.poll(options["url"], verifiers or None, state_path=options["state"],
                                      timeout=options["timeout"])
                self.stdout.write(report.line)
                if report.evidence:
                    self.stderr.write(report.evidence)
                if interval is None or report.status in monitor.ALARMS:
                    if report.exit_code:
                        raise SystemExit(report.exit_code)
                    return
                self.stdout.flush()
                time.sleep(interval)
        except KeyboardInterrupt:
            self.stdout.write("stopped")
