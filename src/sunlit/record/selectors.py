"""Reading the log: checkpoints, tiles and entry bundles (c2sp.org/tlog-tiles), proofs, leaves.

Everything served is bound to a signed checkpoint: full tiles and entries only below the latest
checkpoint's size, partial tiles only of a width that some checkpointed size produces, proofs only
against a stored checkpoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS

from sunlit.core.tlog.merkle import leaf_hash
from sunlit.core.tlog.proof import ConsistencyBundle, InclusionBundle, TlogProof
from sunlit.core.tlog.tiles import TILE_HEIGHT, TILE_WIDTH, Tile, encode_entry_bundle
from sunlit.record import keys, store
from sunlit.record.leaf import EVENT
from sunlit.record.models import Checkpoint, LogDocument, LogLeaf


class ProofUnavailable(LookupError):
    """No proof can be given: no such checkpoint, or the leaf is not (yet) covered by it."""


def latest_checkpoint(using: str = DEFAULT_DB_ALIAS) -> Checkpoint | None:
    return Checkpoint.objects.using(using).order_by("-size").first()


def checkpoint_of_size(size: int, using: str = DEFAULT_DB_ALIAS) -> Checkpoint | None:
    return Checkpoint.objects.using(using).filter(size=size).first()


def verifier_key() -> str:
    return keys.verifier_key()


# --- tiles -------------------------------------------------------------------------------------------


def tile_is_served(tile: Tile, latest_size: int, using: str = DEFAULT_DB_ALIAS) -> bool:
    """A full tile whose span the latest checkpoint covers, or a partial tile some checkpoint produces."""
    level = 0 if tile.is_entries else int(tile.level)
    span = TILE_WIDTH**level  # leaves under each hash of the tile
    if not tile.is_partial:
        return (tile.index + 1) * TILE_WIDTH * span <= latest_size
    low = (tile.index * TILE_WIDTH + tile.width) * span
    if low > latest_size:
        return False
    return Checkpoint.objects.using(using).filter(size__gte=low, size__lt=low + span).exists()


def tile_content(tile: Tile, using: str = DEFAULT_DB_ALIAS) -> bytes | None:
    """The bytes served at ``tile.path``, or None when that tile is not served (404)."""
    latest = latest_checkpoint(using)
    if latest is None or not tile_is_served(tile, latest.size, using):
        return None
    return tile_data(tile, using)


def tile_data(tile: Tile, using: str = DEFAULT_DB_ALIAS) -> bytes:
    """A tile's or entry bundle's bytes from the stored hashes or leaves (no check that it is served)."""
    first = tile.index * TILE_WIDTH
    if tile.is_entries:
        return encode_entry_bundle(store.leaf_range(first, first + tile.width, using))
    return store.hash_range(int(tile.level) * TILE_HEIGHT, first, first + tile.width, using)


# --- leaves and documents -----------------------------------------------------------------------------


def leaf_index(kind: str, ref: int, using: str = DEFAULT_DB_ALIAS) -> int | None:
    """The index of the leaf queued for (kind, ref), once the sequencer has appended it."""
    return (
        LogLeaf.objects.using(using).filter(kind=kind, ref=ref).order_by("index").values_list("index", flat=True).first()
    )


def event_leaf_index(event: Any) -> int | None:
    return leaf_index(EVENT, event.pk)


def record_leaf_index(record: Any) -> int | None:
    """The leaf of a published record (a catalog.PowerItemVersion)."""
    return leaf_index(record._meta.label_lower, record.pk)


def record_leaf_indexes(records: list[Any]) -> dict[int, int]:
    """Leaf index of each published record already in the log, by record id, in one query."""
    if not records:
        return {}
    kind = records[0]._meta.label_lower
    rows = LogLeaf.objects.filter(kind=kind, ref__in=[r.pk for r in records]).order_by("-index")
    return dict(rows.values_list("ref", "index"))


def leaf_entry(index: int, using: str = DEFAULT_DB_ALIAS) -> bytes | None:
    """The entry bytes of a leaf a checkpoint covers (what `sunlit verify --leaf-file` takes)."""
    latest = latest_checkpoint(using)
    if latest is None or not 0 <= index < latest.size:
        return None
    data = LogLeaf.objects.using(using).filter(index=index).values_list("data", flat=True).first()
    return bytes(data) if data is not None else None


def public_document(index: int, using: str = DEFAULT_DB_ALIAS) -> bytes | None:
    """The public document of leaf ``index`` whose entry holds only its digest (a record too large for an
    entry), once a checkpoint covers the leaf."""
    if leaf_entry(index, using) is None:
        return None
    data = LogDocument.objects.using(using).filter(index=index, public=True).values_list("data", flat=True).first()
    return bytes(data) if data is not None else None


def leaf_document(index: int, using: str = DEFAULT_DB_ALIAS) -> bytes | None:
    """The side document of leaf ``index``, public or sealed: for auditors and staff, never for the public."""
    data = LogDocument.objects.using(using).filter(index=index).values_list("data", flat=True).first()
    return bytes(data) if data is not None else None


# --- proofs --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InclusionProof:
    """Leaf ``index`` in the checkpointed tree of ``size``: everything needed to check it offline."""

    index: int
    size: int
    entry: bytes
    hashes: tuple[bytes, ...]
    root: bytes
    checkpoint: str
    """The signed checkpoint note (with any cosignatures)."""

    @property
    def leaf_hash(self) -> bytes:
        return leaf_hash(self.entry)

    def tlog_proof(self) -> str:
        """c2sp.org/tlog-proof@v1 text (it does not carry the entry; see :meth:`bundle`)."""
        return TlogProof(index=self.index, hashes=self.hashes, checkpoint=self.checkpoint).format()

    def bundle(self) -> InclusionBundle:
        """Sunlit's JSON bundle, with the entry as ``leaf_data`` (entries are UTF-8 JSON)."""
        try:
            text: str | None = self.entry.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        return InclusionBundle(
            leaf_index=self.index, tree_size=self.size, leaf_hash=self.leaf_hash, proof=self.hashes,
            root=self.root, checkpoint=self.checkpoint, leaf_data=text,
        )


_MAX_SIZE = (1 << 63) - 1  # a database bigint


def _checkpoint_for(size: int | None, using: str) -> Checkpoint:
    if size is not None and not 0 <= size <= _MAX_SIZE:
        raise ProofUnavailable("没有该大小的检查点")
    cp = latest_checkpoint(using) if size is None else checkpoint_of_size(size, using)
    if cp is None:
        raise ProofUnavailable("没有该大小的检查点" if size is not None else "日志尚无检查点")
    return cp


def inclusion_proof(index: int, size: int | None = None, using: str = DEFAULT_DB_ALIAS) -> InclusionProof:
    """Inclusion of leaf ``index`` against the checkpoint of ``size`` (default: the latest)."""
    cp = _checkpoint_for(size, using)
    if not 0 <= index < cp.size:
        raise ProofUnavailable(f"第{index}条尚未纳入大小为{cp.size}的检查点")
    data = LogLeaf.objects.using(using).filter(index=index).values_list("data", flat=True).first()
    if data is None:
        raise store.LogCorrupt(f"leaf {index} is missing")
    hashes = store.inclusion_proof(index, cp.size, using)
    return InclusionProof(
        index=index, size=cp.size, entry=bytes(data), hashes=tuple(hashes), root=bytes(cp.root),
        checkpoint=cp.signed_note,
    )


def proof_for_event(event: Any, size: int | None = None) -> InclusionProof:
    """The inclusion proof of an event's leaf (for the portal and the console)."""
    index = event_leaf_index(event)
    if index is None:
        raise ProofUnavailable("该事件尚未写入日志，请稍候")
    return inclusion_proof(index, size)


def proof_for_record(record: Any, size: int | None = None) -> InclusionProof:
    """The inclusion proof of a published record version's leaf."""
    index = record_leaf_index(record)
    if index is None:
        raise ProofUnavailable("该记录尚未写入日志，请稍候")
    return inclusion_proof(index, size)


def consistency(size1: int, size2: int | None = None, using: str = DEFAULT_DB_ALIAS) -> ConsistencyBundle:
    """A consistency proof between two checkpoints (the second defaults to the latest), both embedded."""
    cp2 = _checkpoint_for(size2, using)
    cp1 = _checkpoint_for(size1, using)
    if cp1.size > cp2.size:
        raise ProofUnavailable("第一个检查点不能大于第二个")
    hashes = store.consistency_proof(cp1.size, cp2.size, using)
    return ConsistencyBundle(
        size1=cp1.size, size2=cp2.size, root1=bytes(cp1.root), root2=bytes(cp2.root), proof=tuple(hashes),
        checkpoint=cp2.signed_note, checkpoint1=cp1.signed_note,
    )


def event_leaves(event_ids: list[int], using: str = DEFAULT_DB_ALIAS) -> dict[int, tuple[int, bytes]]:
    """The leaf of each event already in the log, by event id: (index, entry bytes), in one query."""
    rows = LogLeaf.objects.using(using).filter(kind=EVENT, ref__in=event_ids).values_list("ref", "index", "data")
    return {ref: (index, bytes(data)) for ref, index, data in rows}
