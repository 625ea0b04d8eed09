"""The cosigning loop: every new checkpoint of Sunlit's log goes to its witnesses, outside the
sequencer's transaction and thread, so a slow witness never holds up the log.

:func:`run` looks at the latest checkpoint every ``interval`` seconds, or at once when :func:`wake` is
called (e.g. right after a checkpoint is signed); a checkpoint it has not handled yet goes to
:func:`~sunlit.witness.services.collect_cosignatures`. Witnesses that failed are asked again after
``retry`` seconds. `sunlit log-cosign --interval N` runs it as a process of its own;
:func:`start_background_cosigner` in a daemon thread beside the web server.
"""

from __future__ import annotations

import logging
import threading
import time

from django.db import DEFAULT_DB_ALIAS, connections

from sunlit.record import selectors
from sunlit.witness import client, services

log = logging.getLogger(__name__)

_wake = threading.Event()


def wake() -> None:
    """Tell a cosigning loop in this process that a checkpoint was signed."""
    _wake.set()


def run(
    *, interval: float = 5.0, retry: float = 60.0, stop: threading.Event | None = None,
    timeout: float = client.TIMEOUT, using: str = DEFAULT_DB_ALIAS,
) -> None:
    stop = stop or threading.Event()
    handled = -1
    retry_at = float("inf")
    while not stop.is_set():
        try:
            latest = selectors.latest_checkpoint(using)
            if latest is not None and (latest.size != handled or time.monotonic() >= retry_at):
                outcomes = services.collect_cosignatures(latest, timeout=timeout, using=using)
                handled = latest.size
                failed = [o for o in outcomes if not o.ok]
                retry_at = time.monotonic() + retry if failed else float("inf")
        except Exception:
            log.exception("cosigning pass failed; retrying in %.1f s", interval)
            connections[using].close()
        if _wake.wait(interval):
            _wake.clear()
    connections[using].close()


class BackgroundCosigner:
    """The loop in a daemon thread; ``stop()`` ends it."""

    def __init__(self, interval: float = 5.0, retry: float = 60.0, using: str = DEFAULT_DB_ALIAS) -> None:
        self.stop_event = threading.Event()
        self.thread = threading.Thread(
            target=run, kwargs={"interval": interval, "retry": retry, "stop": self.stop_event, "using": using},
            name="sunlit-cosigner", daemon=True,
        )

    def start(self) -> BackgroundCosigner:
        self.thread.start()
        return self

    def stop(self, timeout: float | None = 10.0) -> None:
        self.stop_event.set()
        wake()
        self.thread.join(timeout)


def start_background_cosigner(interval: float = 5.0) -> BackgroundCosigner:
    """Run the cosigning loop beside the web server, in this process."""
    return BackgroundCosigner(interval=interval).start()
