"""`sunlit audit-log`: recompute the tree from the stored leaves and check everything stored against it.

Checked, in order:

1. the leaves are 0, 1, 2, … with no gap, as many as the state row says;
2. every stored perfect-subtree hash equals the one recomputed from the leaves. A mismatch is blamed on
   the lowest hash that differs while its children agree: a leaf hash that is not the hash of the
   stored entry (the entry or the hash was edited: the leaf's index), or a node over leaves [a, b)
   whose children are right (the node was edited: a);
3. every checkpoint: a well-formed note signed by the log's key, naming the log's origin, with the size
   and root its row says, whose root is the recomputed root at its size; and between consecutive
   checkpoints, a consistency proof built from the stored hashes verifies;
4. every digest entry has its side document, which still hashes to the digest and carries the entry's
   header.

Each problem carries the first leaf index it concerns (when it concerns leaves); the report's
``first_bad_index`` is the smallest.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS, connections

from sunlit.core.tlog import merkle
from sunlit.core.tlog.checkpoint import parse_checkpoint
from sunlit.core.tlog.merkle import MerkleTree, leaf_hash
from sunlit.core.tlog.note import NoteError, Verifier, parse_note, verify
from sunlit.core.tlog.tiles import MAX_ENTRY_SIZE
from sunlit.record import keys, store
from sunlit.record.leaf import document_matches, entry_digest
from sunlit.record.models import Checkpoint, LogDocument, LogHash, LogLeaf, LogState

T = TypeVar("T")
CHUNK = 20_000
MAX_PROBLEMS = 1000


@dataclass(frozen=True)
class Problem:
    index: int | None
    """The first leaf index this concerns, or None (a document, a proof)."""
    message: str


@dataclass
class AuditReport:
    size: int = 0
    leaves: int = 0
    hashes: int = 0
    checkpoints: int = 0
    documents: int = 0
    root: bytes | None = None
    problems: list[Problem] = field(default_factory=list)
    truncated: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_bad_index(self) -> int | None:
        indices = [p.index for p in self.problems if p.index is not None]
        return min(indices) if indices else None

    def add(self, index: int | None, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(index, message))
        else:
            self.truncated = True

    def lines(self) -> list[str]:
        if self.ok:
            root = self.root.hex() if self.root is not None else "none"
            return [
                f"ok: {self.leaves} leaves, {self.hashes} stored hashes, {self.checkpoints} checkpoints and "
                f"{self.documents} documents agree (root {root})"
            ]
        out = [f"FAIL: leaf {p.index}: {p.message}" if p.index is not None else f"FAIL: {p.message}"
               for p in sorted(self.problems, key=lambda p: (p.index is None, p.index or 0))]
        if self.truncated:
            out.append(f"… more problems not shown (first {MAX_PROBLEMS})")
        first = self.first_bad_index
        out.append(f"first bad index: {first}" if first is not None else "first bad index: none (see above)")
        return out


def audit(
    *, verifiers: list[Verifier] | None = None, origin: str | None = None, using: str = DEFAULT_DB_ALIAS
) -> AuditReport:
    report = AuditReport()
    state = LogState.objects.using(using).filter(pk=1).first()
    report.size = state.size if state else 0
    origin = origin or (state.origin if state and state.origin else keys.log_origin())
    if verifiers is None:
        verifiers = [keys.log_verifier()]
    digests: list[int] = []
    tree = _check_leaves(report, digests, using)
    _check_hashes(report, tree, using)
    _check_checkpoints(report, tree, verifiers, origin, using)
    _check_documents(report, digests, using)
    return report


def _check_leaves(report: AuditReport, digests: list[int], using: str) -> MerkleTree:
    tree = MerkleTree()
    pending: list[bytes] = []
    expected = 0
    contiguous = True
    rows = LogLeaf.objects.using(using).order_by("index").values_list("index", "data").iterator(chunk_size=CHUNK)
    for index, data in rows:
        report.leaves += 1
        if index != expected and contiguous:
            missing = f"leaf {expected} is missing" if index == expected + 1 else f"leaves {expected}–{index - 1} are missing"
            report.add(expected, missing)
            contiguous = False
        expected = index + 1
        if not contiguous:
            continue
        entry = bytes(data)
        if len(entry) > MAX_ENTRY_SIZE:
            report.add(index, f"the entry is {len(entry)} bytes, above the {MAX_ENTRY_SIZE}-byte limit")
        pending.append(leaf_hash(entry))
        if entry_digest(entry) is not None:
            digests.append(index)
        if len(pending) >= CHUNK:
            tree.append_leaf_hashes(pending)
            pending = []
    tree.append_leaf_hashes(pending)
    if contiguous and tree.size < report.size:
        what = f"leaf {tree.size} is" if tree.size + 1 == report.size else f"leaves {tree.size}–{report.size - 1} are"
        report.add(tree.size, f"{what} missing (the log's size is {report.size})")
    if contiguous and tree.size > report.size:
        report.add(report.size, f"{tree.size - report.size} leaves lie beyond the log's size {report.size}")
    return tree


def _recomputed(tree: MerkleTree, level: int, index: int) -> bytes | None:
    try:
        return tree.get_perfect(level, index)
    except IndexError:
        return None


def _check_hashes(report: AuditReport, tree: MerkleTree, using: str) -> None:
    conn = connections[using]
    q = conn.ops.quote_name
    sql = (
        f"SELECT {q('level')}, {q('index')}, {q('hash')} FROM {q(LogHash._meta.db_table)} "  # noqa: S608
        f"ORDER BY {q('level')}, {q('index')}"
    )
    size = report.size
    bad_below: set[int] = set()  # indices that differ at the level below
    bad_here: set[int] = set()
    level, expected = 0, 0
    with conn.chunked_cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(CHUNK):
            for lv, ix, h in rows:
                report.hashes += 1
                if lv != level:
                    _missing_at_end(report, level, expected, size)
                    level, expected = lv, 0
                    bad_below, bad_here = bad_here, set()
                first_leaf = ix << lv
                if ix > expected:
                    report.add(expected << lv, f"stored hashes ({lv}, {expected})–({lv}, {ix - 1}) are missing")
                expected = ix + 1
                if ix >= size >> lv:
                    report.add(first_leaf, f"stored hash ({lv}, {ix}) lies beyond the log's size {size}")
                    continue
                want = _recomputed(tree, lv, ix)
                if want is None:
                    continue  # its leaves are missing: reported already
                if bytes(h) != want:
                    bad_here.add(ix)
                    if lv == 0:
                        report.add(ix, "the stored leaf hash is not the hash of the stored entry "
                                       "(the entry or its hash was changed)")
                    elif 2 * ix not in bad_below and 2 * ix + 1 not in bad_below:
                        end = (ix + 1) << lv
                        report.add(first_leaf, f"the stored hash ({lv}, {ix}) over leaves [{first_leaf}, {end}) "
                                               "does not match those leaves (the hash was changed)")
    _missing_at_end(report, level, expected, size)
    for lv in range(level + 1, size.bit_length()):
        if size >> lv:
            report.add(0, f"no stored hash at level {lv}")


def _missing_at_end(report: AuditReport, level: int, expected: int, size: int) -> None:
    count = size >> level
    if expected < count:
        report.add(expected << level, f"stored hashes ({level}, {expected})–({level}, {count - 1}) are missing")


def _check_checkpoints(
    report: AuditReport, tree: MerkleTree, verifiers: list[Verifier], origin: str, using: str
) -> None:
    previous: Checkpoint | None = None
    good_size = 0  # the largest size whose checkpoint matched the recomputed tree so far
    for cp in Checkpoint.objects.using(using).order_by("size").iterator(chunk_size=1000):
        report.checkpoints += 1
        label = f"checkpoint of size {cp.size}"
        root = bytes(cp.root)
        try:
            note = parse_note(cp.signed_note)
            text = parse_checkpoint(note.text)
            signed = verify(note, verifiers)
        except NoteError as exc:
            report.add(None, f"{label}: {exc}")
            signed, text = [], None
        if text is not None:
            if not signed:
                report.add(None, f"{label} is not signed by the log's key")
            if (text.origin, text.size, text.root_hash) != (origin, cp.size, root):
                report.add(None, f"{label}: the signed note does not say the row's origin, size and root")
        if cp.size > tree.size:
            report.add(tree.size, f"{label} covers leaves that are missing")
        elif tree.root(cp.size) != root:
            # Blame [good_size, size) only when nothing more precise was found there.
            explained = any(p.index is not None and good_size <= p.index < cp.size for p in report.problems)
            report.add(None if explained else good_size,
                       f"{label}: its root is not the root of the stored leaves: a leaf in "
                       f"[{good_size}, {cp.size}) is not the one that was signed")
        else:
            good_size = cp.size
        if previous is not None:
            _check_consistency(report, previous, cp, using)
        previous = cp
        report.root = root


def _check_consistency(report: AuditReport, old: Checkpoint, new: Checkpoint, using: str) -> None:
    try:
        proof = store.consistency_proof(old.size, new.size, using)
    except (store.LogCorrupt, merkle.ProofError) as exc:
        report.add(None, f"no consistency proof from {old.size} to {new.size}: {exc}")
        return
    if not merkle.verify_consistency(old.size, new.size, proof, bytes(old.root), bytes(new.root)):
        report.add(None, f"the consistency proof from the stored hashes does not link checkpoint {old.size} "
                         f"to checkpoint {new.size}")


def _check_documents(report: AuditReport, digests: list[int], using: str) -> None:
    """Every digest entry has its document, which hashes to the digest and carries the entry's header."""
    named = iter(digests)
    want = next(named, None)
    rows = LogDocument.objects.using(using).order_by("index").values_list("index", "data")
    for chunk in _chunks(rows.iterator(chunk_size=1000), 500):
        entries = dict(
            LogLeaf.objects.using(using).filter(index__in=[r[0] for r in chunk]).values_list("index", "data")
        )
        for index, data in chunk:
            report.documents += 1
            while want is not None and want < index:
                report.add(want, "the document its entry names is missing")
                want = next(named, None)
            if want == index:
                want = next(named, None)
            doc = bytes(data)
            entry = entries.get(index)
            if entry is None:
                report.add(index, "a document is kept for this leaf, which is not in the log")
            elif not document_matches(bytes(entry), doc):
                report.add(index, "its document is not the one its entry names (digest, size or header differ)")
    while want is not None:
        report.add(want, "the document its entry names is missing")
        want = next(named, None)


def _chunks(rows: Iterator[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
