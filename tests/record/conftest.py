"""Fixtures for the log: a fresh signer key per test, a helper to fill the log, clean-up for threads."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from sunlit.record import keys, sequencer, services, triggers
from sunlit.record.leaf import Leaf, make_leaf
from sunlit.record.models import Checkpoint, LeafQueue, LogDocument, LogHash, LogLeaf, LogState

ORIGIN = "county.example/yangguang/log"


@pytest.fixture(autouse=True)
def log_key(settings: Any, tmp_path: Path) -> Path:
    """Each test signs with a key of its own, generated on first use in its own folder."""
    path = tmp_path / "keys" / "log-signer.key"
    settings.SUNLIT_LOG_ORIGIN = ORIGIN
    settings.SUNLIT_LOG_KEY = ""
    settings.SUNLIT_LOG_KEY_FILE = path
    return path


def leaves(n: int, start: int = 0, kind: str = "test") -> list[Leaf]:
    """``n`` small public leaves: {"schema":1,"type":"test","n":i,"text":…}."""
    return [make_leaf(kind, i, {"type": "test", "n": i}, {"text": f"第{i}条"}, public=True) for i in range(start, start + n)]


def grow(n: int, *, checkpoint: bool = True, start: int | None = None) -> sequencer.SequenceResult:
    """Queue ``n`` test leaves and sequence them (one checkpoint at the end when ``checkpoint``)."""
    first = LogState.objects.filter(pk=1).values_list("size", flat=True).first() or 0
    services.enqueue(leaves(n, first if start is None else start))
    return sequencer.sequence_all(sign=checkpoint)


def grow_to(*sizes: int) -> list[sequencer.SequenceResult]:
    """Grow the log through ``sizes``, one checkpoint at each."""
    out = []
    for size in sizes:
        current = LogState.objects.filter(pk=1).values_list("size", flat=True).first() or 0
        out.append(grow(size - current))
    return out


def stored_entries() -> list[bytes]:
    return [bytes(d) for d in LogLeaf.objects.order_by("index").values_list("data", flat=True)]


def vkey() -> str:
    return keys.verifier_key()


def wipe_log() -> None:
    """Empty every log table behind the triggers' back (what a test that commits must clean up)."""
    with triggers.triggers_disabled(), connection.cursor() as cursor:
        for model in (LogDocument, LogHash, LogLeaf, Checkpoint, LogState, LeafQueue):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608


@pytest.fixture
def committed_log(transactional_db: None) -> Iterator[None]:
    """For tests whose writes really commit (threads): the log tables are emptied afterwards."""
    yield
    wipe_log()
