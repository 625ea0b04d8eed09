"""Proof files: c2sp.org/tlog-proof@v1 and Sunlit's JSON proof bundles.

tlog-proof (text, lines separated by U+000A)::

    c2sp.org/tlog-proof@v1
    [extra <base64 opaque data>]
    index <decimal, no leading zeroes>
    <base64 hash>            (zero or more: the inclusion proof, leaf's sibling first)
                             (an empty line)
    <the signed checkpoint note, verbatim>

JSON bundles (see docs/tlog.md)::

    {"type": "inclusion", "leaf_index": 5, "tree_size": 8,
     "leaf_hash": "<hex>" | "leaf_data": "<UTF-8 string>",
     "proof": ["<hex>", ...], "root": "<hex>", ["checkpoint": "<signed note>"]}

    {"type": "consistency", "size1": 6, "size2": 8, "root1": "<hex>", "root2": "<hex>",
     "proof": ["<hex>", ...], ["checkpoint": "<signed note for size2>"],
     ["checkpoint1": "<signed note for size1>"]}
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from sunlit.core.tlog.checkpoint import CheckpointError, parse_decimal
from sunlit.core.tlog.merkle import HASH_SIZE, leaf_hash
from sunlit.core.tlog.note import NoteError, b64decode_strict, b64encode

TLOG_PROOF_HEADER = "c2sp.org/tlog-proof@v1"
MAX_PROOF_HASHES = 64
"""A tree of at most 2**64 leaves has proofs of at most 64 hashes."""
MAX_SIZE = (1 << 64) - 1
_HEX_HASH = re.compile(r"[0-9a-fA-F]{64}")


class ProofFormatError(ValueError):
    """A malformed tlog-proof or JSON bundle."""


# --- c2sp.org/tlog-proof -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TlogProof:
    index: int
    hashes: tuple[bytes, ...]
    checkpoint: str
    """The signed checkpoint note, verbatim (signature lines included)."""
    extra: bytes | None = None
    """Opaque, unauthenticated extra data; None when the proof has no ``extra`` line."""

    def format(self) -> str:
        lines = [TLOG_PROOF_HEADER]
        if self.extra is not None:
            lines.append(f"extra {b64encode(self.extra)}")
        lines.append(f"index {self.index}")
        lines.extend(b64encode(h) for h in self.hashes)
        return "".join(line + "\n" for line in lines) + "\n" + self.checkpoint

    def __str__(self) -> str:
        return self.format()


def _next_line(text: str, pos: int, what: str) -> tuple[str, int]:
    end = text.find("\n", pos)
    if end < 0:
        raise ProofFormatError(f"tlog-proof ends before {what}")
    return text[pos:end], end + 1


def parse_tlog_proof(text: str | bytes) -> TlogProof:
    """Parse a tlog-proof; the checkpoint is kept verbatim (check it with the checkpoint/note modules)."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ProofFormatError("a tlog-proof must be UTF-8") from exc
    line, pos = _next_line(text, 0, "the header line")
    if line != TLOG_PROOF_HEADER:
        raise ProofFormatError(f"the first line must be {TLOG_PROOF_HEADER!r}")
    line, pos = _next_line(text, pos, "the index line")
    extra = None
    if line.startswith("extra "):
        try:
            extra = b64decode_strict(line[len("extra ") :])
        except NoteError as exc:
            raise ProofFormatError(f"extra data: {exc}") from exc
        line, pos = _next_line(text, pos, "the index line")
    if not line.startswith("index "):
        raise ProofFormatError("missing the 'index <n>' line")
    try:
        index = parse_decimal(line[len("index ") :], "index", MAX_SIZE)
    except CheckpointError as exc:
        raise ProofFormatError(str(exc)) from exc
    hashes: list[bytes] = []
    while True:
        line, pos = _next_line(text, pos, "the empty line before the checkpoint")
        if line == "":
            break
        if len(hashes) == MAX_PROOF_HASHES:
            raise ProofFormatError(f"more than {MAX_PROOF_HASHES} proof hashes")
        try:
            h = b64decode_strict(line)
        except NoteError as exc:
            raise ProofFormatError(f"proof hash {len(hashes)}: {exc}") from exc
        if len(h) != HASH_SIZE:
            raise ProofFormatError(f"proof hash {len(hashes)} is {len(h)} bytes, not {HASH_SIZE}")
        hashes.append(h)
    checkpoint = text[pos:]
    if not checkpoint:
        raise ProofFormatError("the checkpoint is missing")
    return TlogProof(index=index, hashes=tuple(hashes), checkpoint=checkpoint, extra=extra)


# --- JSON bundles ------------------------------------------------------------------------------------


def _hex_hash(value: Any, what: str) -> bytes:
    if not isinstance(value, str) or not _HEX_HASH.fullmatch(value):
        raise ProofFormatError(f"{what} must be 64 hexadecimal digits")
    return bytes.fromhex(value)


def _count(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SIZE:
        raise ProofFormatError(f"{what} must be a non-negative integer")
    return value


def _hash_list(value: Any) -> tuple[bytes, ...]:
    if not isinstance(value, list) or len(value) > MAX_PROOF_HASHES:
        raise ProofFormatError(f"proof must be a list of at most {MAX_PROOF_HASHES} hex hashes")
    return tuple(_hex_hash(h, f"proof[{i}]") for i, h in enumerate(value))


def _optional_note(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    if value is not None and (not isinstance(value, str) or not value):
        raise ProofFormatError(f"{key} must be the signed checkpoint note as a string")
    return value


@dataclass(frozen=True)
class InclusionBundle:
    leaf_index: int
    tree_size: int
    leaf_hash: bytes
    proof: tuple[bytes, ...]
    root: bytes
    checkpoint: str | None = None
    leaf_data: str | None = None
    """When set, ``leaf_hash`` is its leaf hash, SHA-256(0x00 || UTF-8 bytes)."""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "inclusion", "leaf_index": self.leaf_index, "tree_size": self.tree_size}
        if self.leaf_data is not None:
            out["leaf_data"] = self.leaf_data
        else:
            out["leaf_hash"] = self.leaf_hash.hex()
        out["proof"] = [h.hex() for h in self.proof]
        out["root"] = self.root.hex()
        if self.checkpoint is not None:
            out["checkpoint"] = self.checkpoint
        return out

    def dumps(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n"


@dataclass(frozen=True)
class ConsistencyBundle:
    size1: int
    size2: int
    root1: bytes
    root2: bytes
    proof: tuple[bytes, ...] = field(default=())
    checkpoint: str | None = None
    """Signed checkpoint of the larger tree (size2, root2)."""
    checkpoint1: str | None = None
    """Signed checkpoint of the smaller tree (size1, root1)."""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": "consistency",
            "size1": self.size1,
            "size2": self.size2,
            "root1": self.root1.hex(),
            "root2": self.root2.hex(),
            "proof": [h.hex() for h in self.proof],
        }
        if self.checkpoint is not None:
            out["checkpoint"] = self.checkpoint
        if self.checkpoint1 is not None:
            out["checkpoint1"] = self.checkpoint1
        return out

    def dumps(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n"


Bundle = InclusionBundle | ConsistencyBundle

_INCLUSION_KEYS = {"type", "leaf_index", "tree_size", "leaf_hash", "leaf_data", "proof", "root", "checkpoint"}
_CONSISTENCY_KEYS = {"type", "size1", "size2", "root1", "root2", "proof", "checkpoint", "checkpoint1"}


def parse_bundle(source: str | bytes | dict[str, Any]) -> Bundle:
    """A JSON bundle from its text or its decoded object. Unknown keys are refused."""
    if isinstance(source, dict):
        obj: Any = source
    else:
        try:
            obj = json.loads(source)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ProofFormatError(f"not JSON: {exc}") from exc
    if not isinstance(obj, dict):
        raise ProofFormatError("a bundle is a JSON object")
    kind = obj.get("type")
    if kind == "inclusion":
        return _parse_inclusion(obj)
    if kind == "consistency":
        return _parse_consistency(obj)
    raise ProofFormatError('"type" must be "inclusion" or "consistency"')


def _check_keys(obj: dict[str, Any], allowed: set[str], required: set[str]) -> None:
    unknown = sorted(set(obj) - allowed)
    if unknown:
        raise ProofFormatError(f"unknown key(s): {', '.join(unknown)}")
    missing = sorted(required - set(obj))
    if missing:
        raise ProofFormatError(f"missing key(s): {', '.join(missing)}")


def _parse_inclusion(obj: dict[str, Any]) -> InclusionBundle:
    _check_keys(obj, _INCLUSION_KEYS, {"leaf_index", "tree_size", "proof", "root"})
    data = obj.get("leaf_data")
    if data is not None and not isinstance(data, str):
        raise ProofFormatError("leaf_data must be a string")
    given = _hex_hash(obj["leaf_hash"], "leaf_hash") if obj.get("leaf_hash") is not None else None
    if data is not None:
        lh = leaf_hash(data.encode("utf-8"))
        if given is not None and given != lh:
            raise ProofFormatError("leaf_hash is not the leaf hash of leaf_data")
    elif given is not None:
        lh = given
    else:
        raise ProofFormatError("one of leaf_hash and leaf_data is required")
    return InclusionBundle(
        leaf_index=_count(obj["leaf_index"], "leaf_index"),
        tree_size=_count(obj["tree_size"], "tree_size"),
        leaf_hash=lh,
        proof=_hash_list(obj["proof"]),
        root=_hex_hash(obj["root"], "root"),
        checkpoint=_optional_note(obj, "checkpoint"),
        leaf_data=data,
    )


def _parse_consistency(obj: dict[str, Any]) -> ConsistencyBundle:
    _check_keys(obj, _CONSISTENCY_KEYS, {"size1", "size2", "root1", "root2", "proof"})
    return ConsistencyBundle(
        size1=_count(obj["size1"], "size1"),
        size2=_count(obj["size2"], "size2"),
        root1=_hex_hash(obj["root1"], "root1"),
        root2=_hex_hash(obj["root2"], "root2"),
        proof=_hash_list(obj["proof"]),
        checkpoint=_optional_note(obj, "checkpoint"),
        checkpoint1=_optional_note(obj, "checkpoint1"),
    )
