"""`sunlit log-export DIR`: the served log as static files, for any web server or mirror.

Writes ``DIR/checkpoint``, ``DIR/key`` and ``DIR/tile/…``: every full tile and entry bundle of the latest
checkpoint, and the partial tiles and bundles of every checkpointed size, byte for byte what
`/log/…` serves. Tiles are immutable, so files already there are kept and a second run only adds what
is new; every file is written to a temporary name and renamed, and the checkpoint comes last, so a
server reading DIR meanwhile never sees a half-written file or a checkpoint without its tiles.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS

from sunlit.core.tlog.tiles import ENTRIES, TILE_HEIGHT, TILE_WIDTH, Tile, partial_tiles_for_size
from sunlit.record import selectors
from sunlit.record.models import Checkpoint


class ExportError(RuntimeError):
    pass


@dataclass
class ExportReport:
    size: int = 0
    written: int = 0
    kept: int = 0


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def full_tiles(size: int) -> list[Tile]:
    """Every full tile and entry bundle of a tree of ``size``."""
    out = [Tile(ENTRIES, n) for n in range(size // TILE_WIDTH)]
    level = 0
    while (count := size >> (TILE_HEIGHT * level)) >= TILE_WIDTH:
        out.extend(Tile(level, n) for n in range(count // TILE_WIDTH))
        level += 1
    return out


def partial_tiles(sizes: list[int]) -> list[Tile]:
    """The partial tiles and entry bundles of every size in ``sizes`` (each once)."""
    seen: dict[Tile, None] = {}
    for size in sizes:
        if size % TILE_WIDTH:
            seen.setdefault(Tile(ENTRIES, size // TILE_WIDTH, size % TILE_WIDTH))
        for tile in partial_tiles_for_size(size):
            seen.setdefault(tile)
    return list(seen)


def export(directory: Path, using: str = DEFAULT_DB_ALIAS) -> ExportReport:
    latest = selectors.latest_checkpoint(using)
    if latest is None:
        raise ExportError("the log has no checkpoint yet: run `sunlit log-sequence --once` first")
    report = ExportReport(size=latest.size)
    sizes = list(Checkpoint.objects.using(using).filter(size__lte=latest.size).values_list("size", flat=True))
    for tile in full_tiles(latest.size) + partial_tiles(sizes):
        path = directory / tile.path
        if path.exists():
            report.kept += 1
            continue
        _write(path, selectors.tile_data(tile, using))
        report.written += 1
    _write(directory / "key", (selectors.verifier_key() + "\n").encode())
    _write(directory / "checkpoint", latest.signed_note.encode())
    report.written += 2
    return report
