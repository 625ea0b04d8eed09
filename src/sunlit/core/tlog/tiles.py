"""Tiled logs, c2sp.org/tlog-tiles: tile paths, which tiles a tree has, tile contents, entry bundles.

Tile level ``l`` holds Merkle level ``8·l``: the ``i``-th hash of tile ``n`` at level ``l`` is the hash of the
perfect subtree (level ``8·l``, index ``n·256 + i``). A full tile has 256 hashes (8,192 bytes); the
rightmost tiles of a tree are partial, with ``floor(size / 256**l) mod 256`` hashes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from sunlit.core.tlog.merkle import HASH_SIZE, GetPerfect, node_hash

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT  # 256
MAX_LEVEL = 63
MAX_ENTRY_SIZE = 0xFFFF
ENTRIES = "entries"


class TileError(ValueError):
    """A malformed tile path, tile or entry bundle."""


def format_index(n: int) -> str:
    """``1234067`` → ``x001/x234/067``: 3-digit groups, all but the last prefixed with ``x``."""
    if n < 0:
        raise TileError(f"negative tile index {n}")
    groups = [f"{n % 1000:03d}"]
    n //= 1000
    while n:
        groups.append(f"x{n % 1000:03d}")
        n //= 1000
    return "/".join(reversed(groups))


def _suffix(width: int) -> str:
    if not 1 <= width <= TILE_WIDTH:
        raise TileError(f"tile width {width} is not between 1 and {TILE_WIDTH}")
    return "" if width == TILE_WIDTH else f".p/{width}"


def tile_path(level: int, index: int, width: int = TILE_WIDTH) -> str:
    """``tile/<L>/<N>[.p/<W>]``."""
    if not 0 <= level <= MAX_LEVEL:
        raise TileError(f"tile level {level} is not between 0 and {MAX_LEVEL}")
    return f"tile/{level}/{format_index(index)}{_suffix(width)}"


def entries_path(index: int, width: int = TILE_WIDTH) -> str:
    """``tile/entries/<N>[.p/<W>]``."""
    return f"tile/entries/{format_index(index)}{_suffix(width)}"


# A tree holds at most 2**64 leaves, so a tile index has at most 17 digits: six 3-digit groups. Seven
# are allowed and no more, so that a long path is refused by the pattern, never turned into an int.
MAX_INDEX_GROUPS = 7
_PATH = re.compile(
    r"tile/(?P<level>entries|0|[1-9][0-9]?)/"
    rf"(?P<index>(?:x[0-9]{{3}}/){{0,{MAX_INDEX_GROUPS - 1}}}[0-9]{{3}})"
    r"(?:\.p/(?P<width>[1-9][0-9]{0,2}))?"
)


@dataclass(frozen=True)
class Tile:
    """A tile (``level`` 0..63) or an entry bundle (``level`` is ``"entries"``)."""

    level: int | str
    index: int
    width: int = TILE_WIDTH

    @property
    def is_entries(self) -> bool:
        return self.level == ENTRIES

    @property
    def is_partial(self) -> bool:
        return self.width < TILE_WIDTH

    @property
    def path(self) -> str:
        if isinstance(self.level, str):
            return entries_path(self.index, self.width)
        return tile_path(self.level, self.index, self.width)

    @property
    def merkle_level(self) -> int:
        """The Merkle level its hashes are at (0 for entry bundles, which hash to level 0)."""
        return 0 if isinstance(self.level, str) else self.level * TILE_HEIGHT

    @property
    def start_index(self) -> int:
        """The first leaf index the tile spans: ``n · 256**(l+1)``."""
        return self.index * TILE_WIDTH ** (self._level_int + 1)

    @property
    def end_index(self) -> int:
        """One past the last leaf the tile spans (for a partial tile, of the hashes it holds)."""
        return self.start_index + self.width * TILE_WIDTH**self._level_int

    @property
    def _level_int(self) -> int:
        return 0 if isinstance(self.level, str) else self.level


def parse_tile_path(path: str) -> Tile:
    """The tile of a ``tile/...`` path (a leading ``/`` is allowed), refusing non-canonical spellings."""
    m = _PATH.fullmatch(path.removeprefix("/"))
    if not m:
        raise TileError(f"not a tile path: {path!r}")
    level_text = m["level"]
    level: int | str = ENTRIES if level_text == ENTRIES else int(level_text)
    if isinstance(level, int) and level > MAX_LEVEL:
        raise TileError(f"tile level {level} is above {MAX_LEVEL}")
    groups = m["index"].split("/")
    if len(groups) > 1 and groups[0] == "x000":
        raise TileError("tile index has a leading zero group")
    index = int("".join(g.removeprefix("x") for g in groups))
    width = TILE_WIDTH
    if m["width"]:
        width = int(m["width"])
        if width >= TILE_WIDTH:
            raise TileError(f"partial tile width {width} is not below {TILE_WIDTH}")
    return Tile(level=level, index=index, width=width)


def tiles_for_size(size: int, entries: bool = False) -> list[Tile]:
    """Every tile a tree of ``size`` has: full tiles, then the partial one, level by level.

    With ``entries=True`` the entry bundles (same indices and widths as level 0) come first.
    """
    if size < 0:
        raise TileError(f"negative tree size {size}")
    return list(_iter_tiles(size, entries))


def _iter_tiles(size: int, entries: bool) -> Iterator[Tile]:
    if entries:
        for i in range(size // TILE_WIDTH):
            yield Tile(ENTRIES, i)
        if size % TILE_WIDTH:
            yield Tile(ENTRIES, size // TILE_WIDTH, size % TILE_WIDTH)
    level, count = 0, size
    while count > 0:
        for i in range(count // TILE_WIDTH):
            yield Tile(level, i)
        if count % TILE_WIDTH:
            yield Tile(level, count // TILE_WIDTH, count % TILE_WIDTH)
        level += 1
        count //= TILE_WIDTH


def partial_tiles_for_size(size: int) -> list[Tile]:
    """Only the partial tiles of a tree of ``size`` (what changes from checkpoint to checkpoint)."""
    return [t for t in _iter_tiles(size, False) if t.is_partial]


def new_tiles(old_size: int, new_size: int, entries: bool = False) -> list[Tile]:
    """The tiles a tree of ``new_size`` has that one of ``old_size`` did not (full and partial)."""
    if not 0 <= old_size <= new_size:
        raise TileError(f"sizes {old_size} → {new_size} do not grow")
    old = set(_iter_tiles(old_size, entries))
    return [t for t in _iter_tiles(new_size, entries) if t not in old]


def tile_for_size(level: int, index: int, size: int) -> Tile:
    """The tile (full, or partial of the right width) at (level, index) in a tree of ``size``."""
    count = size // TILE_WIDTH**level
    full = count // TILE_WIDTH
    if index < full:
        return Tile(level, index)
    if index == full and count % TILE_WIDTH:
        return Tile(level, index, count % TILE_WIDTH)
    raise TileError(f"a tree of size {size} has no tile {index} at level {level}")


def tile_hashes(tile: Tile, get_perfect: GetPerfect) -> bytes:
    """The content of a Merkle tile: its ``width`` hashes, concatenated."""
    if tile.is_entries:
        raise TileError("an entry bundle holds entries, not hashes")
    level = tile.merkle_level
    first = tile.index * TILE_WIDTH
    return b"".join(get_perfect(level, first + i) for i in range(tile.width))


def split_tile(data: bytes, width: int | None = None) -> list[bytes]:
    """The hashes of a tile's content (checking its length against ``width`` when given)."""
    if len(data) % HASH_SIZE or not data:
        raise TileError(f"tile content of {len(data)} bytes is not a whole number of hashes")
    n = len(data) // HASH_SIZE
    if n > TILE_WIDTH or (width is not None and n != width):
        raise TileError(f"tile holds {n} hashes, expected {width or 'at most 256'}")
    return [data[i * HASH_SIZE : (i + 1) * HASH_SIZE] for i in range(n)]


ReadTile = Callable[[int, int], bytes]
"""``read_tile(tile_level, tile_index)`` → the tile's content (full, or partial holding enough hashes)."""


def perfect_hash_from_tiles(level: int, index: int, read_tile: ReadTile) -> bytes:
    """The perfect-subtree hash at Merkle (level, index) from tiles alone.

    Level ``8·t + s`` lives inside tile level ``t``: the 2**s hashes from ``index · 2**s`` on, hashed up
    ``s`` levels (at most 255 hashes). This is the ``get_perfect`` a store of tiles only can offer.
    """
    t, s = divmod(level, TILE_HEIGHT)
    first = index << s
    tile_index, offset = divmod(first, TILE_WIDTH)
    data = read_tile(t, tile_index)
    need = (offset + (1 << s)) * HASH_SIZE
    if len(data) < need:
        raise TileError(f"tile {t}/{tile_index} is too short for subtree ({level}, {index})")
    row = [data[(offset + i) * HASH_SIZE : (offset + i + 1) * HASH_SIZE] for i in range(1 << s)]
    while len(row) > 1:
        row = [node_hash(row[i], row[i + 1]) for i in range(0, len(row), 2)]
    return row[0]


# --- entry bundles -----------------------------------------------------------------------------------


def encode_entry_bundle(entries: Sequence[bytes]) -> bytes:
    """Entries, each prefixed by its big-endian uint16 length (at most 256 entries of 65,535 bytes)."""
    if len(entries) > TILE_WIDTH:
        raise TileError(f"an entry bundle holds at most {TILE_WIDTH} entries")
    out = bytearray()
    for e in entries:
        if len(e) > MAX_ENTRY_SIZE:
            raise TileError(f"an entry of {len(e)} bytes is above the {MAX_ENTRY_SIZE}-byte limit")
        out += len(e).to_bytes(2, "big") + e
    return bytes(out)


def decode_entry_bundle(data: bytes, width: int | None = None) -> list[bytes]:
    """The entries of a bundle; refuses truncated data, more than 256 entries, or not ``width`` of them."""
    entries: list[bytes] = []
    pos = 0
    while pos < len(data):
        if pos + 2 > len(data):
            raise TileError("entry bundle ends inside a length prefix")
        n = int.from_bytes(data[pos : pos + 2], "big")
        pos += 2
        if pos + n > len(data):
            raise TileError("entry bundle ends inside an entry")
        entries.append(data[pos : pos + n])
        pos += n
        if len(entries) > TILE_WIDTH:
            raise TileError(f"an entry bundle holds at most {TILE_WIDTH} entries")
    if width is not None and len(entries) != width:
        raise TileError(f"entry bundle holds {len(entries)} entries, expected {width}")
    return entries
