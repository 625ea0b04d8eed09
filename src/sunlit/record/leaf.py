"""The leaf form: which bytes of an event or a published record enter the log (docs/tlog.md, Leaf form).

Every log entry is the *canonical JSON* of an object: UTF-8, keys sorted by code point, no
whitespace (separators ``,`` and ``:``), non-ASCII characters written as themselves, no NaN or
infinity. Every entry carries ``"schema"`` (2 since leaves stopped showing sealed headers; older
leaves keep 1) and a ``"type"``:

* ``"record"`` — a published record. When it is public (the single public query path admits it) and
  its canonical JSON fits in an entry (at most 65,535 bytes), the entry *is* the record's document,
  and it holds only what the public query path shows.
* ``"event"`` — an event (who did what, when, before, after). Events may hold data that is not
  public, and the entry bundles are public, so an event always enters *sealed*.

A sealed entry shows its type, its time and the SHA-256 of the full document, nothing more:
``{"at", "document": {"salted": true, "sha256", "size"}, "schema", "type"}``; the document holds a
random salt so that the digest reveals nothing that can be guessed, and is kept in
:class:`~sunlit.record.models.LogDocument` for auditors. A public record too large for an entry
enters as its (public) header plus an unsalted digest. Anyone holding the document can rebuild the
entry byte for byte.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import math
import secrets
import uuid
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.functional import Promise

from sunlit.core.tlog.tiles import MAX_ENTRY_SIZE

SCHEMA = 2
LOG_TIMEZONE = ZoneInfo("Asia/Shanghai")
"""Datetimes in entries are written in this zone, whatever the server's settings say."""

EVENT = "event"
RECORD = "record"
SEALED_HEADER = ("type", "at")
"""The only header members a sealed entry shows."""


class LeafError(ValueError):
    """A value that has no canonical JSON form."""


def format_datetime(value: dt.datetime) -> str:
    """ISO 8601 in Asia/Shanghai with six fractional digits: ``2026-11-24T10:00:00.000000+08:00``."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise LeafError(f"naive datetime {value!r} has no canonical form")
    return value.astimezone(LOG_TIMEZONE).isoformat(timespec="microseconds")


def plain(value: Any) -> Any:
    """``value`` as JSON-ready plain values: dicts with string keys, lists, str, int, finite float, bool, None.

    datetime → :func:`format_datetime`; date and time → ISO 8601; Decimal and UUID → their string;
    lazy translations → their text. Anything else is refused.
    """
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:  # the common case, as it is
        return value
    if kind is dict:
        return {k if type(k) is str else _key(k): plain(v) for k, v in value.items()}
    if isinstance(value, bool):  # before int: a bool is an int
        return bool(value)
    if isinstance(value, int):  # IntEnum members too
        return int(value)
    if isinstance(value, str):  # TextChoices members too
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise LeafError("NaN and infinity have no JSON form")
        return value
    if isinstance(value, dt.datetime):
        return format_datetime(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID | Promise):
        return str(value)
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise LeafError(f"object key {k!r} is not a string")
            out[str(k)] = plain(v)
        return out
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    raise LeafError(f"{type(value).__name__} has no canonical JSON form")


def _key(key: Any) -> str:
    if not isinstance(key, str):
        raise LeafError(f"object key {key!r} is not a string")
    return str(key)


def canonical_json(value: Any) -> bytes:
    """The canonical JSON bytes of ``value`` (see the module docstring)."""
    return json.dumps(
        plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def as_stored(value: Any) -> Any:
    """A JSONField value as the database gives it back (Django's JSON encoder, then decoded).

    Event ``before``/``after`` enter the log in this form, so that the document can be rebuilt from the
    stored event row at any later time.
    """
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


@dataclass(frozen=True)
class Leaf:
    """What to append: the entry bytes, and the document kept beside the log when the entry is a digest."""

    kind: str
    """``"event"``, or the record's model label (``catalog.poweritemversion``): with ``ref`` it finds the leaf."""
    ref: int | None
    data: bytes
    document: bytes | None = None
    public: bool = True
    """Whether the side document (if any) may be served to anyone."""

    @property
    def document_sha256(self) -> str | None:
        return hashlib.sha256(self.document).hexdigest() if self.document is not None else None


def make_leaf(kind: str, ref: int | None, header: dict[str, Any], body: dict[str, Any], *, public: bool) -> Leaf:
    """The leaf of a document made of ``header`` and ``body``.

    Public and small enough: the entry is the document. Public but too large: the header plus the
    document's digest. Not public: the document gets a random 32-byte salt, and the entry shows only
    the header's type and time (:data:`SEALED_HEADER`) beside the digest.
    """
    if set(header) & set(body):
        raise LeafError(f"header and body share keys: {sorted(set(header) & set(body))}")
    head = {"schema": SCHEMA, **header}
    if public:
        document = canonical_json({**head, **body})
        if len(document) <= MAX_ENTRY_SIZE:
            return Leaf(kind=kind, ref=ref, data=document)
        shown = head
    else:
        document = canonical_json({**head, **body, "salt": secrets.token_hex(32)})
        shown = {"schema": SCHEMA, **{k: head[k] for k in SEALED_HEADER if k in head}}
    digest = {"sha256": hashlib.sha256(document).hexdigest(), "size": len(document), "salted": not public}
    entry = canonical_json({**shown, "document": digest})
    if len(entry) > MAX_ENTRY_SIZE:
        raise LeafError(f"the header alone is {len(entry)} bytes, above the entry limit")
    return Leaf(kind=kind, ref=ref, data=entry, document=document, public=public)


def event_leaf(event: Any) -> Leaf:
    """The sealed leaf of an :class:`~sunlit.core.models.Event` (always sealed: events may be private)."""
    header = {
        "type": EVENT,
        "id": event.pk,
        "at": event.at,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
    }
    body = {
        "actor": event.actor_id,
        "before": as_stored(event.before),
        "after": as_stored(event.after),
        "note": event.note,
    }
    return make_leaf(EVENT, event.pk, header, body, public=False)


def record_leaf(kind: str, ref: int, header: dict[str, Any], content: dict[str, Any] | list[Any], *, public: bool) -> Leaf:
    """The leaf of a published record: ``{"type": "record", "kind": …, header…, "content": {…}}``.

    ``header`` names the record (its ``id`` and publication time ``at`` among it); when ``public``,
    both header and content must hold only what the public query path shows.
    """
    return make_leaf(kind, ref, {"type": RECORD, "kind": kind, **header}, {"content": content}, public=public)


_DIGEST_MARK = b'"document":{"salted":'


def entry_digest(entry: bytes) -> dict[str, Any] | None:
    """The ``"document"`` digest of a digest entry (``{"salted", "sha256", "size"}``), or None."""
    if _DIGEST_MARK not in entry:
        return None
    try:
        obj = json.loads(entry)
    except ValueError:
        return None
    digest = obj.get("document") if isinstance(obj, dict) else None
    return digest if isinstance(digest, dict) else None


def document_matches(entry: bytes, document: bytes) -> bool:
    """Whether ``entry`` is the digest entry of ``document``: same digest, size and header fields."""
    try:
        head = json.loads(entry)
        doc = json.loads(document)
    except ValueError:
        return False
    if not isinstance(head, dict) or not isinstance(doc, dict):
        return False
    digest = head.pop("document", None)
    want = {"sha256": hashlib.sha256(document).hexdigest(), "size": len(document), "salted": "salt" in doc}
    return digest == want and all(k in doc and doc[k] == v for k, v in head.items())
