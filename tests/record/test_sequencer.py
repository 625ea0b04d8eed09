"""The sequencer: queued leaves become log entries in order, with every subtree hash and a signed checkpoint."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from sunlit.core.models import Event
from sunlit.core.tlog import merkle
from sunlit.core.tlog.checkpoint import open_checkpoint
from sunlit.core.tlog.merkle import MerkleTree, leaf_hash, root_from_leaf_hashes
from sunlit.core.tlog.note import parse_verifier_key
from sunlit.record import selectors, sequencer, services, store
from sunlit.record.events import record_event
from sunlit.record.leaf import document_matches
from sunlit.record.models import Checkpoint, LeafQueue, LogDocument, LogHash, LogLeaf, LogState
from tests import factories
from tests.record.conftest import ORIGIN, grow, grow_to, leaves, stored_entries, vkey

pytestmark = pytest.mark.django_db


def test_events_recorded_by_a_service_become_leaves_after_one_run_in_order(
        county: Any, editor: Any, reviewer: Any) -> None:
    version = factories.published(county["land"], editor, reviewer)
    events = list(Event.objects.order_by("id"))
    assert not LogLeaf.objects.exists()  # nothing is in the log before the sequencer runs

    result = sequencer.sequence_once()

    assert (result.appended, result.size, result.checkpointed_size) == (4, 4, 4)
    rows = list(LogLeaf.objects.order_by("index").values_list("index", "kind", "ref"))
    assert rows == [(0, "event", events[0].pk), (1, "event", events[1].pk),
                    (2, "catalog.poweritemversion", version.pk), (3, "event", events[2].pk)]
    assert [e.action for e in events] == ["catalog.version.draft", "catalog.version.submit",
                                          "catalog.version.approve"]
    assert not LeafQueue.objects.exists()
    for index, event in ((0, events[0]), (1, events[1]), (3, events[2])):
        entry = bytes(LogLeaf.objects.get(index=index).data)
        document = bytes(LogDocument.objects.get(index=index).data)
        assert json.loads(document)["id"] == event.pk
        assert document_matches(entry, document)
    assert LogDocument.objects.count() == 3  # the public record is its own entry


def test_the_checkpoint_verifies_with_the_published_key_and_its_root_is_the_root_of_the_leaves(
        county: Any, editor: Any, reviewer: Any, client: Any) -> None:
    factories.published(county["land"], editor, reviewer)
    sequencer.sequence_once()
    published_key = client.get("/log/key").content.decode().strip()

    note = client.get("/log/checkpoint").content.decode()
    checkpoint, _ = open_checkpoint(note, [parse_verifier_key(published_key)], origin=ORIGIN)

    hashes = [leaf_hash(e) for e in stored_entries()]
    assert checkpoint.size == 4
    assert checkpoint.root_hash == root_from_leaf_hashes(hashes)
    assert bytes(Checkpoint.objects.get(size=4).root) == checkpoint.root_hash


def test_every_perfect_subtree_is_stored_and_matches_an_in_memory_tree() -> None:
    for size in (1, 2, 3, 7, 8, 9, 255, 256, 257, 600, 1000):
        current = LogState.objects.filter(pk=1).values_list("size", flat=True).first() or 0
        services.enqueue(leaves(size - current, current))
        sequencer.sequence_all(batch=97)  # odd batches: appends split at awkward places

    tree = MerkleTree()
    tree.append_data(stored_entries())
    stored = {(lv, ix): bytes(h) for lv, ix, h in LogHash.objects.values_list("level", "index", "hash")}
    expected = {(lv, ix): tree.get_perfect(lv, ix) for lv in range(len(tree.levels))
                for ix in range(len(tree.levels[lv]) // 32)}
    assert stored == expected
    for size in (1, 5, 256, 999, 1000):
        assert store.root(size) == tree.root(size)
    assert [bytes(r) for r in Checkpoint.objects.order_by("size").values_list("root", flat=True)] == [
        tree.root(s) for s in (1, 2, 3, 7, 8, 9, 255, 256, 257, 600, 1000)]


def test_proofs_from_the_database_match_the_in_memory_tree() -> None:
    grow_to(10, 300, 777)
    tree = MerkleTree()
    tree.append_data(stored_entries())

    for index, size in ((0, 1), (5, 10), (9, 10), (0, 300), (299, 300), (256, 777), (776, 777), (100, 777)):
        assert store.inclusion_proof(index, size) == tree.inclusion_proof(index, size)
    for s1, s2 in ((1, 10), (10, 300), (300, 777), (256, 777), (777, 777), (0, 777)):
        assert store.consistency_proof(s1, s2) == tree.consistency_proof(s1, s2)


def test_consecutive_checkpoints_are_consistent() -> None:
    grow_to(3, 4, 100, 256, 257, 1000)
    sizes = list(Checkpoint.objects.order_by("size").values_list("size", flat=True))
    assert sizes == [3, 4, 100, 256, 257, 1000]

    for s1, s2 in zip(sizes, sizes[1:], strict=False):
        bundle = selectors.consistency(s1, s2)
        assert merkle.verify_consistency(s1, s2, list(bundle.proof), bundle.root1, bundle.root2)
        assert not merkle.verify_consistency(s1, s2, list(bundle.proof), bundle.root2, bundle.root1)


def test_a_pass_with_nothing_new_signs_nothing() -> None:
    grow(5)
    count = Checkpoint.objects.count()

    result = sequencer.sequence_once()

    assert (result.appended, result.checkpoint, Checkpoint.objects.count()) == (0, None, count)


def test_an_empty_log_gets_a_checkpoint_of_size_zero() -> None:
    result = sequencer.sequence_once()

    assert result.checkpoint is not None and result.checkpoint.size == 0
    assert bytes(result.checkpoint.root) == merkle.EMPTY_ROOT


def test_a_rolled_back_transaction_leaves_no_leaf(county: Any) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        record_event(actor=None, action="test.thing", obj=county["gov"])
        raise RuntimeError("the service fails after recording")

    sequencer.sequence_once()

    assert not Event.objects.exists()
    assert not LeafQueue.objects.exists() and not LogLeaf.objects.exists()


def test_a_dry_import_leaves_no_leaf(county: Any, editor: Any, tmp_path: Any) -> None:
    from sunlit.catalog.excel import import_powers
    from tests.catalog.test_excel import SIMPLE, item, sheet

    path = sheet(tmp_path / "清单.xlsx", SIMPLE, [item("A-1", "甲"), item("A-2", "乙")])
    report = import_powers(path, unit=county["land"], author=editor, dry_run=True)
    assert report.imported == 2

    sequencer.sequence_once()

    assert not LeafQueue.objects.exists() and not LogLeaf.objects.exists()


def test_the_log_refuses_a_different_origin_than_it_was_made_with(settings: Any) -> None:
    grow(2)
    settings.SUNLIT_LOG_ORIGIN = "other.example/log"
    settings.SUNLIT_LOG_KEY_FILE = settings.SUNLIT_LOG_KEY_FILE.with_name("other.key")

    with pytest.raises(sequencer.LogConfigError):
        sequencer.sequence_once()


def test_the_key_is_generated_once_private_and_named_after_the_origin(log_key: Any, settings: Any) -> None:
    assert not log_key.exists()
    first = vkey()

    assert log_key.stat().st_mode & 0o777 == 0o600
    assert log_key.read_text().startswith(f"PRIVATE+KEY+{ORIGIN}+")
    assert first.startswith(f"{ORIGIN}+") and vkey() == first
    settings.SUNLIT_LOG_KEY = log_key.read_text().strip()
    settings.SUNLIT_LOG_KEY_FILE = log_key.with_name("unused.key")
    assert vkey() == first and not log_key.with_name("unused.key").exists()


def test_a_key_named_otherwise_than_the_origin_is_refused(settings: Any) -> None:
    from sunlit.core.tlog.note import generate_key

    settings.SUNLIT_LOG_KEY, _ = generate_key("someone.else/log")

    with pytest.raises(ImproperlyConfigured, match="SUNLIT_LOG_ORIGIN"):
        vkey()


def test_threads_that_need_the_key_at_once_share_one_generated_key(log_key: Any) -> None:
    import threading

    from sunlit.record import keys

    got: list[str] = []
    start = threading.Barrier(8)

    def need() -> None:
        start.wait()
        got.append(keys.verifier_key())

    threads = [threading.Thread(target=need) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)

    assert len(got) == 8 and len(set(got)) == 1
    assert [p.name for p in log_key.parent.iterdir()] == ["log-signer.key"]  # no temporary file left
