"""Interoperability: an independent implementation of the C2SP tlog specs reads and checks Sunlit's log.

The independent implementation is the `tlog-scales` package (PyPI, test-only dependency). It reads the
log the way any tlog-tiles client does — over HTTP from ``/log/`` (live_server) and from the static tree
that ``sunlit log-export`` writes — and with its own code:

1. parses the signed checkpoint and verifies the log's Ed25519 signature with the key from ``/log/key``;
2. verifies the witness's cosignature/v1 (type 0x04) on it;
3. computes tile paths itself, fetches tiles and entry bundles, recomputes the checkpoint's root and
   reads every entry;
4. builds inclusion and consistency proofs from the tiles and verifies them, and verifies the proofs
   Sunlit serves (``/log/proof``, ``/log/consistency``) — which must be the same hashes;
5. writes its own tile tree from the same entries, which must equal ``sunlit log-export`` byte for byte.

Sunlit's code only builds and serves the log here; nothing from ``sunlit.core.tlog`` checks anything.
Every check is paired with a tampered or wrong input that tlog-scales must refuse.

tlog-scales 0.0.3 is early work; its gaps, and how the tests handle them:

* ``Vkey.from_string`` takes the key ID written in the key string without recomputing it, so the tests
  recompute it (``Vkey(name, None, type, key)``) and compare.
* ``Checkpoint.from_text`` / ``serialize_body`` know only the three mandatory lines (no extension lines,
  c2sp.org/tlog-checkpoint), and its signature verifiers sign that reconstruction; the tests assert
  Sunlit's checkpoints have no extension lines, so the reconstruction is the whole note text.
* ``InclusionProof``/``ConsistencyProof.check`` and ``Checkpoint.verify`` raise on failure and return
  None on success; the negative checks therefore assert the exception.
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from tlog_scales import cli
from tlog_scales.backend import HttpBackend, LocalBackend, TilesBackend, make_backend
from tlog_scales.reader import TilesReader
from tlog_scales.signing import (
    Ed25519CosignatureVerifier,
    NoteSignature,
    PlainEd25519Signer,
    PlainEd25519Verifier,
    Vkey,
    VkeySet,
)
from tlog_scales.tiles import leaf_hash, tile_path
from tlog_scales.tlog import (
    Checkpoint,
    ConsistencyProof,
    ConsistencyProofInvalid,
    InclusionProof,
    InclusionProofInvalid,
)
from tlog_scales.writer import TilesWriter

from sunlit.core.clock import FixedClock
from sunlit.core.tlog.tiles import ENTRIES
from sunlit.core.tlog.tiles import Tile as SunlitTile
from sunlit.record import keys as record_keys
from sunlit.record import selectors, sequencer
from sunlit.record import services as record_services
from sunlit.record.leaf import SCHEMA, Leaf, canonical_json, make_leaf
from sunlit.record.models import LogLeaf, LogState
from sunlit.witness import keys as witness_keys
from sunlit.witness import services as witness_services
from tests.record.conftest import wipe_log

ORIGIN = "county.example/yangguang/log"
WITNESS = "county.example/yangguang/witness"
SIZES = (5, 300, 700)
"""Checkpoints, each cosigned: at 700 the tree has two full level-0 tiles, a partial one of width 188
and a partial level-1 tile of width 2; the older sizes leave partial tiles of widths 5, 44 and 1."""
LATEST = SIZES[-1]
BIG = 400
"""The leaf whose entry is exactly 65,535 bytes, the largest a bundle's uint16 length can carry."""
INDICES = (0, 1, 4, 5, 255, 256, 299, 300, 399, BIG, 511, 512, 698, 699)
TIMEOUT = 10


# --- the log under test -----------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def fresh_keys(settings: Any, tmp_path: Path) -> Path:
    """The log's and the witness's keys, generated on first use in this test's folder."""
    folder = tmp_path / "keys"
    settings.SUNLIT_LOG_ORIGIN = ORIGIN
    settings.SUNLIT_LOG_KEY = ""
    settings.SUNLIT_LOG_KEY_FILE = folder / "log-signer.key"
    settings.SUNLIT_WITNESS_NAME = WITNESS
    settings.SUNLIT_WITNESS_KEY = ""
    settings.SUNLIT_WITNESS_KEY_FILE = folder / "witness-signer.key"
    return folder


def entry_leaf(i: int) -> Leaf:
    """Leaf ``i``: public entries of varied length (many above 255 bytes, so a bundle's uint16 length has
    a non-zero high byte), every seventh sealed (the entry holds a digest), and one of 65,535 bytes."""
    header = {"type": "interop", "n": i}
    if i == BIG:
        base = len(canonical_json({"schema": SCHEMA, **header, "text": ""}))
        leaf = make_leaf("interop", i, header, {"text": "x" * (0xFFFF - base)}, public=True)
        assert len(leaf.data) == 0xFFFF
        return leaf
    text = f"第{i}条" + "阳光" * (i % 97)
    return make_leaf("interop", i, header, {"text": text}, public=i % 7 != 3)


def grow_to(size: int) -> None:
    current = LogState.objects.filter(pk=1).values_list("size", flat=True).first() or 0
    record_services.enqueue(entry_leaf(i) for i in range(current, size))
    assert sequencer.sequence_all(sign=True).size == size


@pytest.fixture
def site(live_server: Any, transactional_db: None, clock: FixedClock) -> Iterator[str]:
    """Sunlit at live_server, its log grown through SIZES with a checkpoint at each, every checkpoint
    cosigned by a witness over real HTTP (this same Sunlit's /add-checkpoint, as tests/witness do)."""
    witness_services.add_log(ORIGIN, [record_keys.verifier_key()])
    witness_services.add_witness(witness_keys.verifier_key(), live_server.url)
    for size in SIZES:
        grow_to(size)
        checkpoint = selectors.latest_checkpoint()
        assert checkpoint is not None
        outcomes = witness_services.collect_cosignatures(checkpoint)
        assert [o.status for o in outcomes] == ["cosigned"], outcomes
    yield str(live_server.url)
    wipe_log()


# --- helpers: HTTP, keys, tampering -----------------------------------------------------------------------


def fetch(url: str) -> requests.Response:
    response = requests.get(url, timeout=TIMEOUT)
    assert response.status_code == 200, (url, response.status_code, response.text)
    return response


def published_key(backend: TilesBackend, *path: str) -> Vkey:
    """A verifier key fetched by tlog-scales, with its key ID recomputed (tlog-scales trusts the one
    written in the string)."""
    data = backend.get(*path)
    assert data is not None
    vkey = Vkey.from_string(data.decode().strip())
    assert Vkey(vkey.name, None, vkey.sig_type, vkey.pubkey).key_id == vkey.key_id
    return vkey


def log_key(site: str) -> Vkey:
    vkey = published_key(HttpBackend(site + "/log"), "key")
    assert (vkey.name, vkey.sig_type, len(vkey.pubkey)) == (ORIGIN, 1, 32)
    return vkey


def witness_key(site: str) -> Vkey:
    vkey = published_key(HttpBackend(site), "witness", "key")
    assert (vkey.name, vkey.sig_type, len(vkey.pubkey)) == (WITNESS, 4, 32)
    return vkey


def opened(text: str, *vkeys: Vkey) -> Checkpoint:
    """tlog-scales' parse of a signed checkpoint, every key's signature verified."""
    body = text.split("\n\n", 1)[0]
    # tlog-scales reconstructs the signed text from origin, size and root only: extension lines would be
    # lost (and their signatures fail). Sunlit writes none, so its reconstruction is the whole text.
    assert len(body.split("\n")) == 3, body
    checkpoint = Checkpoint.from_text(text)
    assert checkpoint.serialize() == text  # Sunlit's note is canonical as tlog-scales writes one
    for vkey in vkeys:
        checkpoint.verify(vkey)  # raises if no signature of the key, or if it does not verify
    return checkpoint


def historic(site: str, size: int) -> Checkpoint:
    """The signed checkpoint of an older ``size``, as the consistency endpoint embeds it."""
    bundle = fetch(f"{site}/log/consistency/{size}/{LATEST}").json()
    return opened(bundle["checkpoint1"], log_key(site), witness_key(site))


def flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


class Watching:
    """A tlog-scales backend around another: notes every path tlog-scales asks for and can tamper with
    what one path returns."""

    def __init__(self, inner: TilesBackend, tamper: dict[str, Callable[[bytes], bytes]] | None = None) -> None:
        self.inner = inner
        self.tamper = tamper or {}
        self.paths: list[str] = []

    def get(self, *path: str) -> bytes | None:
        joined = "/".join(path)
        self.paths.append(joined)
        data = self.inner.get(*path)
        if data is not None and joined in self.tamper:
            data = self.tamper[joined](data)
        return data


# --- 1. the checkpoint and the log's key ---------------------------------------------------------------


def test_the_checkpoint_verifies_with_the_published_key(site: str) -> None:
    backend = HttpBackend(site + "/log")
    vkey = log_key(site)
    text = backend.get("checkpoint")
    assert text is not None

    checkpoint = TilesReader(backend).get_checkpoint()
    checkpoint.verify(vkey)

    assert (checkpoint.origin, checkpoint.size) == (ORIGIN, LATEST)
    assert opened(text.decode(), vkey) == checkpoint
    valid = VkeySet(vkey).verify(checkpoint.signatures, checkpoint)
    assert [(k.name, s.name) for k, s in valid] == [(ORIGIN, ORIGIN)]

    # Another key, even of the log's name, matches no signature line.
    stranger = PlainEd25519Signer(ORIGIN, Ed25519PrivateKey.generate()).vkey
    with pytest.raises(RuntimeError, match="no signature matched"):
        checkpoint.verify(stranger)
    # Another public key behind the log's name and key ID: the signature itself fails.
    impostor = Vkey(vkey.name, vkey.key_id, 1, stranger.pubkey)
    with pytest.raises(InvalidSignature):
        checkpoint.verify(impostor)
    # A checkpoint whose size or root was changed keeps a signature that no longer verifies.
    with pytest.raises(InvalidSignature):
        dataclasses.replace(checkpoint, size=checkpoint.size - 1).verify(vkey)
    with pytest.raises(InvalidSignature):
        dataclasses.replace(checkpoint, root_hash=flip(checkpoint.root_hash, 31)).verify(vkey)
    assert not VkeySet(impostor).verify(checkpoint.signatures, checkpoint)


# --- 2. the witness's cosignature ----------------------------------------------------------------------


def test_the_witness_cosignature_verifies(site: str, clock: FixedClock) -> None:
    lkey, wkey = log_key(site), witness_key(site)
    checkpoint = TilesReader(HttpBackend(site + "/log")).get_checkpoint()

    assert [s.name for s in checkpoint.signatures] == [ORIGIN, WITNESS]
    checkpoint.verify(wkey)  # tlog-scales' Ed25519CosignatureVerifier: cosignature/v1, type 0x04
    valid = VkeySet(lkey, wkey).verify(checkpoint.signatures, checkpoint)
    assert sorted(k.name for k, _ in valid) == sorted([ORIGIN, WITNESS])
    cosignature = checkpoint.signatures[1]
    assert len(cosignature.payload) == 8 + 64  # u64 timestamp || Ed25519 signature
    timestamp = Ed25519CosignatureVerifier.get_timestamp(cosignature.payload)
    assert timestamp == int(clock.now().timestamp())  # the time on the witness's (Sunlit's) clock
    for size in SIZES[:-1]:  # the older checkpoints keep their cosignatures
        assert [s.name for s in historic(site, size).signatures] == [ORIGIN, WITNESS]

    verifier = Ed25519CosignatureVerifier(wkey)
    verifier.verify_note(cosignature, checkpoint)
    # The timestamp is signed: the same signature claiming another time is refused.
    moved = NoteSignature(WITNESS, wkey.key_id, (timestamp + 1).to_bytes(8, "big") + cosignature.payload[8:])
    with pytest.raises(InvalidSignature):
        verifier.verify_note(moved, checkpoint)
    # It is bound to this checkpoint: carried over to the older one, it is refused.
    older = historic(site, SIZES[-2])
    with pytest.raises(InvalidSignature):
        verifier.verify_note(cosignature, older)
    # It is a cosignature/v1 and not a plain note signature of the same key (domain separation).
    plain = PlainEd25519Verifier(Vkey(WITNESS, wkey.key_id, 1, wkey.pubkey))
    with pytest.raises(InvalidSignature):
        plain.verify(cosignature.payload[8:], checkpoint)
    # Another witness key of the same name matches nothing.
    stranger = Vkey(WITNESS, None, 4, Ed25519PrivateKey.generate().public_key().public_bytes_raw())
    with pytest.raises(RuntimeError, match="no signature matched"):
        checkpoint.verify(stranger)


# --- 3. tiles and entry bundles -------------------------------------------------------------------------


def test_tiles_fetched_by_tlog_scales_give_the_checkpoints_roots(site: str) -> None:
    lkey = log_key(site)
    backend = Watching(HttpBackend(site + "/log"))
    reader = TilesReader(backend)
    checkpoint = reader.get_checkpoint()
    checkpoint.verify(lkey)

    assert reader.calculate_root_hash() == checkpoint.root_hash
    assert backend.paths == ["checkpoint", "tile/1/000.p/2", "tile/0/002.p/188"]

    # Every entry, from the bundles, hashes to its leaf hash in the level-0 tiles.
    entries = [reader.get_entry(i) for i in range(checkpoint.size)]
    for i, entry in enumerate(entries):
        assert leaf_hash(entry) == reader.mth(i, i + 1), i
        shown = json.loads(entry)
        if i % 7 == 3 and i != BIG:  # sealed: its type and the digest, nothing more
            assert set(shown) == {"schema", "type", "document"} and shown["document"]["salted"] is True
        else:
            assert shown["n"] == i
    assert entries == [bytes(d) for d in LogLeaf.objects.order_by("index").values_list("data", flat=True)]
    assert len(entries[BIG]) == 0xFFFF and json.loads(entries[3])["document"]["salted"] is True
    assert set(backend.paths) >= {
        "tile/entries/000", "tile/entries/001", "tile/entries/002.p/188", "tile/0/000", "tile/0/001",
    }

    # The older checkpoints' roots, from the partial tiles that their sizes produced.
    for size, paths in ((5, ["tile/0/000.p/5"]), (300, ["tile/1/000.p/1", "tile/0/001.p/44"])):
        old = Watching(HttpBackend(site + "/log"))
        old_reader = TilesReader(old)
        old_reader.set_size(size)
        assert old_reader.calculate_root_hash() == historic(site, size).root_hash
        assert old.paths == paths

    # Only tiles that some checkpoint needs are served; tlog-scales' spelling of large indices parses
    # (a 404 "no such tile", not "not a tile path").
    assert backend.inner.get("tile", "0", "002.p", "189") is None
    assert backend.inner.get("tile", "0", "003") is None
    assert backend.inner.get("tile", "entries", "002") is None
    for level, n, width in ((0, 1000, 0), (1, 1_234_067, 7), (-1, 999_999, 0)):
        response = requests.get(site + "/log/" + "/".join(tile_path(level, n, width)), timeout=TIMEOUT)
        assert (response.status_code, response.text) == (404, "no such tile in any checkpointed tree\n")

    # A flipped byte in any tile used for the root changes the root; in an entry bundle, the entry no
    # longer hashes to its leaf hash.
    for path in ("tile/1/000.p/2", "tile/0/002.p/188"):
        tampered = TilesReader(Watching(HttpBackend(site + "/log"), {path: lambda d: flip(d, 40)}))
        tampered.get_checkpoint()
        assert tampered.calculate_root_hash() != checkpoint.root_hash, path
    tampered = TilesReader(Watching(HttpBackend(site + "/log"), {"tile/entries/002.p/188": lambda d: flip(d, 9)}))
    tampered.get_checkpoint()
    assert leaf_hash(tampered.get_entry(512)) != reader.mth(512, 513)


def test_tile_paths_are_spelled_alike() -> None:
    """tlog-scales' tile paths and Sunlit's, for indices a 700-leaf log does not reach."""
    for level in (-1, 0, 1, 5):
        for n in (0, 7, 999, 1000, 1001, 999_999, 1_000_000, 1_234_067, 10**12 + 5):
            for width in (0, 1, 188, 255):
                ours = SunlitTile(ENTRIES if level < 0 else level, n, width or 256).path
                assert "/".join(tile_path(level, n, width)) == ours, (level, n, width)
    assert "/".join(tile_path(0, 1_234_067)) == "tile/0/x001/x234/067"  # the spec's own example


# --- 4. proofs, both ways -------------------------------------------------------------------------------


def test_inclusion_proofs_agree_both_ways(site: str, capsys: pytest.CaptureFixture[str]) -> None:
    lkey = log_key(site)
    reader = TilesReader(HttpBackend(site + "/log"))
    latest = reader.get_checkpoint()
    latest.verify(lkey)
    roots = {LATEST: latest.root_hash, **{s: historic(site, s).root_hash for s in SIZES[:-1]}}

    for size, root in roots.items():
        for index in (i for i in INDICES if i < size):
            entry = reader.get_entry(index)
            bundle = fetch(f"{site}/log/proof/{index}?size={size}&format=json").json()
            assert (bundle["leaf_index"], bundle["tree_size"]) == (index, size)
            assert bundle["leaf_data"].encode() == entry
            assert bytes.fromhex(bundle.get("leaf_hash", leaf_hash(entry).hex())) == leaf_hash(entry)
            assert bytes.fromhex(bundle["root"]) == root
            opened(bundle["checkpoint"], lkey)

            served = InclusionProof(index, size, [bytes.fromhex(h) for h in bundle["proof"]])
            served.check(leaf_hash(entry), root)  # Sunlit's proof, tlog-scales' verification
            built = reader.get_inclusion_proof(index, size)
            built.check(leaf_hash(entry), root)  # tlog-scales' own proof from Sunlit's tiles
            assert built.node_hashes == served.node_hashes, (index, size)

            # Refusals: a flipped proof hash, a proof cut short, another entry, the neighbour's index.
            hashes = served.node_hashes
            for bad, leaf in (
                (InclusionProof(index, size, [flip(hashes[0], 0), *hashes[1:]]), leaf_hash(entry)),
                (InclusionProof(index, size, hashes[:-1]), leaf_hash(entry)),
                (served, leaf_hash(entry + b" ")),
                (InclusionProof(index ^ 1, size, hashes), leaf_hash(entry)),
            ):
                with pytest.raises(InclusionProofInvalid):
                    bad.check(leaf, root)

    # The c2sp.org/tlog-proof text Sunlit serves is what tlog-scales' own `gen-proof` writes.
    for index in (0, 299, BIG, LATEST - 1):
        cli.cmd_gen_proof(argparse.Namespace(location=site + "/log", leaf_index=index))
        assert fetch(f"{site}/log/proof/{index}").text == capsys.readouterr().out


def test_consistency_proofs_agree_both_ways(site: str) -> None:
    lkey, wkey = log_key(site), witness_key(site)
    reader = TilesReader(HttpBackend(site + "/log"))
    reader.get_checkpoint()

    pairs = [(a, b) for i, a in enumerate(SIZES) for b in SIZES[i + 1 :]]
    for old, new in pairs:
        bundle = fetch(f"{site}/log/consistency/{old}/{new}").json()
        first = opened(bundle["checkpoint1"], lkey, wkey)
        second = opened(bundle["checkpoint"], lkey, wkey)
        assert (first.size, second.size) == (old, new) == (bundle["size1"], bundle["size2"])
        assert (bytes.fromhex(bundle["root1"]), bytes.fromhex(bundle["root2"])) == (first.root_hash, second.root_hash)

        served = ConsistencyProof(old, new, [bytes.fromhex(h) for h in bundle["proof"]])
        served.check(first.root_hash, second.root_hash)  # Sunlit's proof, tlog-scales' verification
        built = reader.get_consistency_proof(old, new)
        built.check(first.root_hash, second.root_hash)  # tlog-scales' own proof from Sunlit's tiles
        assert built.node_hashes == served.node_hashes, (old, new)

        hashes = served.node_hashes
        for bad, roots in (
            (ConsistencyProof(old, new, [*hashes[:-1], flip(hashes[-1], 31)]), (first.root_hash, second.root_hash)),
            (ConsistencyProof(old, new, hashes[1:]), (first.root_hash, second.root_hash)),
            (served, (flip(first.root_hash, 0), second.root_hash)),
            (served, (first.root_hash, flip(second.root_hash, 0))),
            (ConsistencyProof(old + 1, new, hashes), (first.root_hash, second.root_hash)),
        ):
            with pytest.raises(ConsistencyProofInvalid):
                bad.check(*roots)


# --- 5. the static export: read by tlog-scales, and equal to what tlog-scales writes --------------------


def tree_files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_static_export_is_what_tlog_scales_reads_and_writes(site: str, tmp_path: Path, fresh_keys: Path) -> None:
    mirror = tmp_path / "mirror"
    call_command("log_export", str(mirror), stdout=io.StringIO())
    lkey, wkey = published_key(LocalBackend(mirror), "key"), witness_key(site)
    assert lkey.serialize() == log_key(site).serialize()

    reader = TilesReader(make_backend(str(mirror)))
    checkpoint = reader.get_checkpoint()
    checkpoint.verify(lkey)
    checkpoint.verify(wkey)
    assert checkpoint.size == LATEST
    assert reader.calculate_root_hash() == checkpoint.root_hash
    for size in SIZES[:-1]:
        old = TilesReader(LocalBackend(mirror))
        old.set_size(size)
        assert old.calculate_root_hash() == historic(site, size).root_hash
    entries = [reader.get_entry(i) for i in range(LATEST)]
    for index in INDICES:
        reader.get_inclusion_proof(index, LATEST).check(leaf_hash(entries[index]), checkpoint.root_hash)

    # tlog-scales' writer, given the same entries, committing at the same sizes and signing with the log's
    # key (Ed25519 signatures are deterministic), writes the same files. It keeps the older partial tiles
    # with gc=False, as Sunlit does (c2sp.org/tlog-tiles: a log MAY delete them once the full tile exists).
    skey = (fresh_keys / "log-signer.key").read_text().strip().split("+", 4)
    raw = base64.b64decode(skey[4])
    assert skey[:3] == ["PRIVATE", "KEY", ORIGIN] and raw[0] == 1
    signer = PlainEd25519Signer(ORIGIN, raw[1:])
    assert signer.vkey.serialize() == lkey.serialize()
    written = tmp_path / "tlog-scales"
    writer = TilesWriter.create(written, ORIGIN)
    done = 0
    for size in SIZES:
        for entry in entries[done:size]:
            writer.add_leaf(entry)
        writer.commit([signer], gc=False)
        done = size

    ours, theirs = tree_files(mirror), tree_files(written)
    assert ours.pop("key") == (lkey.serialize() + "\n").encode()
    exported_checkpoint = ours.pop("checkpoint").decode()
    # The same note and log signature; Sunlit's carries the witness's cosignature after it.
    assert exported_checkpoint.startswith(theirs.pop("checkpoint").decode())
    assert exported_checkpoint.count("\n\u2014 ") == 2
    assert sorted(ours) == sorted(theirs)
    assert [p for p in ours if ours[p] != theirs[p]] == []

    # A flipped byte in the mirror is caught: in a tile on the root's path, and in an entry bundle.
    tile = mirror / "tile" / "1" / "000.p" / "2"
    original = tile.read_bytes()
    tile.write_bytes(flip(original, 40))
    tampered = TilesReader(LocalBackend(mirror))
    tampered.get_checkpoint()
    assert tampered.calculate_root_hash() != checkpoint.root_hash
    tile.write_bytes(original)
    bundle = mirror / "tile" / "entries" / "001"
    bundle.write_bytes(flip(bundle.read_bytes(), 20))
    tampered = TilesReader(LocalBackend(mirror))
    tampered.get_checkpoint()
    with pytest.raises(InclusionProofInvalid):
        tampered.get_inclusion_proof(256, LATEST).check(leaf_hash(tampered.get_entry(256)), checkpoint.root_hash)
