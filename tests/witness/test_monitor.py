"""`sunlit witness URL`: a log that grows is ok; a fork (rewritten history) or a rollback is reported.

The log is a stub tlog-tiles server serving trees built in memory, honest or forged.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from sunlit.core.tlog.checkpoint import Checkpoint
from sunlit.core.tlog.merkle import MerkleTree
from sunlit.core.tlog.note import generate_key, parse_signer_key
from sunlit.core.tlog.tiles import partial_tiles_for_size
from sunlit.witness import monitor, services
from sunlit.witness.models import WitnessedLog
from tests.witness.conftest import NEIGHBOUR, MemLog, StubLog

pytestmark = pytest.mark.django_db


def watch(url: str, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("witness", url, *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def honest() -> MemLog:
    return MemLog(NEIGHBOUR).grow(700)


@pytest.fixture
def state_file(tmp_path: Path) -> Path:
    return tmp_path / "state.json"


def kept(path: Path) -> tuple[int, str]:
    data = json.loads(path.read_text())
    return data["size"], data["root"]


def test_a_growing_log_is_ok_and_its_checkpoint_kept(
    stub_log: StubLog, honest: MemLog, state_file: Path
) -> None:
    args = ("--key", honest.vkey, "--state", str(state_file))
    stub_log.serve(honest.files(300))
    code, out, _ = watch(stub_log.url, *args)
    assert code == 0 and out.startswith(f"ok: {NEIGHBOUR} first seen at size 300")
    assert kept(state_file)[0] == 300

    stub_log.serve(honest.files(300))
    code, out, _ = watch(stub_log.url, *args)
    assert (code, out.strip()) == (0, f"ok: {NEIGHBOUR} unchanged at size 300")

    stub_log.serve(honest.files(700))
    code, out, _ = watch(stub_log.url, *args)
    assert (code, out.strip()) == (0, f"ok: {NEIGHBOUR} grew from 300 to 700")
    assert kept(state_file)[0] == 700
    tiles = [r for r in stub_log.requests if r.startswith("tile/")]
    assert 0 < len(tiles) <= 4, tiles  # only the tiles the proof needs, each fetched once
    assert json.loads(state_file.read_text())["checkpoint"] == honest.checkpoint(700)


def test_a_smaller_checkpoint_is_a_rollback(stub_log: StubLog, honest: MemLog, state_file: Path) -> None:
    args = ("--key", honest.vkey, "--state", str(state_file))
    stub_log.serve(honest.files(700))
    assert watch(stub_log.url, *args)[0] == 0

    stub_log.serve(honest.files(300))
    code, out, err = watch(stub_log.url, *args)

    assert code == 1
    assert out.strip() == f"ROLLBACK: {NEIGHBOUR} went back from size 700 to size 300"
    assert honest.checkpoint(300) in err  # the evidence: both signed checkpoints
    assert kept(state_file)[0] == 700


def test_another_tree_of_the_same_size_is_a_fork(stub_log: StubLog, honest: MemLog, state_file: Path) -> None:
    args = ("--key", honest.vkey, "--state", str(state_file))
    stub_log.serve(honest.files(700))
    assert watch(stub_log.url, *args)[0] == 0
    before = kept(state_file)

    stub_log.serve(honest.fork(changed_index=123).files(700))
    code, out, _ = watch(stub_log.url, *args)

    assert code == 1
    assert out.startswith(f"FORK: {NEIGHBOUR} has two trees of size 700")
    assert kept(state_file) == before


def test_a_larger_tree_that_rewrote_history_is_a_fork(stub_log: StubLog, honest: MemLog, state_file: Path) -> None:
    args = ("--key", honest.vkey, "--state", str(state_file))
    stub_log.serve(honest.files(300))
    assert watch(stub_log.url, *args)[0] == 0
    before = kept(state_file)
    forged = honest.fork(changed_index=5)  # signed by the log's own key, tiles all consistent with it

    stub_log.serve(forged.files(700))
    code, out, err = watch(stub_log.url, *args)

    assert code == 1
    assert out.startswith(f"FORK: {NEIGHBOUR} at size 700 (root {forged.tree.root(700).hex()}) does not extend "
                          f"the kept size 300 (root {honest.tree.root(300).hex()})")
    assert forged.tree.root(300).hex() in out
    assert "served:\n" + forged.checkpoint(700) in err
    assert kept(state_file) == before

    # the honest log is still accepted: the fork did not poison the kept state
    stub_log.serve(honest.files(700))
    assert watch(stub_log.url, *args)[:2] == (0, f"ok: {NEIGHBOUR} grew from 300 to 700\n")


def test_a_fork_after_the_kept_size_is_not_a_fork(stub_log: StubLog, honest: MemLog, state_file: Path) -> None:
    """Rewriting entries the witness has not seen yet is just a different future: consistent."""
    args = ("--key", honest.vkey, "--state", str(state_file))
    stub_log.serve(honest.files(300))
    assert watch(stub_log.url, *args)[0] == 0
    stub_log.serve(honest.fork(changed_index=500).files(700))
    assert watch(stub_log.url, *args)[:2] == (0, f"ok: {NEIGHBOUR} grew from 300 to 700\n")
    assert kept(state_file)[0] == 700


def test_a_checkpoint_signed_by_another_key_is_refused(stub_log: StubLog, honest: MemLog, state_file: Path) -> None:
    impostor = parse_signer_key(generate_key(NEIGHBOUR)[0])
    files = honest.files(300)
    files["checkpoint"] = honest.checkpoint(300, impostor).encode()
    stub_log.serve(files)

    code, out, _ = watch(stub_log.url, "--key", honest.vkey, "--state", str(state_file))

    assert code == 1 and out.startswith("BAD SIGNATURE: ")
    assert not state_file.exists()


def test_tiles_that_do_not_match_the_signed_root_are_invalid(
    stub_log: StubLog, honest: MemLog, state_file: Path
) -> None:
    args = ("--key", honest.vkey, "--state", str(state_file))
    stub_log.serve(honest.files(300))
    watch(stub_log.url, *args)
    files = honest.fork(changed_index=5).files(700)  # forged tiles...
    files["checkpoint"] = honest.files(700)["checkpoint"]  # ...behind the honest checkpoint
    stub_log.serve(files)

    code, out, _ = watch(stub_log.url, *args)

    assert code == 1 and out.startswith("INVALID: ")
    assert kept(state_file)[0] == 300


def test_a_partial_tile_gone_is_read_from_the_full_tile(stub_log: StubLog, honest: MemLog, state_file: Path) -> None:
    """tlog-tiles: once the log has grown, a client may find the full tile where the partial one was."""
    args = ("--key", honest.vkey, "--state", str(state_file))
    stub_log.serve(honest.files(300))
    watch(stub_log.url, *args)
    honest.grow(1024 - honest.size)
    files = {**honest.files(600), **honest.files(1024), "checkpoint": honest.files(600)["checkpoint"]}
    gone = [t for t in partial_tiles_for_size(600) if t.level == 0]
    assert [t.path for t in gone] == ["tile/0/002.p/88"]
    del files[gone[0].path]
    stub_log.serve(files)

    assert watch(stub_log.url, *args)[:2] == (0, f"ok: {NEIGHBOUR} grew from 300 to 600\n")
    assert "tile/0/002" in stub_log.requests


def test_an_unreachable_log_is_an_error_not_an_alarm(stub_log: StubLog, honest: MemLog, state_file: Path) -> None:
    stub_log.serve({})
    code, out, _ = watch(stub_log.url, "--key", honest.vkey, "--state", str(state_file))
    assert code == 2 and out.startswith("error: cannot read the checkpoint")


def test_without_a_key_the_log_must_be_configured(stub_log: StubLog, honest: MemLog) -> None:
    stub_log.serve(honest.files(300))
    code, out, _ = watch(stub_log.url)
    assert code == 2 and "pass --key" in out


def test_a_configured_log_keeps_its_state_in_the_witness_database(stub_log: StubLog, honest: MemLog) -> None:
    services.add_log(honest.origin, [honest.vkey])
    stub_log.serve(honest.files(300))
    assert watch(stub_log.url)[:2] == (0, f"ok: {NEIGHBOUR} first seen at size 300 (root {honest.tree.root(300).hex()})\n")
    row = WitnessedLog.objects.get(origin=NEIGHBOUR)
    assert (row.size, bytes(row.root), row.checkpoint) == (300, honest.tree.root(300), honest.checkpoint(300))

    stub_log.serve(honest.fork(changed_index=5).files(700))
    assert watch(stub_log.url)[0] == 1
    assert WitnessedLog.objects.get(origin=NEIGHBOUR).size == 300

    stub_log.serve(honest.files(200))
    code, out, _ = watch(stub_log.url)
    assert code == 1 and out.startswith("ROLLBACK: ")

    stub_log.serve(honest.files(700))
    assert watch(stub_log.url)[:2] == (0, f"ok: {NEIGHBOUR} grew from 300 to 700\n")
    assert WitnessedLog.objects.get(origin=NEIGHBOUR).size == 700


def test_a_state_file_of_another_origin_is_refused(stub_log: StubLog, honest: MemLog, state_file: Path) -> None:
    other = MemLog("county-c.example/log").grow(3)
    stub_log.serve(other.files())
    watch(stub_log.url, "--key", other.vkey, "--state", str(state_file))
    stub_log.serve(honest.files(300))
    code, out, _ = watch(stub_log.url, "--key", honest.vkey, "--state", str(state_file))
    assert code == 2 and "is for 'county-c.example/log'" in out


def test_the_default_state_file_is_per_origin_in_the_data_folder(
    stub_log: StubLog, honest: MemLog, settings: Any, tmp_path: Path
) -> None:
    settings.DATA_DIR = tmp_path / "data"
    stub_log.serve(honest.files(300))
    assert watch(stub_log.url, "--key", honest.vkey)[0] == 0
    assert monitor.default_state_path(NEIGHBOUR).parent == tmp_path / "data"
    assert kept(monitor.default_state_path(NEIGHBOUR))[0] == 300


# --- the judgement itself, pure -------------------------------------------------------------------------


def test_judge_by_cases() -> None:
    tree = MerkleTree()
    tree.append_data(str(i).encode() for i in range(1000))
    other = MerkleTree()
    other.append_data((str(i) if i != 9 else "nine").encode() for i in range(1000))

    def cp(t: MerkleTree, size: int) -> Checkpoint:
        return Checkpoint("o", size, t.root(size))

    def keep(size: int, t: MerkleTree = tree) -> monitor.Kept:
        return monitor.Kept("o", size, t.root(size))

    assert monitor.judge(None, cp(tree, 10), tree.get_perfect).status == monitor.OK
    for a in (1, 9, 10, 256, 257, 511, 999):
        for b in (a, a + 1, 1000):
            if b <= 1000:
                assert monitor.judge(keep(a), cp(tree, b), tree.get_perfect).status == monitor.OK, (a, b)
    for a in (10, 257, 1000):
        assert monitor.judge(keep(a), cp(tree, a - 1), tree.get_perfect).status == monitor.ROLLBACK
        assert monitor.judge(keep(a), cp(other, a), other.get_perfect).status == monitor.FORK
    for a in (10, 11, 256, 999):
        assert monitor.judge(keep(a), cp(other, 1000), other.get_perfect).status == monitor.FORK, a
    for a in (1, 9):  # leaf 9 is beyond what was kept: a different future, not a fork
        assert monitor.judge(keep(a), cp(other, 1000), other.get_perfect).status == monitor.OK, a
