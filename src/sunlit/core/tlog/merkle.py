"""RFC 6962 / RFC 9162 Merkle tree hashing, proofs and proof verification.

Everything here takes plain values: ``bytes`` hashes, ``int`` indices and sizes, lists.

Terms used throughout:

* ``MTH(D[start:end])`` is the Merkle Tree Hash (RFC 6962 §2.1) of the leaves ``start`` to ``end - 1``
  taken as a list of their own. :func:`inclusion_proof` and :func:`consistency_proof` only ever ask for
  such ranges where the range is a node of the tree, possibly an incomplete one on the right edge.
* A *perfect subtree* at level ``L`` and index ``i`` is the complete node covering the leaves
  ``[i * 2**L, (i + 1) * 2**L)``. Level 0 holds the leaf hashes. These hashes never change once the
  log has grown past them, which is what tiles (c2sp.org/tlog-tiles) store: a store that keeps them can
  answer any node hash, for any past tree size, with :func:`range_hash` in O(log n) look-ups and no
  rehashing of the log.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

HASH_SIZE = 32
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()
"""MTH({}) = SHA-256() — the root hash of the empty tree."""

GetSubtree = Callable[[int, int], bytes]
"""``get_subtree(start, end)`` returns ``MTH(D[start:end])``."""

GetPerfect = Callable[[int, int], bytes]
"""``get_perfect(level, index)`` returns the hash of the perfect subtree over
``[index * 2**level, (index + 1) * 2**level)``."""


class ProofError(ValueError):
    """A proof cannot be produced for these arguments (bad index or sizes)."""


def leaf_hash(data: bytes) -> bytes:
    """MTH({d}) = SHA-256(0x00 || d)."""
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right)."""
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (``n`` must be at least 2)."""
    if n < 2:
        raise ValueError(f"no split point for a tree of size {n}")
    return 1 << ((n - 1).bit_length() - 1)


def _perfect_pieces(start: int, end: int) -> list[tuple[int, int]]:
    """The perfect subtrees (level, index) that make up ``D[start:end]``, left to right.

    The range must start on a boundary of its largest piece, which holds for every node of the tree
    (and so for every range a proof asks for).
    """
    n = end - start
    if n <= 0:
        raise ValueError(f"empty or negative range [{start}, {end})")
    top = n.bit_length() - 1
    if start < 0 or start % (1 << top):
        raise ValueError(f"range [{start}, {end}) is not aligned: it is not a node of any tree")
    pieces: list[tuple[int, int]] = []
    pos = start
    for level in range(top, -1, -1):
        if n >> level & 1:
            pieces.append((level, pos >> level))
            pos += 1 << level
    return pieces


def range_hash(start: int, end: int, get_perfect: GetPerfect) -> bytes:
    """``MTH(D[start:end])`` from stored perfect-subtree hashes, with popcount(end - start) look-ups.

    For n = end - start = 2**a1 + 2**a2 + ... (a1 > a2 > ...), RFC 6962 splits the range at 2**a1 each
    time, so MTH = H(P1, H(P2, H(P3, ...))) where P1, P2, ... are the perfect subtrees left to right.
    ``start`` must be a multiple of 2**a1 (true for every node of the tree); an empty range
    (start == end) gives the empty-tree hash.
    """
    if start == end:
        return EMPTY_ROOT
    pieces = _perfect_pieces(start, end)
    acc = get_perfect(*pieces[-1])
    for level, index in reversed(pieces[:-1]):
        acc = node_hash(get_perfect(level, index), acc)
    return acc


def root_from_leaf_hashes(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH of a whole list of leaf hashes (for tests and audits), in O(n) with a log-size stack."""
    stack: list[tuple[int, bytes]] = []  # (level, hash) of completed perfect subtrees, left to right
    for h in leaf_hashes:
        level, acc = 0, h
        while stack and stack[-1][0] == level:
            acc = node_hash(stack.pop()[1], acc)
            level += 1
        stack.append((level, acc))
    if not stack:
        return EMPTY_ROOT
    acc = stack[-1][1]
    for _, h in reversed(stack[:-1]):
        acc = node_hash(h, acc)
    return acc


def mth(leaves: Iterable[bytes]) -> bytes:
    """MTH of a list of leaf *data* (hashes each with :func:`leaf_hash`)."""
    return root_from_leaf_hashes([leaf_hash(d) for d in leaves])


# --- proof generation (RFC 6962 §2.1.1 PATH and §2.1.2 SUBPROOF) ----------------------------------


def inclusion_proof(index: int, size: int, get_subtree: GetSubtree) -> list[bytes]:
    """PATH(index, D[0:size]): the audit path for leaf ``index``, ordered from the leaf's sibling up."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is not in a tree of size {size}")
    proof: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        k = split_point(end - start)
        if index < start + k:
            proof.append(get_subtree(start + k, end))
            end = start + k
        else:
            proof.append(get_subtree(start, start + k))
            start += k
    proof.reverse()
    return proof


def consistency_proof(size1: int, size2: int, get_subtree: GetSubtree) -> list[bytes]:
    """PROOF(size1, D[0:size2]) (RFC 6962 §2.1.2); empty when size1 is 0 or equals size2."""
    if not 0 <= size1 <= size2:
        raise ProofError(f"no consistency proof from size {size1} to size {size2}")
    if size1 == 0 or size1 == size2:
        return []
    proof: list[bytes] = []
    start, end, m, whole = 0, size2, size1, True
    while m != end - start:
        k = split_point(end - start)
        if m <= k:
            proof.append(get_subtree(start + k, end))
            end = start + k
        else:
            proof.append(get_subtree(start, start + k))
            start += k
            m -= k
            whole = False
    if not whole:
        proof.append(get_subtree(start, end))
    proof.reverse()
    return proof


def subtree_getter(get_perfect: GetPerfect) -> GetSubtree:
    """Adapt a perfect-subtree look-up into the ``get_subtree(start, end)`` the proof functions take."""

    def get_subtree(start: int, end: int) -> bytes:
        return range_hash(start, end, get_perfect)

    return get_subtree


# --- proof verification (RFC 9162 §2.1.3.2 and §2.1.4.2) -----------------------------------------


def _all_hashes(*hashes: bytes) -> bool:
    return all(isinstance(h, bytes) and len(h) == HASH_SIZE for h in hashes)


def root_from_inclusion_proof(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes | None:
    """The root that ``proof`` leads to from ``leaf`` at ``index`` in a tree of ``size``, or None.

    RFC 9162 §2.1.3.2 step by step; None when the proof is malformed for these sizes.
    """
    if not (0 <= index < size) or not _all_hashes(leaf, *proof):
        return None
    fn, sn = index, size - 1
    r = leaf
    for p in proof:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        return None
    return r


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes) -> bool:
    """True when ``proof`` shows the leaf hash ``leaf`` at ``index`` in the tree of ``size`` with ``root``."""
    if not _all_hashes(root):
        return False
    got = root_from_inclusion_proof(index, size, leaf, proof)
    return got is not None and got == root


def verify_consistency(size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes) -> bool:
    """True when ``proof`` shows the tree (size1, root1) is a prefix of the tree (size2, root2).

    RFC 9162 §2.1.4.2 for 0 < size1 < size2. The edge cases it leaves out are decided as
    transparency-dev/merkle does, a little stricter:

    * size1 > size2, negative sizes, or any hash that is not 32 bytes: refused;
    * size1 == 0: the proof must be empty and root1 must be the empty-tree hash (every tree extends
      the empty tree; root2 is then only checked to be the empty-tree hash when size2 is 0 too);
    * size1 == size2: the proof must be empty and root1 == root2.
    """
    if not _all_hashes(root1, root2, *proof):
        return False
    if size1 < 0 or size2 < 0 or size1 > size2:
        return False
    if size1 == 0:
        return not proof and root1 == EMPTY_ROOT and (size2 > 0 or root2 == EMPTY_ROOT)
    if size1 == size2:
        return not proof and root1 == root2
    # 1. An empty path fails.
    if not proof:
        return False
    path = list(proof)
    # 2. If first is an exact power of 2, prepend first_hash to the path.
    if size1 & (size1 - 1) == 0:
        path.insert(0, root1)
    # 3. fn = first - 1, sn = second - 1.
    fn, sn = size1 - 1, size2 - 1
    # 4. While LSB(fn) is set, right-shift fn and sn equally.
    while fn & 1:
        fn >>= 1
        sn >>= 1
    # 5. fr and sr start at the first value of the path.
    fr = sr = path[0]
    # 6. For each subsequent value c:
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    # 7. fr == first_hash, sr == second_hash and sn == 0.
    return sn == 0 and fr == root1 and sr == root2


# --- an in-memory hash store, laid out like tiles ---------------------------------------------------


class MerkleTree:
    """An append-only in-memory log keeping every perfect-subtree hash, level by level.

    ``levels[L]`` is one contiguous ``bytearray`` of the 32-byte hashes of the aligned perfect subtrees of
    2**L leaves, in order — level 0 is the leaf hashes, and level 8·k is what tlog-tiles serves as
    tile level k. Appending n leaves costs about 2n hashes; roots and proofs for any size up to the
    current one cost O(log n) look-ups (see :func:`range_hash`) and no rehashing.
    """

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        self.levels: list[bytearray] = [bytearray()]
        self.append_leaf_hashes(leaf_hashes)

    @property
    def size(self) -> int:
        return len(self.levels[0]) // HASH_SIZE

    def __len__(self) -> int:
        return self.size

    def append(self, data: bytes) -> int:
        """Append one leaf by its data; returns its index."""
        return self.append_leaf_hashes([leaf_hash(data)])

    def append_data(self, entries: Iterable[bytes]) -> int:
        """Append leaves by their data; returns the index of the first one."""
        return self.append_leaf_hashes(leaf_hash(d) for d in entries)

    def append_leaf_hashes(self, hashes: Iterable[bytes]) -> int:
        """Append leaves by their leaf hashes in one batch; returns the index of the first one."""
        first = self.size
        level0 = self.levels[0]
        for h in hashes:
            if len(h) != HASH_SIZE:
                raise ValueError(f"a leaf hash must be {HASH_SIZE} bytes, not {len(h)}")
            level0 += h
        self._complete_levels()
        return first

    def _complete_levels(self) -> None:
        level = 0
        while True:
            below = self.levels[level]
            count_below = len(below) // HASH_SIZE
            if count_below < 2:
                return
            if level + 1 == len(self.levels):
                self.levels.append(bytearray())
            above = self.levels[level + 1]
            have = len(above) // HASH_SIZE
            want = count_below // 2
            if have == want:
                return
            sha = hashlib.sha256
            out = bytearray()
            for i in range(have, want):
                off = 2 * i * HASH_SIZE
                out += sha(NODE_PREFIX + below[off : off + 2 * HASH_SIZE]).digest()
            above += out
            level += 1

    def get_perfect(self, level: int, index: int) -> bytes:
        """Hash of the perfect subtree over ``[index * 2**level, (index + 1) * 2**level)``."""
        if level >= len(self.levels):
            raise IndexError(f"no level {level} yet")
        off = index * HASH_SIZE
        row = self.levels[level]
        if index < 0 or off + HASH_SIZE > len(row):
            raise IndexError(f"no perfect subtree {index} at level {level} in a tree of size {self.size}")
        return bytes(row[off : off + HASH_SIZE])

    def leaf_hash(self, index: int) -> bytes:
        return self.get_perfect(0, index)

    def _check_size(self, size: int) -> None:
        if not 0 <= size <= self.size:
            raise ProofError(f"size {size} is beyond the tree's size {self.size}")

    def subtree_hash(self, start: int, end: int) -> bytes:
        """``MTH(D[start:end])`` for a node of the tree (see :func:`range_hash`)."""
        self._check_size(end)
        return range_hash(start, end, self.get_perfect)

    def root(self, size: int | None = None) -> bytes:
        """The root hash of the tree at ``size`` (default: now)."""
        size = self.size if size is None else size
        self._check_size(size)
        return range_hash(0, size, self.get_perfect)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        size = self.size if size is None else size
        self._check_size(size)
        return inclusion_proof(index, size, self.subtree_hash)

    def consistency_proof(self, size1: int, size2: int | None = None) -> list[bytes]:
        size2 = self.size if size2 is None else size2
        self._check_size(size2)
        return consistency_proof(size1, size2, self.subtree_hash)
