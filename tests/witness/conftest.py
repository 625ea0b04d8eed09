"""Fixtures for witnessing: fresh keys per test, an in-memory log that signs its checkpoints, a stub
tlog-tiles server for forged histories."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sunlit.core.tlog.checkpoint import AddCheckpointRequest, Checkpoint, sign_checkpoint
from sunlit.core.tlog.merkle import MerkleTree
from sunlit.core.tlog.note import Ed25519Signer, generate_key, parse_signer_key
from sunlit.core.tlog.tiles import tile_hashes, tiles_for_size

LOG_ORIGIN = "county-a.example/yangguang/log"
WITNESS_NAME = "county-a.example/yangguang/witness"
NEIGHBOUR = "county-b.example/yangguang/log"


@pytest.fixture(autouse=True)
def fresh_keys(settings: Any, tmp_path: Path) -> Path:
    """This Sunlit's log and witness keys: generated on first use in the test's own folder."""
    folder = tmp_path / "keys"
    settings.SUNLIT_LOG_ORIGIN = LOG_ORIGIN
    settings.SUNLIT_LOG_KEY = ""
    settings.SUNLIT_LOG_KEY_FILE = folder / "log-signer.key"
    settings.SUNLIT_WITNESS_NAME = WITNESS_NAME
    settings.SUNLIT_WITNESS_KEY = ""
    settings.SUNLIT_WITNESS_KEY_FILE = folder / "witness-signer.key"
    return folder


class MemLog:
    """A log kept in memory (core.tlog.merkle) that signs checkpoints with its own Ed25519 key."""

    def __init__(self, origin: str = NEIGHBOUR, signer: Ed25519Signer | None = None, tag: str = "") -> None:
        self.origin = origin
        if signer is None:
            skey, _ = generate_key(origin)
            signer = parse_signer_key(skey)
        self.signer = signer
        self.vkey = signer.vkey()
        self.tag = tag
        self.tree = MerkleTree()

    @property
    def size(self) -> int:
        return self.tree.size

    def grow(self, n: int) -> MemLog:
        start = self.tree.size
        self.tree.append_data(f"{self.origin} entry {i}{self.tag}".encode() for i in range(start, start + n))
        return self

    def fork(self, changed_index: int) -> MemLog:
        """The same log and key with one entry rewritten: a rewritten history of the same size."""
        other = MemLog(self.origin, self.signer, self.tag)
        size = self.tree.size
        other.tree.append_data(
            f"{self.origin} entry {i}{self.tag}{' (rewritten)' if i == changed_index else ''}".encode()
            for i in range(size)
        )
        return other

    def checkpoint(self, size: int | None = None, signer: Any = None) -> str:
        size = self.tree.size if size is None else size
        text = Checkpoint(origin=self.origin, size=size, root_hash=self.tree.root(size))
        return sign_checkpoint(text, signer or self.signer)

    def request(self, old: int, size: int | None = None, proof: list[bytes] | None = None,
                checkpoint: str | None = None) -> str:
        size = self.tree.size if size is None else size
        if proof is None:
            proof = self.tree.consistency_proof(old, size) if 0 < old <= size else []
        body = AddCheckpointRequest(old_size=old, proof=tuple(proof), checkpoint=checkpoint or self.checkpoint(size))
        return body.format()

    def files(self, size: int | None = None) -> dict[str, bytes]:
        """What a tlog-tiles server of this log at ``size`` serves: the checkpoint and every tile."""
        size = self.tree.size if size is None else size
        out = {"checkpoint": self.checkpoint(size).encode()}
        for tile in tiles_for_size(size):
            out[tile.path] = tile_hashes(tile, self.tree.get_perfect)
        return out


class StubLog:
    """A tiny tlog-tiles server over HTTP: serves whatever ``files`` holds, and counts requests."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.requests: list[str] = []
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.removeprefix("/log/")
                stub.requests.append(path)
                body = stub.files.get(path)
                self.send_response(404 if body is None else 200)
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/log"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def serve(self, files: dict[str, bytes]) -> None:
        self.files = dict(files)
        self.requests.clear()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stub_log() -> Iterator[StubLog]:
    stub = StubLog()
    yield stub
    stub.close()
