"""Offline verification of proof files: the library (verify_file) and `sunlit verify`."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from sunlit.core.tlog.checkpoint import Checkpoint, CosignatureV1Signer, cosign, sign_checkpoint
from sunlit.core.tlog.merkle import leaf_hash
from sunlit.core.tlog.note import Ed25519Signer, Signature, parse_note
from sunlit.core.tlog.proof import InclusionBundle, TlogProof
from sunlit.core.tlog.verify import verify_file, verify_text
from tests.core.tlog import (
    CONSISTENCY_TO_8,
    INCLUSION_8,
    LEAVES,
    ROOTS,
    corrupt_consistency,
    corrupt_inclusion,
    flip,
)

ORIGIN = "county.example/log"
LOG = Ed25519Signer(ORIGIN, bytes(range(32)))
OTHER = Ed25519Signer(ORIGIN, bytes(range(1, 33)))  # same name, another key
WITNESS = CosignatureV1Signer("witness.example/w1", bytes([5]) * 32, clock=lambda: 1_790_000_000)


def signed_checkpoint(size: int, root: bytes, *, cosigned: bool = False) -> str:
    text = sign_checkpoint(Checkpoint(ORIGIN, size, root), LOG)
    return cosign(text, WITNESS) if cosigned else text


CP8 = signed_checkpoint(8, ROOTS[7])


def tlog_proof(index: int, proof: list[bytes] | None = None, checkpoint: str = CP8) -> str:
    return TlogProof(index=index, hashes=tuple(INCLUSION_8[index] if proof is None else proof), checkpoint=checkpoint).format()


def inclusion_json(
    index: int, size: int, leaf: bytes, proof: list[bytes], root: bytes, checkpoint: str | None = None
) -> str:
    obj: dict[str, Any] = {
        "type": "inclusion",
        "leaf_index": index,
        "tree_size": size,
        "leaf_hash": leaf.hex(),
        "proof": [h.hex() for h in proof],
        "root": root.hex(),
    }
    if checkpoint is not None:
        obj["checkpoint"] = checkpoint
    return json.dumps(obj)


def consistency_json(size1: int, size2: int, proof: list[bytes], root1: bytes, root2: bytes, **cps: str) -> str:
    obj: dict[str, Any] = {
        "type": "consistency",
        "size1": size1,
        "size2": size2,
        "root1": root1.hex(),
        "root2": root2.hex(),
        "proof": [h.hex() for h in proof],
        **cps,
    }
    return json.dumps(obj)


# --- the library -------------------------------------------------------------------------------------


@pytest.mark.parametrize("index", range(8))
def test_tlog_proofs_of_the_8_leaf_tree(index: int) -> None:
    text = tlog_proof(index)
    ok, reason = verify_text(text, [LOG.vkey()], leaf_data=LEAVES[index])
    assert ok, reason
    assert reason.startswith(f"ok: leaf {index} included in tree of size 8 (root {ROOTS[7].hex()})")
    assert "signed by county.example/log" in reason
    assert verify_text(text, [LOG.vkey()], leaf_hash=leaf_hash(LEAVES[index]))[0]
    # Every proof hash with a bit flipped, the wrong leaf, the wrong index.
    for i in range(len(INCLUSION_8[index])):
        bad = list(INCLUSION_8[index])
        bad[i] = flip(bad[i], 3)
        assert not verify_text(tlog_proof(index, bad), [LOG.vkey()], leaf_data=LEAVES[index])[0]
    assert not verify_text(text, [LOG.vkey()], leaf_data=LEAVES[index] + b"x")[0]
    wrong_index = text.replace(f"\nindex {index}\n", f"\nindex {index ^ 1}\n")
    assert not verify_text(wrong_index, [LOG.vkey()], leaf_data=LEAVES[index])[0]
    assert not verify_text(tlog_proof(index, INCLUSION_8[index][:-1]), [], leaf_data=LEAVES[index])[0]
    assert not verify_text(tlog_proof(index, [*INCLUSION_8[index], ROOTS[7]]), [], leaf_data=LEAVES[index])[0]


@pytest.mark.parametrize("index", range(8))
def test_tlog_proof_corruptions_with_validly_signed_checkpoints(index: int) -> None:
    lh = leaf_hash(LEAVES[index])
    for desc, i, size, leaf, proof, root in corrupt_inclusion(index, 8, lh, INCLUSION_8[index], ROOTS[7]):
        if i < 0 or size < 0 or len(root) != 32 or len(leaf) != 32 or any(len(h) != 32 for h in proof):
            continue  # not expressible in a tlog-proof (covered by the JSON bundle test)
        text = tlog_proof(i, proof, signed_checkpoint(size, root))
        ok, reason = verify_text(text, [LOG.vkey()], leaf_hash=leaf)
        assert not ok, desc
        assert reason.startswith("invalid: ")


@pytest.mark.parametrize("index", range(8))
def test_inclusion_bundles_and_their_corruptions(index: int) -> None:
    lh = leaf_hash(LEAVES[index])
    good = inclusion_json(index, 8, lh, INCLUSION_8[index], ROOTS[7])
    ok, reason = verify_text(good)
    assert ok and reason == (
        f"ok: leaf {index} included in tree of size 8 (root {ROOTS[7].hex()}); no checkpoint, so no signature checked"
    )
    with_cp = inclusion_json(index, 8, lh, INCLUSION_8[index], ROOTS[7], CP8)
    assert verify_text(with_cp, [LOG.vkey()])[0]
    for desc, i, size, leaf, proof, root in corrupt_inclusion(index, 8, lh, INCLUSION_8[index], ROOTS[7]):
        ok, reason = verify_text(inclusion_json(i, size, leaf, proof, root))
        assert not ok, desc
        assert reason.startswith("invalid: ")


def test_inclusion_bundle_with_leaf_data() -> None:
    obj = InclusionBundle(5, 8, leaf_hash(LEAVES[5]), tuple(INCLUSION_8[5]), ROOTS[7], CP8, LEAVES[5].decode())
    assert verify_text(obj.dumps(), [LOG.vkey()])[0]
    assert verify_text(obj.dumps(), leaf_data=LEAVES[5])[0]
    ok, reason = verify_text(obj.dumps(), leaf_data=b"something else")
    assert not ok and "not the given leaf" in reason


@pytest.mark.parametrize("size1", range(1, 8))
def test_consistency_bundles_and_their_corruptions(size1: int) -> None:
    proof = CONSISTENCY_TO_8[size1]
    ok, reason = verify_text(consistency_json(size1, 8, proof, ROOTS[size1 - 1], ROOTS[7]))
    assert ok and reason.startswith(f"ok: tree of size {size1} (root {ROOTS[size1 - 1].hex()}) is a prefix")
    signed = consistency_json(
        size1, 8, proof, ROOTS[size1 - 1], ROOTS[7],
        checkpoint=CP8, checkpoint1=signed_checkpoint(size1, ROOTS[size1 - 1]),
    )
    assert verify_text(signed, [LOG.vkey()])[0]
    for desc, s1, s2, p, r1, r2 in corrupt_consistency(size1, 8, proof, ROOTS[size1 - 1], ROOTS[7]):
        ok, reason = verify_text(consistency_json(s1, s2, p, r1, r2))
        assert not ok, desc
        assert reason.startswith("invalid: ")
    # A checkpoint for the wrong tree.
    wrong = consistency_json(size1, 8, proof, ROOTS[size1 - 1], ROOTS[7], checkpoint=signed_checkpoint(7, ROOTS[6]))
    assert not verify_text(wrong, [LOG.vkey()])[0]


def test_checkpoint_signature_rules() -> None:
    text = tlog_proof(5)
    leaf = LEAVES[5]
    ok, reason = verify_text(text, [], leaf_data=leaf)
    assert ok and "signatures not checked" in reason
    # A key that did not sign: invalid, even next to one that did.
    ok, reason = verify_text(text, [OTHER.vkey()], leaf_data=leaf)
    assert not ok and "not signed by county.example/log+" in reason
    assert not verify_text(text, [LOG.vkey(), OTHER.vkey()], leaf_data=leaf)[0]
    assert not verify_text(text, [LOG.vkey(), WITNESS.vkey()], leaf_data=leaf)[0]
    # A signature by the given key that does not verify: invalid.
    sig = parse_note(CP8).signatures[0]
    bad_sig = Signature(sig.name, sig.key_id, flip(sig.signature, 9))
    forged = CP8.replace(sig.line(), bad_sig.line())
    ok, reason = verify_text(tlog_proof(5, checkpoint=forged), [LOG.vkey()], leaf_data=leaf)
    assert not ok and "signature by county.example/log+" in reason and "does not verify" in reason
    # The checkpoint text changed under a valid signature.
    moved = CP8.replace("\n8\n", "\n9\n")
    ok, reason = verify_text(tlog_proof(5, checkpoint=moved), [LOG.vkey()], leaf_data=leaf)
    assert not ok and "does not verify" in reason
    # Cosigned checkpoints: the witness key can be required too.
    cosigned = tlog_proof(5, checkpoint=signed_checkpoint(8, ROOTS[7], cosigned=True))
    ok, reason = verify_text(cosigned, [LOG.vkey(), WITNESS.vkey()], leaf_data=leaf)
    assert ok and "signed by county.example/log, witness.example/w1" in reason
    # A malformed key.
    ok, reason = verify_text(text, ["county.example/log+00000000+AAAA"], leaf_data=leaf)
    assert not ok and "bad verifier key" in reason
    # A key given for a bundle without a checkpoint.
    ok, reason = verify_text(inclusion_json(5, 8, leaf_hash(leaf), INCLUSION_8[5], ROOTS[7]), [LOG.vkey()])
    assert not ok and "no checkpoint" in reason


def test_tlog_proof_needs_the_leaf_and_a_good_checkpoint() -> None:
    ok, reason = verify_text(tlog_proof(5), [LOG.vkey()])
    assert not ok and "--leaf-hash" in reason
    ok, reason = verify_text(tlog_proof(5), leaf_hash=leaf_hash(LEAVES[5]), leaf_data=LEAVES[4])
    assert not ok
    ok, reason = verify_text(tlog_proof(5, checkpoint="county.example/log\n8\n"), leaf_data=LEAVES[5])
    assert not ok and "malformed" in reason
    unsigned_garbage = tlog_proof(5, checkpoint="not a checkpoint\n\n\u2014 k AAAAAAE=\n")
    assert not verify_text(unsigned_garbage, leaf_data=LEAVES[5])[0]
    ok, reason = verify_text(tlog_proof(8 - 1, INCLUSION_8[7], signed_checkpoint(7, ROOTS[6])), leaf_data=LEAVES[7])
    assert not ok and "not in the checkpoint's tree" in reason
    extra = TlogProof(5, tuple(INCLUSION_8[5]), CP8, extra=b"ctx").format()
    ok, reason = verify_text(extra, [LOG.vkey()], leaf_data=LEAVES[5])
    assert ok and "extra data present" in reason


def test_verify_file_inputs(tmp_path: Path) -> None:
    path = tmp_path / "leaf5.tlog-proof"
    path.write_text(tlog_proof(5))
    assert verify_file(path, [LOG.vkey()], leaf_data=LEAVES[5])[0]
    assert verify_file(str(path), [LOG.vkey()], leaf_data=LEAVES[5])[0]
    assert verify_file(path.read_bytes(), [LOG.vkey()], leaf_data=LEAVES[5])[0]
    assert verify_file(tlog_proof(5), [LOG.vkey()], leaf_data=LEAVES[5])[0]  # text itself
    ok, reason = verify_file(tmp_path / "missing.json")
    assert not ok and reason.startswith("invalid: cannot read")
    (tmp_path / "junk").write_bytes(b"\xff\xfe")
    assert not verify_file(tmp_path / "junk")[0]
    (tmp_path / "other").write_text("hello\n")
    ok, reason = verify_file(tmp_path / "other")
    assert not ok and "not a proof" in reason
    (tmp_path / "bad.json").write_text('{"type": "inclusion"}')
    ok, reason = verify_file(tmp_path / "bad.json")
    assert not ok and "malformed" in reason
    ok, reason = verify_file(consistency_json(6, 8, CONSISTENCY_TO_8[6], ROOTS[5], ROOTS[7]), leaf_data=b"x")
    assert not ok


# --- the management command ----------------------------------------------------------------------------


def run_command(*args: str, **options: Any) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("verify", *args, stdout=out, **options)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


@pytest.mark.parametrize("index", range(8))
def test_command_accepts_good_proofs_and_refuses_bad_ones(tmp_path: Path, index: int) -> None:
    lh = leaf_hash(LEAVES[index])
    proof_file = tmp_path / "p.tlog-proof"
    proof_file.write_text(tlog_proof(index))
    code, out = run_command(str(proof_file), key=[LOG.vkey()], leaf_hash=lh.hex())
    assert code == 0 and out.startswith(f"ok: 有效：第 {index} 条记录收录在大小为 8 的树中") and out.count("\n") == 1
    code, out = run_command(str(proof_file), key=[OTHER.vkey()], leaf_hash=lh.hex())
    assert code == 1 and out.startswith("invalid: ")
    bundle = tmp_path / "p.json"
    bundle.write_text(inclusion_json(index, 8, lh, INCLUSION_8[index], ROOTS[7], CP8))
    assert run_command(str(bundle), key=[LOG.vkey()])[0] == 0
    for desc, i, size, leaf, proof, root in corrupt_inclusion(index, 8, lh, INCLUSION_8[index], ROOTS[7]):
        bundle.write_text(inclusion_json(i, size, leaf, proof, root))
        code, out = run_command(str(bundle))
        assert code == 1, desc
        assert out.startswith("invalid: ")


@pytest.mark.parametrize("size1", range(1, 8))
def test_command_on_consistency_bundles(tmp_path: Path, size1: int) -> None:
    path = tmp_path / "c.json"
    proof = CONSISTENCY_TO_8[size1]
    path.write_text(consistency_json(size1, 8, proof, ROOTS[size1 - 1], ROOTS[7], checkpoint=CP8))
    code, out = run_command(str(path), key=[LOG.vkey()])
    assert code == 0 and out.startswith("ok: ")
    for desc, s1, s2, p, r1, r2 in corrupt_consistency(size1, 8, proof, ROOTS[size1 - 1], ROOTS[7]):
        path.write_text(consistency_json(s1, s2, p, r1, r2))
        assert run_command(str(path))[0] == 1, desc


def test_command_leaf_options(tmp_path: Path) -> None:
    proof_file = tmp_path / "p.tlog-proof"
    proof_file.write_text(tlog_proof(5))
    entry = tmp_path / "entry.bin"
    entry.write_bytes(LEAVES[5])
    assert run_command(str(proof_file), leaf_file=str(entry))[0] == 0
    assert run_command(str(proof_file), leaf_data=LEAVES[5].decode())[0] == 0
    code, out = run_command(str(proof_file))
    assert code == 1 and "--leaf-hash" in out
    assert run_command(str(proof_file), leaf_hash="zz") == (1, "invalid: 无效：--leaf-hash 不是十六进制数\n")
    code, out = run_command(str(proof_file), leaf_file=str(tmp_path / "missing"))
    assert code == 1 and out.startswith(f"invalid: 无效：无法读取 {tmp_path / 'missing'}：")


def test_command_says_plainly_when_no_signature_was_checked(tmp_path: Path) -> None:
    proof_file = tmp_path / "p.tlog-proof"
    proof_file.write_text(tlog_proof(5))
    code, out = run_command(str(proof_file), leaf_data=LEAVES[5].decode())
    assert code == 0
    assert out.startswith("ok: 哈希相符，但签名未核验，不能确定出自哪个日志：第 5 条记录收录在大小为 8 的树中")
    assert "没有给出 --key 公钥" in out
    bundle = tmp_path / "p.json"
    bundle.write_text(inclusion_json(5, 8, leaf_hash(LEAVES[5]), INCLUSION_8[5], ROOTS[7]))
    code, out = run_command(str(bundle))
    assert code == 0
    assert out.startswith("ok: 哈希相符，但签名未核验") and "证明中没有检查点，签名无从核验" in out
    # Signed and checked: said as plainly.
    code, out = run_command(str(proof_file), key=[LOG.vkey()], leaf_data=LEAVES[5].decode())
    assert code == 0 and out.startswith("ok: 有效：") and "签名已用 county.example/log 的公钥核验" in out
    # One unsigned checkpoint among two is enough to say so.
    path = tmp_path / "c.json"
    path.write_text(consistency_json(6, 8, CONSISTENCY_TO_8[6], ROOTS[5], ROOTS[7], checkpoint=CP8))
    assert run_command(str(path), key=[LOG.vkey()])[1].startswith("ok: 有效：")
    assert run_command(str(path))[1].startswith("ok: 哈希相符，但签名未核验")


def test_command_lines_keep_their_prefix_then_say_why_in_chinese(tmp_path: Path) -> None:
    proof_file = tmp_path / "p.tlog-proof"
    proof_file.write_text(tlog_proof(5))
    (tmp_path / "junk").write_text("hello\n")
    (tmp_path / "bad.json").write_text('{"type": "inclusion"}')
    cases = {
        "不是证明文件": (str(tmp_path / "junk"), {}),
        "证明文件格式不对：missing key(s)": (str(tmp_path / "bad.json"), {}),
        "无法读取": (str(tmp_path / "missing"), {}),
        "检查点没有 county.example/log+": (str(proof_file), {"key": [OTHER.vkey()], "leaf_data": "x"}),
        "tlog-proof 证明不含记录条目本身": (str(proof_file), {"key": [LOG.vkey()]}),
        "算不出检查点的根哈希": (str(proof_file), {"key": [LOG.vkey()], "leaf_data": LEAVES[4].decode()}),
        "公钥 'county.example/log' 不对": (str(proof_file), {"key": ["county.example/log+00000000+AAAA"]}),
    }
    for why, (path, options) in cases.items():
        code, out = run_command(path, **options)
        assert code == 1, why
        assert out.startswith("invalid: 无效：") and why in out and out.count("\n") == 1, out


def _sunlit_command() -> list[str]:
    script = Path(sys.executable).parent / "sunlit"
    return [str(script)] if script.exists() else [sys.executable, "-m", "sunlit.cli"]


def test_sunlit_verify_subprocess_without_a_database(tmp_path: Path) -> None:
    """The real entry point, with a database URL nothing listens on: verify must not need it."""
    proof_file = tmp_path / "leaf5.tlog-proof"
    proof_file.write_text(tlog_proof(5))
    env = dict(os.environ)
    env.update(
        SUNLIT_DATABASE_URL="postgres://nobody@127.0.0.1:9/nothing",
        SUNLIT_DATA_DIR=str(tmp_path / "data"),
        SUNLIT_SECRET_KEY="test-only",
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    base = [*_sunlit_command(), "verify", str(proof_file), "--key", LOG.vkey()]
    good = subprocess.run([*base, "--leaf-hash", leaf_hash(LEAVES[5]).hex()], env=env, capture_output=True, text=True)
    assert good.returncode == 0, good.stderr
    assert good.stdout.startswith("ok: 有效：第 5 条记录收录在大小为 8 的树中") and good.stdout.count("\n") == 1
    bad = subprocess.run([*base, "--leaf-hash", leaf_hash(LEAVES[4]).hex()], env=env, capture_output=True, text=True)
    assert bad.returncode == 1, bad.stderr
    assert bad.stdout.startswith("invalid: ")
    stdin = subprocess.run(
        [*_sunlit_command(), "verify", "-"],
        input=consistency_json(6, 8, CONSISTENCY_TO_8[6], ROOTS[5], ROOTS[7]),
        env=env,
        capture_output=True,
        text=True,
    )
    assert stdin.returncode == 0, stdin.stderr
    assert stdin.stdout.startswith("ok: 哈希相符，但签名未核验，不能确定出自哪个日志：大小为 6 的树")
