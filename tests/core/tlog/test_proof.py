"""c2sp.org/tlog-proof and the JSON bundles: format, parse, round trips and refusals."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from sunlit.core.tlog.merkle import leaf_hash
from sunlit.core.tlog.proof import (
    TLOG_PROOF_HEADER,
    ConsistencyBundle,
    InclusionBundle,
    ProofFormatError,
    TlogProof,
    parse_bundle,
    parse_tlog_proof,
)
from tests.core.tlog import INCLUSION_8, LEAVES, ROOTS

# c2sp.org/tlog-proof example (its signature lines are elided with "[...]" in the spec; kept verbatim).
SPEC_PROOF = """c2sp.org/tlog-proof@v1
extra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ
index 73894
gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=
B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=
EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=
RoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=
AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=

example.com/fancylog
109482
sFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=

\u2014 example.com/fancylog hI2DJw[...]1roloI=
\u2014 witness1.example mJirIklj[...]qY9v2B/5bg==
"""


def test_spec_example_parses_and_round_trips() -> None:
    p = parse_tlog_proof(SPEC_PROOF)
    assert p.index == 73894
    assert p.extra is not None and p.extra.startswith(b"age-v1.2.1-darwin-arm64.tar.gz")
    assert len(p.hashes) == 5
    assert p.hashes[0] == base64.b64decode("gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=")
    assert p.checkpoint.startswith("example.com/fancylog\n109482\n")
    assert p.format() == SPEC_PROOF == str(p)
    assert parse_tlog_proof(SPEC_PROOF.encode()) == p


def test_round_trip_without_extra_and_without_hashes() -> None:
    cp = "log.example\n1\n" + base64.b64encode(ROOTS[0]).decode() + "\n\n\u2014 log.example AAAAAAE=\n"
    p = TlogProof(index=0, hashes=(), checkpoint=cp)
    text = p.format()
    assert text == f"{TLOG_PROOF_HEADER}\nindex 0\n\n{cp}"
    assert parse_tlog_proof(text) == p
    q = TlogProof(index=5, hashes=tuple(INCLUSION_8[5]), checkpoint=cp, extra=b"")
    assert "\nextra \n" in q.format()
    assert parse_tlog_proof(q.format()) == q


@pytest.mark.parametrize(
    "text",
    [
        "wrong-header\nindex 0\n\ncheckpoint\n",
        "c2sp.org/tlog-proof@v2\nindex 0\n\ncheckpoint\n",
        "c2sp.org/tlog-proof@v1\nextra !!notbase64!!\nindex 0\n\ncheckpoint\n",
        "c2sp.org/tlog-proof@v1\n\n\ncheckpoint\n",
        "c2sp.org/tlog-proof@v1\nindex notanumber\n\ncheckpoint\n",
        "c2sp.org/tlog-proof@v1\nindex -5\n\ncheckpoint\n",
        "c2sp.org/tlog-proof@v1\nindex 05\n\ncheckpoint\n",
        "c2sp.org/tlog-proof@v1\nindex 18446744073709551616\n\ncheckpoint\n",
        "c2sp.org/tlog-proof@v1\nindex 0\n!!notbase64!!\n\ncheckpoint\n",
        "c2sp.org/tlog-proof@v1\nindex 0\n" + base64.b64encode(bytes(64)).decode() + "\n\ncheckpoint\n",
        "c2sp.org/tlog-proof@v1\nindex 0\n" + base64.b64encode(bytes(32)).decode() + "\n",
        "c2sp.org/tlog-proof@v1\nindex 0\n\n",
        "c2sp.org/tlog-proof@v1\nextra AAAA\n\n",
        "c2sp.org/tlog-proof@v1",
        "c2sp.org/tlog-proof@v1\nindex 0\n" + (base64.b64encode(bytes(32)).decode() + "\n") * 65 + "\ncp\n",
    ],
)
def test_malformed_tlog_proofs_are_refused(text: str) -> None:
    with pytest.raises(ProofFormatError):
        parse_tlog_proof(text)


def test_invalid_utf8_tlog_proof() -> None:
    with pytest.raises(ProofFormatError):
        parse_tlog_proof(b"c2sp.org/tlog-proof@v1\nindex 0\n\n\xff\n")


def _inclusion_json(**changes: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "type": "inclusion",
        "leaf_index": 5,
        "tree_size": 8,
        "leaf_hash": leaf_hash(LEAVES[5]).hex(),
        "proof": [h.hex() for h in INCLUSION_8[5]],
        "root": ROOTS[7].hex(),
    }
    obj.update(changes)
    return {k: v for k, v in obj.items() if v is not None}


def test_inclusion_bundle_round_trip() -> None:
    b = parse_bundle(json.dumps(_inclusion_json()))
    assert isinstance(b, InclusionBundle)
    assert (b.leaf_index, b.tree_size, b.root) == (5, 8, ROOTS[7])
    assert list(b.proof) == INCLUSION_8[5]
    assert parse_bundle(b.dumps()) == b
    assert b.to_json() == _inclusion_json()
    upper = parse_bundle(_inclusion_json(root=ROOTS[7].hex().upper()))
    assert upper == b


def test_inclusion_bundle_with_leaf_data() -> None:
    b = parse_bundle(_inclusion_json(leaf_hash=None, leaf_data="公开 record", checkpoint="cp\n"))
    assert isinstance(b, InclusionBundle)
    assert b.leaf_hash == leaf_hash("公开 record".encode())
    assert b.to_json()["leaf_data"] == "公开 record" and "leaf_hash" not in b.to_json()
    assert parse_bundle(b.dumps()) == b
    both = parse_bundle(_inclusion_json(leaf_hash=leaf_hash(b"x").hex(), leaf_data="x"))
    assert isinstance(both, InclusionBundle) and both.leaf_hash == leaf_hash(b"x")


def test_consistency_bundle_round_trip() -> None:
    obj = {
        "type": "consistency",
        "size1": 6,
        "size2": 8,
        "root1": ROOTS[5].hex(),
        "root2": ROOTS[7].hex(),
        "proof": [],
        "checkpoint": "a\n",
        "checkpoint1": "b\n",
    }
    b = parse_bundle(obj)
    assert isinstance(b, ConsistencyBundle) and b.size1 == 6 and b.checkpoint1 == "b\n"
    assert parse_bundle(b.dumps()) == b
    assert b.to_json() == obj


@pytest.mark.parametrize(
    "obj",
    [
        _inclusion_json(type="inclusions"),
        _inclusion_json(type=None),
        _inclusion_json(extra="x"),
        _inclusion_json(leaf_hash=None),
        _inclusion_json(root=None),
        _inclusion_json(proof=None),
        _inclusion_json(leaf_index=True),
        _inclusion_json(leaf_index=-1),
        _inclusion_json(tree_size=8.0),
        _inclusion_json(tree_size="8"),
        _inclusion_json(root=ROOTS[7].hex()[:-2]),
        _inclusion_json(root="zz" * 32),
        _inclusion_json(proof=["00" * 31]),
        _inclusion_json(proof="00" * 32),
        _inclusion_json(leaf_data=5),
        _inclusion_json(leaf_data="not the leaf"),
        _inclusion_json(checkpoint=""),
        _inclusion_json(checkpoint=["x"]),
        {"type": "consistency", "size1": 1, "size2": 2, "root1": "00" * 32, "root2": "00" * 32},
        {"type": "consistency", "size1": 1, "size2": 2, "root1": "00" * 32, "proof": []},
        {"type": "consistency", "size1": 1, "size2": 2, "root1": "0" * 64, "root2": "0" * 64, "proof": [], "x": 1},
        ["not", "an", "object"],
    ],
)
def test_malformed_bundles_are_refused(obj: Any) -> None:
    with pytest.raises(ProofFormatError):
        parse_bundle(json.dumps(obj))


def test_bundle_text_that_is_not_json() -> None:
    with pytest.raises(ProofFormatError):
        parse_bundle("{not json")
