"""Signed notes: the C2SP example, Go's sumdb/note PeterNeumann example, and refusals."""

from __future__ import annotations

import base64
import hashlib

import pytest

from sunlit.core.tlog.note import (
    EM_DASH,
    MAX_SIGNATURES,
    Ed25519Signer,
    Ed25519Verifier,
    Note,
    NoteError,
    NoteVerificationError,
    Signature,
    generate_key,
    is_valid_key_name,
    key_id,
    open_note,
    parse_note,
    parse_signer_key,
    parse_verifier_key,
    sign,
    verify,
)

# c2sp.org/signed-note, "Verifier keys" example.
SPEC_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
SPEC_NOTE = (
    "This is an example message.\n\n"
    f"{EM_DASH} example.com/foo "
    "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
)

# golang.org/x/mod/sumdb/note package documentation.
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
PETER_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
PETER_LINE = (
    f"{EM_DASH} PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)
ENOCH_LINE = (
    f"{EM_DASH} EnochRoot "
    "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"
)
PETER_NOTE = PETER_TEXT + "\n" + PETER_LINE


def test_c2sp_example_verifies() -> None:
    v = parse_verifier_key(SPEC_VKEY)
    assert v.name == "example.com/foo"
    assert v.key_id.hex() == "530d903a"
    assert isinstance(v, Ed25519Verifier) and v.vkey() == SPEC_VKEY
    note = open_note(SPEC_NOTE, [v])
    assert note.text == "This is an example message.\n"
    assert verify(SPEC_NOTE, [v]) == [v]
    assert note.format() == SPEC_NOTE
    assert open_note(SPEC_NOTE.encode(), [v]) == note


def test_key_id_is_sha256_of_name_newline_type_key() -> None:
    raw = base64.b64decode(SPEC_VKEY.split("+")[2])
    assert raw[0] == 0x01
    expected = hashlib.sha256(b"example.com/foo\n\x01" + raw[1:]).digest()[:4]
    assert key_id("example.com/foo", 0x01, raw[1:]) == expected == bytes.fromhex("530d903a")


def test_peter_neumann_signer_reproduces_go_signature_byte_for_byte() -> None:
    signer = parse_signer_key(PETER_SKEY)
    assert signer.name == "PeterNeumann"
    assert signer.vkey() == PETER_VKEY
    assert signer.skey() == PETER_SKEY
    assert sign(PETER_TEXT, signer) == PETER_NOTE  # Ed25519 is deterministic
    assert verify(PETER_NOTE, [parse_verifier_key(PETER_VKEY)])[0].name == "PeterNeumann"


def test_doubly_signed_note_and_unknown_signatures() -> None:
    doubly = PETER_NOTE + ENOCH_LINE
    peter, enoch = parse_verifier_key(PETER_VKEY), parse_verifier_key(ENOCH_VKEY)
    assert [v.name for v in verify(doubly, [peter])] == ["PeterNeumann"]
    assert [v.name for v in verify(doubly, [enoch])] == ["EnochRoot"]
    assert [v.name for v in verify(doubly, [enoch, peter])] == ["PeterNeumann", "EnochRoot"]
    # Unknown signatures are ignored…
    assert verify(PETER_NOTE, [enoch]) == []
    with pytest.raises(NoteVerificationError):
        open_note(PETER_NOTE, [enoch])
    # …even when they share a name or a key ID (but not both) with a known key.
    raw = base64.b64decode(PETER_LINE.split()[-1])
    same_name = f"{EM_DASH} PeterNeumann {base64.b64encode(b'ABCD' + raw[4:]).decode()}\n"
    same_id = f"{EM_DASH} PeterNeumann2 {base64.b64encode(raw[:4] + b'garbage').decode()}\n"
    assert verify(PETER_NOTE + same_name + same_id, [peter]) == [peter]


def test_resigning_keeps_other_signatures_in_order() -> None:
    note = parse_note(PETER_NOTE + ENOCH_LINE)
    skey, vkey = generate_key("sunlit.example/log")
    out = sign(note, parse_signer_key(skey))
    assert out.startswith(PETER_NOTE + ENOCH_LINE)
    assert out.count("\n\n") == 1 and out.count(EM_DASH) == 3
    assert [v.name for v in verify(out, [parse_verifier_key(vkey), parse_verifier_key(PETER_VKEY)])] == [
        "PeterNeumann",
        "sunlit.example/log",
    ]
    # Re-signing with the same key replaces its old signature instead of adding a second.
    again = sign(parse_note(out), parse_signer_key(skey))
    assert again.count(EM_DASH) == 3
    assert parse_note(again).signatures[:2] == note.signatures


def test_a_signed_note_verifies_and_tampering_fails() -> None:
    skey, vkey = generate_key("county.example/log")
    signer, verifier = parse_signer_key(skey), parse_verifier_key(vkey)
    text = "county.example/log\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
    signed = sign(text, signer)
    assert open_note(signed, [verifier]).text == text
    tampered_text = signed.replace("\n3\n", "\n4\n")
    with pytest.raises(NoteVerificationError):
        verify(tampered_text, [verifier])
    sig_b64 = signed.rsplit(" ", 1)[1].strip()
    raw = bytearray(base64.b64decode(sig_b64))
    raw[10] ^= 1
    tampered_sig = signed.replace(sig_b64, base64.b64encode(bytes(raw)).decode())
    with pytest.raises(NoteVerificationError):
        verify(tampered_sig, [verifier])
    # A known key's bad signature rejects the note even when another known key's signature verifies.
    other_skey, other_vkey = generate_key("witness.example")
    both = sign(parse_note(tampered_sig), parse_signer_key(other_skey))
    with pytest.raises(NoteVerificationError):
        verify(both, [verifier, parse_verifier_key(other_vkey)])
    assert verify(both, [parse_verifier_key(other_vkey)])[0].name == "witness.example"


def test_sixteen_signatures_are_accepted_and_too_many_refused() -> None:
    signers = [Ed25519Signer(f"w{i}.example", bytes([i]) * 32) for i in range(16)]
    signed = sign("hello\n", *signers)
    assert len(verify(signed, [s.verifier() for s in signers])) == 16
    fake = f"{EM_DASH} x.example {base64.b64encode(b'1234' + bytes(64)).decode()}\n"
    with pytest.raises(NoteError):
        parse_note("hello\n\n" + fake * (MAX_SIGNATURES + 1))
    assert len(parse_note("hello\n\n" + fake * MAX_SIGNATURES).signatures) == MAX_SIGNATURES


@pytest.mark.parametrize(
    "msg",
    [
        "no blank line\n" + PETER_LINE,
        PETER_TEXT + "\n",  # no signature
        PETER_TEXT + "\n" + PETER_LINE.rstrip("\n"),  # no final newline
        PETER_TEXT + "\n" + PETER_LINE.replace(EM_DASH, "-"),
        PETER_TEXT + "\n" + PETER_LINE.replace("PeterNeumann ", "Peter+Neumann "),
        PETER_TEXT + "\n" + PETER_LINE.replace("PeterNeumann ", "PeterNeumann  "),
        PETER_TEXT + "\n" + PETER_LINE.replace("x08go", "x08g!"),
        PETER_TEXT + "\n" + PETER_LINE.replace("JnAM=", "JnAM"),  # unpadded
        PETER_TEXT + "\n" + PETER_LINE.replace("JnAM=", "JnAN="),  # spare bits set
        PETER_TEXT + "\n" + f"{EM_DASH} PeterNeumann AAAAAA==\n",  # shorter than key ID + 1 byte
        PETER_TEXT.replace("problem,", "problem,\t") + "\n" + PETER_LINE,  # control character
        PETER_TEXT + "\n" + PETER_LINE + "\n",  # blank line among signatures
        "",
    ],
)
def test_malformed_notes_are_refused(msg: str) -> None:
    with pytest.raises(NoteError):
        parse_note(msg)


def test_invalid_utf8_is_refused() -> None:
    with pytest.raises(NoteError):
        parse_note(b"\xff\n\n" + PETER_LINE.encode())


def test_text_may_hold_blank_lines() -> None:
    text = "first\n\nthird\n"
    signer = Ed25519Signer("a.example", bytes(32))
    signed = sign(text, signer)
    assert parse_note(signed).text == text
    assert open_note(signed, [signer.verifier()]).text == text


@pytest.mark.parametrize(
    "vkey",
    [
        "example.com/foo",
        "example.com/foo+530d903a",
        "example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",  # wrong ID
        "example.com/foo+530D903A+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",  # uppercase
        "example.com/foo+530d903+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
        "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k!",
        "example.com/bar+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",  # other name
        "a b+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
        "+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
        "rekor.sigstore.dev+12345678+AwEB",  # unknown type
    ],
)
def test_bad_verifier_keys_are_refused(vkey: str) -> None:
    with pytest.raises(NoteError):
        parse_verifier_key(vkey)


def test_bad_signer_keys_are_refused() -> None:
    with pytest.raises(NoteError):
        parse_signer_key(PETER_VKEY)
    with pytest.raises(NoteError):
        parse_signer_key(PETER_SKEY.replace("c74f20a3", "c74f20a4"))
    with pytest.raises(NoteError):
        parse_signer_key(PETER_SKEY.replace("PeterNeumann", "PeterNeumann2"))


def test_generate_key_round_trip() -> None:
    skey, vkey = generate_key("sunlit.example/log")
    assert skey.startswith("PRIVATE+KEY+sunlit.example/log+")
    signer, verifier = parse_signer_key(skey), parse_verifier_key(vkey)
    assert signer.vkey() == vkey and signer.key_id == verifier.key_id
    with pytest.raises(NoteError):
        generate_key("bad name")


def test_key_names() -> None:
    assert is_valid_key_name("example.com/log42")
    assert is_valid_key_name("oid/1.3.6.1.4.1")
    for bad in ["", "a b", "a+b", "a\u00a0b", "a\u3000b", "a\tb"]:
        assert not is_valid_key_name(bad)


def test_note_objects() -> None:
    with pytest.raises(NoteError):
        Note("no newline")
    sig = Signature.parse_line(PETER_LINE.rstrip("\n"))
    assert sig.key_id_hex == "c74f20a3" and len(sig.signature) == 64
    assert sig.line() + "\n" == PETER_LINE
    assert Note("bare\n").format() == "bare\n"
    with pytest.raises(NoteError):
        sign("text\n")
