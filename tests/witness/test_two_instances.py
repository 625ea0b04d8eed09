"""Two Sunlit instances witness each other over HTTP.

Instance A is this test process: its database, its log (origin county-a…), its witness key, served by
live_server. Instance B is a second Sunlit in a subprocess (`sunlit runserver`) with a database, data
folder, log key and witness key of its own (origin county-b…). Each is configured, with the commands
an administrator would use, to witness the other's log and to ask the other to cosign its own
checkpoints. Then both logs grow, twice; each checkpoint reaches the other over real HTTP and comes
back with a cosignature that verifies and is published; and `sunlit witness` on each side watches
the other's log grow.
"""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from sunlit.core.tlog.checkpoint import open_checkpoint, verify_cosignatures
from sunlit.core.tlog.note import parse_verifier_key
from sunlit.record import keys as record_keys
from sunlit.record import selectors
from sunlit.witness import keys, services
from sunlit.witness.models import WitnessedLog, parse_witness_key
from tests.record.conftest import grow, wipe_log
from tests.witness.conftest import LOG_ORIGIN, WITNESS_NAME

B_ORIGIN = "county-b.example/yangguang/log"
B_WITNESS = "county-b.example/yangguang/witness"

GROW_B = """
from sunlit.record import sequencer, services
from sunlit.record.leaf import make_leaf
from sunlit.record.models import LogState
first = LogState.objects.filter(pk=1).values_list("size", flat=True).first() or 0
services.enqueue([make_leaf("test", i, {"type": "test", "n": i}, {"text": f"county B {i}"}, public=True)
                  for i in range(first, first + N)])
print("size", sequencer.sequence_all().size)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def http_get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as resp:  # noqa: S310 - a local test server
        return str(resp.read().decode())


class Instance:
    """A second Sunlit, in its own process, with its own database and keys."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True)
        self.folder = folder
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("SUNLIT_")}
        self.env.update({
            "SUNLIT_DATA_DIR": str(folder),
            "SUNLIT_DATABASE_URL": f"sqlite:///{folder / 'sunlit-b.sqlite3'}",
            "SUNLIT_SECRET_KEY": "test-only-key-not-secret",
            "SUNLIT_LOG_ORIGIN": B_ORIGIN,
            "SUNLIT_WITNESS_NAME": B_WITNESS,
        })
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server: subprocess.Popen[bytes] | None = None

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "sunlit.cli", *args], env=self.env, cwd=self.folder,
            capture_output=True, text=True, timeout=60, check=False,
        )
        if check and done.returncode != 0:
            raise AssertionError(f"sunlit {' '.join(args)} → {done.returncode}\n{done.stdout}\n{done.stderr}")
        return done

    def start(self) -> None:
        self.run("migrate", "-v", "0")
        log = (self.folder / "server.log").open("wb")
        self.server = subprocess.Popen(
            [sys.executable, "-m", "sunlit.cli", "runserver", f"127.0.0.1:{self.port}", "--noreload", "--skip-checks"],
            env=self.env, cwd=self.folder, stdout=log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                http_get(self.url + "/witness/key")
                return
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline or self.server.poll() is not None:
                    raise AssertionError((self.folder / "server.log").read_text()) from None
                time.sleep(0.1)

    def stop(self) -> None:
        if self.server is not None:
            self.server.terminate()
            try:
                self.server.wait(10)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait(10)

    def get(self, path: str) -> str:
        return http_get(self.url + path)

    def grow(self, n: int) -> int:
        out = self.run("shell", "-c", GROW_B.replace("N)", f"{n})")).stdout
        return int(out.split("size", 1)[1].split()[0])


@pytest.fixture
def b_instance(tmp_path: Path) -> Iterator[Instance]:
    instance = Instance(tmp_path / "instance-b")
    instance.start()
    yield instance
    instance.stop()


@pytest.fixture
def committed(transactional_db: None) -> Iterator[None]:
    yield
    wipe_log()


def watch(url: str, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("witness", url, *args, stdout=out, stderr=io.StringIO())
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_two_sunlit_instances_witness_each_other_over_http(
    live_server: Any, committed: None, b_instance: Instance, tmp_path: Path
) -> None:
    a, b = live_server.url, b_instance
    a_log_vkey, a_witness_vkey = record_keys.verifier_key(), keys.verifier_key()
    b_log_vkey, b_witness_vkey = b.get("/log/key").strip(), b.get("/witness/key").strip()
    assert b_log_vkey.startswith(B_ORIGIN + "+") and b_witness_vkey.startswith(B_WITNESS + "+")
    b_log, b_witness = parse_verifier_key(b_log_vkey), parse_witness_key(b_witness_vkey)
    a_witness = keys.cosigner().verifier()

    # The introductions, made by each county's administrator.
    call_command("witness_add_log", B_ORIGIN, b_log_vkey, stdout=io.StringIO())   # A witnesses B's log
    call_command("log_add_witness", b_witness_vkey, b.url, stdout=io.StringIO())  # A's log asks B
    b.run("witness-add-log", LOG_ORIGIN, a_log_vkey)                             # B witnesses A's log
    b.run("log-add-witness", a_witness_vkey, a)                                   # B's log asks A

    a_size = b_size = 0
    for a_grows, b_grows in ((5, 3), (300, 260)):
        # A's new checkpoint goes to B's /add-checkpoint; B's cosignature is verified and published by A.
        grow(a_grows)
        a_size, old = a_size + a_grows, a_size
        latest = selectors.latest_checkpoint()
        assert latest is not None and latest.size == a_size
        outcomes = services.collect_cosignatures(latest)
        assert [(o.witness, o.status, o.message) for o in outcomes] == [
            (B_WITNESS, "cosigned", f"cosigned size {a_size} (from {old})")
        ]
        text = http_get(a + "/log/checkpoint")
        assert open_checkpoint(text, [record_keys.log_verifier()])[0].size == a_size
        assert B_WITNESS in verify_cosignatures(text, [b_witness])

        # B's new checkpoint goes to A's /add-checkpoint (live_server); A's cosignature ends up in B's.
        b_size, old = b.grow(b_grows), b_size
        done = b.run("log-cosign")
        assert done.stdout.strip() == f"cosigned: {WITNESS_NAME}: cosigned size {b_size} (from {old})"
        text = b.get("/log/checkpoint")
        assert open_checkpoint(text, [b_log], origin=B_ORIGIN)[0].size == b_size
        assert WITNESS_NAME in verify_cosignatures(text, [a_witness])
        row = WitnessedLog.objects.get(origin=B_ORIGIN)  # A's witness state for B
        assert row.size == b_size and row.checkpoint == text.split("\u2014 " + WITNESS_NAME)[0]

    # `sunlit witness` on A watches A's own log over HTTP, from a state file...
    state = tmp_path / "a-watches-a.json"
    assert watch(a + "/log", "--key", a_log_vkey, "--state", str(state)) == (
        0, f"ok: {LOG_ORIGIN} first seen at size {a_size} (root {latest_root_hex()})\n"
    )
    grow(7)
    assert watch(a + "/log", "--key", a_log_vkey, "--state", str(state)) == (
        0, f"ok: {LOG_ORIGIN} grew from {a_size} to {a_size + 7}\n"
    )
    # ...and B's log, from A's witness state (the size A last cosigned for B)
    b_grown = b.grow(30)
    assert watch(b.url + "/log") == (0, f"ok: {B_ORIGIN} grew from {b_size} to {b_grown}\n")
    assert WitnessedLog.objects.get(origin=B_ORIGIN).size == b_grown
    # B, in its own process, watches A's log from B's witness state
    done = b.run("witness", a + "/log")
    assert done.stdout.strip() == f"ok: {LOG_ORIGIN} grew from {a_size} to {a_size + 7}"


def latest_root_hex() -> str:
    latest = selectors.latest_checkpoint()
    assert latest is not None
    return bytes(latest.root).hex()
