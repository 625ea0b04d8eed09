"""`sunlit serve` is a production server (gunicorn): a body larger than any form takes is refused with 413,
declared or chunked, without the server reading it into memory; measured on the real processes."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from tests.server.conftest import Sunlit
from tests.server.test_serve import _free_port

MB = 1024 * 1024
BODY = 300 * MB


def _tree(pid: int) -> list[int]:
    """A process and all its descendants."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        found.append(current)
        todo += [int(c) for c in children]
    return found


def _tree_rss(pid: int) -> int:
    """Memory of a process and all its descendants, in bytes: the proportional set size, so that pages the
    workers share with the master they were forked from count once."""
    total = 0
    for current in _tree(pid):
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
        except OSError:
            continue
        total += next(int(line.split()[1]) * 1024 for line in rollup.splitlines() if line.startswith("Pss:"))
    return total


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _send(port: int, path: str, *, chunked: bool, size: int = BODY) -> tuple[int, bytes, float]:
    """POST 300 MB of zeros, declared or chunked, from a thread, while the answer is read as soon as it comes;
    its status, body and the seconds until it came."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        length = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {size}"
        conn.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n{length}\r\n\r\n"
                     .encode())
        answered = threading.Event()

        def send() -> None:
            block = b"\0" * MB
            piece = (f"{MB:x}\r\n".encode() + block + b"\r\n") if chunked else block
            try:
                for _ in range(size // MB):
                    if answered.is_set():
                        return
                    conn.sendall(piece)
                if chunked:
                    conn.sendall(b"0\r\n\r\n")
            except OSError:
                pass  # the server closed the connection: it has answered

        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        answer = b""
        while b"\r\n\r\n" not in answer:
            data = conn.recv(65536)
            if not data:
                break
            answer += data
        answered.set()
        took = time.monotonic() - started
        head, _, rest = answer.partition(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
    sender.join(30)
    return status, rest, took


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc to measure memory")
def test_oversized_bodies_are_refused_without_the_server_reading_them(sunlit: Sunlit) -> None:
    sunlit.ok("migrate", "-v", "0")
    port = _free_port()
    sunlit.env.update({"SUNLIT_WORKERS": "2", "SUNLIT_ACCESS_LOG": "0"})
    server = sunlit.popen("serve", "--port", str(port))
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/powers", timeout=5) as resp:
                    assert resp.status == 200
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "the server did not start"
                time.sleep(0.3)
        for _ in range(3):  # every worker has served its first requests: what grows now is the bodies' doing
            for path in ("/add-checkpoint", "/api/v1/powers"):
                for chunked in (False, True):
                    assert _send(port, path, chunked=chunked, size=61 * MB)[0] == 413
        before = _tree_rss(server.pid)
        for path in ("/add-checkpoint", "/api/v1/powers"):
            for chunked in (False, True):
                status, body, took = _send(port, path, chunked=chunked)
                assert status == 413, (path, chunked, body[:200])
                assert took < 20, (path, chunked, took)
        grown = _tree_rss(server.pid) - before
        assert grown < 64 * MB, f"the server grew by {grown / MB:.0f} MB"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/powers", timeout=5) as resp:
            assert resp.status == 200  # and it still serves
        processes = _tree(server.pid)
        assert len(processes) >= 5  # the master, two workers, the log's sequencer, the task worker
    finally:
        server.terminate()
        server.wait(30)
    time.sleep(1)
    assert not [pid for pid in processes if _alive(pid)], "a process outlived the server"


def test_the_development_server_is_still_there(sunlit: Sunlit) -> None:
    done = subprocess.run(sunlit.command("serve", "--help"), cwd=sunlit.cwd, env=sunlit.env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0 and "--dev" in done.stdout


def test_nothing_outlives_a_server_killed_outright(sunlit: Sunlit) -> None:
    sunlit.ok("migrate", "-v", "0")
    port = _free_port()
    sunlit.env.update({"SUNLIT_WORKERS": "1", "SUNLIT_ACCESS_LOG": "0"})
    server = sunlit.popen("serve", "--port", str(port))
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/log/checkpoint", timeout=5):
                break
        except OSError:
            assert time.monotonic() < deadline and server.poll() is None, "the server did not start"
            time.sleep(0.3)
    processes = _tree(server.pid)
    assert len(processes) >= 4  # the master, a worker, the log's sequencer, the task worker
    server.kill()  # SIGKILL: no exit handler runs
    server.wait(10)
    deadline = time.monotonic() + 15
    while [pid for pid in processes if _alive(pid)]:
        assert time.monotonic() < deadline, "a process outlived the server"
        time.sleep(0.2)
