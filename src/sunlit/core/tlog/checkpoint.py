"""Checkpoints (c2sp.org/tlog-checkpoint) and Ed25519 cosignatures (c2sp.org/tlog-cosignature, v1).

A checkpoint is the text of a signed note::

    <origin>
    <tree size, decimal, no leading zeroes>
    <root hash, base64>
    [extension lines, each non-empty]

A cosignature/v1 is a note signature of type 0x04 whose signature bytes are
``u64 big-endian timestamp || Ed25519 signature`` over::

    cosignature/v1
    time <timestamp>
    <the whole checkpoint text, extension lines included>
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from sunlit.core.tlog.merkle import HASH_SIZE
from sunlit.core.tlog.note import (
    SIG_COSIGNATURE_V1,
    SIG_ED25519,
    VERIFIER_TYPES,
    Ed25519Signer,
    Ed25519Verifier,
    Note,
    NoteError,
    NoteVerificationError,
    Signature,
    Signer,
    Verifier,
    b64decode_strict,
    b64encode,
    key_id,
    open_note,
    parse_note,
    sign,
    split_key,
)

MAX_TREE_SIZE = (1 << 64) - 1
MAX_TIMESTAMP = (1 << 63) - 1
COSIGNATURE_V1_HEADER = "cosignature/v1"
_DECIMAL = re.compile(r"0|[1-9][0-9]*")


class CheckpointError(NoteError):
    """A malformed checkpoint."""


def parse_decimal(text: str, what: str, maximum: int = MAX_TREE_SIZE) -> int:
    """An ASCII decimal with no leading zeroes (except ``0`` itself), at most ``maximum``."""
    if not _DECIMAL.fullmatch(text):
        raise CheckpointError(f"{what} {text[:30]!r} is not a decimal without leading zeroes")
    value = int(text)
    if value > maximum:
        raise CheckpointError(f"{what} {value} is too large")
    return value


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.origin or "\n" in self.origin or any(ord(c) < 0x20 for c in self.origin):
            raise CheckpointError("the origin must be one non-empty line")
        if not 0 <= self.size <= MAX_TREE_SIZE:
            raise CheckpointError(f"tree size {self.size} out of range")
        if len(self.root_hash) != HASH_SIZE:
            raise CheckpointError(f"the root hash must be {HASH_SIZE} bytes")
        for line in self.extensions:
            if not line or "\n" in line or any(ord(c) < 0x20 for c in line):
                raise CheckpointError("extension lines must be non-empty single lines")

    def format(self) -> str:
        """The checkpoint's note text, ending in a newline."""
        lines = [self.origin, str(self.size), b64encode(self.root_hash), *self.extensions]
        return "".join(line + "\n" for line in lines)

    def __str__(self) -> str:
        return self.format()


def parse_checkpoint(text: str) -> Checkpoint:
    """A checkpoint from its note text (the body, without signatures)."""
    if not text.endswith("\n"):
        raise CheckpointError("checkpoint text must end with a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise CheckpointError("a checkpoint has at least three lines: origin, size and root hash")
    origin, size_text, root_text, *extensions = lines
    if not origin:
        raise CheckpointError("the origin line is empty")
    size = parse_decimal(size_text, "tree size")
    try:
        root = b64decode_strict(root_text)
    except NoteError as exc:
        raise CheckpointError(f"root hash: {exc}") from exc
    if len(root) != HASH_SIZE:
        raise CheckpointError(f"the root hash is {len(root)} bytes, not {HASH_SIZE}")
    if any(not line for line in extensions):
        raise CheckpointError("extension lines must be non-empty")
    return Checkpoint(origin=origin, size=size, root_hash=root, extensions=tuple(extensions))


def sign_checkpoint(checkpoint: Checkpoint, *signers: Signer) -> str:
    """The signed checkpoint note."""
    return sign(checkpoint.format(), *signers)


def open_checkpoint(
    signed: str | bytes, verifiers: Sequence[Verifier], origin: str | None = None
) -> tuple[Checkpoint, Note]:
    """Parse a signed checkpoint, require a verified signature by one of ``verifiers``, check ``origin``."""
    note = open_note(signed, verifiers)
    checkpoint = parse_checkpoint(note.text)
    if origin is not None and checkpoint.origin != origin:
        raise CheckpointError(f"checkpoint origin {checkpoint.origin!r} is not {origin!r}")
    return checkpoint, note


# --- cosignature/v1 ------------------------------------------------------------------------------


def cosignature_message(note_text: str | bytes, timestamp: int) -> bytes:
    """``cosignature/v1\\ntime <timestamp>\\n`` followed by the checkpoint text."""
    if not 0 <= timestamp <= MAX_TIMESTAMP:
        raise CheckpointError(f"cosignature timestamp {timestamp} out of range")
    body = note_text.encode() if isinstance(note_text, str) else note_text
    return f"{COSIGNATURE_V1_HEADER}\ntime {timestamp}\n".encode() + body


class CosignatureV1Verifier(Ed25519Verifier):
    """Verifies timestamped Ed25519 cosignatures (type 0x04): an Ed25519 key over another message."""

    sig_type = SIG_COSIGNATURE_V1

    def verify(self, msg: bytes, sig: bytes) -> bool:
        if len(sig) != 8 + 64:
            return False
        timestamp = int.from_bytes(sig[:8], "big")
        if timestamp > MAX_TIMESTAMP:
            return False
        try:
            self._key.verify(sig[8:], cosignature_message(msg, timestamp))
        except InvalidSignature:
            return False
        return True

    @classmethod
    def from_ed25519_vkey(cls, vkey: str) -> CosignatureV1Verifier:
        """The cosignature verifier of the same name and Ed25519 key as a type 0x01 verifier key."""
        name, kid, sig_type, public_key = split_key(vkey.strip())
        if sig_type != SIG_ED25519 or kid != key_id(name, sig_type, public_key):
            raise NoteError("not a valid Ed25519 (0x01) verifier key")
        return cls(name, public_key)


VERIFIER_TYPES[SIG_COSIGNATURE_V1] = CosignatureV1Verifier


class CosignatureV1Signer(Ed25519Signer):
    """Signs checkpoints as a witness/cosigner: type 0x04, the time taken from ``clock`` (Unix seconds).

    Tlog code takes no clock of its own: the caller passes one (for Sunlit, the core clock).
    """

    sig_type = SIG_COSIGNATURE_V1

    def __init__(self, name: str, seed: bytes, clock: Callable[[], int]) -> None:
        super().__init__(name, seed)
        self.clock = clock

    def sign(self, msg: bytes) -> bytes:
        timestamp = int(self.clock())
        return timestamp.to_bytes(8, "big") + self._key.sign(cosignature_message(msg, timestamp))

    def verifier(self) -> CosignatureV1Verifier:
        return CosignatureV1Verifier(self.name, self.public_key)


def parse_cosigner_key(skey: str, clock: Callable[[], int]) -> CosignatureV1Signer:
    """A cosigner from ``PRIVATE+KEY+name+hex+base64(type || seed)``, type 0x04 (or 0x01: same seed)."""
    prefix = "PRIVATE+KEY+"
    if not skey.startswith(prefix):
        raise NoteError("a signer key starts with PRIVATE+KEY+")
    name, kid, sig_type, seed = split_key(skey.strip()[len(prefix) :])
    if sig_type not in (SIG_COSIGNATURE_V1, SIG_ED25519):
        raise NoteError(f"not an Ed25519 signer key (type 0x{sig_type:02x})")
    signer = CosignatureV1Signer(name, seed, clock)
    if kid != key_id(name, sig_type, signer.public_key):
        raise NoteError(f"key ID {kid.hex()} does not match the key")
    return signer


def generate_cosigner_key(name: str) -> tuple[str, str]:
    """A fresh cosigner key pair for ``name``, both of type 0x04: (signer key, verifier key)."""
    seed = Ed25519PrivateKey.generate().private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    signer = CosignatureV1Signer(name, seed, clock=lambda: 0)
    return signer.skey(), signer.vkey()


def cosignature_timestamp(sig: Signature | bytes | str) -> int:
    """The timestamp of a cosignature/v1: a :class:`Signature`, its bytes after the key ID, or its base64
    (key ID included, as it appears on the signature line)."""
    if isinstance(sig, Signature):
        raw = sig.signature
    elif isinstance(sig, str):
        raw = b64decode_strict(sig)[4:]
    else:
        raw = sig
    if len(raw) != 8 + 64:
        raise CheckpointError("not an Ed25519 cosignature/v1: wrong length")
    timestamp = int.from_bytes(raw[:8], "big")
    if timestamp > MAX_TIMESTAMP:
        raise CheckpointError("cosignature timestamp out of range")
    return timestamp


def cosign(signed_checkpoint: str | Note, cosigner: CosignatureV1Signer) -> str:
    """Add ``cosigner``'s cosignature to a checkpoint note (whose text must be a valid checkpoint)."""
    note = signed_checkpoint if isinstance(signed_checkpoint, Note) else _note_or_text(signed_checkpoint)
    parse_checkpoint(note.text)
    return sign(note, cosigner)


def _note_or_text(text: str) -> Note:
    try:
        return parse_note(text)
    except NoteError:
        return Note(text)


def verify_cosignatures(signed: str | bytes | Note, cosigners: Sequence[CosignatureV1Verifier]) -> dict[str, int]:
    """``{cosigner name: timestamp}`` for each of ``cosigners`` whose cosignature verifies.

    Unknown signatures are ignored; a known cosigner's failing signature raises NoteVerificationError.
    """
    note = signed if isinstance(signed, Note) else parse_note(signed)
    wanted = {(c.name, c.key_id): c for c in cosigners}
    msg = note.text.encode()
    found: dict[str, int] = {}
    for sig in note.signatures:
        c = wanted.get((sig.name, sig.key_id))
        if c is None or c.name in found:
            continue
        if not c.verify(msg, sig.signature):
            raise NoteVerificationError(f"invalid cosignature for key {sig.name}+{sig.key_id.hex()}")
        found[c.name] = cosignature_timestamp(sig)
    return found


# --- c2sp.org/tlog-witness add-checkpoint request body ---------------------------------------------


MAX_WITNESS_PROOF_LINES = 63


@dataclass(frozen=True)
class AddCheckpointRequest:
    old_size: int
    proof: tuple[bytes, ...]
    checkpoint: str
    """The signed checkpoint note, verbatim."""

    def format(self) -> str:
        lines = [f"old {self.old_size}", *(b64encode(h) for h in self.proof)]
        return "".join(line + "\n" for line in lines) + "\n" + self.checkpoint


def parse_add_checkpoint(body: str) -> AddCheckpointRequest:
    """Parse a tlog-witness add-checkpoint request body (the checkpoint is kept verbatim, unchecked)."""
    head, sep, checkpoint = body.partition("\n\n")
    if not sep:
        raise CheckpointError("add-checkpoint: no empty line before the checkpoint")
    lines = head.split("\n")
    if not lines[0].startswith("old "):
        raise CheckpointError("add-checkpoint: the first line must be 'old <size>'")
    old_size = parse_decimal(lines[0][4:], "old size")
    if len(lines) - 1 > MAX_WITNESS_PROOF_LINES:
        raise CheckpointError("add-checkpoint: more than 63 consistency proof lines")
    proof = []
    for line in lines[1:]:
        raw = b64decode_strict(line)
        if len(raw) != HASH_SIZE:
            raise CheckpointError("add-checkpoint: a proof line is not a 32-byte hash")
        proof.append(raw)
    return AddCheckpointRequest(old_size=old_size, proof=tuple(proof), checkpoint=checkpoint)
