"""`sunlit verify FILE [--key VKEY]...`: check a proof file offline (docs/tlog.md).

Exit status 0 when the proof is valid, 1 when it is not; one line on stdout says why, starting with
``ok:`` or ``invalid:`` (for scripts) and then in Chinese (for people). Without ``--key`` the line says
that no signature was checked. No database, no network: this only calls sunlit.core.tlog.verify.
"""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from sunlit.core.tlog.verify import Invalid, Verdict, check_file, check_text, read_limited


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
        try:
            verdict = self._verify(options)
        except Invalid as exc:
            verdict = exc.verdict()
        self.stdout.write(verdict.reason_zh)
        if not verdict.ok:
            raise SystemExit(1)

    def _verify(self, options: dict[str, Any]) -> Verdict:
        leaf_hash = leaf_data = None
        if options.get("leaf_hash"):
            try:
                leaf_hash = bytes.fromhex(options["leaf_hash"])
            except ValueError:
                raise Invalid("--leaf-hash is not hexadecimal", "--leaf-hash 不是十六进制数") from None
        if options.get("leaf_data") is not None:
            leaf_data = options["leaf_data"].encode("utf-8")
        if options.get("leaf_file"):
            leaf_data = read_limited(Path(options["leaf_file"]))
        keys = list(options.get("key") or [])
        if options["file"] == "-":
            return check_text(sys.stdin.buffer.read(), keys, leaf_hash=leaf_hash, leaf_data=leaf_data)
        return check_file(Path(options["file"]), keys, leaf_hash=leaf_hash, leaf_data=leaf_data)
