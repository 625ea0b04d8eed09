"""Two add-checkpoint requests from the same old size at once: one advances the state, the other gets 409.

Without the row lock both would check against the same old size; the compare-and-swap would still stop
the second, but this test asks for more: the second must not even reach the check before the first
has committed.
"""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection

from sunlit.witness import services
from sunlit.witness.models import WitnessedLog
from tests.witness.conftest import NEIGHBOUR, MemLog

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs two database connections at once: SQLite's test database is one in-memory connection "
    "shared with live_server, and SQLite serialises writers by its IMMEDIATE transactions anyway",
)


def post(url: str, body: str) -> tuple[int, str, str]:
    req = urllib.request.Request(url, data=body.encode(), method="POST")
    try:
        with urllib.request.urlopen(req, timeout=20) as resp:  # noqa: S310
            return resp.status, resp.read().decode(), resp.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), exc.headers.get("Content-Type", "")


@pytest.fixture
def stalled_check(monkeypatch: Any) -> Iterator[dict[str, Any]]:
    """The first request to reach the consistency check waits there (holding the row) until released."""
    control: dict[str, Any] = {"entered": [], "first_in": threading.Event(), "release": threading.Event()}
    original = services.check_consistency

    def slow(sub: services.Submission, size: int, root: bytes) -> None:
        control["entered"].append(sub.checkpoint.size)
        if len(control["entered"]) == 1:
            control["first_in"].set()
            control["release"].wait(20)
        original(sub, size, root)

    monkeypatch.setattr(services, "check_consistency", slow)
    yield control
    control["release"].set()


@postgres_only
def test_two_requests_from_the_same_old_size_cannot_both_advance(
    live_server: Any, transactional_db: None, stalled_check: dict[str, Any]
) -> None:
    log = MemLog(NEIGHBOUR).grow(1000)
    services.add_log(log.origin, [log.vkey])
    url = live_server.url + "/add-checkpoint"
    stalled_check["entered"].append(0)  # the set-up request below is not the one to stall
    assert post(url, log.request(0, 300))[0] == 200
    stalled_check["entered"].clear()

    results: dict[int, tuple[int, str, str]] = {}

    def submit(size: int) -> None:
        results[size] = post(url, log.request(300, size))

    first = threading.Thread(target=submit, args=(700,))
    first.start()
    assert stalled_check["first_in"].wait(10)
    second = threading.Thread(target=submit, args=(1000,))
    second.start()
    time.sleep(0.5)
    assert stalled_check["entered"] == [700], "the second request read the state while the first held it"
    stalled_check["release"].set()
    first.join(20)
    second.join(20)

    assert results[700][0] == 200
    assert results[1000] == (409, "700\n", "text/x.tlog.size")
    row = WitnessedLog.objects.get(origin=NEIGHBOUR)
    assert (row.size, bytes(row.root)) == (700, log.tree.root(700))
    # and the loser, retrying from the size it was told, gets its cosignature
    assert post(url, log.request(700, 1000))[0] == 200


def test_compare_and_swap_alone_stops_a_second_advance(db: None) -> None:
    """Even if the lock were lost (select_for_update a no-op), the UPDATE … WHERE size = old refuses."""
    log = MemLog(NEIGHBOUR).grow(1000)
    services.add_log(log.origin, [log.vkey])
    services.add_checkpoint(log.request(0, 300))
    sub = services.open_submission(log.request(300, 700), lambda origin: [log.signer.verifier()])

    def check_then_race(size: int, root: bytes) -> None:
        services.check_consistency(sub, size, root)
        # another request advances the state between this one's check and its update
        WitnessedLog.objects.filter(origin=NEIGHBOUR).update(size=1000, root=log.tree.root(1000))

    with pytest.raises(services.Conflict) as exc:
        services.advance(NEIGHBOUR, sub.checkpoint, sub.signed, check_then_race)
    assert exc.value.size == 1000
