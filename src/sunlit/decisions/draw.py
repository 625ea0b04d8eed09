"""The observers' draw (旁听人员抽取), exactly as anyone can redo it: plain Python, no database.

- pool document: the eligible members as a JSON array of ``{"category": code, "id": code}`` sorted by
  ``id`` (code-point order), canonical JSON (sorted keys, no whitespace, non-ASCII as itself) in UTF-8
  with every string in NFC; ``pool_sha256`` is the SHA-256 of those bytes, lowercase hex;
- seed: SHA-256 of the body of the first checkpoint whose size exceeds the pool leaf's index (its text
  lines — origin, size, root — each ending in a newline, no signature lines) followed directly by the
  external value as announced (NFC, trimmed, UTF-8): 32 bytes;
- for each category code in code-point order with a quota k > 0, its members ordered by
  ``SHA-256(seed ‖ id in UTF-8)`` ascending, bytewise (a tie by id), the first k drawn; the drawn list is
  those, category by category, in that order.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class PoolMember:
    category: str
    id: str


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def pool_members(members: Iterable[tuple[str, str]]) -> list[PoolMember]:
    """The pool in its document's order: by id, code point by code point."""
    return sorted((PoolMember(nfc(c), nfc(i)) for c, i in members), key=lambda m: m.id)


def pool_document(members: Iterable[PoolMember]) -> bytes:
    pool = [{"category": m.category, "id": m.id} for m in pool_members((m.category, m.id) for m in members)]
    return json.dumps(pool, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def pool_sha256(document: bytes) -> str:
    return hashlib.sha256(document).hexdigest()


def checkpoint_body(signed_note: str) -> str:
    """The note's text (origin, size, root and any extension lines, each ending in a newline) without
    the blank line and the signature lines after it."""
    split = signed_note.find("\n\n")
    return signed_note if split < 0 else signed_note[: split + 1]


def external_text(value: str) -> str:
    """The external value as it enters the seed: NFC, trimmed."""
    return nfc(value).strip()


def seed(signed_note: str, external: str) -> bytes:
    return hashlib.sha256(checkpoint_body(signed_note).encode("utf-8") + external_text(external).encode("utf-8")).digest()


def draw(pool: Iterable[PoolMember], quotas: Mapping[str, int], seed_bytes: bytes) -> list[str]:
    """The ids drawn: per category in code-point order, the k members whose SHA-256(seed ‖ id) is least."""
    by_category: dict[str, list[str]] = {}
    for member in pool:
        by_category.setdefault(member.category, []).append(member.id)
    drawn: list[str] = []
    for category in sorted(quotas):
        k = quotas[category]
        if k <= 0:
            continue
        ids = by_category.get(category, [])
        if k > len(ids):
            raise ValueError(f"quota {k} for {category} exceeds its {len(ids)} eligible members")
        ranked = sorted(ids, key=lambda i: (hashlib.sha256(seed_bytes + i.encode("utf-8")).digest(), i))
        drawn.extend(ranked[:k])
    return drawn
