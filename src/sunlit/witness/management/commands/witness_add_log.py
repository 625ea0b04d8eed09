"""`sunlit witness-add-log ORIGIN VKEY [VKEY]...`: act as a witness for another log (tlog-witness)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sunlit.witness import keys, services


class Command(BaseCommand):
    help = (
        "Witness the log ORIGIN: cosign its checkpoints signed by VKEY (add-checkpoint) and watch it "
        "(`sunlit witness URL`). For a known origin the keys are replaced and the state kept."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("origin", metavar="ORIGIN", help="the log's origin line, e.g. county.example/log")
        parser.add_argument("vkeys", metavar="VKEY", nargs="+", help="the log's note verifier key(s)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            row, created = services.add_log(options["origin"], options["vkeys"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        verb = "witnessing" if created else "updated keys of"
        self.stdout.write(f"{verb} {row.origin} (size {row.size}); this witness's key: {keys.verifier_key()}")
