"""Signed notes, c2sp.org/signed-note@v1.0.0, with Ed25519 (signature type 0x01).

A note is UTF-8 text ending in a newline, a blank line, then one or more signature lines::

    — <key name> base64(4-byte key ID || signature)

Key IDs are ``SHA-256(name || 0x0A || type || public key)[:4]``. Keys are written as strings:

* verifier key: ``<name>+<hex key ID>+base64(type || public key)``
* signer key:   ``PRIVATE+KEY+<name>+<hex key ID>+base64(type || private key)`` (for Ed25519 the
  private key is the 32-byte seed)

Signatures from unknown keys are ignored but kept, so a note re-serialised after signing still carries
every cosignature and every signature of another algorithm it came with.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

SIG_ED25519 = 0x01
SIG_ECDSA = 0x02
SIG_COSIGNATURE_V1 = 0x04
SIG_RFC6962_STH = 0x05
SIG_ML_DSA_44_COSIGNATURE = 0x06

EM_DASH = "\u2014"
SIG_PREFIX = EM_DASH + " "
MAX_SIGNATURES = 100
"""The spec asks verifiers to accept at least 16; Go's sumdb/note stops at 100, and so do we."""

_HEX8 = re.compile(r"[0-9a-f]{8}")


class NoteError(ValueError):
    """A malformed note or key."""


class NoteVerificationError(NoteError):
    """A well-formed note whose signatures do not satisfy the verifiers."""


def key_id(name: str, sig_type: int, public_key: bytes) -> bytes:
    """The 4-byte key ID: SHA-256(name || 0x0A || type || public key)[:4]."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([sig_type]) + public_key).digest()[:4]


def is_valid_key_name(name: str) -> bool:
    """Non-empty, no Unicode space, no '+', no control character."""
    return bool(name) and "+" not in name and not any(c.isspace() or ord(c) < 0x20 for c in name)


def b64decode_strict(text: str) -> bytes:
    """Standard padded base64 (RFC 4648 §4), refusing anything but the canonical encoding."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise NoteError(f"not standard base64: {text[:40]!r}") from exc
    if base64.b64encode(raw).decode() != text:
        raise NoteError(f"not canonical base64: {text[:40]!r}")
    return raw


def b64encode(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


# --- signature lines and notes --------------------------------------------------------------------


@dataclass(frozen=True)
class Signature:
    """One signature line: key name, 4-byte key ID and the signature bytes after the ID."""

    name: str
    key_id: bytes
    signature: bytes

    @property
    def key_id_hex(self) -> str:
        return self.key_id.hex()

    def line(self) -> str:
        """The line without its newline: ``— name base64(key ID || signature)``."""
        return f"{SIG_PREFIX}{self.name} {b64encode(self.key_id + self.signature)}"

    @classmethod
    def parse_line(cls, line: str) -> Signature:
        if not line.startswith(SIG_PREFIX):
            raise NoteError("a signature line must start with an em dash and a space")
        name, sep, b64 = line[len(SIG_PREFIX) :].partition(" ")
        if not sep or not is_valid_key_name(name) or not b64:
            raise NoteError(f"malformed signature line {line[:60]!r}")
        raw = b64decode_strict(b64)
        if len(raw) < 5:
            raise NoteError("a signature must hold a 4-byte key ID and at least one byte")
        return cls(name=name, key_id=raw[:4], signature=raw[4:])


@dataclass(frozen=True)
class Note:
    """Note text (ending in a newline) and its signatures, in order, known or not."""

    text: str
    signatures: tuple[Signature, ...] = field(default=())

    def __post_init__(self) -> None:
        _check_text(self.text)

    def format(self) -> str:
        """The signed note as text. A note with no signature formats as its bare text."""
        if not self.signatures:
            return self.text
        return self.text + "\n" + "".join(s.line() + "\n" for s in self.signatures)

    def __str__(self) -> str:
        return self.format()

    def with_signatures(self, extra: Iterable[Signature]) -> Note:
        """This note plus ``extra``; a new signature replaces an existing one of the same name and ID."""
        extra = list(extra)
        replaced = {(s.name, s.key_id) for s in extra}
        kept = [s for s in self.signatures if (s.name, s.key_id) not in replaced]
        return Note(self.text, tuple(kept + extra))


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise NoteError("note text must end with a newline")
    for c in text:
        if ord(c) < 0x20 and c != "\n":
            raise NoteError(f"note text holds the control character U+{ord(c):04X}")


def parse_note(msg: str | bytes) -> Note:
    """Parse a signed note (without checking any signature).

    The text runs up to the last blank line; every line after it must be a signature line; there
    must be at least one and at most :data:`MAX_SIGNATURES`.
    """
    if isinstance(msg, bytes):
        try:
            msg = msg.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise NoteError("a note must be valid UTF-8") from exc
    for c in msg:
        if ord(c) < 0x20 and c != "\n":
            raise NoteError(f"note holds the control character U+{ord(c):04X}")
    split = msg.rfind("\n\n")
    if split < 0:
        raise NoteError("a signed note needs a blank line before its signatures")
    text, sigs = msg[: split + 1], msg[split + 2 :]
    if not sigs or not sigs.endswith("\n"):
        raise NoteError("a signed note must end with signature lines, each ending in a newline")
    lines = sigs[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"a note may carry at most {MAX_SIGNATURES} signatures")
    return Note(text=text, signatures=tuple(Signature.parse_line(line) for line in lines))


# --- keys ----------------------------------------------------------------------------------------


class Verifier(Protocol):
    """What a note verifier offers: its name, key ID and a check of (message, signature bytes)."""

    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> bytes: ...

    def verify(self, msg: bytes, sig: bytes) -> bool: ...


class Signer(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> bytes: ...

    def sign(self, msg: bytes) -> bytes: ...


def _check_ed25519_key(name: str, material: bytes, what: str) -> None:
    if not is_valid_key_name(name):
        raise NoteError(f"invalid key name {name!r}")
    if len(material) != 32:
        raise NoteError(f"an Ed25519 {what} is 32 bytes")


class Ed25519Verifier:
    """A verifier of Ed25519 note signatures (type 0x01) over the note text."""

    sig_type = SIG_ED25519

    def __init__(self, name: str, public_key: bytes) -> None:
        _check_ed25519_key(name, public_key, "public key")
        self._name = name
        self.public_key = public_key
        self._key = Ed25519PublicKey.from_public_bytes(public_key)
        self._key_id = key_id(name, self.sig_type, public_key)

    @property
    def name(self) -> str:
        return self._name

    @property
    def key_id(self) -> bytes:
        return self._key_id

    def verify(self, msg: bytes, sig: bytes) -> bool:
        if len(sig) != 64:
            return False
        try:
            self._key.verify(sig, msg)
        except InvalidSignature:
            return False
        return True

    def vkey(self) -> str:
        return format_verifier_key(self.name, self.sig_type, self.public_key)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.vkey()}>"


class Ed25519Signer:
    """An Ed25519 note signer (type 0x01) from a 32-byte seed."""

    sig_type = SIG_ED25519

    def __init__(self, name: str, seed: bytes) -> None:
        _check_ed25519_key(name, seed, "seed")
        self._name = name
        self.seed = seed
        self._key = Ed25519PrivateKey.from_private_bytes(seed)
        self.public_key = self._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self._key_id = key_id(name, self.sig_type, self.public_key)

    @property
    def name(self) -> str:
        return self._name

    @property
    def key_id(self) -> bytes:
        return self._key_id

    def sign(self, msg: bytes) -> bytes:
        return self._key.sign(msg)

    def verifier(self) -> Ed25519Verifier:
        return Ed25519Verifier(self.name, self.public_key)

    def skey(self) -> str:
        return format_signer_key(self.name, self.sig_type, self.public_key, self.seed)

    def vkey(self) -> str:
        return format_verifier_key(self.name, self.sig_type, self.public_key)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.vkey()}>"


def format_verifier_key(name: str, sig_type: int, public_key: bytes) -> str:
    """``name+hex(key ID)+base64(type || public key)``."""
    return f"{name}+{key_id(name, sig_type, public_key).hex()}+{b64encode(bytes([sig_type]) + public_key)}"


def format_signer_key(name: str, sig_type: int, public_key: bytes, private_key: bytes) -> str:
    """``PRIVATE+KEY+name+hex(key ID)+base64(type || private key)``."""
    kid = key_id(name, sig_type, public_key).hex()
    return f"PRIVATE+KEY+{name}+{kid}+{b64encode(bytes([sig_type]) + private_key)}"


def split_key(text: str) -> tuple[str, bytes, int, bytes]:
    """(name, key ID, type, key material) of ``name+hex+base64``; the base64 may itself hold '+'."""
    name, sep1, rest = text.partition("+")
    hex_id, sep2, b64 = rest.partition("+")
    if not sep1 or not sep2:
        raise NoteError("a key is name+keyid+base64")
    if not is_valid_key_name(name):
        raise NoteError(f"invalid key name {name!r}")
    if not _HEX8.fullmatch(hex_id):
        raise NoteError(f"key ID {hex_id!r} is not 8 lowercase hexadecimal digits")
    raw = b64decode_strict(b64)
    if len(raw) < 2:
        raise NoteError("a key needs a type byte and key material")
    return name, bytes.fromhex(hex_id), raw[0], raw[1:]


VERIFIER_TYPES: dict[int, Callable[[str, bytes], Verifier]] = {SIG_ED25519: Ed25519Verifier}
"""Key types a verifier key string may have, by signature type; :mod:`.checkpoint` adds cosignature/v1
(0x04). The package imports both modules, so every type is known wherever a key is parsed."""


def parse_verifier_key(vkey: str) -> Verifier:
    """A verifier from its key string. Types: 0x01 (Ed25519) and 0x04 (Ed25519 cosignature/v1)."""
    name, kid, sig_type, public_key = split_key(vkey.strip())
    if kid != key_id(name, sig_type, public_key):
        raise NoteError(f"key ID {kid.hex()} does not match the key")
    make = VERIFIER_TYPES.get(sig_type)
    if make is None:
        raise NoteError(f"unsupported signature type 0x{sig_type:02x}")
    return make(name, public_key)


def parse_signer_key(skey: str) -> Ed25519Signer:
    """An Ed25519 signer from ``PRIVATE+KEY+name+hex+base64(0x01 || seed)``."""
    prefix = "PRIVATE+KEY+"
    if not skey.startswith(prefix):
        raise NoteError("a signer key starts with PRIVATE+KEY+")
    name, kid, sig_type, seed = split_key(skey.strip()[len(prefix) :])
    if sig_type != SIG_ED25519:
        raise NoteError(f"not an Ed25519 signer key (type 0x{sig_type:02x})")
    signer = Ed25519Signer(name, seed)
    if signer.key_id != kid:
        raise NoteError(f"key ID {kid.hex()} does not match the key")
    return signer


def generate_key(name: str) -> tuple[str, str]:
    """A fresh Ed25519 key pair for ``name``: (signer key, verifier key)."""
    seed = Ed25519PrivateKey.generate().private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    signer = Ed25519Signer(name, seed)
    return signer.skey(), signer.vkey()


# --- signing and verifying --------------------------------------------------------------------------


def sign(note: str | Note, *signers: Signer) -> str:
    """Sign a note text (or re-sign a :class:`Note`, keeping its other signatures); returns the note.

    New signatures come after the existing ones; an existing signature with the same name and key ID
    as a signer's is replaced.
    """
    if not signers:
        raise NoteError("sign needs at least one signer")
    base = note if isinstance(note, Note) else Note(note)
    msg = base.text.encode()
    fresh = []
    for s in signers:
        if not is_valid_key_name(s.name):
            raise NoteError(f"invalid signer name {s.name!r}")
        fresh.append(Signature(name=s.name, key_id=s.key_id, signature=s.sign(msg)))
    return base.with_signatures(fresh).format()


def verify(note: str | bytes | Note, verifiers: Sequence[Verifier]) -> list[Verifier]:
    """The verifiers (from ``verifiers``) whose signatures on ``note`` verify, in signature order.

    Signatures whose (name, key ID) match no verifier are ignored. A signature that matches a verifier
    but does not verify raises :class:`NoteVerificationError` (the spec's SHOULD: reject the whole note).
    A repeated signature of the same key is only checked once, as in Go's sumdb/note.
    """
    parsed = note if isinstance(note, Note) else parse_note(note)
    index: dict[tuple[str, bytes], Verifier] = {}
    for v in verifiers:
        k = (v.name, v.key_id)
        other = index.get(k)
        if other is not None and not _same_key(other, v):
            raise NoteError(f"ambiguous verifiers for {v.name}+{v.key_id.hex()}")
        index[k] = v
    msg = parsed.text.encode()
    seen: set[tuple[str, bytes]] = set()
    good: list[Verifier] = []
    for sig in parsed.signatures:
        k = (sig.name, sig.key_id)
        known = index.get(k)
        if known is None or k in seen:
            continue
        seen.add(k)
        if not known.verify(msg, sig.signature):
            raise NoteVerificationError(f"invalid signature for key {sig.name}+{sig.key_id.hex()}")
        good.append(known)
    return good


def _same_key(a: Verifier, b: Verifier) -> bool:
    if a is b:
        return True
    key_a, key_b = getattr(a, "public_key", None), getattr(b, "public_key", None)
    return type(a) is type(b) and key_a is not None and key_a == key_b


def open_note(msg: str | bytes | Note, verifiers: Sequence[Verifier]) -> Note:
    """Parse and verify: the note, if at least one known verifier signed it and no known one failed."""
    parsed = msg if isinstance(msg, Note) else parse_note(msg)
    if not verify(parsed, verifiers):
        raise NoteVerificationError("note has no verifiable signature from a known key")
    return parsed
