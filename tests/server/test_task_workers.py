"""Several task workers on one database: one leads the schedule, and when it is killed another takes over
within seconds (core.leader)."""

from __future__ import annotations

import signal
import subprocess
import time

from tests.server.conftest import Sunlit


def _leader_line(worker: subprocess.Popen[str], deadline: float) -> bool:
    assert worker.stdout is not None
    while time.monotonic() < deadline:
        line = worker.stdout.readline()
        if "成为schedule主进程" in line:
            return True
        if not line and worker.poll() is not None:
            return False
    return False


def test_killing_the_leading_worker_lets_the_other_lead(sunlit: Sunlit) -> None:
    sunlit.ok("migrate", "-v", "0")
    workers = [sunlit.popen("run_huey", "--quiet") for _ in range(2)]
    try:
        leader = workers[0] if _leader_line(workers[0], time.monotonic() + 30) else workers[1]
        other = workers[1] if leader is workers[0] else workers[0]
        leader.send_signal(signal.SIGKILL)
        leader.wait(10)
        started = time.monotonic()
        assert _leader_line(other, started + 15), "no worker took over"
        assert time.monotonic() - started < 10
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
                worker.wait(15)
