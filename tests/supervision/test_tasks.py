"""The server sweeps every minute through the task runner (settings.HUEY): the periodic task is registered for
every minute, runs the same sweep as `sunlit supervise` when a worker takes it from the queue, and issues
nothing twice; `sunlit serve` starts the worker beside the web server."""

from __future__ import annotations

import datetime as dt
import io
import time

import pytest
from huey.contrib.djhuey import HUEY

from sunlit.core.clock import FixedClock
from sunlit.server.serving import start_task_worker
from sunlit.supervision.models import Card, CardLevel
from sunlit.supervision.tasks import sweep_every_minute
from tests.cases.conftest import Office
from tests.supervision.test_sweep import accepted_case, at


def test_the_sweep_is_due_every_minute() -> None:
    assert any(name.endswith("supervision.sweep") for name in HUEY._registry._registry)
    periodic = sweep_every_minute.task_class()
    minutes = [dt.datetime(2026, 12, 4, 0, 0) + dt.timedelta(minutes=m) for m in range(0, 24 * 60, 7)]
    assert all(periodic.validate_datetime(moment) for moment in minutes)


@pytest.mark.django_db(transaction=True)
def test_a_worker_taking_the_sweep_from_the_queue_issues_the_cards_once(office: Office, clock: FixedClock) -> None:
    accepted_case(office, clock)  # 审查 due Thu 12/3
    clock.at = at("2026-12-04T09:00")
    HUEY.flush()
    for _ in range(2):  # as a worker does: enqueue, dequeue, execute
        sweep_every_minute()
        task = HUEY.dequeue()
        assert task is not None and task.name.endswith("supervision.sweep")
        HUEY.execute(task)
    assert list(Card.objects.values_list("level", "trigger")) == [(CardLevel.RED, "case.step")]
    assert Card.objects.get().notified_at is not None  # its recipients were texted by the same run
    assert HUEY.dequeue() is None


def test_serve_starts_the_task_worker_and_stops_it() -> None:
    out = io.StringIO()
    worker = start_task_worker(type("Out", (), {"write": out.write})())
    assert worker is not None and "电子监察" in out.getvalue()
    try:
        time.sleep(3)
        assert worker.poll() is None, "the worker exited at once"
    finally:
        worker.terminate()
        assert worker.wait(timeout=15) is not None
