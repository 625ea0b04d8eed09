"""Several task workers on one database: one leads the schedule, and when it is killed another takes over
within seconds (core.leader)."""

from __future__ import annotations

import signal
import time

from tests.server.conftest import Sunlit
from tests.server.test_scale_out import Output


def test_killing_the_leading_worker_lets_the_other_lead(sunlit: Sunlit) -> None:
    sunlit.ok("migrate", "-v", "0")
    workers = [Output(sunlit.popen("run_huey", "--quiet")) for _ in range(2)]
    try:
        deadline = time.monotonic() + 30
        while not any(worker.leads() for worker in workers):
            assert time.monotonic() < deadline, "no worker leads: " + "".join(workers[0].lines + workers[1].lines)
            time.sleep(0.2)
        assert sum(worker.leads() for worker in workers) == 1
        leader = next(worker for worker in workers if worker.leads())
        other = next(worker for worker in workers if worker is not leader)
        leader.process.send_signal(signal.SIGKILL)
        leader.process.wait(10)
        killed = time.monotonic()
        while not other.leads():
            assert time.monotonic() - killed < 10, "no worker took over"
            time.sleep(0.2)
    finally:
        for worker in workers:
            if worker.process.poll() is None:
                worker.process.terminate()
                worker.process.wait(15)
