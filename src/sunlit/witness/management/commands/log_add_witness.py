"""`sunlit log-add-witness VKEY URL [--inactive]`: ask a witness to cosign this log's checkpoints."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sunlit.witness import services


class Command(BaseCommand):
    help = (
        "Send each new checkpoint of this log to the witness of VKEY (a cosignature/v1 key, type 0x04) at URL "
        "(its add-checkpoint URL or submission prefix) and publish its cosignatures."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("vkey", metavar="VKEY", help="the witness's verifier key: name+keyid+base64(0x04 || key)")
        parser.add_argument("url", metavar="URL", help="e.g. https://witness.example/add-checkpoint")
        parser.add_argument("--inactive", action="store_true", help="configure it but do not ask it yet")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            witness, created = services.add_witness(options["vkey"], options["url"], active=not options["inactive"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        verb = "added" if created else "updated"
        self.stdout.write(f"{verb} witness {witness.name} at {witness.submission_url}")
