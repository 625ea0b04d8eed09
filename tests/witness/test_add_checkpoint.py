"""POST /add-checkpoint, c2sp.org/tlog-witness: every status the spec names, with real signed checkpoints."""

from __future__ import annotations

import base64
import io
import os
import stat
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sunlit.core.clock import FixedClock
from sunlit.core.tlog.checkpoint import (
    CosignatureV1Verifier,
    cosignature_timestamp,
    parse_checkpoint,
    verify_cosignatures,
)
from sunlit.core.tlog.note import (
    Note,
    NoteVerificationError,
    Signature,
    generate_key,
    parse_note,
    parse_signer_key,
    sign,
)
from sunlit.witness import keys, services
from sunlit.witness.models import WitnessedLog
from tests.witness.conftest import NEIGHBOUR, WITNESS_NAME, MemLog

pytestmark = pytest.mark.django_db


def post(client: Any, body: str | bytes) -> Any:
    return client.generic("POST", "/add-checkpoint", body, content_type="text/plain")


@pytest.fixture
def neighbour() -> MemLog:
    log = MemLog(NEIGHBOUR).grow(700)
    services.add_log(log.origin, [log.vkey])
    return log


def state() -> WitnessedLog:
    return WitnessedLog.objects.get(origin=NEIGHBOUR)


def witness_verifier() -> CosignatureV1Verifier:
    verifier = keys.cosigner().verifier()
    assert verifier.vkey() == keys.verifier_key()
    return verifier


def test_the_first_checkpoint_is_cosigned_and_the_cosignature_verifies(
    client: Any, neighbour: MemLog, clock: FixedClock
) -> None:
    signed = neighbour.checkpoint(300)

    response = post(client, neighbour.request(0, 300))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert body.startswith("\u2014 " + WITNESS_NAME + " ") and body.endswith("\n") and body.count("\n") == 1
    cosigned = signed + body  # the spec's way: concatenate the response to the checkpoint
    assert verify_cosignatures(cosigned, [witness_verifier()]) == {WITNESS_NAME: int(clock.now().timestamp())}
    row = state()
    assert (row.size, bytes(row.root)) == (300, neighbour.tree.root(300))
    assert row.checkpoint == signed


def test_a_consistent_larger_checkpoint_moves_the_state_forward(client: Any, neighbour: MemLog, clock: FixedClock) -> None:
    assert post(client, neighbour.request(0, 300)).status_code == 200
    clock.advance(seconds=90)

    response = post(client, neighbour.request(300, 700))

    assert response.status_code == 200
    sig = Signature.parse_line(response.content.decode().rstrip("\n"))
    assert cosignature_timestamp(sig) == int(clock.now().timestamp())
    note = parse_note(neighbour.checkpoint(700)).with_signatures([sig])
    assert WITNESS_NAME in verify_cosignatures(note, [witness_verifier()])
    assert state().size == 700


def test_the_same_checkpoint_again_is_cosigned_again(client: Any, neighbour: MemLog) -> None:
    assert post(client, neighbour.request(0, 300)).status_code == 200
    assert post(client, neighbour.request(300, 300)).status_code == 200
    assert state().size == 300


def test_an_unknown_origin_is_404(client: Any, neighbour: MemLog) -> None:
    stranger = MemLog("stranger.example/log").grow(3)

    response = post(client, stranger.request(0))

    assert response.status_code == 404
    assert not WitnessedLog.objects.filter(origin=stranger.origin).exists()


def test_a_checkpoint_without_a_trusted_signature_is_403(client: Any, neighbour: MemLog) -> None:
    impostor_skey, _ = generate_key(NEIGHBOUR)  # same name, another key: its signature is simply unknown
    impostor = parse_signer_key(impostor_skey)
    assert post(client, neighbour.request(0, 5, checkpoint=neighbour.checkpoint(5, impostor))).status_code == 403

    # a known key whose signature does not verify: rejected even beside a good one
    good = parse_note(neighbour.checkpoint(5))
    bad_bytes = bytes([good.signatures[0].signature[0] ^ 1]) + good.signatures[0].signature[1:]
    bad = Signature(good.signatures[0].name, good.signatures[0].key_id, bad_bytes)
    tampered = Note(good.text, (bad,)).format()
    assert post(client, neighbour.request(0, 5, checkpoint=tampered)).status_code == 403

    # a text edited after signing (another root)
    lines = good.text.split("\n")
    lines[2] = base64.b64encode(bytes(32)).decode()
    edited = Note("\n".join(lines), good.signatures).format()
    assert post(client, neighbour.request(0, 5, checkpoint=edited)).status_code == 403
    assert state().size == 0


def test_an_unknown_signature_beside_a_trusted_one_is_ignored(client: Any, neighbour: MemLog) -> None:
    other = parse_signer_key(generate_key("someone.example/else")[0])
    both = sign(parse_note(neighbour.checkpoint(5)), other)
    assert post(client, neighbour.request(0, 5, checkpoint=both)).status_code == 200
    assert state().size == 5


@pytest.mark.parametrize(
    "mangle",
    [
        lambda body: body.replace("\n\n", "\n", 1),  # no empty line before the checkpoint
        lambda body: body.replace("old 300", "old 0300", 1),  # leading zero
        lambda body: body.replace("old 300", "old -1", 1),
        lambda body: body.replace("old 300", "size 300", 1),
        lambda body: body.replace("old 300\n", "old 300\nnot base64!\n", 1),
        lambda body: body.replace("old 300\n", "old 300\n" + base64.b64encode(bytes(31)).decode() + "\n", 1),
        lambda body: body.replace("old 300\n", "old 300\n" + base64.b64encode(bytes(33)).decode() + "\n", 1),
        lambda body: body.replace("old 300\n", "old 300\n" + (base64.b64encode(bytes(32)).decode() + "\n") * 64, 1),
        lambda body: body.rsplit("\u2014", 1)[0],  # the checkpoint lost its signature line
        lambda body: body.replace("\n", "\r\n"),
    ],
)
def test_malformed_requests_are_400(client: Any, neighbour: MemLog, mangle: Any) -> None:
    assert post(client, neighbour.request(0, 300)).status_code == 200
    body = neighbour.request(300, 700)

    response = post(client, mangle(body))

    assert response.status_code == 400, response.content
    assert state().size == 300


def test_a_body_over_the_limit_is_413_by_its_declared_length(client: Any, neighbour: MemLog) -> None:
    response = post(client, neighbour.request(0, 300) + "x" * services.MAX_REQUEST_BYTES)

    assert response.status_code == 413
    assert response.content.decode() == f"request body over {services.MAX_REQUEST_BYTES} bytes\n"
    assert not WitnessedLog.objects.filter(origin=NEIGHBOUR, size__gt=0).exists()


def test_a_body_over_the_limit_is_413_from_the_service_too(neighbour: MemLog) -> None:
    body = neighbour.request(0, 300).encode() + b"\n" * services.MAX_REQUEST_BYTES

    with pytest.raises(services.TooLarge) as refused:
        services.add_checkpoint(body)
    assert refused.value.status == 413


def test_an_old_size_above_the_checkpoint_size_is_400(client: Any, neighbour: MemLog) -> None:
    assert post(client, neighbour.request(0, 300)).status_code == 200
    # a rollback attempt dressed as "old 300 → 200"
    response = post(client, neighbour.request(300, 200, proof=[]))
    assert response.status_code == 400
    assert state().size == 300


def test_a_proof_with_old_size_zero_is_400(client: Any, neighbour: MemLog) -> None:
    assert post(client, neighbour.request(0, 300, proof=[bytes(32)])).status_code == 400


def test_a_signed_note_that_is_not_a_checkpoint_is_400(client: Any, neighbour: MemLog) -> None:
    note = sign(f"{NEIGHBOUR}\nnot a size\nAAAA\n", neighbour.signer)
    assert post(client, f"old 0\n\n{note}").status_code == 400


def test_an_empty_origin_line_is_400(client: Any, neighbour: MemLog) -> None:
    assert post(client, "old 0\n\n" + sign("\n5\n" + "A" * 43 + "=\n", neighbour.signer)).status_code == 400


def test_non_utf8_is_400(client: Any, neighbour: MemLog) -> None:
    assert post(client, b"old 0\n\n\xff\xfe").status_code == 400


def test_a_wrong_old_size_is_409_with_the_size_held(client: Any, neighbour: MemLog) -> None:
    assert post(client, neighbour.request(0, 300)).status_code == 200

    for old in (0, 200, 299, 301):
        response = post(client, neighbour.request(old, 700))
        assert response.status_code == 409, old
        assert response["Content-Type"] == "text/x.tlog.size"
        assert response.content == b"300\n"
    assert state().size == 300


def test_another_root_at_the_size_held_is_409(client: Any, neighbour: MemLog) -> None:
    assert post(client, neighbour.request(0, 300)).status_code == 200
    forged = neighbour.fork(changed_index=17)

    response = post(client, forged.request(300, 300))

    assert response.status_code == 409
    assert response.content == b"300\n"
    assert bytes(state().root) == neighbour.tree.root(300)


def test_a_consistency_proof_that_fails_is_422(client: Any, neighbour: MemLog) -> None:
    assert post(client, neighbour.request(0, 300)).status_code == 200
    good = neighbour.tree.consistency_proof(300, 700)

    wrong_hash = [good[0], bytes(32), *good[2:]]
    assert post(client, neighbour.request(300, 700, proof=wrong_hash)).status_code == 422
    assert post(client, neighbour.request(300, 700, proof=good[:-1])).status_code == 422
    assert post(client, neighbour.request(300, 700, proof=[])).status_code == 422
    assert post(client, neighbour.request(300, 300, proof=[bytes(32)])).status_code == 422
    assert state().size == 300


def test_a_rewritten_history_is_not_cosigned(client: Any, neighbour: MemLog) -> None:
    """The log rewrote entry 17 and grew: its own (valid) proof from 300 cannot reach the root kept."""
    assert post(client, neighbour.request(0, 300)).status_code == 200
    forged = neighbour.fork(changed_index=17)

    response = post(client, forged.request(300, 700))

    assert response.status_code == 422
    row = state()
    assert (row.size, bytes(row.root)) == (300, neighbour.tree.root(300))


def test_only_post_is_allowed(client: Any) -> None:
    assert client.get("/add-checkpoint").status_code == 405


def test_the_witness_key_is_generated_private_and_published(client: Any, fresh_keys: Any) -> None:
    response = client.get("/witness/key")

    assert response.status_code == 200
    vkey = response.content.decode().strip()
    assert vkey == keys.verifier_key() and vkey.startswith(WITNESS_NAME + "+")
    assert base64.b64decode(vkey.split("+", 2)[2])[0] == 0x04  # base64 may hold "+" itself
    path = fresh_keys / "witness-signer.key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert path.read_text().startswith("PRIVATE+KEY+" + WITNESS_NAME + "+")


def test_a_configured_witness_key_must_carry_the_witness_name(settings: Any) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from sunlit.core.tlog.checkpoint import generate_cosigner_key

    settings.SUNLIT_WITNESS_KEY = generate_cosigner_key("someone.example/else")[0]
    with pytest.raises(ImproperlyConfigured, match="named 'someone.example/else', but SUNLIT_WITNESS_NAME is"):
        keys.cosigner()
    settings.SUNLIT_WITNESS_KEY = generate_cosigner_key(WITNESS_NAME)[0]
    assert keys.cosigner().name == WITNESS_NAME


def test_witness_add_log_configures_a_log_and_refuses_a_bad_key() -> None:
    log = MemLog("county-c.example/log")
    out = io.StringIO()

    call_command("witness_add_log", log.origin, log.vkey, stdout=out)

    assert out.getvalue().startswith(f"witnessing {log.origin} (size 0)")
    assert WitnessedLog.objects.get(origin=log.origin).verifiers()[0].name == log.origin
    with pytest.raises(CommandError, match="a key is name\\+keyid\\+base64"):
        call_command("witness_add_log", "county-d.example/log", "not-a-key", stdout=io.StringIO())
    with pytest.raises(CommandError, match="日志标识必须是一行、不含空白"):
        call_command("witness_add_log", "two words", log.vkey, stdout=io.StringIO())
    assert list(WitnessedLog.objects.values_list("origin", flat=True)) == [log.origin]


def test_the_checkpoint_text_is_what_gets_cosigned(client: Any, neighbour: MemLog) -> None:
    """Extension lines are part of the cosigned message."""
    text = parse_note(neighbour.checkpoint(5)).text + "extension line\n"
    assert parse_checkpoint(text).extensions == ("extension line",)
    signed = sign(text, neighbour.signer)
    response = post(client, f"old 0\n\n{signed}")
    assert response.status_code == 200
    assert verify_cosignatures(signed + response.content.decode(), [witness_verifier()])
    with pytest.raises(NoteVerificationError):  # the same cosignature on the text without the extension
        verify_cosignatures(neighbour.checkpoint(5) + response.content.decode(), [witness_verifier()])
