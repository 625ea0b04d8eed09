"""Sequencers that really run side by side, and the loop that runs beside the web server.

These tests commit (transactional_db): the log tables are emptied behind the triggers afterwards.
"""

from __future__ import annotations

import io
import threading
import time
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from sunlit.record import sequencer, services
from sunlit.record.audit import audit
from sunlit.record.models import Checkpoint, LeafQueue, LogLeaf
from tests.record.conftest import leaves

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers by its IMMEDIATE transactions; row locks are PostgreSQL's",
)


def _in_thread(target: Any, *args: Any, **kwargs: Any) -> threading.Thread:
    def body() -> None:
        try:
            target(*args, **kwargs)
        finally:
            connection.close()

    thread = threading.Thread(target=body)
    thread.start()
    return thread


@postgres_only
def test_two_sequencers_at_once_never_give_an_index_twice(committed_log: None) -> None:
    services.enqueue(leaves(3000))
    start = threading.Barrier(2)
    appended = [0, 0]
    errors: list[BaseException] = []

    def work(slot: int) -> None:
        try:
            start.wait()
            while (result := sequencer.sequence_once(batch=40)).appended:
                appended[slot] += result.appended
        except BaseException as exc:  # noqa: B036 - reported below
            errors.append(exc)

    threads = [_in_thread(work, 0), _in_thread(work, 1)]
    for t in threads:
        t.join(60)

    assert not errors
    assert appended[0] > 0 and appended[1] > 0 and sum(appended) == 3000
    indices = list(LogLeaf.objects.order_by("index").values_list("index", flat=True))
    refs = sorted(LogLeaf.objects.values_list("ref", flat=True))
    assert indices == list(range(3000)) and refs == list(range(3000))
    assert not LeafQueue.objects.exists()
    assert audit().ok


@postgres_only
def test_leaves_committed_while_the_sequencer_runs_each_land_exactly_once(committed_log: None) -> None:
    stop = threading.Event()
    runner = _in_thread(sequencer.run, interval=0.01, stop=stop, checkpoint_interval_s=0.0)

    def produce(first: int) -> None:
        for i in range(first, first + 200, 10):
            services.enqueue(leaves(10, i))

    producers = [_in_thread(produce, n * 1000) for n in range(3)]
    for t in producers:
        t.join(60)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (LeafQueue.objects.exists() or
                                           not Checkpoint.objects.filter(size=600).exists()):
        time.sleep(0.05)
    stop.set()
    sequencer.wake()
    runner.join(10)

    refs = sorted(LogLeaf.objects.values_list("ref", flat=True))
    assert refs == sorted(n * 1000 + i for n in range(3) for i in range(200))
    assert Checkpoint.objects.filter(size=600).exists()
    assert audit().ok


def test_the_background_sequencer_integrates_a_commit_within_moments(committed_log: None, settings: Any) -> None:
    settings.SUNLIT_LOG_CHECKPOINT_INTERVAL = 0.05
    background = sequencer.start_background_sequencer(interval=0.05)
    try:
        services.enqueue(leaves(3))
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not Checkpoint.objects.filter(size=3).exists():
            time.sleep(0.02)
        assert Checkpoint.objects.filter(size=3).exists()
        services.enqueue(leaves(2, 3))
        while time.monotonic() < deadline and not Checkpoint.objects.filter(size=5).exists():
            time.sleep(0.02)
        assert Checkpoint.objects.filter(size=5).exists()
    finally:
        background.stop()
    assert not background.thread.is_alive()


def test_log_sequence_once_drains_the_queue_and_signs(committed_log: None) -> None:
    services.enqueue(leaves(250))
    out = io.StringIO()

    call_command("log_sequence", "--once", stdout=out)

    assert "appended 250 leaves; log size 250; latest checkpoint size 250" in out.getvalue()
    assert Checkpoint.objects.filter(size=250).exists()
