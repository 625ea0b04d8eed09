"""Sunlit's own checkpoints go to its witnesses over HTTP; their cosignatures are verified and published.

The witness here is this same Sunlit, served by live_server (its add-checkpoint) and configured to
witness its own log: the exchange is real HTTP, only the two roles share a database. Two separate
instances are in test_two_instances.py.
"""

from __future__ import annotations

import socket
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection

from sunlit.core.tlog.checkpoint import generate_cosigner_key, open_checkpoint, verify_cosignatures
from sunlit.record import keys as record_keys
from sunlit.record import selectors
from sunlit.record.models import Checkpoint
from sunlit.witness import keys, services
from sunlit.witness.models import WitnessConfig, WitnessedLog
from tests.record.conftest import grow, wipe_log
from tests.witness.conftest import LOG_ORIGIN, WITNESS_NAME


@pytest.fixture
def committed(transactional_db: None) -> Iterator[None]:
    yield
    wipe_log()


@pytest.fixture
def self_witness(live_server: Any, committed: None) -> WitnessConfig:
    """This Sunlit witnesses its own log, and its log asks that witness (at live_server) to cosign."""
    services.add_log(LOG_ORIGIN, [record_keys.verifier_key()])
    witness, created = services.add_witness(keys.verifier_key(), live_server.url)
    assert created and witness.submission_url == live_server.url + "/add-checkpoint"
    return witness


def latest() -> Checkpoint:
    cp = selectors.latest_checkpoint()
    assert cp is not None
    return cp


def published(live_server: Any) -> str:
    with urllib.request.urlopen(live_server.url + "/log/checkpoint", timeout=5) as resp:  # noqa: S310
        return str(resp.read().decode())


def witness_row() -> WitnessConfig:
    return WitnessConfig.objects.get()


def test_each_checkpoint_is_cosigned_and_published(live_server: Any, self_witness: WitnessConfig) -> None:
    grow(5)
    outcomes = services.collect_cosignatures(latest())

    assert [(o.status, o.message) for o in outcomes] == [("cosigned", "cosigned size 5 (from 0)")]
    text = published(live_server)
    checkpoint, _ = open_checkpoint(text, [record_keys.log_verifier()], origin=LOG_ORIGIN)
    assert checkpoint.size == 5
    assert WITNESS_NAME in verify_cosignatures(text, [keys.cosigner().verifier()])
    assert text == latest().note + outcomes[0].line + "\n"
    assert witness_row().cosigned_size == 5 and witness_row().last_ok_at is not None

    grow(300)
    outcomes = services.collect_cosignatures(latest())

    assert [(o.status, o.message) for o in outcomes] == [("cosigned", "cosigned size 305 (from 5)")]
    assert WITNESS_NAME in verify_cosignatures(published(live_server), [keys.cosigner().verifier()])
    assert WitnessedLog.objects.get(origin=LOG_ORIGIN).size == 305

    again = services.collect_cosignatures(latest())
    assert [o.status for o in again] == ["already"]
    assert latest().signed_note.count("\u2014 " + WITNESS_NAME) == 1


def test_a_409_is_followed_to_the_size_the_witness_holds(live_server: Any, self_witness: WitnessConfig) -> None:
    grow(5)
    services.collect_cosignatures(latest())
    WitnessConfig.objects.update(cosigned_size=0)  # the log forgot what the witness cosigned
    grow(40)

    outcomes = services.collect_cosignatures(latest())

    assert [(o.status, o.message) for o in outcomes] == [("cosigned", "cosigned size 45 (from 5)")]
    assert witness_row().cosigned_size == 45


def test_an_older_checkpoint_than_the_witness_holds_is_skipped(live_server: Any, self_witness: WitnessConfig) -> None:
    grow(5)
    first = latest()
    grow(5)
    services.collect_cosignatures(latest())

    outcomes = services.collect_cosignatures(first)

    assert [o.status for o in outcomes] == ["skipped"]


def test_a_witness_holding_another_history_is_reported(live_server: Any, self_witness: WitnessConfig) -> None:
    grow(5)
    # The witness was shown a forged tree of size 3 (say, by a compromised log key elsewhere).
    WitnessedLog.objects.filter(origin=LOG_ORIGIN).update(size=3, root=bytes(32))
    grow(10)

    outcomes = services.collect_cosignatures(latest())

    assert outcomes[0].status == "error" and "not consistent with ours" in outcomes[0].message
    row = witness_row()
    assert "not consistent" in row.last_error and row.last_error_at is not None
    assert latest().cosignatures == ""


def test_one_failing_witness_does_not_stop_the_others(live_server: Any, self_witness: WitnessConfig) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    services.add_witness(generate_cosigner_key("gone.example/witness")[1], f"http://127.0.0.1:{closed_port}")
    # a witness whose key is not the one answering at that URL: its answer carries no cosignature of its key
    services.add_witness(generate_cosigner_key(WITNESS_NAME)[1], live_server.url + "/add-checkpoint")
    grow(5)

    outcomes = services.collect_cosignatures(latest(), timeout=2)

    by_status = sorted((o.status, o.witness) for o in outcomes)
    assert by_status == [("cosigned", WITNESS_NAME), ("error", WITNESS_NAME), ("error", "gone.example/witness")]
    messages = " | ".join(o.message for o in outcomes)
    assert "cannot reach the witness" in messages and "no cosignature from" in messages
    assert latest().signed_note.count("\u2014 ") == 2  # the log's signature and one cosignature


def test_inactive_witnesses_are_not_asked(live_server: Any, self_witness: WitnessConfig) -> None:
    WitnessConfig.objects.update(active=False)
    grow(3)
    assert services.collect_cosignatures(latest()) == []


def test_log_cosign_prints_each_cosignature_and_exits_1_when_a_witness_fails(
    live_server: Any, committed: None, capsys: Any
) -> None:
    from django.core.management import call_command

    services.add_log(LOG_ORIGIN, [record_keys.verifier_key()])
    call_command("log_add_witness", keys.verifier_key(), live_server.url)
    assert capsys.readouterr().out == f"added witness {WITNESS_NAME} at {live_server.url}/add-checkpoint\n"
    grow(4)

    call_command("log_cosign")  # returns: exit status 0

    assert capsys.readouterr().out == f"cosigned: {WITNESS_NAME}: cosigned size 4 (from 0)\n"
    WitnessedLog.objects.filter(origin=LOG_ORIGIN).update(size=2, root=bytes(32))  # the witness saw a forgery
    grow(1)

    with pytest.raises(SystemExit) as exited:
        call_command("log_cosign")

    assert exited.value.code == 1
    out = capsys.readouterr().out
    assert out.startswith(f"error: {WITNESS_NAME}: ") and "not consistent with ours" in out
    assert latest().size == 5 and latest().cosignatures == ""


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a loop thread beside the test needs a second database connection: SQLite's test database is "
    "one in-memory connection shared with live_server",
)
def test_the_background_cosigner_sends_each_new_checkpoint(live_server: Any, self_witness: WitnessConfig) -> None:
    import time

    from sunlit.witness import cosigner

    loop = cosigner.BackgroundCosigner(interval=30).start()  # long interval: only wake() makes it look
    try:
        for n in (3, 10):
            grow(n)
            cosigner.wake()
            deadline = time.monotonic() + 15
            while not latest().cosignatures and time.monotonic() < deadline:
                time.sleep(0.05)
            assert WITNESS_NAME in verify_cosignatures(latest().signed_note, [keys.cosigner().verifier()])
    finally:
        loop.stop()
    assert not loop.thread.is_alive()
    assert witness_row().cosigned_size == 13
