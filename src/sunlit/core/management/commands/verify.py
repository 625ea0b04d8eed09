"""`sunlit verify FILE [--key VKEY]...`: check a proof file offline (docs/tlog.md).

Exit status 0 when the proof is valid, 1 when it is not; one line on stdout says why. No database, no
network: this only calls sunlit.core.tlog.verify.
"""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from sunlit.core.tlog.verify import verify_file, verify_text


class Command(BaseCommand):
    help = (
        "Verify a transparency-log proof offline: a c2sp.org/tlog-proof file or a JSON proof bundle "
        "('-' reads standard input). Exits 0 when valid, 1 when not."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", metavar="FILE", help="the proof file, or - for standard input")
        parser.add_argument(
            "--key",
            action="append",
            default=[],
            metavar="VERIFIER_KEY",
            help="a note verifier key (name+keyid+base64) that must have signed the checkpoint; repeatable",
        )
        leaf = parser.add_mutually_exclusive_group()
        leaf.add_argument("--leaf-hash", metavar="HEX", help="the entry's leaf hash (64 hex digits)")
        leaf.add_argument("--leaf-data", metavar="TEXT", help="the entry itself, as UTF-8 text")
        leaf.add_argument("--leaf-file", metavar="PATH", help="a file holding the entry's exact bytes")

    def handle(self, *args: Any, **options: Any) -> None:
        ok, reason = self._verify(options)
        self.stdout.write(reason)
        if not ok:
            raise SystemExit(1)

    def _verify(self, options: dict[str, Any]) -> tuple[bool, str]:
        leaf_hash = leaf_data = None
        if options.get("leaf_hash"):
            try:
                leaf_hash = bytes.fromhex(options["leaf_hash"])
            except ValueError:
                return False, "invalid: --leaf-hash is not hexadecimal"
        if options.get("leaf_data") is not None:
            leaf_data = options["leaf_data"].encode("utf-8")
        if options.get("leaf_file"):
            try:
                with open(options["leaf_file"], "rb") as fh:
                    leaf_data = fh.read()
            except OSError as exc:
                return False, f"invalid: cannot read {options['leaf_file']}: {exc.strerror or exc}"
        keys = list(options.get("key") or [])
        if options["file"] == "-":
            return verify_text(sys.stdin.buffer.read(), keys, leaf_hash=leaf_hash, leaf_data=leaf_data)
        from pathlib import Path

        return verify_file(Path(options["file"]), keys, leaf_hash=leaf_hash, leaf_data=leaf_data)
