"""`sunlit audit-log [--key VERIFIER_KEY]`: recompute the log and check everything stored; exit 1 on any problem."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sunlit.core.tlog.note import NoteError, parse_verifier_key
from sunlit.record.audit import audit


class Command(BaseCommand):
    help = (
        "Recompute the transparency log's tree from the stored leaves and check every stored hash and "
        "checkpoint (and consistency between consecutive checkpoints). Exits 1 naming the first bad index."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--key", action="append", default=[], metavar="VERIFIER_KEY",
            help="check checkpoints against this verifier key instead of the configured one; repeatable",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            verifiers = [parse_verifier_key(k) for k in options["key"]] or None
        except NoteError as exc:
            raise CommandError(f"bad --key: {exc}") from None
        report = audit(verifiers=verifiers)
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise SystemExit(1)
