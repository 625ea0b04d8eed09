"""Offline verification of a proof file: a c2sp.org/tlog-proof or a JSON bundle (see docs/tlog.md).

No database, no network: the file, the verifier keys and (for a tlog-proof, which does not carry its
entry) the entry's leaf hash or data are all there is. Every check gives a :class:`Verdict`: whether the
proof holds and why, as one line in English (``reason``, starting with ``ok:`` or ``invalid:``) and one
in Chinese (``reason_zh``, same prefixes) for people reading `sunlit verify`'s output. ``verify_text`` and
``verify_file`` return the English ``(ok, reason)`` pair.

A proof whose checkpoint signature was not checked (no verifier key given, or a bundle without a
checkpoint) only shows that its hashes agree with one another, not which log made them: its ``ok`` line
says so first.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sunlit.core.tlog.checkpoint import Checkpoint, CheckpointError, parse_checkpoint
from sunlit.core.tlog.merkle import HASH_SIZE, leaf_hash, verify_consistency, verify_inclusion
from sunlit.core.tlog.note import NoteError, Verifier, parse_note, parse_verifier_key
from sunlit.core.tlog.proof import (
    TLOG_PROOF_HEADER,
    ConsistencyBundle,
    InclusionBundle,
    ProofFormatError,
    TlogProof,
    parse_bundle,
    parse_tlog_proof,
)

Result = tuple[bool, str]
MAX_FILE_SIZE = 1 << 20


@dataclass(frozen=True)
class Verdict:
    """The outcome of a check: ``ok`` and the one-line reason in English and in Chinese."""

    ok: bool
    reason: str
    reason_zh: str

    @property
    def pair(self) -> Result:
        return self.ok, self.reason


class Invalid(Exception):
    """Raised inside this module to stop at the first failure; turned into an invalid :class:`Verdict`."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.en, self.zh = en, zh

    def verdict(self) -> Verdict:
        return Verdict(False, f"invalid: {self.en}", f"invalid: 无效：{self.zh}")


@dataclass(frozen=True)
class Signatures:
    """What was found about a checkpoint's signatures, for the reason lines."""

    en: str
    zh: str
    checked: bool


def _valid(en: str, zh: str, signatures: Signatures) -> Verdict:
    if signatures.checked:
        return Verdict(True, f"ok: {en}; {signatures.en}", f"ok: 有效：{zh}；{signatures.zh}")
    return Verdict(
        True, f"ok: {en}; {signatures.en}",
        f"ok: 哈希相符，但签名未核验，不能确定出自哪个日志：{zh}；{signatures.zh}",
    )


@dataclass(frozen=True)
class LeafInput:
    """The entry a tlog-proof is about (a tlog-proof does not carry it): its leaf hash or its data."""

    leaf_hash: bytes | None = None
    leaf_data: bytes | None = None

    def hash(self) -> bytes | None:
        if self.leaf_data is not None:
            h = leaf_hash(self.leaf_data)
            if self.leaf_hash is not None and self.leaf_hash != h:
                raise Invalid("the given leaf hash is not the leaf hash of the given leaf data",
                              "给出的叶哈希不是给出的记录条目的叶哈希")
            return h
        return self.leaf_hash


def _short(root: bytes) -> str:
    return root.hex()


def parse_keys(verifier_keys: Sequence[str]) -> list[Verifier]:
    verifiers = []
    for k in verifier_keys:
        try:
            verifiers.append(parse_verifier_key(k))
        except NoteError as exc:
            name = k.split("+", 1)[0]
            raise Invalid(f"bad verifier key {name!r}: {exc}", f"公钥 {name!r} 不对：{exc}") from exc
    return verifiers


_WHAT_ZH = {"checkpoint": "检查点", "checkpoint1": "较小树的检查点（checkpoint1）"}


def check_checkpoint(
    signed: str, verifiers: Sequence[Verifier], size: int | None, root: bytes | None, what: str = "checkpoint"
) -> tuple[Checkpoint, Signatures]:
    """Parse a signed checkpoint, bind it to (size, root) and check it against every given verifier.

    Every verifier must have a signature on it that verifies; a signature of a given key that does not
    verify, or a given key with no signature, makes it invalid. Signatures of other keys are ignored.
    Returns the checkpoint and a short account of the signatures for the reason lines.
    """
    zh = _WHAT_ZH[what]
    try:
        note = parse_note(signed)
        checkpoint = parse_checkpoint(note.text)
    except NoteError as exc:  # CheckpointError is a NoteError
        raise Invalid(f"{what} is malformed: {exc}", f"{zh}格式不对：{exc}") from exc
    if size is not None and checkpoint.size != size:
        raise Invalid(f"{what} is for tree size {checkpoint.size}, not {size}",
                      f"{zh}的树大小是 {checkpoint.size}，不是 {size}")
    if root is not None and checkpoint.root_hash != root:
        raise Invalid(f"{what} root hash {_short(checkpoint.root_hash)} is not {_short(root)}",
                      f"{zh}的根哈希 {_short(checkpoint.root_hash)} 不是 {_short(root)}")
    if not verifiers:
        return checkpoint, Signatures(f"{what} signatures not checked (no verifier key given)",
                                      f"{zh}（{checkpoint.origin}）的签名未核验（没有给出 --key 公钥）", False)
    msg = note.text.encode()
    signed_by = []
    for v in verifiers:
        key = f"{v.name}+{v.key_id.hex()}"
        mine = [s for s in note.signatures if s.name == v.name and s.key_id == v.key_id]
        if not mine:
            raise Invalid(f"{what} is not signed by {key}", f"{zh}没有 {key} 的签名，不是这把公钥的日志签发的")
        if not all(v.verify(msg, s.signature) for s in mine):
            raise Invalid(f"{what} signature by {key} does not verify",
                          f"{zh}上 {key} 的签名核验不通过：检查点被改动过，或签名是伪造的")
        signed_by.append(v.name)
    names = ", ".join(signed_by)
    return checkpoint, Signatures(f"{what} {checkpoint.origin} signed by {names}",
                                  f"{zh}（{checkpoint.origin}）的签名已用 {names} 的公钥核验", True)


def _not_in_tree(index: int, size: int) -> Invalid:
    return Invalid(f"index {index} is not in the checkpoint's tree of size {size}",
                   f"第 {index} 条不在大小为 {size} 的树中")


def check_tlog_proof(proof: TlogProof, verifiers: Sequence[Verifier], leaf: LeafInput) -> Verdict:
    try:
        lh = leaf.hash()
        if lh is None:
            raise Invalid(
                "a tlog-proof does not carry its entry: give the entry's leaf hash or data "
                "(--leaf-hash, --leaf-data or --leaf-file)",
                "tlog-proof 证明不含记录条目本身：请用 --leaf-file（记录条目文件）、--leaf-data 或 --leaf-hash 给出",
            )
        checkpoint, signatures = check_checkpoint(proof.checkpoint, verifiers, None, None)
        if proof.index >= checkpoint.size:
            raise _not_in_tree(proof.index, checkpoint.size)
        if not verify_inclusion(proof.index, checkpoint.size, lh, proof.hashes, checkpoint.root_hash):
            raise Invalid(
                f"the inclusion proof for leaf {proof.index} does not lead to the checkpoint's root "
                f"{_short(checkpoint.root_hash)} (tree size {checkpoint.size})",
                f"由记录条目和第 {proof.index} 条的收录证明算不出检查点的根哈希 {_short(checkpoint.root_hash)}"
                f"（树大小 {checkpoint.size}）：条目或证明被改动过，或两者不是一套",
            )
    except Invalid as exc:
        return exc.verdict()
    if proof.extra is not None:
        signatures = Signatures(signatures.en + "; extra data present (not authenticated)",
                                signatures.zh + "；另附的 extra 数据未经认证", signatures.checked)
    return _valid(
        f"leaf {proof.index} included in tree of size {checkpoint.size} (root {_short(checkpoint.root_hash)})",
        f"第 {proof.index} 条记录收录在大小为 {checkpoint.size} 的树中（根 {_short(checkpoint.root_hash)}）",
        signatures,
    )


def _no_checkpoint(verifiers: Sequence[Verifier]) -> Signatures:
    if verifiers:
        raise Invalid("a verifier key was given but the bundle has no checkpoint",
                      "给出了 --key 公钥，但证明中没有检查点可供核验签名")
    return Signatures("no checkpoint, so no signature checked",
                      "证明中没有检查点，签名无从核验", False)


def check_inclusion_bundle(bundle: InclusionBundle, verifiers: Sequence[Verifier], leaf: LeafInput) -> Verdict:
    try:
        given = leaf.hash()
        if given is not None and given != bundle.leaf_hash:
            raise Invalid("the bundle's leaf is not the given leaf", "证明中的记录条目与给出的条目不同")
        if bundle.checkpoint is not None:
            _, signatures = check_checkpoint(bundle.checkpoint, verifiers, bundle.tree_size, bundle.root)
        else:
            signatures = _no_checkpoint(verifiers)
        if bundle.leaf_index >= bundle.tree_size:
            raise _not_in_tree(bundle.leaf_index, bundle.tree_size)
        if not verify_inclusion(bundle.leaf_index, bundle.tree_size, bundle.leaf_hash, bundle.proof, bundle.root):
            raise Invalid(
                f"the inclusion proof for leaf {bundle.leaf_index} does not lead to root "
                f"{_short(bundle.root)} (tree size {bundle.tree_size})",
                f"由记录条目和第 {bundle.leaf_index} 条的收录证明算不出根哈希 {_short(bundle.root)}"
                f"（树大小 {bundle.tree_size}）：条目或证明被改动过",
            )
    except Invalid as exc:
        return exc.verdict()
    return _valid(
        f"leaf {bundle.leaf_index} included in tree of size {bundle.tree_size} (root {_short(bundle.root)})",
        f"第 {bundle.leaf_index} 条记录收录在大小为 {bundle.tree_size} 的树中（根 {_short(bundle.root)}）",
        signatures,
    )


def check_consistency_bundle(bundle: ConsistencyBundle, verifiers: Sequence[Verifier]) -> Verdict:
    try:
        found = []
        if bundle.checkpoint1 is not None:
            found.append(check_checkpoint(bundle.checkpoint1, verifiers, bundle.size1, bundle.root1, "checkpoint1")[1])
        if bundle.checkpoint is not None:
            found.append(check_checkpoint(bundle.checkpoint, verifiers, bundle.size2, bundle.root2)[1])
        if not found:
            found.append(_no_checkpoint(verifiers))
        if bundle.size1 > bundle.size2:
            raise Invalid(f"size1 {bundle.size1} is larger than size2 {bundle.size2}",
                          f"size1 {bundle.size1} 大于 size2 {bundle.size2}")
        if not verify_consistency(bundle.size1, bundle.size2, bundle.proof, bundle.root1, bundle.root2):
            raise Invalid(
                f"the consistency proof does not show tree {bundle.size1} (root {_short(bundle.root1)}) "
                f"is a prefix of tree {bundle.size2} (root {_short(bundle.root2)})",
                f"一致性证明不能说明大小为 {bundle.size1} 的树（根 {_short(bundle.root1)}）是大小为 "
                f"{bundle.size2} 的树（根 {_short(bundle.root2)}）的前缀",
            )
    except Invalid as exc:
        return exc.verdict()
    signatures = Signatures("; ".join(s.en for s in found), "；".join(s.zh for s in found),
                            all(s.checked for s in found))
    return _valid(
        f"tree of size {bundle.size1} (root {_short(bundle.root1)}) is a prefix of tree of size "
        f"{bundle.size2} (root {_short(bundle.root2)})",
        f"大小为 {bundle.size1} 的树（根 {_short(bundle.root1)}）是大小为 {bundle.size2} 的树"
        f"（根 {_short(bundle.root2)}）的前缀，此间没有改写或删除",
        signatures,
    )


def check_text(
    text: str | bytes,
    verifier_keys: Sequence[str] = (),
    *,
    leaf_hash: bytes | None = None,
    leaf_data: bytes | None = None,
) -> Verdict:
    """Check the content of a proof file (a tlog-proof or a JSON bundle)."""
    try:
        if isinstance(text, bytes):
            try:
                text = text.decode("utf-8")
            except UnicodeDecodeError:
                raise Invalid("the file is not UTF-8 text", "文件不是 UTF-8 文本") from None
        if leaf_hash is not None and len(leaf_hash) != HASH_SIZE:
            raise Invalid(f"a leaf hash is {HASH_SIZE} bytes", f"叶哈希应为 {HASH_SIZE} 字节")
        leaf = LeafInput(leaf_hash=leaf_hash, leaf_data=leaf_data)
        verifiers = parse_keys(verifier_keys)
        try:
            if text.startswith(TLOG_PROOF_HEADER + "\n"):
                return check_tlog_proof(parse_tlog_proof(text), verifiers, leaf)
            if text.lstrip().startswith("{"):
                bundle = parse_bundle(text)
                if isinstance(bundle, InclusionBundle):
                    return check_inclusion_bundle(bundle, verifiers, leaf)
                if leaf.leaf_hash is not None or leaf.leaf_data is not None:
                    raise Invalid("a leaf was given but the bundle is a consistency proof",
                                  "给出了记录条目，但这是一份一致性证明")
                return check_consistency_bundle(bundle, verifiers)
        except (ProofFormatError, CheckpointError) as exc:
            raise Invalid(f"malformed proof: {exc}", f"证明文件格式不对：{exc}") from exc
        raise Invalid(f"not a proof: neither {TLOG_PROOF_HEADER} nor a JSON bundle",
                      f"不是证明文件：既不是 {TLOG_PROOF_HEADER}，也不是 JSON 证明")
    except Invalid as exc:
        return exc.verdict()


def check_file(
    source: str | os.PathLike[str] | bytes,
    verifier_keys: Sequence[str] = (),
    *,
    leaf_hash: bytes | None = None,
    leaf_data: bytes | None = None,
) -> Verdict:
    """Check a proof file given by path, or its content.

    ``source`` is read as a path when it is a ``PathLike``, or a ``str`` that does not itself look like a
    proof (a proof starts with the tlog-proof header or with ``{``); ``bytes`` are the content.
    """
    if isinstance(source, str) and (source.startswith(TLOG_PROOF_HEADER + "\n") or source.lstrip().startswith("{")):
        content: str | bytes = source
    elif isinstance(source, bytes):
        content = source
    else:
        path = Path(source)
        try:
            content = read_limited(path)
        except Invalid as exc:
            return exc.verdict()
    return check_text(content, verifier_keys, leaf_hash=leaf_hash, leaf_data=leaf_data)


def read_limited(path: Path, limit: int = MAX_FILE_SIZE) -> bytes:
    """A file's bytes, refused (as :class:`Invalid`) when it cannot be read or is larger than ``limit``."""
    try:
        with path.open("rb") as fh:
            content = fh.read(limit + 1)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise Invalid(f"cannot read {path}: {reason}", f"无法读取 {path}：{reason}") from exc
    if len(content) > limit:
        raise Invalid(f"{path} is larger than {limit} bytes", f"{path} 大于 {limit} 字节")
    return content


def verify_text(
    text: str | bytes,
    verifier_keys: Sequence[str] = (),
    *,
    leaf_hash: bytes | None = None,
    leaf_data: bytes | None = None,
) -> Result:
    """``(ok, reason)`` in English for the content of a proof file; see :func:`check_text`."""
    return check_text(text, verifier_keys, leaf_hash=leaf_hash, leaf_data=leaf_data).pair


def verify_file(
    source: str | os.PathLike[str] | bytes,
    verifier_keys: Sequence[str] = (),
    *,
    leaf_hash: bytes | None = None,
    leaf_data: bytes | None = None,
) -> Result:
    """``(ok, reason)`` in English for a proof file or its content; see :func:`check_file`."""
    return check_file(source, verifier_keys, leaf_hash=leaf_hash, leaf_data=leaf_data).pair
