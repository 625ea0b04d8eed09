"""The sequencer: the one writer of the log.

One pass (:func:`sequence_once`) is one transaction that

1. locks the state row (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite the IMMEDIATE transaction
   already holds the database's write lock), so only one sequencer assigns indices at a time;
2. moves up to ``batch`` leaves from the queue to the log (rows committed by then, in queue order) with
   the next indices, their side documents, and their leaf hashes (level 0) — inside the database, by
   ``INSERT … SELECT`` (one statement on PostgreSQL) — and reads back only the new leaf hashes;
3. stores every node above them that they complete, computed from the new leaf hashes and the
   O(log n) hashes on the tree's right edge, read in one query;
4. if asked, signs a checkpoint of the new size (root from the stored hashes) and stores it.

A crash anywhere rolls the whole pass back: the leaves stay queued and nothing half-written remains.
:func:`run` loops; :func:`start_background_sequencer` runs the loop in a daemon thread beside the web
server; `sunlit log-sequence` runs it as a process of its own.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction

from sunlit.core import clock as clock_mod
from sunlit.core.clock import Clock
from sunlit.core.tlog.checkpoint import Checkpoint as CheckpointText
from sunlit.core.tlog.checkpoint import sign_checkpoint
from sunlit.core.tlog.merkle import leaf_hash
from sunlit.core.tlog.note import Signer
from sunlit.record import keys, store
from sunlit.record.models import Checkpoint, LeafQueue, LogHash, LogState

log = logging.getLogger(__name__)

BATCH = 20_000
"""Leaves appended per transaction at most."""

_wake = threading.Event()


def wake() -> None:
    """Tell a sequencer loop in this process that leaves were committed (called on commit)."""
    _wake.set()


class LogConfigError(RuntimeError):
    """The log in the database was made with another origin than the one configured."""


@dataclass(frozen=True)
class SequenceResult:
    appended: int
    size: int
    checkpoint: Checkpoint | None
    """The checkpoint signed in this pass, if any."""
    checkpointed_size: int
    """The size of the latest checkpoint after this pass (-1 when there is none)."""

    @property
    def pending(self) -> bool:
        """Leaves integrated but not yet covered by a checkpoint."""
        return self.size > self.checkpointed_size


def _lock_state(origin: str, using: str) -> LogState:
    state = LogState.objects.using(using).select_for_update().filter(pk=1).first()
    if state is None:
        try:
            with transaction.atomic(using=using):
                LogState.objects.using(using).create(pk=1, size=0, origin="")
        except IntegrityError:
            pass
        state = LogState.objects.using(using).select_for_update().get(pk=1)
    if not state.origin:
        state.origin = origin
        state.save(update_fields=["origin"])
    elif state.origin != origin:
        raise LogConfigError(f"the log in the database is {state.origin!r}, but SUNLIT_LOG_ORIGIN is {origin!r}")
    return state


def bulk_insert(cursor: Any, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Insert many rows fast: COPY on PostgreSQL, executemany elsewhere (``cursor``: a Django cursor)."""
    if not rows:
        return
    q = cursor.db.ops.quote_name
    names = ", ".join(q(c) for c in columns)
    if cursor.db.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {q(table)} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(columns))
    cursor.executemany(f"INSERT INTO {q(table)} ({names}) VALUES ({marks})", rows)  # noqa: S608


def _sqlite_leaf_hash(data: bytes) -> bytes:
    return leaf_hash(bytes(data))


def _append_sqlite(state: LogState, batch: int, at: dt.datetime, using: str) -> int:
    """Append up to ``batch`` queued leaves with SQL that moves the rows inside SQLite.

    The IMMEDIATE transaction holds SQLite's write lock from its first statement, so no other writer
    commits between these statements: the queue rows up to ``last`` are exactly the ones taken.
    Leaf hashes are computed by a SQL function that is :func:`~sunlit.core.tlog.merkle.leaf_hash`.
    """
    conn = connections[using]
    conn.ensure_connection()
    conn.connection.create_function("sunlit_leaf_hash", 1, _sqlite_leaf_hash, deterministic=True)
    start = state.size
    numbered = (
        'SELECT %s + row_number() OVER (ORDER BY id) - 1 AS idx, * FROM record_leafqueue WHERE id <= %s'
    )
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), max(id) FROM (SELECT id FROM record_leafqueue ORDER BY id LIMIT %s)", [batch]
        )
        count, last = cursor.fetchone()
        if not count:
            return 0
        cursor.execute(
            'INSERT INTO record_logleaf ("index", kind, ref, data, enqueued_at, sequenced_at) '
            f"SELECT idx, kind, ref, data, created_at, %s FROM ({numbered})",
            [conn.ops.adapt_datetimefield_value(at), start, last],
        )
        cursor.execute(
            'INSERT INTO record_logdocument ("index", data, public) '
            f"SELECT idx, document, document_public FROM ({numbered}) WHERE document IS NOT NULL",
            [start, last],
        )
        cursor.execute(
            'INSERT INTO record_loghash (level, "index", hash) '
            'SELECT 0, "index", sunlit_leaf_hash(data) FROM record_logleaf WHERE "index" >= %s',
            [start],
        )
        cursor.execute('SELECT hash FROM record_loghash WHERE level = 0 AND "index" >= %s ORDER BY "index"', [start])
        hashes = [bytes(h) for (h,) in cursor.fetchall()]
        cursor.execute("DELETE FROM record_leafqueue WHERE id <= %s", [last])
        if len(hashes) != count:
            raise store.LogCorrupt(f"appended {len(hashes)} leaf hashes for {count} queued leaves")
        _store_nodes(cursor, start, hashes, using)
    state.size = start + count
    state.save(update_fields=["size"])
    return int(count)


def _store_nodes(cursor: Any, start: int, hashes: list[bytes], using: str) -> None:
    """Store the nodes above level 0 that leaves ``hashes``, appended at ``start``, complete."""
    edge = store.fetch_hashes(store.right_edge_keys(start), using) if start else {}
    nodes = [n for n in store.new_hashes(start, hashes, edge) if n[0] > 0]
    bulk_insert(cursor, LogHash._meta.db_table, ("level", "index", "hash"), nodes)


_PG_APPEND = """
WITH taken AS (
    DELETE FROM record_leafqueue WHERE id IN (SELECT id FROM record_leafqueue ORDER BY id LIMIT %(batch)s)
    RETURNING id, kind, ref, data, document, document_public, created_at
), numbered AS (
    SELECT %(start)s + row_number() OVER (ORDER BY id) - 1 AS idx, taken.*,
           sha256('\\x00'::bytea || data) AS leaf_hash
    FROM taken
), leaves AS (
    INSERT INTO record_logleaf ("index", kind, ref, data, enqueued_at, sequenced_at)
    SELECT idx, kind, ref, data, created_at, %(at)s FROM numbered
), level0 AS (
    INSERT INTO record_loghash (level, "index", hash) SELECT 0, idx, leaf_hash FROM numbered
), documents AS (
    INSERT INTO record_logdocument ("index", data, public)
    SELECT idx, document, document_public FROM numbered WHERE document IS NOT NULL
)
SELECT leaf_hash FROM numbered ORDER BY idx
"""


def _append_postgresql(state: LogState, batch: int, at: dt.datetime, using: str) -> int:
    """The same append as :func:`_append_sqlite`, in one statement on the server.

    The queue rows move to the log tables inside PostgreSQL (leaf hashes by its ``sha256()``: exactly
    SHA-256(0x00 || entry)); only the new leaf hashes come back, to compute the nodes above them.
    """
    conn = connections[using]
    start = state.size
    with conn.cursor() as cursor:
        cursor.execute(_PG_APPEND, {"batch": batch, "start": start, "at": at})
        hashes = [bytes(h) for (h,) in cursor.fetchall()]
        if not hashes:
            return 0
        _store_nodes(cursor, start, hashes, using)
    state.size = start + len(hashes)
    state.save(update_fields=["size"])
    return len(hashes)


def _sign(size: int, origin: str, signer: Signer, at: dt.datetime, using: str) -> Checkpoint:
    root = store.root(size, using)
    note = sign_checkpoint(CheckpointText(origin=origin, size=size, root_hash=root), signer)
    cp = Checkpoint(size=size, root=root, note=note, created_at=at)
    cp.save(using=using)
    return cp


def latest_checkpoint(using: str = DEFAULT_DB_ALIAS) -> Checkpoint | None:
    return Checkpoint.objects.using(using).order_by("-size").first()


def sequence_once(
    *, batch: int = BATCH, sign: bool = True, signer: Signer | None = None, clock: Clock | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> SequenceResult:
    """One pass: append up to ``batch`` queued leaves and, when ``sign``, checkpoint the size if it is new."""
    origin = keys.log_origin()
    signer = signer or keys.log_signer()
    with transaction.atomic(using=using):
        state = _lock_state(origin, using)
        at = clock_mod.now(clock)
        vendor = connections[using].vendor
        if vendor == "postgresql":
            appended = _append_postgresql(state, batch, at, using)
        elif vendor == "sqlite":
            appended = _append_sqlite(state, batch, at, using)
        else:
            raise LogConfigError(f"the log runs on SQLite or PostgreSQL, not {vendor}")
        latest = latest_checkpoint(using)
        checkpoint = None
        if sign and (latest is None or latest.size < state.size):
            checkpoint = latest = _sign(state.size, origin, signer, at, using)
        return SequenceResult(
            appended=appended, size=state.size, checkpoint=checkpoint,
            checkpointed_size=latest.size if latest is not None else -1,
        )


def sequence_all(*, batch: int = BATCH, sign: bool = True, using: str = DEFAULT_DB_ALIAS) -> SequenceResult:
    """Pass after pass until the queue is empty (signing once, at the end, when ``sign``)."""
    appended = 0
    while True:
        result = sequence_once(batch=batch, sign=False, using=using)
        appended += result.appended
        if result.appended < batch:
            break
    if sign:
        result = sequence_once(batch=batch, sign=True, using=using)
        appended += result.appended
    return SequenceResult(appended, result.size, result.checkpoint, result.checkpointed_size)


def checkpoint_interval() -> float:
    return float(getattr(settings, "SUNLIT_LOG_CHECKPOINT_INTERVAL", 1.0))


def run(
    *, interval: float = 0.2, once: bool = False, stop: threading.Event | None = None,
    checkpoint_interval_s: float | None = None, batch: int = BATCH, using: str = DEFAULT_DB_ALIAS,
) -> None:
    """The sequencer loop: integrate what is queued every ``interval`` seconds (sooner when woken by a
    commit in this process), and sign a checkpoint whenever the log has grown, at most once per
    ``checkpoint_interval_s`` (SUNLIT_LOG_CHECKPOINT_INTERVAL). ``once``: one drain and one checkpoint.
    """
    if once:
        sequence_all(batch=batch, using=using)
        return
    gap = checkpoint_interval() if checkpoint_interval_s is None else checkpoint_interval_s
    stop = stop or threading.Event()
    last_signed = float("-inf")
    pending = True  # unknown at start: check once
    while not stop.is_set():
        timeout = interval
        try:
            if pending or LeafQueue.objects.using(using).exists():
                due = time.monotonic() - last_signed >= gap
                result = sequence_once(batch=batch, sign=due, using=using)
                if result.checkpoint is not None:
                    last_signed = time.monotonic()
                pending = result.pending
                if result.appended == batch:
                    continue  # more queued: drain before sleeping
                if pending:
                    timeout = min(interval, max(0.0, gap - (time.monotonic() - last_signed)))
        except (LogConfigError, ImproperlyConfigured):
            connections[using].close()
            raise  # will not mend by waiting
        except Exception:
            log.exception("log sequencer pass failed; retrying in %.1f s", interval)
            connections[using].close()
            pending = True
        if _wake.wait(timeout):
            _wake.clear()
    connections[using].close()


class BackgroundSequencer:
    """The loop in a daemon thread; ``stop()`` ends it."""

    def __init__(self, interval: float = 0.2, using: str = DEFAULT_DB_ALIAS) -> None:
        self.stop_event = threading.Event()
        self.thread = threading.Thread(
            target=run, kwargs={"interval": interval, "stop": self.stop_event, "using": using},
            name="sunlit-log-sequencer", daemon=True,
        )

    def start(self) -> BackgroundSequencer:
        self.thread.start()
        return self

    def stop(self, timeout: float | None = 5.0) -> None:
        self.stop_event.set()
        wake()
        self.thread.join(timeout)


def start_background_sequencer(interval: float = 0.2) -> BackgroundSequencer:
    """Run the sequencer beside the web server, in this process (for `sunlit serve` and `sunlit demo`)."""
    keys.log_signer()  # fail now, in the caller, if the key is misconfigured
    return BackgroundSequencer(interval=interval).start()
