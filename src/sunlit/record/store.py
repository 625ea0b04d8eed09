"""Reading stored hashes: roots and proofs in one query, tiles and entry bundles by range.

Roots and proofs come from :func:`sunlit.core.tlog.merkle.range_hash` over the stored perfect-subtree
hashes (:class:`~sunlit.record.models.LogHash`). The algorithms ask for hashes in an order that does not
depend on their values, so :func:`with_hashes` runs one first with a getter that only notes the
(level, index) keys asked for, fetches exactly those in one query, and runs it again: O(log n) rows,
one round trip, no rehashing of the log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS, connections

from sunlit.core.tlog import merkle
from sunlit.core.tlog.merkle import HASH_SIZE, GetPerfect
from sunlit.record.models import LogHash, LogLeaf

T = TypeVar("T")
_ZERO = bytes(HASH_SIZE)
_CHUNK = 300  # (level, index) pairs per statement: 600 parameters, under SQLite's oldest limit of 999


class LogCorrupt(RuntimeError):
    """A hash or leaf that the stored tree should hold is missing (see `sunlit audit-log`)."""


def _names(using: str) -> tuple[str, str, str, str]:
    q = connections[using].ops.quote_name
    return q(LogHash._meta.db_table), q("level"), q("index"), q("hash")


def fetch_hashes(keys: Iterable[tuple[int, int]], using: str = DEFAULT_DB_ALIAS) -> dict[tuple[int, int], bytes]:
    """``{(level, index): hash}`` for the stored ones among ``keys``."""
    wanted = sorted(set(keys))
    out: dict[tuple[int, int], bytes] = {}
    if not wanted:
        return out
    table, level, index, hash_ = _names(using)
    with connections[using].cursor() as cursor:
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            where = " OR ".join([f"({level} = %s AND {index} = %s)"] * len(chunk))
            cursor.execute(
                f"SELECT {level}, {index}, {hash_} FROM {table} WHERE {where}",  # noqa: S608 - names are ours
                [v for key in chunk for v in key],
            )
            for lv, ix, h in cursor.fetchall():
                out[(lv, ix)] = bytes(h)
    return out


def with_hashes(fn: Callable[[GetPerfect], T], using: str = DEFAULT_DB_ALIAS) -> T:
    """Run ``fn(get_perfect)`` against the stored hashes with a single query (see the module docstring)."""
    asked: set[tuple[int, int]] = set()

    def record(level: int, index: int) -> bytes:
        asked.add((level, index))
        return _ZERO

    fn(record)
    got = fetch_hashes(asked, using)

    def get(level: int, index: int) -> bytes:
        try:
            return got[(level, index)]
        except KeyError:
            raise LogCorrupt(f"the stored hash ({level}, {index}) is missing") from None

    return fn(get)


def root(size: int, using: str = DEFAULT_DB_ALIAS) -> bytes:
    return with_hashes(lambda get: merkle.range_hash(0, size, get), using)


def inclusion_proof(index: int, size: int, using: str = DEFAULT_DB_ALIAS) -> list[bytes]:
    return with_hashes(lambda get: merkle.inclusion_proof(index, size, merkle.subtree_getter(get)), using)


def consistency_proof(size1: int, size2: int, using: str = DEFAULT_DB_ALIAS) -> list[bytes]:
    return with_hashes(lambda get: merkle.consistency_proof(size1, size2, merkle.subtree_getter(get)), using)


def hash_range(level: int, start: int, end: int, using: str = DEFAULT_DB_ALIAS) -> bytes:
    """The stored hashes at ``level`` for indices ``[start, end)``, concatenated; all must be present."""
    table, lv, ix, hash_ = _names(using)
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT {ix}, {hash_} FROM {table} WHERE {lv} = %s AND {ix} >= %s AND {ix} < %s ORDER BY {ix}",  # noqa: S608
            [level, start, end],
        )
        rows = cursor.fetchall()
    if len(rows) != end - start or any(ix != start + i for i, (ix, _) in enumerate(rows)):
        raise LogCorrupt(f"stored hashes at level {level} for [{start}, {end}) are incomplete")
    return b"".join(bytes(h) for _, h in rows)


def leaf_range(start: int, end: int, using: str = DEFAULT_DB_ALIAS) -> list[bytes]:
    """The entries ``[start, end)`` in order; all must be present."""
    rows = list(
        LogLeaf.objects.using(using).filter(index__gte=start, index__lt=end).order_by("index").values_list("index", "data")
    )
    if len(rows) != end - start or any(ix != start + i for i, (ix, _) in enumerate(rows)):
        raise LogCorrupt(f"stored leaves [{start}, {end}) are incomplete")
    return [bytes(d) for _, d in rows]


def right_edge_keys(size: int) -> list[tuple[int, int]]:
    """The perfect subtrees a tree of ``size`` leaves unpaired at each level: the left siblings that new
    leaves will be hashed with. At level L there is one when ``size >> L`` is odd."""
    return [(level, (size >> level) - 1) for level in range(size.bit_length()) if (size >> level) & 1]


def new_hashes(
    size: int, leaf_hashes: list[bytes], edge: dict[tuple[int, int], bytes]
) -> list[tuple[int, int, bytes]]:
    """Every perfect subtree completed by appending ``leaf_hashes`` to a tree of ``size``: (level, index, hash).

    ``edge`` holds the hashes of :func:`right_edge_keys` for ``size``.
    """
    out = [(0, size + i, h) for i, h in enumerate(leaf_hashes)]
    level, first, row = 0, size, list(leaf_hashes)
    while row:
        if first & 1:
            try:
                row.insert(0, edge[(level, first - 1)])
            except KeyError:
                raise LogCorrupt(f"the stored hash ({level}, {first - 1}) is missing") from None
            first -= 1
        parents = [merkle.node_hash(row[j], row[j + 1]) for j in range(0, len(row) - 1, 2)]
        level, first, row = level + 1, first // 2, parents
        out.extend((level, first + i, h) for i, h in enumerate(parents))
    return out
