"""RFC 6962 hashing, proofs and RFC 9162 verification against the transparency-dev/merkle vectors."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sunlit.core.tlog.merkle import (
    EMPTY_ROOT,
    MerkleTree,
    ProofError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    mth,
    node_hash,
    range_hash,
    root_from_inclusion_proof,
    root_from_leaf_hashes,
    split_point,
    subtree_getter,
    verify_consistency,
    verify_inclusion,
)
from tests.core.tlog import (
    CONSISTENCY_TO_8,
    EMPTY_TREE_HASH,
    GO_CONSISTENCY,
    GO_INCLUSION,
    INCLUSION_8,
    LEAVES,
    ROOTS,
    SOME_HASH,
    corrupt_consistency,
    corrupt_inclusion,
    flip,
)

TREE8 = MerkleTree(leaf_hash(d) for d in LEAVES)


def test_hash_primitives_are_rfc6962() -> None:
    assert EMPTY_ROOT == EMPTY_TREE_HASH == hashlib.sha256(b"").digest()
    assert leaf_hash(b"") == hashlib.sha256(b"\x00").digest() == ROOTS[0]
    a, b = leaf_hash(b"a"), leaf_hash(b"b")
    assert node_hash(a, b) == hashlib.sha256(b"\x01" + a + b).digest()
    assert node_hash(a, b) != node_hash(b, a)
    assert [split_point(n) for n in (2, 3, 4, 5, 8, 9, 1000)] == [1, 2, 2, 4, 4, 8, 512]
    with pytest.raises(ValueError):
        split_point(1)


@pytest.mark.parametrize("n", range(1, 9))
def test_roots_of_sizes_1_to_8(n: int) -> None:
    assert mth(LEAVES[:n]) == ROOTS[n - 1]
    assert root_from_leaf_hashes([leaf_hash(d) for d in LEAVES[:n]]) == ROOTS[n - 1]
    assert TREE8.root(n) == ROOTS[n - 1]
    assert MerkleTree(leaf_hash(d) for d in LEAVES[:n]).root() == ROOTS[n - 1]


def test_empty_tree() -> None:
    assert root_from_leaf_hashes([]) == EMPTY_TREE_HASH
    assert MerkleTree().root() == EMPTY_TREE_HASH
    assert TREE8.root(0) == EMPTY_TREE_HASH


@pytest.mark.parametrize("index", range(8))
def test_every_inclusion_proof_of_the_8_leaf_tree(index: int) -> None:
    proof = TREE8.inclusion_proof(index, 8)
    assert proof == INCLUSION_8[index]
    lh = leaf_hash(LEAVES[index])
    assert verify_inclusion(index, 8, lh, proof, ROOTS[7])
    assert root_from_inclusion_proof(index, 8, lh, proof) == ROOTS[7]
    # A path longer or shorter than the tree is tall leads nowhere (RFC 9162 §2.1.3.2 steps 4a and 5).
    assert root_from_inclusion_proof(index, 8, lh, [*proof, SOME_HASH]) is None
    assert root_from_inclusion_proof(index, 8, lh, proof[:-1]) is None
    accepted = [
        p[0] for p in corrupt_inclusion(index, 8, lh, proof, ROOTS[7]) if verify_inclusion(*p[1:])
    ]
    assert accepted == []


@pytest.mark.parametrize(("index", "size", "proof"), GO_INCLUSION)
def test_transparency_dev_inclusion_vectors(index: int, size: int, proof: list[bytes]) -> None:
    lh = leaf_hash(LEAVES[index])
    assert TREE8.inclusion_proof(index, size) == proof
    assert verify_inclusion(index, size, lh, proof, ROOTS[size - 1])
    accepted = [
        p[0] for p in corrupt_inclusion(index, size, lh, proof, ROOTS[size - 1]) if verify_inclusion(*p[1:])
    ]
    assert accepted == []


@pytest.mark.parametrize(("index", "size"), [(0, 0), (0, 1), (1, 0), (2, 1)])
def test_inclusion_refuses_bad_sizes_and_hashes(index: int, size: int) -> None:
    # transparency-dev/merkle TestVerifyInclusion: invalid root/leaf for each (index, size).
    assert not verify_inclusion(index, size, SOME_HASH, [], b"")
    assert not verify_inclusion(index, size, b"", [], EMPTY_TREE_HASH)
    assert not verify_inclusion(index, size, SOME_HASH, [], EMPTY_TREE_HASH)


def test_inclusion_single_entry() -> None:
    h = leaf_hash(b"data")
    assert verify_inclusion(0, 1, h, [], h)
    assert not verify_inclusion(0, 1, b"", [], h)
    assert not verify_inclusion(0, 1, h, [], b"")
    assert not verify_inclusion(0, 1, b"", [], b"")
    assert not verify_inclusion(-1, 1, h, [], h)
    assert not verify_inclusion(0, 1, h, [h], h)


@pytest.mark.parametrize("size1", range(1, 8))
def test_every_consistency_proof_to_size_8(size1: int) -> None:
    proof = TREE8.consistency_proof(size1, 8)
    assert proof == CONSISTENCY_TO_8[size1]
    assert verify_consistency(size1, 8, proof, ROOTS[size1 - 1], ROOTS[7])
    accepted = [
        p[0]
        for p in corrupt_consistency(size1, 8, proof, ROOTS[size1 - 1], ROOTS[7])
        if verify_consistency(*p[1:])
    ]
    assert accepted == []


@pytest.mark.parametrize(("size1", "size2", "proof"), GO_CONSISTENCY)
def test_transparency_dev_consistency_vectors(size1: int, size2: int, proof: list[bytes]) -> None:
    root1, root2 = ROOTS[size1 - 1], ROOTS[size2 - 1]
    assert TREE8.consistency_proof(size1, size2) == proof
    assert verify_consistency(size1, size2, proof, root1, root2)
    if proof:
        accepted = [
            p[0] for p in corrupt_consistency(size1, size2, proof, root1, root2) if verify_consistency(*p[1:])
        ]
        assert accepted == []


def test_consistency_edge_cases() -> None:
    r1, r2 = ROOTS[0], ROOTS[1]
    # Same size: empty proof and equal roots only.
    assert verify_consistency(1, 1, [], r1, r1)
    assert not verify_consistency(1, 1, [], r1, r2)
    assert not verify_consistency(1, 1, [EMPTY_TREE_HASH], r1, r1)
    # From the empty tree: empty proof, root1 the empty-tree hash.
    assert verify_consistency(0, 0, [], EMPTY_TREE_HASH, EMPTY_TREE_HASH)
    assert verify_consistency(0, 1, [], EMPTY_TREE_HASH, r1)
    assert not verify_consistency(0, 0, [], EMPTY_TREE_HASH, r2)
    assert not verify_consistency(0, 1, [], r2, r1)
    assert not verify_consistency(0, 1, [EMPTY_TREE_HASH], EMPTY_TREE_HASH, r1)
    assert not verify_consistency(0, 0, [EMPTY_TREE_HASH], EMPTY_TREE_HASH, EMPTY_TREE_HASH)
    # Time travel to the past.
    assert not verify_consistency(1, 0, [], r1, r2)
    assert not verify_consistency(2, 1, [], r2, r1)
    # Empty proof between different sizes.
    assert not verify_consistency(1, 2, [], r1, r2)
    # Negative sizes and hashes of the wrong length.
    assert not verify_consistency(-1, 2, [], r1, r2)
    assert not verify_consistency(1, 2, [leaf_hash(LEAVES[1])[:31]], r1, r2)
    assert verify_consistency(1, 2, [leaf_hash(LEAVES[1])], r1, r2)


def test_proof_generation_refuses_bad_arguments() -> None:
    for index, size in [(0, 0), (1, 0), (2, 1), (8, 7), (-1, 5)]:
        with pytest.raises(ProofError):
            inclusion_proof(index, size, TREE8.subtree_hash)
    for size1, size2 in [(5, 0), (9, 8), (-1, 3)]:
        with pytest.raises(ProofError):
            consistency_proof(size1, size2, TREE8.subtree_hash)
    with pytest.raises(ProofError):
        TREE8.inclusion_proof(0, 9)
    with pytest.raises(ProofError):
        TREE8.root(9)
    assert TREE8.consistency_proof(0, 8) == []
    assert TREE8.consistency_proof(8, 8) == []


def test_range_hash_needs_an_aligned_range() -> None:
    with pytest.raises(ValueError):
        range_hash(1, 3, TREE8.get_perfect)  # [1, 3) is not a node of any tree
    with pytest.raises(ValueError):
        range_hash(3, 2, TREE8.get_perfect)
    assert range_hash(4, 7, TREE8.get_perfect) == mth(LEAVES[4:7])
    assert range_hash(5, 5, TREE8.get_perfect) == EMPTY_TREE_HASH


def test_range_hash_calls_get_perfect_popcount_times() -> None:
    tree = MerkleTree(leaf_hash(i.to_bytes(4, "big")) for i in range(1000))
    calls: list[tuple[int, int]] = []

    def counting(level: int, index: int) -> bytes:
        calls.append((level, index))
        return tree.get_perfect(level, index)

    assert range_hash(0, 1000, counting) == tree.root()
    assert len(calls) == bin(1000).count("1")
    assert calls == [(3, 124), (5, 30), (6, 14), (7, 6), (8, 2), (9, 0)]  # right to left


def test_batch_append_equals_one_by_one() -> None:
    one = MerkleTree()
    for i in range(300):
        assert one.append(i.to_bytes(2, "big")) == i
    batched = MerkleTree()
    data = [i.to_bytes(2, "big") for i in range(300)]
    assert batched.append_data(data[:1]) == 0
    assert batched.append_data(data[1:77]) == 1
    assert batched.append_data(data[77:256]) == 77
    assert batched.append_data(data[256:]) == 256
    assert batched.levels == one.levels
    assert len(batched) == 300
    for n in (1, 77, 255, 256, 257, 300):
        assert batched.root(n) == mth(data[:n])
    with pytest.raises(ValueError):
        batched.append_leaf_hashes([b"short"])
    with pytest.raises(IndexError):
        batched.get_perfect(0, 300)
    with pytest.raises(IndexError):
        batched.get_perfect(20, 0)


# --- exhaustive small trees and a hypothesis property up to ~300 leaves ------------------------------

DATA = [f"leaf {i}".encode() for i in range(320)]
HASHES = [leaf_hash(d) for d in DATA]
BIG = MerkleTree(HASHES)
ROOT_AT = [root_from_leaf_hashes(HASHES[:n]) for n in range(len(HASHES) + 1)]


def test_every_proof_verifies_for_trees_up_to_40() -> None:
    for size in range(1, 41):
        root = BIG.root(size)
        assert root == ROOT_AT[size]
        for index in range(size):
            assert verify_inclusion(index, size, HASHES[index], BIG.inclusion_proof(index, size), root)
        for size1 in range(0, size + 1):
            proof = BIG.consistency_proof(size1, size)
            assert verify_consistency(size1, size, proof, ROOT_AT[size1], root)


@st.composite
def inclusion_case(draw: st.DrawFn) -> tuple[int, int]:
    size = draw(st.integers(1, 300))
    return draw(st.integers(0, size - 1)), size


@settings(max_examples=300, deadline=None)
@given(case=inclusion_case(), where=st.integers(0, 10**6), bit=st.integers(0, 255))
def test_property_inclusion_proofs_verify_and_any_bit_flip_fails(
    case: tuple[int, int], where: int, bit: int
) -> None:
    index, size = case
    proof = BIG.inclusion_proof(index, size)
    root = ROOT_AT[size]
    assert verify_inclusion(index, size, HASHES[index], proof, root)
    # One bit flipped anywhere: in a proof hash, the leaf hash or the root.
    slots = len(proof) + 2
    slot = where % slots
    if slot < len(proof):
        bad = list(proof)
        bad[slot] = flip(bad[slot], bit)
        assert not verify_inclusion(index, size, HASHES[index], bad, root)
    elif slot == len(proof):
        assert not verify_inclusion(index, size, flip(HASHES[index], bit), proof, root)
    else:
        assert not verify_inclusion(index, size, HASHES[index], proof, flip(root, bit))


@st.composite
def consistency_case(draw: st.DrawFn) -> tuple[int, int]:
    size2 = draw(st.integers(1, 300))
    return draw(st.integers(1, size2)), size2


@settings(max_examples=300, deadline=None)
@given(case=consistency_case(), where=st.integers(0, 10**6), bit=st.integers(0, 255))
def test_property_consistency_proofs_verify_and_any_bit_flip_fails(
    case: tuple[int, int], where: int, bit: int
) -> None:
    size1, size2 = case
    proof = BIG.consistency_proof(size1, size2)
    root1, root2 = ROOT_AT[size1], ROOT_AT[size2]
    assert verify_consistency(size1, size2, proof, root1, root2)
    slots = len(proof) + 2
    slot = where % slots
    if slot < len(proof):
        bad = list(proof)
        bad[slot] = flip(bad[slot], bit)
        assert not verify_consistency(size1, size2, bad, root1, root2)
    elif slot == len(proof):
        assert not verify_consistency(size1, size2, proof, flip(root1, bit), root2)
    else:
        assert not verify_consistency(size1, size2, proof, root1, flip(root2, bit))


@st.composite
def node_range(draw: st.DrawFn) -> tuple[int, int, int]:
    size = draw(st.integers(1, 300))
    level = draw(st.integers(0, (size - 1).bit_length()))
    start = draw(st.integers(0, (size - 1) >> level)) << level
    return start, min(start + (1 << level), size), size


@settings(max_examples=300, deadline=None)
@given(rng=node_range())
def test_property_range_hash_from_perfect_subtrees_equals_direct(rng: tuple[int, int, int]) -> None:
    start, end, size = rng
    direct = root_from_leaf_hashes(HASHES[start:end])
    # From a store that grew to exactly `size`, and from the bigger one (old perfect hashes never change).
    small = MerkleTree(HASHES[:size])
    assert range_hash(start, end, small.get_perfect) == direct
    assert range_hash(start, end, BIG.get_perfect) == direct
    assert subtree_getter(BIG.get_perfect)(start, end) == direct
