"""Property: whatever the batches and checkpoints, the stored log is the RFC 6962 tree of its leaves."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sunlit.core.tlog.merkle import MerkleTree, verify_consistency, verify_inclusion
from sunlit.record import sequencer, services, store
from sunlit.record.models import Checkpoint, LogHash
from tests.record.conftest import leaves, stored_entries

pytestmark = pytest.mark.django_db

steps = st.lists(st.tuples(st.integers(1, 300), st.integers(1, 64), st.booleans()), min_size=1, max_size=6)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=steps, data=st.data())
def test_the_stored_log_is_the_tree_of_its_leaves(plan: list[tuple[int, int, bool]], data: Any) -> None:
    with transaction.atomic():
        size = 0
        for count, batch, sign in plan:
            services.enqueue(leaves(count, size))
            while sequencer.sequence_once(batch=batch, sign=False).appended:
                pass
            if sign:
                sequencer.sequence_once()
            size += count
        tree = MerkleTree()
        tree.append_data(stored_entries())

        assert tree.size == size
        stored = {(lv, ix): bytes(h) for lv, ix, h in LogHash.objects.values_list("level", "index", "hash")}
        assert len(stored) == sum(len(level) // 32 for level in tree.levels)
        assert all(stored[(lv, ix)] == tree.get_perfect(lv, ix) for lv, ix in stored)
        for cp in Checkpoint.objects.all():
            assert bytes(cp.root) == tree.root(cp.size)
        index = data.draw(st.integers(0, size - 1))
        at = data.draw(st.integers(index + 1, size))
        proof = store.inclusion_proof(index, at)
        assert verify_inclusion(index, at, tree.leaf_hash(index), proof, tree.root(at))
        old = data.draw(st.integers(0, size))
        assert verify_consistency(old, size, store.consistency_proof(old, size), tree.root(old), tree.root(size))
        transaction.set_rollback(True)
