"""Run the same action in two threads released together, each on its own database connection: what two
sweepers (or two notifiers) started in the same second do."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connections


def twice_at_once(action: Callable[[], Any]) -> list[Any]:
    """Both results; an exception in either thread fails the caller's test."""
    results: list[Any] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def run() -> None:
        try:
            start.wait()
            results.append(action())
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return results
