"""Offline verification of a proof file: a c2sp.org/tlog-proof or a JSON bundle (see docs/tlog.md).

No database, no network: the file, the verifier keys and (for a tlog-proof, which does not carry its
entry) the entry's leaf hash or data are all there is. Every function returns ``(ok, reason)`` where
``reason`` is one line starting with ``ok:`` or ``invalid:``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sunlit.core.tlog.checkpoint import Checkpoint, CheckpointError, parse_checkpoint
from sunlit.core.tlog.merkle import HASH_SIZE, leaf_hash, verify_consistency, verify_inclusion
from sunlit.core.tlog.note import NoteError, Verifier, parse_note, parse_verifier_key
from sunlit.core.tlog.proof import (
    TLOG_PROOF_HEADER,
    ConsistencyBundle,
    InclusionBundle,
    ProofFormatError,
    TlogProof,
    parse_bundle,
    parse_tlog_proof,
)

Result = tuple[bool, str]
MAX_FILE_SIZE = 1 << 20


class Invalid(Exception):
    """Raised inside this module to stop at the first failure; turned into ``(False, reason)``."""


@dataclass(frozen=True)
class LeafInput:
    """The entry a tlog-proof is about (a tlog-proof does not carry it): its leaf hash or its data."""

    leaf_hash: bytes | None = None
    leaf_data: bytes | None = None

    def hash(self) -> bytes | None:
        if self.leaf_data is not None:
            h = leaf_hash(self.leaf_data)
            if self.leaf_hash is not None and self.leaf_hash != h:
                raise Invalid("the given leaf hash is not the leaf hash of the given leaf data")
            return h
        return self.leaf_hash


def _short(root: bytes) -> str:
    return root.hex()


def parse_keys(verifier_keys: Sequence[str]) -> list[Verifier]:
    verifiers = []
    for k in verifier_keys:
        try:
            verifiers.append(parse_verifier_key(k))
        except NoteError as exc:
            raise Invalid(f"bad verifier key {k.split('+', 1)[0]!r}: {exc}") from exc
    return verifiers


def check_checkpoint(
    signed: str, verifiers: Sequence[Verifier], size: int | None, root: bytes | None, what: str = "checkpoint"
) -> tuple[Checkpoint, str]:
    """Parse a signed checkpoint, bind it to (size, root) and check it against every given verifier.

    Every verifier must have a signature on it that verifies; a signature of a given key that does not
    verify, or a given key with no signature, makes it invalid. Signatures of other keys are ignored.
    Returns the checkpoint and a short account of the signatures for the reason line.
    """
    try:
        note = parse_note(signed)
        checkpoint = parse_checkpoint(note.text)
    except NoteError as exc:  # CheckpointError is a NoteError
        raise Invalid(f"{what} is malformed: {exc}") from exc
    if size is not None and checkpoint.size != size:
        raise Invalid(f"{what} is for tree size {checkpoint.size}, not {size}")
    if root is not None and checkpoint.root_hash != root:
        raise Invalid(f"{what} root hash {_short(checkpoint.root_hash)} is not {_short(root)}")
    if not verifiers:
        return checkpoint, f"{what} signatures not checked (no verifier key given)"
    msg = note.text.encode()
    signed_by = []
    for v in verifiers:
        mine = [s for s in note.signatures if s.name == v.name and s.key_id == v.key_id]
        if not mine:
            raise Invalid(f"{what} is not signed by {v.name}+{v.key_id.hex()}")
        if not all(v.verify(msg, s.signature) for s in mine):
            raise Invalid(f"{what} signature by {v.name}+{v.key_id.hex()} does not verify")
        signed_by.append(v.name)
    return checkpoint, f"{what} {checkpoint.origin} signed by {', '.join(signed_by)}"


def verify_tlog_proof(proof: TlogProof, verifiers: Sequence[Verifier], leaf: LeafInput) -> Result:
    try:
        lh = leaf.hash()
        if lh is None:
            raise Invalid(
                "a tlog-proof does not carry its entry: give the entry's leaf hash or data "
                "(--leaf-hash, --leaf-data or --leaf-file)"
            )
        checkpoint, signatures = check_checkpoint(proof.checkpoint, verifiers, None, None)
        if proof.index >= checkpoint.size:
            raise Invalid(f"index {proof.index} is not in the checkpoint's tree of size {checkpoint.size}")
        if not verify_inclusion(proof.index, checkpoint.size, lh, proof.hashes, checkpoint.root_hash):
            raise Invalid(
                f"the inclusion proof for leaf {proof.index} does not lead to the checkpoint's root "
                f"{_short(checkpoint.root_hash)} (tree size {checkpoint.size})"
            )
    except Invalid as exc:
        return False, f"invalid: {exc}"
    extra = "; extra data present (not authenticated)" if proof.extra is not None else ""
    return True, (
        f"ok: leaf {proof.index} included in tree of size {checkpoint.size} "
        f"(root {_short(checkpoint.root_hash)}); {signatures}{extra}"
    )


def verify_inclusion_bundle(bundle: InclusionBundle, verifiers: Sequence[Verifier], leaf: LeafInput) -> Result:
    try:
        given = leaf.hash()
        if given is not None and given != bundle.leaf_hash:
            raise Invalid("the bundle's leaf is not the given leaf")
        if bundle.checkpoint is not None:
            _, signatures = check_checkpoint(bundle.checkpoint, verifiers, bundle.tree_size, bundle.root)
        elif verifiers:
            raise Invalid("a verifier key was given but the bundle has no checkpoint")
        else:
            signatures = "no checkpoint"
        if bundle.leaf_index >= bundle.tree_size:
            raise Invalid(f"leaf index {bundle.leaf_index} is not in a tree of size {bundle.tree_size}")
        if not verify_inclusion(bundle.leaf_index, bundle.tree_size, bundle.leaf_hash, bundle.proof, bundle.root):
            raise Invalid(
                f"the inclusion proof for leaf {bundle.leaf_index} does not lead to root "
                f"{_short(bundle.root)} (tree size {bundle.tree_size})"
            )
    except Invalid as exc:
        return False, f"invalid: {exc}"
    return True, (
        f"ok: leaf {bundle.leaf_index} included in tree of size {bundle.tree_size} "
        f"(root {_short(bundle.root)}); {signatures}"
    )


def verify_consistency_bundle(bundle: ConsistencyBundle, verifiers: Sequence[Verifier]) -> Result:
    try:
        notes = []
        if bundle.checkpoint1 is not None:
            notes.append(
                check_checkpoint(bundle.checkpoint1, verifiers, bundle.size1, bundle.root1, "checkpoint1")[1]
            )
        if bundle.checkpoint is not None:
            notes.append(check_checkpoint(bundle.checkpoint, verifiers, bundle.size2, bundle.root2)[1])
        if not notes:
            if verifiers:
                raise Invalid("a verifier key was given but the bundle has no checkpoint")
            notes.append("no checkpoint")
        if bundle.size1 > bundle.size2:
            raise Invalid(f"size1 {bundle.size1} is larger than size2 {bundle.size2}")
        if not verify_consistency(bundle.size1, bundle.size2, bundle.proof, bundle.root1, bundle.root2):
            raise Invalid(
                f"the consistency proof does not show tree {bundle.size1} (root {_short(bundle.root1)}) "
                f"is a prefix of tree {bundle.size2} (root {_short(bundle.root2)})"
            )
    except Invalid as exc:
        return False, f"invalid: {exc}"
    return True, (
        f"ok: tree of size {bundle.size1} (root {_short(bundle.root1)}) is a prefix of tree of size "
        f"{bundle.size2} (root {_short(bundle.root2)}); {'; '.join(notes)}"
    )


def verify_text(
    text: str | bytes,
    verifier_keys: Sequence[str] = (),
    *,
    leaf_hash: bytes | None = None,
    leaf_data: bytes | None = None,
) -> Result:
    """Verify the content of a proof file (a tlog-proof or a JSON bundle)."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            return False, "invalid: the file is not UTF-8 text"
    if leaf_hash is not None and len(leaf_hash) != HASH_SIZE:
        return False, f"invalid: a leaf hash is {HASH_SIZE} bytes"
    leaf = LeafInput(leaf_hash=leaf_hash, leaf_data=leaf_data)
    try:
        verifiers = parse_keys(verifier_keys)
    except Invalid as exc:
        return False, f"invalid: {exc}"
    try:
        if text.startswith(TLOG_PROOF_HEADER + "\n"):
            return verify_tlog_proof(parse_tlog_proof(text), verifiers, leaf)
        if text.lstrip().startswith("{"):
            bundle = parse_bundle(text)
            if isinstance(bundle, InclusionBundle):
                return verify_inclusion_bundle(bundle, verifiers, leaf)
            if leaf.leaf_hash is not None or leaf.leaf_data is not None:
                return False, "invalid: a leaf was given but the bundle is a consistency proof"
            return verify_consistency_bundle(bundle, verifiers)
    except (ProofFormatError, CheckpointError) as exc:
        return False, f"invalid: malformed proof: {exc}"
    return False, f"invalid: not a proof: neither {TLOG_PROOF_HEADER} nor a JSON bundle"


def verify_file(
    source: str | os.PathLike[str] | bytes,
    verifier_keys: Sequence[str] = (),
    *,
    leaf_hash: bytes | None = None,
    leaf_data: bytes | None = None,
) -> Result:
    """Verify a proof file given by path, or its content.

    ``source`` is read as a path when it is a ``PathLike``, or a ``str`` that does not itself look like a
    proof (a proof starts with the tlog-proof header or with ``{``); ``bytes`` are the content.
    """
    if isinstance(source, str) and (source.startswith(TLOG_PROOF_HEADER + "\n") or source.lstrip().startswith("{")):
        content: str | bytes = source
    elif isinstance(source, bytes):
        content = source
    else:
        path = Path(source)
        try:
            with path.open("rb") as fh:
                content = fh.read(MAX_FILE_SIZE + 1)
        except OSError as exc:
            return False, f"invalid: cannot read {path}: {exc.strerror or exc}"
        if len(content) > MAX_FILE_SIZE:
            return False, f"invalid: {path} is larger than {MAX_FILE_SIZE} bytes"
    return verify_text(content, verifier_keys, leaf_hash=leaf_hash, leaf_data=leaf_data)
