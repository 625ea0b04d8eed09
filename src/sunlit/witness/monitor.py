"""`sunlit witness URL`: watch a tlog-tiles log (another Sunlit, or any c2sp.org/tlog-tiles log).

One poll fetches ``URL/checkpoint``, verifies its signature, and compares it with the last checkpoint
kept for that origin:

* smaller than the kept size → ``ROLLBACK``;
* the kept size with another root → ``FORK``;
* larger: the consistency proof from the kept size is computed here, from the log's own tiles
  (``URL/tile/…``, only the O(log n) hashes the proof needs), and checked against both roots, as tlog
  clients do; if it fails → ``FORK`` (or ``INVALID`` when the tiles do not even lead to the signed root).

Only a verified, consistent checkpoint replaces the kept one. The state is the origin's
:class:`~sunlit.witness.models.WitnessedLog` when this Sunlit witnesses that log (moved forward by the
same atomic step as add-checkpoint), else a small JSON file. :func:`judge` is pure.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.db import DEFAULT_DB_ALIAS

from sunlit.core import clock
from sunlit.core.keyfile import data_dir
from sunlit.core.tlog.checkpoint import Checkpoint, CheckpointError, parse_checkpoint
from sunlit.core.tlog.merkle import (
    GetPerfect,
    consistency_proof,
    range_hash,
    subtree_getter,
    verify_consistency,
)
from sunlit.core.tlog.note import NoteError, Verifier, b64decode_strict, b64encode, open_note, parse_note
from sunlit.core.tlog.tiles import (
    TILE_WIDTH,
    Tile,
    TileError,
    perfect_hash_from_tiles,
    split_tile,
    tile_for_size,
)
from sunlit.witness import client, services
from sunlit.witness.models import WitnessedLog

OK = "ok"
FORK = "FORK"
ROLLBACK = "ROLLBACK"
BAD_SIGNATURE = "BAD SIGNATURE"
INVALID = "INVALID"
ERROR = "error"
ALARMS = (FORK, ROLLBACK, BAD_SIGNATURE, INVALID)


@dataclass(frozen=True)
class Kept:
    """The last checkpoint accepted for a log."""

    origin: str
    size: int
    root: bytes
    checkpoint: str = ""


@dataclass(frozen=True)
class Report:
    status: str
    line: str
    accept: Checkpoint | None = None
    """The checkpoint to keep now (a verified, consistent one that differs from the kept one)."""
    evidence: str = ""

    @property
    def exit_code(self) -> int:
        """0 ok; 1 fork, rollback, bad signature or an invalid log; 2 the log could not be read."""
        return 0 if self.status == OK else 2 if self.status == ERROR else 1


def _hex(h: bytes) -> str:
    return h.hex()


def judge(kept: Kept | None, new: Checkpoint, get_perfect: GetPerfect) -> Report:
    """Compare a verified checkpoint with the kept one; ``get_perfect`` reads the new tree's hashes.

    Pure apart from ``get_perfect`` (which may raise when the log's tiles cannot be read).
    """
    origin = new.origin
    if kept is None:
        return Report(OK, f"ok: {origin} first seen at size {new.size} (root {_hex(new.root_hash)})", new)
    if new.size < kept.size:
        return Report(ROLLBACK, f"ROLLBACK: {origin} went back from size {kept.size} to size {new.size}")
    if new.size == kept.size:
        if new.root_hash == kept.root:
            return Report(OK, f"ok: {origin} unchanged at size {new.size}")
        return Report(
            FORK,
            f"FORK: {origin} has two trees of size {new.size}: root {_hex(kept.root)} kept, "
            f"root {_hex(new.root_hash)} now",
        )
    if kept.size == 0:
        return Report(OK, f"ok: {origin} grew from 0 to {new.size}", new)
    proof = consistency_proof(kept.size, new.size, subtree_getter(get_perfect))
    if verify_consistency(kept.size, new.size, proof, kept.root, new.root_hash):
        return Report(OK, f"ok: {origin} grew from {kept.size} to {new.size}", new)
    if range_hash(0, new.size, get_perfect) != new.root_hash:
        return Report(
            INVALID, f"INVALID: {origin}'s tiles do not lead to the root of its signed checkpoint of size {new.size}"
        )
    then = range_hash(0, kept.size, get_perfect)
    return Report(
        FORK,
        f"FORK: {origin} at size {new.size} (root {_hex(new.root_hash)}) does not extend the kept size "
        f"{kept.size} (root {_hex(kept.root)}): its first {kept.size} leaves have root {_hex(then)}",
    )


# --- reading a tiled log over HTTP ----------------------------------------------------------------------


class TiledLog:
    """A tlog-tiles log at ``base_url`` (``…/checkpoint``, ``…/tile/…``)."""

    def __init__(self, base_url: str, timeout: float = client.TIMEOUT) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._tiles: dict[tuple[int, int, int], bytes] = {}

    def _get(self, path: str) -> client.Response:
        return client.request(f"{self.base_url}/{path}", timeout=self.timeout)

    def checkpoint(self) -> str:
        response = self._get("checkpoint")
        if response.status != 200:
            raise client.FetchError(f"{self.base_url}/checkpoint: HTTP {response.status}")
        try:
            return response.body.decode("utf-8")
        except UnicodeDecodeError:
            raise client.FetchError(f"{self.base_url}/checkpoint is not UTF-8") from None

    def tile(self, level: int, index: int, size: int) -> bytes:
        """The hashes of tile (level, index) of the tree of ``size``; a partial tile that is gone (the log
        has grown) is read from the full tile, whose first hashes are the same."""
        tile = tile_for_size(level, index, size)
        key = (level, index, tile.width)
        if key in self._tiles:
            return self._tiles[key]
        response = self._get(tile.path)
        width = tile.width
        if response.status == 404 and tile.is_partial:
            response = self._get(Tile(level, index).path)
            width = TILE_WIDTH
        if response.status != 200:
            raise client.FetchError(f"{self.base_url}/{tile.path}: HTTP {response.status}")
        hashes = split_tile(response.body, width)[: tile.width]
        data = b"".join(hashes)
        self._tiles[key] = data
        return data

    def get_perfect(self, size: int) -> GetPerfect:
        """Perfect-subtree hashes of the tree of ``size``, from its tiles."""

        def get(level: int, index: int) -> bytes:
            return perfect_hash_from_tiles(level, index, lambda t, n: self.tile(t, n, size))

        return get


# --- where the kept checkpoint lives -------------------------------------------------------------------


class StateChanged(RuntimeError):
    """Someone else moved the kept state while this poll ran; poll again."""


class State(Protocol):
    def load(self, origin: str) -> Kept | None: ...

    def save(self, kept: Kept | None, new: Checkpoint, signed: str) -> None: ...

    def describe(self) -> str: ...


def default_state_path(origin: str) -> Path:
    digest = hashlib.sha256(origin.encode()).hexdigest()[:16]
    return data_dir() / f"witness-state-{digest}.json"


class FileState:
    """``{"origin", "size", "root" (base64), "checkpoint", "updated_at"}``, replaced atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def describe(self) -> str:
        return str(self.path)

    def load(self, origin: str) -> Kept | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise StateError(f"cannot read the state file {self.path}: {exc}") from exc
        try:
            kept = Kept(str(data["origin"]), int(data["size"]), b64decode_strict(data["root"]),
                        str(data.get("checkpoint", "")))
        except (KeyError, TypeError, ValueError) as exc:
            raise StateError(f"the state file {self.path} is malformed: {exc}") from exc
        if kept.origin != origin:
            raise StateError(f"the state file {self.path} is for {kept.origin!r}, the log is {origin!r}")
        return kept

    def save(self, kept: Kept | None, new: Checkpoint, signed: str) -> None:
        now = clock.now().astimezone(dt.UTC).isoformat()
        data = {"origin": new.origin, "size": new.size, "root": b64encode(new.root_hash),
                "checkpoint": signed, "updated_at": now}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, self.path)


class DbState:
    """The :class:`WitnessedLog` row of the origin (which must exist)."""

    def __init__(self, using: str = DEFAULT_DB_ALIAS) -> None:
        self.using = using

    def describe(self) -> str:
        return "the witness's database"

    def load(self, origin: str) -> Kept | None:
        row = WitnessedLog.objects.using(self.using).filter(origin=origin).first()
        if row is None or (row.size == 0 and row.root is None):
            return None
        return Kept(origin, row.size, row.root_hash, row.checkpoint)

    def save(self, kept: Kept | None, new: Checkpoint, signed: str) -> None:
        def check(size: int, root: bytes) -> None:
            if kept is None and size == 0:
                return
            if kept is None or (size, root) != (kept.size, kept.root):
                raise StateChanged(f"{new.origin} moved to size {size} meanwhile")

        try:
            services.advance(new.origin, new, signed, check, self.using)
        except services.AddCheckpointError as exc:
            raise StateChanged(str(exc)) from exc


class StateError(RuntimeError):
    pass


# --- one poll -----------------------------------------------------------------------------------------


def poll(
    url: str, verifiers: list[Verifier] | None = None, *, state_path: Path | None = None,
    timeout: float = client.TIMEOUT, using: str = DEFAULT_DB_ALIAS,
) -> Report:
    """Fetch, verify and judge the log's checkpoint; keep it when it is good. Never raises for the log's
    faults: they are reports."""
    log = TiledLog(url, timeout)
    try:
        signed = log.checkpoint()
    except client.FetchError as exc:
        return Report(ERROR, f"error: cannot read the checkpoint: {exc}")
    try:
        note = parse_note(signed)
    except NoteError as exc:
        return Report(INVALID, f"INVALID: {url}/checkpoint is not a signed note: {exc}")
    origin = note.text.partition("\n")[0]
    configured = None
    if state_path is None or not verifiers:
        configured = WitnessedLog.objects.using(using).filter(origin=origin).first()
    if not verifiers:
        if configured is None:
            return Report(ERROR, f"error: no key for {origin}: pass --key, or configure it with witness-add-log")
        try:
            verifiers = configured.verifiers()
        except NoteError as exc:
            return Report(ERROR, f"error: the keys configured for {origin} are not valid: {exc}")
    try:
        open_note(note, verifiers)
    except NoteError as exc:
        return Report(BAD_SIGNATURE, f"BAD SIGNATURE: {origin}: {exc}", evidence=signed)
    try:
        checkpoint = parse_checkpoint(note.text)
    except CheckpointError as exc:
        return Report(INVALID, f"INVALID: {origin}: not a checkpoint: {exc}", evidence=signed)
    state: State
    if state_path is not None:
        state = FileState(state_path)
    elif configured is not None:
        state = DbState(using)
    else:
        state = FileState(default_state_path(origin))
    try:
        kept = state.load(origin)
    except StateError as exc:
        return Report(ERROR, f"error: {exc}")
    try:
        report = judge(kept, checkpoint, log.get_perfect(checkpoint.size))
    except client.FetchError as exc:
        return Report(ERROR, f"error: cannot read {origin}'s tiles: {exc}")
    except TileError as exc:
        return Report(INVALID, f"INVALID: {origin}'s tiles are malformed: {exc}")
    if report.status in ALARMS:
        kept_text = kept.checkpoint if kept is not None else ""
        return Report(report.status, report.line, None, f"kept:\n{kept_text}\nserved:\n{signed}")
    if report.accept is not None:
        try:
            state.save(kept, report.accept, signed)
        except StateChanged as exc:
            return Report(ERROR, f"error: {exc}; poll again")
    return report
