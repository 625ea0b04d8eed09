"""Writes into the log: enqueue leaves (inside the caller's transaction), add cosignatures.

Services never append to the log themselves: they put a leaf in the queue in the same transaction as
the change it records, so the leaf exists if and only if the change was committed. The sequencer
(:mod:`.sequencer`) gives queued leaves their index.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction

from sunlit.core import clock as clock_mod
from sunlit.core.clock import Clock
from sunlit.core.prepared import PreparedInsert
from sunlit.core.tlog.note import NoteError, Signature
from sunlit.record import leaf as leaf_mod
from sunlit.record.leaf import Leaf
from sunlit.record.models import Checkpoint, LeafQueue
from sunlit.record.sequencer import bulk_insert, wake

_QUEUE_INSERT = PreparedInsert(LeafQueue, ("kind", "ref", "data", "document", "document_public", "created_at"))


def enqueue(leaves: Iterable[Leaf], *, clock: Clock | None = None, using: str = DEFAULT_DB_ALIAS) -> int:
    """Queue ``leaves`` (in order) in the current transaction; returns how many."""
    leaves = list(leaves)
    if not leaves:
        return 0
    at = clock_mod.now(clock)
    with transaction.atomic(using=using, savepoint=False):
        if len(leaves) < 100:
            _QUEUE_INSERT.run_many([{"kind": lf.kind, "ref": lf.ref, "data": lf.data, "document": lf.document,
                                     "document_public": lf.document is not None and lf.public, "created_at": at}
                                    for lf in leaves], using=using)
        else:  # many at once (imports, benchmarks): straight into the table
            conn = connections[using]
            created = conn.ops.adapt_datetimefield_value(at)
            with conn.cursor() as cursor:
                bulk_insert(cursor, LeafQueue._meta.db_table,
                            ("kind", "ref", "data", "document", "document_public", "created_at"),
                            [(lf.kind, lf.ref, lf.data, lf.document, lf.document is not None and lf.public, created)
                             for lf in leaves])
        transaction.on_commit(wake, using=using)
    return len(leaves)


def enqueue_event(event: Any, *, published: Leaf | None = None, clock: Clock | None = None) -> Leaf:
    """Queue the (sealed) leaf of a just-created :class:`~sunlit.core.models.Event`, and after it the leaf of
    the record the same action published, if any (`record_leaf_for`), in one statement."""
    lf = leaf_mod.event_leaf(event)
    enqueue([lf] if published is None else [lf, published], clock=clock)
    return lf


def publish_record(
    *, obj: models.Model, header: dict[str, Any], content: dict[str, Any] | list[Any], public: bool,
    at: dt.datetime | None = None, clock: Clock | None = None,
) -> Leaf:
    """Queue the leaf of a record that was just published, in the caller's transaction.

    The one entry point for every domain: it builds `header` (what the record is) and `content` (its
    snapshot) and decides `public` through the single public query path; when public, both must hold
    only what that path shows. The log adds the record's kind, id and publication time (`at`, the
    clock's now by default). A record that is not public enters sealed (docs/tlog.md, Leaf form).
    """
    lf = record_leaf_for(obj=obj, header=header, content=content, public=public, at=at, clock=clock)
    enqueue([lf], clock=clock)
    return lf


def record_leaf_for(
    *, obj: models.Model, header: dict[str, Any], content: dict[str, Any] | list[Any], public: bool,
    at: dt.datetime | None = None, clock: Clock | None = None,
) -> Leaf:
    """The leaf `publish_record` queues, built but not queued: for an action that records an event and
    publishes a record at once, which queues both with the event (`record_event(published=…)`)."""
    head = {"id": obj.pk, "at": at or clock_mod.now(clock), **header}
    return leaf_mod.record_leaf(obj._meta.label_lower, obj.pk, head, content, public=public)


def add_cosignatures(checkpoint: Checkpoint, lines: Iterable[str], using: str = DEFAULT_DB_ALIAS) -> Checkpoint:
    """Append signature lines (a witness's cosignature) to a stored checkpoint; nothing else can change.

    Lines already present are skipped. Checking the cosignatures themselves is the caller's business.
    """
    present = set(checkpoint.signed_note.splitlines())
    fresh = []
    for line in lines:
        line = line.rstrip("\n")
        try:
            Signature.parse_line(line)
        except NoteError as exc:
            raise ValueError(f"not a signature line: {exc}") from exc
        if line not in present:
            present.add(line)
            fresh.append(line + "\n")
    if fresh:
        conn = connections[using]
        q = conn.ops.quote_name
        with transaction.atomic(using=using), conn.cursor() as cursor:
            cursor.execute(
                f"UPDATE {q(Checkpoint._meta.db_table)} SET {q('cosignatures')} = {q('cosignatures')} || %s "  # noqa: S608
                f"WHERE {q('id')} = %s",
                ["".join(fresh), checkpoint.pk],
            )
    return Checkpoint.objects.using(using).get(pk=checkpoint.pk)
