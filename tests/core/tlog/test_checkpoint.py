"""Checkpoints (c2sp.org/tlog-checkpoint), cosignature/v1 (c2sp.org/tlog-cosignature), witness requests."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from sunlit.core.tlog.checkpoint import (
    MAX_TIMESTAMP,
    AddCheckpointRequest,
    Checkpoint,
    CheckpointError,
    CosignatureV1Signer,
    CosignatureV1Verifier,
    cosign,
    cosignature_message,
    cosignature_timestamp,
    generate_cosigner_key,
    open_checkpoint,
    parse_add_checkpoint,
    parse_checkpoint,
    parse_cosigner_key,
    sign_checkpoint,
    verify_cosignatures,
)
from sunlit.core.tlog.note import (
    EM_DASH,
    Ed25519Signer,
    NoteError,
    NoteVerificationError,
    generate_key,
    parse_note,
    parse_signer_key,
    parse_verifier_key,
    verify,
)

# c2sp.org/tlog-checkpoint and c2sp.org/tlog-cosignature examples.
SOFA_BODY = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
SOFA_COSIGNED = (
    SOFA_BODY
    + "\n"
    + f"{EM_DASH} example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/"
    "Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
    + f"{EM_DASH} witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2"
    "oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n"
)


def test_spec_checkpoint_parses_and_round_trips() -> None:
    cp = parse_checkpoint(SOFA_BODY)
    assert cp.origin == "example.com/behind-the-sofa"
    assert cp.size == 20852163
    assert cp.root_hash == base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")
    assert cp.extensions == ()
    assert cp.format() == SOFA_BODY == str(cp)
    note = parse_note(SOFA_COSIGNED)
    assert parse_checkpoint(note.text) == cp
    assert note.format() == SOFA_COSIGNED


def test_extension_lines_round_trip() -> None:
    text = "log.example\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\nfoo bar\nbaz\n"
    cp = parse_checkpoint(text)
    assert cp.size == 0 and cp.extensions == ("foo bar", "baz")
    assert cp.root_hash == hashlib.sha256(b"").digest()
    assert cp.format() == text


@pytest.mark.parametrize(
    "text",
    [
        "example.com/log\n020852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "example.com/log\n-1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "example.com/log\n+1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "example.com/log\n1 \nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "example.com/log\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n",
        "example.com/log\n1\nCsUY\n",
        "example.com/log\n1\n",
        "\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "example.com/log\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n",
        "example.com/log\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=",
        "example.com/log\n18446744073709551616\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
    ],
)
def test_malformed_checkpoints_are_refused(text: str) -> None:
    with pytest.raises(CheckpointError):
        parse_checkpoint(text)


def test_checkpoint_objects_validate() -> None:
    with pytest.raises(CheckpointError):
        Checkpoint("", 1, bytes(32))
    with pytest.raises(CheckpointError):
        Checkpoint("a\nb", 1, bytes(32))
    with pytest.raises(CheckpointError):
        Checkpoint("a", -1, bytes(32))
    with pytest.raises(CheckpointError):
        Checkpoint("a", 1, bytes(31))
    with pytest.raises(CheckpointError):
        Checkpoint("a", 1, bytes(32), ("",))


def test_sign_and_open_checkpoint() -> None:
    skey, vkey = generate_key("county.example/log")
    cp = Checkpoint("county.example/log", 8, bytes(range(32)))
    signed = sign_checkpoint(cp, parse_signer_key(skey))
    got, note = open_checkpoint(signed, [parse_verifier_key(vkey)], origin="county.example/log")
    assert got == cp and note.text == cp.format()
    with pytest.raises(CheckpointError):
        open_checkpoint(signed, [parse_verifier_key(vkey)], origin="other.example/log")
    _, other = generate_key("county.example/log")
    with pytest.raises(NoteVerificationError):
        open_checkpoint(signed, [parse_verifier_key(other)])


def test_spec_cosignature_timestamps() -> None:
    note = parse_note(SOFA_COSIGNED)
    witness = note.signatures[1]
    assert witness.name == "witness.example.com/w1"
    assert cosignature_timestamp(witness) == 1679315147  # the spec's "time 1679315147"
    # transparency-dev/formats TestCosignatureTimestamp.
    formats = "ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA=="
    assert cosignature_timestamp(formats) == 1727964367
    with pytest.raises(CheckpointError):  # an Ed25519 note signature is not a cosignature
        cosignature_timestamp(note.signatures[0])


def test_cosignature_message_is_exactly_the_spec() -> None:
    assert cosignature_message(SOFA_BODY, 1679315147) == (
        b"cosignature/v1\ntime 1679315147\n"
        b"example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    )
    with pytest.raises(CheckpointError):
        cosignature_message(SOFA_BODY, MAX_TIMESTAMP + 1)


def test_cosign_and_verify() -> None:
    log = Ed25519Signer("county.example/log", bytes([7]) * 32)
    witness = CosignatureV1Signer("witness.example/w1", bytes([9]) * 32, clock=lambda: 1_790_000_000)
    body = Checkpoint("county.example/log", 42, bytes(range(32)), ("ext line",)).format()
    signed = cosign(sign_checkpoint(parse_checkpoint(body), log), witness)
    note = parse_note(signed)
    assert [s.name for s in note.signatures] == ["county.example/log", "witness.example/w1"]
    raw = note.signatures[1].signature
    assert len(raw) == 72 and int.from_bytes(raw[:8], "big") == 1_790_000_000
    # The signature is Ed25519 over "cosignature/v1\ntime <t>\n" + body, checked without our verifier.
    Ed25519PublicKey.from_public_bytes(witness.public_key).verify(
        raw[8:], b"cosignature/v1\ntime 1790000000\n" + body.encode()
    )
    # Key ID uses signature type 0x04.
    assert note.signatures[1].key_id == hashlib.sha256(b"witness.example/w1\n\x04" + witness.public_key).digest()[:4]
    assert verify_cosignatures(signed, [witness.verifier()]) == {"witness.example/w1": 1_790_000_000}
    assert [v.name for v in verify(signed, [log.verifier(), parse_verifier_key(witness.vkey())])] == [
        "county.example/log",
        "witness.example/w1",
    ]
    # The cosignature covers extension lines.
    tampered = signed.replace("ext line", "ext lime")
    with pytest.raises(NoteVerificationError):
        verify_cosignatures(tampered, [witness.verifier()])
    # A cosigner with the same Ed25519 key but type 0x01 is a different key: its ID does not match.
    plain = Ed25519Signer("witness.example/w1", bytes([9]) * 32)
    assert verify(signed, [plain.verifier()]) == []
    # A cosignature of another time does not verify under a changed timestamp.
    line_b64 = base64.b64encode(note.signatures[1].key_id + (1_790_000_001).to_bytes(8, "big") + raw[8:]).decode()
    forged = signed.replace(note.signatures[1].line().split(" ")[-1], line_b64)
    with pytest.raises(NoteVerificationError):
        verify_cosignatures(forged, [witness.verifier()])


def test_cosigner_keys() -> None:
    skey, vkey = generate_cosigner_key("witness.example/w2")
    signer = parse_cosigner_key(skey, clock=lambda: 5)
    verifier = parse_verifier_key(vkey)
    assert isinstance(verifier, CosignatureV1Verifier)
    assert signer.vkey() == vkey and signer.skey() == skey
    signed = cosign(SOFA_BODY, signer)
    assert verify_cosignatures(signed, [verifier]) == {"witness.example/w2": 5}
    # An Ed25519 (0x01) signer key can serve as a cosigner of the same name and seed.
    skey1, vkey1 = generate_key("witness.example/w3")
    cosigner = parse_cosigner_key(skey1, clock=lambda: 6)
    from_vkey = CosignatureV1Verifier.from_ed25519_vkey(vkey1)
    assert cosigner.key_id == from_vkey.key_id
    assert verify_cosignatures(cosign(SOFA_BODY, cosigner), [from_vkey]) == {"witness.example/w3": 6}
    with pytest.raises(NoteError):
        parse_cosigner_key(skey.replace("PRIVATE+KEY+", ""), clock=lambda: 0)
    with pytest.raises(CheckpointError):
        cosign("not a checkpoint\n", signer)


def test_native_cosignature_verifier_key_of_transparency_dev_formats() -> None:
    v = parse_verifier_key("remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2")
    assert isinstance(v, CosignatureV1Verifier) and v.key_id.hex() == "da77ade7"
    converted = CosignatureV1Verifier.from_ed25519_vkey("TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6")
    pub = base64.b64decode("AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6")[1:]
    assert converted.key_id == hashlib.sha256(b"TEST\n\x04" + pub).digest()[:4]


WITNESS_REQUEST = (
    "old 20852014\n"
    "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n"
    "jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n"
    "5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=\n"
    "/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=\n"
    "\n" + SOFA_COSIGNED
)


def test_witness_add_checkpoint_request() -> None:
    req = parse_add_checkpoint(WITNESS_REQUEST)
    assert req.old_size == 20852014 and len(req.proof) == 4
    assert req.checkpoint == SOFA_COSIGNED
    assert req.format() == WITNESS_REQUEST
    assert AddCheckpointRequest(0, (), SOFA_COSIGNED).format() == "old 0\n\n" + SOFA_COSIGNED
    for bad in ["old 01\n\n" + SOFA_BODY, "new 1\n\n" + SOFA_BODY, "old 1\nAAAA\n\n" + SOFA_BODY, "old 1\n"]:
        with pytest.raises(NoteError):
            parse_add_checkpoint(bad)
