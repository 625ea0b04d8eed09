"""Tile paths, the tiles of a tree, tile contents and entry bundles (c2sp.org/tlog-tiles)."""

from __future__ import annotations

from collections import Counter

import pytest

from sunlit.core.tlog.merkle import MerkleTree, leaf_hash, range_hash, root_from_leaf_hashes
from sunlit.core.tlog.tiles import (
    TILE_WIDTH,
    Tile,
    TileError,
    decode_entry_bundle,
    encode_entry_bundle,
    entries_path,
    format_index,
    new_tiles,
    parse_tile_path,
    partial_tiles_for_size,
    perfect_hash_from_tiles,
    split_tile,
    tile_for_size,
    tile_hashes,
    tile_path,
    tiles_for_size,
)


def test_index_encoding_of_the_spec() -> None:
    assert format_index(1234067) == "x001/x234/067"
    assert format_index(0) == "000"
    assert format_index(7) == "007"
    assert format_index(999) == "999"
    assert format_index(1000) == "x001/000"
    assert format_index(1_000_000) == "x001/x000/000"
    with pytest.raises(TileError):
        format_index(-1)


def test_tile_paths() -> None:
    assert tile_path(0, 1234067) == "tile/0/x001/x234/067"
    assert tile_path(1, 17, 112) == "tile/1/017.p/112"
    assert tile_path(63, 0) == "tile/63/000"
    assert entries_path(1234067) == "tile/entries/x001/x234/067"
    assert entries_path(273, 112) == "tile/entries/273.p/112"
    for bad in [(64, 0, 256), (-1, 0, 256), (0, 0, 0), (0, 0, 257)]:
        with pytest.raises(TileError):
            tile_path(*bad)


@pytest.mark.parametrize(
    ("path", "tile"),
    [
        ("tile/0/x001/x234/067", Tile(0, 1234067)),
        ("tile/1/017.p/112", Tile(1, 17, 112)),
        ("/tile/2/000.p/1", Tile(2, 0, 1)),
        ("tile/entries/x001/x234/067", Tile("entries", 1234067)),
        ("tile/entries/273.p/255", Tile("entries", 273, 255)),
        ("tile/63/999", Tile(63, 999)),
    ],
)
def test_parse_tile_path(path: str, tile: Tile) -> None:
    assert parse_tile_path(path) == tile
    assert tile.path == path.removeprefix("/")


@pytest.mark.parametrize(
    "path",
    [
        "tile/0/1234",
        "tile/0/12",
        "tile/00/000",
        "tile/64/000",
        "tile/0/000.p/256",
        "tile/0/000.p/0",
        "tile/0/000.p/012",
        "tile/0/x000/001",
        "tile/0/001/x234",
        "tile/0/x001/234/",
        "tile/entry/000",
        "tile/0/000.p/",
        "checkpoint",
    ],
)
def test_non_canonical_tile_paths_are_refused(path: str) -> None:
    with pytest.raises(TileError):
        parse_tile_path(path)


def _shape(size: int) -> dict[int | str, tuple[int, int]]:
    """{level: (full tiles, width of the partial tile or 0)}"""
    full: Counter[int | str] = Counter()
    partial: dict[int | str, int] = {}
    for t in tiles_for_size(size):
        if t.is_partial:
            partial[t.level] = t.width
        else:
            full[t.level] += 1
    return {lvl: (full[lvl], partial.get(lvl, 0)) for lvl in set(full) | set(partial)}


def test_tiles_of_the_spec_examples() -> None:
    # "a tree of size 70,000 will be represented by 273 full level 0 tiles, one partial level 0 tile of
    # width 112, one full level 1 tile, one partial level 1 tile of width 17, and one partial level 2
    # tile of width 1."
    assert _shape(70_000) == {0: (273, 112), 1: (1, 17), 2: (0, 1)}
    # "a tree of size 256 will be represented by a full level 0 tile and a partial level 1 tile of width 1."
    assert tiles_for_size(256) == [Tile(0, 0), Tile(1, 0, 1)]
    assert tiles_for_size(0) == []
    assert tiles_for_size(1) == [Tile(0, 0, 1)]
    assert partial_tiles_for_size(70_000) == [Tile(0, 273, 112), Tile(1, 1, 17), Tile(2, 0, 1)]
    entries = [t for t in tiles_for_size(70_000, entries=True) if t.is_entries]
    assert len(entries) == 274 and entries[-1] == Tile("entries", 273, 112)
    assert tile_for_size(1, 1, 70_000) == Tile(1, 1, 17)
    assert tile_for_size(0, 5, 70_000) == Tile(0, 5)
    with pytest.raises(TileError):
        tile_for_size(1, 2, 70_000)


def test_tile_spans() -> None:
    t = Tile(1, 1, 17)
    assert t.start_index == 65536 and t.end_index == 65536 + 17 * 256 and t.merkle_level == 8
    assert Tile(0, 273, 112).start_index == 273 * 256
    assert Tile("entries", 2).start_index == 512 and Tile("entries", 2).end_index == 768


def test_new_tiles() -> None:
    assert new_tiles(0, 256) == [Tile(0, 0), Tile(1, 0, 1)]
    assert new_tiles(256, 300) == [Tile(0, 1, 44)]
    assert new_tiles(300, 300) == []
    grown = new_tiles(70_000, 70_100)
    assert grown == [Tile(0, 273, 212)]
    with pytest.raises(TileError):
        new_tiles(5, 4)


SIZE = 70_000
DATA = [i.to_bytes(4, "big") for i in range(SIZE)]
TREE = MerkleTree(leaf_hash(d) for d in DATA)


def _read_tile(level: int, index: int) -> bytes:
    return tile_hashes(tile_for_size(level, index, SIZE), TREE.get_perfect)


def test_tile_contents_are_the_spec_hashes() -> None:
    level0 = _read_tile(0, 3)
    assert len(level0) == 8192
    assert split_tile(level0)[5] == leaf_hash(DATA[3 * 256 + 5])
    level1_partial = _read_tile(1, 1)
    assert len(level1_partial) == 17 * 32
    # The i-th hash of tile n at level l is MTH(D[(n*256 + i) * 256**l : (n*256 + i + 1) * 256**l]).
    i = 16
    start = (1 * 256 + i) * 256
    assert split_tile(level1_partial, 17)[i] == root_from_leaf_hashes(
        [leaf_hash(d) for d in DATA[start : start + 256]]
    )
    level2 = _read_tile(2, 0)
    assert level2 == root_from_leaf_hashes([leaf_hash(d) for d in DATA[:65536]])
    with pytest.raises(TileError):
        split_tile(level1_partial, 16)
    with pytest.raises(TileError):
        split_tile(b"x" * 33)
    with pytest.raises(TileError):
        tile_hashes(Tile("entries", 0), TREE.get_perfect)


@pytest.mark.parametrize(("level", "index"), [(0, 0), (0, 69_999), (1, 7), (3, 1000), (7, 2), (8, 0), (9, 0), (10, 67)])
def test_perfect_hashes_from_tiles_alone(level: int, index: int) -> None:
    assert perfect_hash_from_tiles(level, index, _read_tile) == TREE.get_perfect(level, index)


def test_roots_and_proofs_from_tiles_alone() -> None:
    def get_perfect(level: int, index: int) -> bytes:
        return perfect_hash_from_tiles(level, index, _read_tile)

    for size in (1, 255, 256, 257, 65536, 65537, 69_999, 70_000):
        assert range_hash(0, size, get_perfect) == TREE.root(size)


def test_entry_bundles() -> None:
    entries = [b"", b"a", "证据".encode(), bytes(65535)]
    bundle = encode_entry_bundle(entries)
    assert bundle[:2] == b"\x00\x00" and bundle[2:5] == b"\x00\x01a"
    assert decode_entry_bundle(bundle) == entries
    assert decode_entry_bundle(bundle, width=4) == entries
    with pytest.raises(TileError):
        decode_entry_bundle(bundle, width=3)
    with pytest.raises(TileError):
        encode_entry_bundle([bytes(65536)])
    with pytest.raises(TileError):
        encode_entry_bundle([b"x"] * (TILE_WIDTH + 1))
    with pytest.raises(TileError):
        decode_entry_bundle(bundle[:-1])
    with pytest.raises(TileError):
        decode_entry_bundle(b"\x00")
    with pytest.raises(TileError):
        decode_entry_bundle(encode_entry_bundle([b"x"] * 256) + b"\x00\x00")
    assert decode_entry_bundle(b"") == []
    # Each entry of a bundle hashes to the same place in the level-0 tile.
    full = encode_entry_bundle(DATA[256:512])
    assert [leaf_hash(e) for e in decode_entry_bundle(full)] == split_tile(_read_tile(0, 1))
