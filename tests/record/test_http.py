"""/log/…: the checkpoint, tiles and entry bundles per c2sp.org/tlog-tiles, the key, proofs that verify."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from sunlit.core.models import Event
from sunlit.core.tlog import verify as tlog_verify
from sunlit.core.tlog.merkle import MerkleTree, leaf_hash
from sunlit.core.tlog.note import generate_key
from sunlit.core.tlog.proof import parse_bundle, parse_tlog_proof
from sunlit.core.tlog.tiles import (
    ENTRIES,
    Tile,
    decode_entry_bundle,
    partial_tiles_for_size,
    tile_hashes,
    tiles_for_size,
)
from sunlit.record import selectors, sequencer
from tests import factories
from tests.record.conftest import ORIGIN, grow, grow_to, stored_entries, vkey

pytestmark = pytest.mark.django_db

SIZES = (5, 256, 300, 513, 700)


def memory_tree() -> MerkleTree:
    tree = MerkleTree()
    tree.append_data(stored_entries())
    return tree


def get(client: Any, path: str) -> Any:
    return client.get("/log/" + path)


def verify_cmd(*args: str) -> tuple[bool, str]:
    out = io.StringIO()
    try:
        call_command("verify", *args, stdout=out)
    except SystemExit as exc:
        return exc.code == 0, out.getvalue()
    return True, out.getvalue()


def test_the_checkpoint_is_plain_text_with_a_short_cache(client: Any) -> None:
    assert get(client, "checkpoint").status_code == 404
    grow(3)

    response = get(client, "checkpoint")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Cache-Control"] == "public, max-age=1"
    assert response.content.decode().startswith(f"{ORIGIN}\n3\n")


def test_the_verifier_key_is_published(client: Any) -> None:
    response = get(client, "key")

    assert response.status_code == 200 and response.content.decode() == vkey() + "\n"


def test_every_tile_of_every_checkpoint_is_served_as_the_in_memory_tree_computes_it(client: Any) -> None:
    grow_to(*SIZES)
    tree = memory_tree()
    entries = stored_entries()
    served: set[Tile] = set()

    for size in SIZES:
        for tile in tiles_for_size(size, entries=True):
            response = get(client, tile.path)
            assert response.status_code == 200, tile.path
            assert response["Content-Type"] == "application/octet-stream"
            if tile.is_entries:
                first = tile.index * 256
                assert decode_entry_bundle(response.content, tile.width) == entries[first : first + tile.width]
            else:
                assert response.content == tile_hashes(tile, tree.get_perfect)
            served.add(tile)
    assert Tile(0, 1) in served and Tile(0, 2, 188) in served and Tile(1, 0, 2) in served
    assert Tile(ENTRIES, 0) in served and Tile(ENTRIES, 1, 44) in served


def test_full_tiles_are_immutable_and_partial_ones_exist_only_for_checkpointed_sizes(client: Any) -> None:
    grow_to(*SIZES)

    full = get(client, "tile/0/000")
    assert full["Cache-Control"] == "public, max-age=31536000, immutable"
    assert len(full.content) == 8192
    assert get(client, "tile/entries/001")["Cache-Control"] == "public, max-age=31536000, immutable"
    widths = {t.width for s in SIZES for t in partial_tiles_for_size(s) if t.level == 0 and t.index == 1}
    assert widths == {44}  # 300 → tile 1 of width 44; 513 → tile 2; 700 → tile 2
    assert get(client, "tile/0/001.p/44").status_code == 200
    for missing in ("tile/0/001.p/45", "tile/0/002", "tile/0/003.p/1", "tile/1/000", "tile/2/000.p/1",
                    "tile/entries/002", "tile/0/x000/001", "tile/0/1", "tile/0/000.p/256", "tile/64/000"):
        response = get(client, missing)
        assert response.status_code == 404, missing
        assert response["Cache-Control"] == "no-store"


def test_a_tile_beyond_the_latest_checkpoint_is_not_served(client: Any) -> None:
    grow(300, checkpoint=True)
    grow(300, checkpoint=False)  # integrated, not yet signed

    assert get(client, "tile/0/001").status_code == 404
    assert get(client, "tile/0/001.p/44").status_code == 200


@pytest.mark.parametrize("path", [
    "tile/0/" + "x001/" * 2000 + "000",  # an index of 6,003 digits: past Python's int() limit
    "tile/0/" + "x001/" * 7 + "000",  # 24 digits: no tree of 2**64 leaves has it
    "tile/entries/" + "x999/" * 50 + "999.p/5",
    "tile/0/" + "0" * 10_000,
    "tile/" + "9" * 5_000 + "/000",
    "tile/0/000.p/" + "9" * 5_000,
    "tile/0/000/",
    "tile/0/x/000",
    "tile/0/%00",
    "tile/-1/000",
    "tile/0/000.p/0",
    "tile/" + "../" * 100 + "checkpoint",
])
def test_malformed_and_overlong_tile_paths_are_404_not_500(client: Any, path: str) -> None:
    grow(300, checkpoint=True)

    response = get(client, path)

    assert response.status_code == 404, path[:60]
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["leaf/" + "9" * 30, "leaf/" + "9" * 30 + "/document", "proof/" + "9" * 30,
                                  "proof/1?size=" + "9" * 19, "consistency/" + "9" * 30,
                                  "consistency/1/" + "9" * 30])
def test_indexes_and_sizes_beyond_any_tree_are_404(client: Any, path: str) -> None:
    grow(300, checkpoint=True)

    assert get(client, path).status_code == 404, path


def _proof_files(client: Any, tmp_path: Path, index: int, size: int | None = None) -> tuple[Path, Path, Path]:
    query = f"?size={size}" if size is not None else ""
    text = get(client, f"proof/{index}{query}")
    bundle = get(client, f"proof/{index}{query}{'&' if query else '?'}format=json")
    leaf = get(client, f"leaf/{index}")
    assert text.status_code == bundle.status_code == leaf.status_code == 200
    assert text["Content-Disposition"].startswith('attachment; filename="sunlit-leaf-')
    paths = tmp_path / f"p{index}.tlog-proof", tmp_path / f"p{index}.json", tmp_path / f"leaf{index}"
    for path, response in zip(paths, (text, bundle, leaf), strict=True):
        path.write_bytes(response.content)
    return paths


def test_inclusion_proofs_from_the_endpoint_verify_with_sunlit_verify(client: Any, tmp_path: Path) -> None:
    grow_to(5, 300, 700)
    entries = stored_entries()

    for index in (0, 4, 255, 256, 299, 699):
        text, bundle, leaf = _proof_files(client, tmp_path, index)
        ok, out = verify_cmd(str(text), "--key", vkey(), "--leaf-file", str(leaf))
        assert ok, out
        assert out.startswith(f"ok: 有效：第 {index} 条记录收录在大小为 700 的树中")
        ok, out = verify_cmd(str(bundle), "--key", vkey())
        assert ok, out
        assert leaf.read_bytes() == entries[index]
        assert parse_tlog_proof(text.read_text()).index == index
        assert json.loads(bundle.read_text())["leaf_data"] == entries[index].decode()


def test_a_proof_against_an_older_checkpoint_and_refusals(client: Any, tmp_path: Path) -> None:
    grow_to(5, 300)
    text, _, leaf = _proof_files(client, tmp_path, 3, size=5)
    ok, out = verify_cmd(str(text), "--key", vkey(), "--leaf-file", str(leaf))
    assert ok and "大小为 5 的树" in out, out
    assert get(client, "proof/3?size=5")["Cache-Control"] == "public, max-age=31536000, immutable"

    assert get(client, "proof/5?size=5").status_code == 404  # not in that tree
    assert get(client, "proof/3?size=6").status_code == 404  # no such checkpoint
    assert get(client, "proof/300").status_code == 404
    assert get(client, "proof/3?size=x").status_code == 400
    assert get(client, "proof/3?format=xml").status_code == 400
    assert get(client, "proof/99999999999999999999999").status_code == 404


def test_a_tampered_proof_or_a_wrong_key_or_leaf_does_not_verify(client: Any, tmp_path: Path) -> None:
    grow_to(300)
    text, bundle, leaf = _proof_files(client, tmp_path, 7)
    other_leaf = tmp_path / "other"
    other_leaf.write_bytes(stored_entries()[8])
    _, stranger = generate_key(ORIGIN)

    ok, out = verify_cmd(str(text), "--key", vkey(), "--leaf-file", str(other_leaf))
    assert not ok and out.startswith("invalid: 无效：由记录条目和第 7 条的收录证明算不出检查点的根哈希")
    ok, out = verify_cmd(str(text), "--key", stranger, "--leaf-file", str(leaf))
    stranger_id = '+'.join(stranger.split('+')[:2])
    assert (ok, out) == (False, f"invalid: 无效：检查点没有 {stranger_id} 的签名，不是这把公钥的日志签发的\n")
    data = json.loads(bundle.read_text())
    data["proof"][0] = data["proof"][1]
    bundle.write_text(json.dumps(data))
    ok, out = verify_cmd(str(bundle), "--key", vkey())
    assert not ok and out.startswith("invalid: 无效：由记录条目和第 7 条的收录证明算不出根哈希")


def test_the_portal_helpers_find_the_proof_of_an_event_and_of_a_published_record(
        county: Any, editor: Any, reviewer: Any) -> None:
    version = factories.published(county["land"], editor, reviewer)
    approve = Event.objects.get(action="catalog.version.approve")
    with pytest.raises(selectors.ProofUnavailable):
        selectors.proof_for_record(version)
    sequencer.sequence_once()
    grow(10)

    record_proof = selectors.proof_for_record(version)
    event_proof = selectors.proof_for_event(approve)

    assert (record_proof.index, event_proof.index, record_proof.size) == (2, 3, 14)
    for proof in (record_proof, event_proof):
        ok, reason = tlog_verify.verify_text(proof.bundle().dumps(), [vkey()])
        assert ok, reason
        ok, reason = tlog_verify.verify_text(proof.tlog_proof(), [vkey()], leaf_hash=leaf_hash(proof.entry))
        assert ok, reason
    assert json.loads(record_proof.entry)["content"]["name"] == version.name


def test_consistency_endpoint_links_two_checkpoints(client: Any, tmp_path: Path) -> None:
    grow_to(5, 300, 700)

    response = get(client, "consistency/5/700")
    path = tmp_path / "c.json"
    path.write_bytes(response.content)

    assert response.status_code == 200
    ok, out = verify_cmd(str(path), "--key", vkey())
    assert ok and "大小为 5 的树" in out and "大小为 700 的树" in out, out
    bundle = parse_bundle(response.content)
    assert (bundle.size1, bundle.size2) == (5, 700)  # type: ignore[union-attr]
    assert get(client, "consistency/300").status_code == 200
    assert get(client, "consistency/6/700").status_code == 404


def test_a_large_public_record_is_served_as_a_document(client: Any) -> None:
    from sunlit.record import services
    from sunlit.record.leaf import make_leaf

    lf = make_leaf("test", 1, {"type": "test"}, {"text": "长" * 30_000}, public=True)
    sealed = make_leaf("test", 2, {"type": "test"}, {"text": "密"}, public=False)
    services.enqueue([lf, sealed])
    sequencer.sequence_once()
    assert lf.document is not None and sealed.document is not None

    response = get(client, "leaf/0/document")

    assert response.status_code == 200 and response.content == lf.document
    assert get(client, "leaf/1/document").status_code == 404  # sealed: never served
    assert get(client, "leaf/2/document").status_code == 404
    assert selectors.leaf_document(1) == sealed.document
