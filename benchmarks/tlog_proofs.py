"""Inclusion and consistency proof generation + verification at 1,000,000 leaves (in-memory store).

Run: .venv/bin/python benchmarks/tlog_proofs.py [--leaves N] [--samples N]

Goal: under 1 ms for each proof generated and verified. Also times the same proofs when every
perfect-subtree hash is recomputed from tiles alone (what a store that keeps only tiles would do).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable

from sunlit.core.tlog.merkle import (
    HASH_SIZE,
    MerkleTree,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    range_hash,
    verify_consistency,
    verify_inclusion,
)
from sunlit.core.tlog.tiles import TILE_HEIGHT, TILE_WIDTH, perfect_hash_from_tiles

TILE_BYTES = TILE_WIDTH * HASH_SIZE


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    """(p50, p95, max) in microseconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered) * 1e6, p95 * 1e6, ordered[-1] * 1e6


def report(label: str, samples: list[float]) -> None:
    p50, p95, worst = percentiles(samples)
    flag = "ok" if p95 < 1000 else "SLOW"
    print(f"  {label:<44} p50 {p50:8.1f} µs   p95 {p95:8.1f} µs   max {worst:8.1f} µs   [{flag}]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--leaves", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=6962)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    n = args.leaves

    t0 = time.perf_counter()
    tree = MerkleTree()
    batch = 50_000
    for start in range(0, n, batch):
        tree.append_leaf_hashes(leaf_hash(i.to_bytes(8, "big")) for i in range(start, min(n, start + batch)))
    build = time.perf_counter() - t0
    stored = sum(len(level) for level in tree.levels)
    print(f"built a tree of {tree.size:,} leaves in {build:.2f} s ({stored / 2**20:.1f} MiB of hashes)")

    roots: dict[int, bytes] = {}

    def root(size: int) -> bytes:
        if size not in roots:
            roots[size] = tree.root(size)
        return roots[size]

    def time_proofs(cases: Callable[[], tuple[Callable[[], list[bytes]], Callable[[list[bytes]], bool]]]) -> None:
        """Time `samples` proofs: each case gives (generate, verify); both are timed apart and together."""
        gen, ver, both = [], [], []
        for _ in range(args.samples):
            generate, verify = cases()
            t0 = time.perf_counter()
            proof = generate()
            t1 = time.perf_counter()
            ok = verify(proof)
            t2 = time.perf_counter()
            assert ok
            gen.append(t1 - t0)
            ver.append(t2 - t1)
            both.append(t2 - t0)
        report("generate", gen)
        report("verify", ver)
        report("generate + verify", both)

    def inclusion_case() -> tuple[Callable[[], list[bytes]], Callable[[list[bytes]], bool]]:
        size = rng.randint(n // 2, n)
        index = rng.randrange(size)
        r, lh = root(size), tree.leaf_hash(index)
        return (lambda: tree.inclusion_proof(index, size)), (lambda p: verify_inclusion(index, size, lh, p, r))

    def consistency_case() -> tuple[Callable[[], list[bytes]], Callable[[list[bytes]], bool]]:
        size2 = rng.randint(2, n)
        size1 = rng.randint(1, size2 - 1)
        r1, r2 = root(size1), root(size2)
        return ((lambda: tree.consistency_proof(size1, size2)),
                (lambda p: verify_consistency(size1, size2, p, r1, r2)))

    print(f"inclusion proofs ({args.samples} random (index, size) with size in [n/2, n]):")
    time_proofs(inclusion_case)
    print(f"consistency proofs ({args.samples} random size1 < size2 <= n):")
    time_proofs(consistency_case)

    # A store that keeps only tiles (tile level k = Merkle level 8k) must hash up to 255 nodes inside a
    # tile for every perfect subtree whose level is not a multiple of 8. The tiles are laid out first,
    # as a database would hold them; the timing covers reading them and hashing inside them.
    tiles: dict[tuple[int, int], bytes] = {}
    for level in range(0, len(tree.levels), TILE_HEIGHT):
        row = bytes(tree.levels[level])
        for index in range(0, len(row), TILE_BYTES):
            tiles[level // TILE_HEIGHT, index // TILE_BYTES] = row[index : index + TILE_BYTES]

    def read_tile(level: int, index: int) -> bytes:
        return tiles[level, index]

    def from_tiles(level: int, index: int) -> bytes:
        return perfect_hash_from_tiles(level, index, read_tile)

    samples = max(50, args.samples // 10)
    print(f"from tiles alone ({samples} samples; {len(tiles):,} tiles held in a dict):")
    incl, cons = [], []
    for _ in range(samples):
        size = rng.randint(n // 2, n)
        index = rng.randrange(size)

        def get_subtree(start: int, end: int) -> bytes:
            return range_hash(start, end, from_tiles)

        t0 = time.perf_counter()
        proof = inclusion_proof(index, size, get_subtree)
        incl.append(time.perf_counter() - t0)
        assert proof == tree.inclusion_proof(index, size)
        size1 = rng.randint(1, size - 1)
        t0 = time.perf_counter()
        proof = consistency_proof(size1, size, get_subtree)
        cons.append(time.perf_counter() - t0)
        assert proof == tree.consistency_proof(size1, size)
    report("inclusion generate (tiles only)", incl)
    report("consistency generate (tiles only)", cons)


if __name__ == "__main__":
    main()
