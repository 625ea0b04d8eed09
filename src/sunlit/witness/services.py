"""Witnessing, both ways (c2sp.org/tlog-witness v1.0.0, cosignature/v1).

**As a witness.** :func:`add_checkpoint` answers a ``POST /add-checkpoint`` body. The checks are pure
functions over plain values (:func:`open_submission`, :func:`check_consistency`); the only database
step is :func:`advance`, which locks the log's row (``SELECT … FOR UPDATE``; SQLite's IMMEDIATE
transaction holds the write lock already), checks against the size and root it holds, and moves them
forward with a compare-and-swap ``UPDATE … WHERE size = <the size checked>`` in the same transaction.
Two requests from the same old size cannot both advance: the second sees the new size and gets 409.
The cosignature is made after the commit, so the state is persisted before the witness answers.

**For Sunlit's own log.** :func:`collect_cosignatures` sends a checkpoint with a consistency proof from
the stored hashes to every active :class:`~sunlit.witness.models.WitnessConfig`, follows a 409 to the
size the witness holds, verifies the cosignature against the witness's key and appends it to the
checkpoint (:func:`sunlit.record.services.add_cosignatures`), so ``/log/checkpoint`` serves it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DEFAULT_DB_ALIAS, transaction

from sunlit.core import clock
from sunlit.core.tlog.checkpoint import (
    AddCheckpointRequest,
    Checkpoint,
    CheckpointError,
    CosignatureV1Signer,
    CosignatureV1Verifier,
    parse_add_checkpoint,
    parse_checkpoint,
    parse_decimal,
)
from sunlit.core.tlog.merkle import EMPTY_ROOT, verify_consistency
from sunlit.core.tlog.note import (
    Note,
    NoteError,
    NoteVerificationError,
    Signature,
    Verifier,
    open_note,
    parse_note,
)
from sunlit.record import selectors, store
from sunlit.record import services as record_services
from sunlit.record.models import Checkpoint as StoredCheckpoint
from sunlit.witness import client, keys
from sunlit.witness.models import WitnessConfig, WitnessedLog, parse_witness_key

log = logging.getLogger(__name__)

MAX_REQUEST_BYTES = 64 * 1024
"""An add-checkpoint body is a few hundred bytes: 63 proof lines and a note with 100 signatures fit."""
SIZE_CONTENT_TYPE = "text/x.tlog.size"


# --- errors: each carries the HTTP status tlog-witness names for it ----------------------------------


class AddCheckpointError(Exception):
    status = 500


class BadRequest(AddCheckpointError):
    status = 400


class TooLarge(AddCheckpointError):
    """A body over MAX_REQUEST_BYTES: refused by its declared length before it is read."""

    status = 413


class Forbidden(AddCheckpointError):
    status = 403


class UnknownLog(AddCheckpointError):
    status = 404


class Conflict(AddCheckpointError):
    """The old size is not the size the witness holds (or, at that size, the root differs)."""

    status = 409

    def __init__(self, size: int, message: str) -> None:
        super().__init__(message)
        self.size = size


class BadProof(AddCheckpointError):
    status = 422


# --- acting as a witness: the pure checks --------------------------------------------------------------


@dataclass(frozen=True)
class Submission:
    """An add-checkpoint request whose checkpoint is signed by a key trusted for its origin."""

    old_size: int
    proof: tuple[bytes, ...]
    checkpoint: Checkpoint
    note: Note
    signed: str
    """The signed checkpoint as submitted."""

    @property
    def origin(self) -> str:
        return self.checkpoint.origin


def open_submission(body: bytes | str, trusted_keys: Callable[[str], Sequence[Verifier] | None]) -> Submission:
    """Parse an add-checkpoint body and verify its checkpoint's signature.

    ``trusted_keys(origin)`` gives the verifiers trusted for an origin, or None for an unknown origin.
    Raises :class:`TooLarge` (a body over MAX_REQUEST_BYTES), :class:`BadRequest` (malformed, or old
    size above the checkpoint's size, or a proof with old size 0), :class:`UnknownLog` or
    :class:`Forbidden` (no valid signature by a trusted key; a trusted key's signature that fails is
    refused too). Signatures of other keys are ignored.
    """
    if isinstance(body, bytes):
        if len(body) > MAX_REQUEST_BYTES:
            raise TooLarge(f"request body over {MAX_REQUEST_BYTES} bytes")
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest("request body is not UTF-8") from None
    try:
        request = parse_add_checkpoint(body)
        note = parse_note(request.checkpoint)
    except NoteError as exc:
        raise BadRequest(str(exc)) from None
    origin = note.text.partition("\n")[0]
    if not origin:
        raise BadRequest("the checkpoint's origin line is empty")
    verifiers = trusted_keys(origin)
    if verifiers is None:
        raise UnknownLog(f"unknown log origin {origin[:100]!r}")
    try:
        open_note(note, verifiers)
    except NoteError as exc:  # NoteVerificationError, or an ambiguous key list
        raise Forbidden(f"no valid signature from a key trusted for {origin}: {exc}") from None
    try:
        checkpoint = parse_checkpoint(note.text)
    except CheckpointError as exc:
        raise BadRequest(f"not a checkpoint: {exc}") from None
    if request.old_size > checkpoint.size:
        raise BadRequest(f"old size {request.old_size} is above the checkpoint's size {checkpoint.size}")
    if request.old_size == 0 and request.proof:
        raise BadRequest("the consistency proof must be empty when the old size is 0")
    return Submission(request.old_size, request.proof, checkpoint, note, request.checkpoint)


def check_consistency(sub: Submission, kept_size: int, kept_root: bytes) -> None:
    """Check a submission against the state the witness holds: :class:`Conflict` or :class:`BadProof`."""
    if sub.old_size != kept_size:
        raise Conflict(kept_size, f"old size {sub.old_size} is not the size last cosigned, {kept_size}")
    new = sub.checkpoint
    if new.size == kept_size and kept_size > 0 and new.root_hash != kept_root:
        raise Conflict(kept_size, f"a different root hash for the size already cosigned, {kept_size}")
    if kept_size == 0:  # the first checkpoint of this log: nothing to be consistent with
        if new.size == 0 and new.root_hash != EMPTY_ROOT:
            raise BadProof("a tree of size 0 has the empty tree's root hash")
        return
    if not verify_consistency(kept_size, new.size, sub.proof, kept_root, new.root_hash):
        raise BadProof(f"the consistency proof from size {kept_size} to {new.size} does not verify")


def cosignature_line(note_text: str, cosigner: CosignatureV1Signer) -> str:
    """The cosignature/v1 signature line (with its newline) of ``cosigner`` on a checkpoint text."""
    sig = Signature(name=cosigner.name, key_id=cosigner.key_id, signature=cosigner.sign(note_text.encode()))
    return sig.line() + "\n"


# --- acting as a witness: the state ---------------------------------------------------------------------


def trusted_keys(origin: str, using: str = DEFAULT_DB_ALIAS) -> list[Verifier] | None:
    """The verifiers configured for ``origin``, or None when the witness does not know that log."""
    row = WitnessedLog.objects.using(using).filter(origin=origin).only("keys").first()
    if row is None:
        return None
    try:
        return row.verifiers()
    except NoteError:
        log.error("the verifier keys configured for %s are not valid", origin)
        return []


def advance(
    origin: str, checkpoint: Checkpoint, signed: str, check: Callable[[int, bytes], None],
    using: str = DEFAULT_DB_ALIAS,
) -> WitnessedLog:
    """Move the witness's state for ``origin`` to ``checkpoint``, atomically.

    In one transaction: lock the row, call ``check(kept_size, kept_root)`` (which raises to refuse),
    then ``UPDATE … WHERE size = kept_size``; if that touches no row the size moved meanwhile and
    :class:`Conflict` is raised with the current size. The size never goes down: ``check`` is what
    requires ``checkpoint.size >= kept_size``.
    """
    with transaction.atomic(using=using):
        row = WitnessedLog.objects.using(using).select_for_update().filter(origin=origin).first()
        if row is None:
            raise UnknownLog(f"unknown log origin {origin[:100]!r}")
        kept_size, kept_root = row.size, row.root_hash
        check(kept_size, kept_root)
        if checkpoint.size < kept_size:  # a check that forgot this must still not roll the state back
            raise Conflict(kept_size, f"size {checkpoint.size} is below the size already kept, {kept_size}")
        updated = (
            WitnessedLog.objects.using(using)
            .filter(pk=row.pk, size=kept_size)
            .update(size=checkpoint.size, root=checkpoint.root_hash, checkpoint=signed, updated_at=clock.now())
        )
        if updated != 1:
            current = WitnessedLog.objects.using(using).filter(pk=row.pk).values_list("size", flat=True).first()
            raise Conflict(current or 0, "the state changed meanwhile")
        row.size, row.root, row.checkpoint = checkpoint.size, checkpoint.root_hash, signed
        return row


def add_checkpoint(
    body: bytes | str, *, cosigner: CosignatureV1Signer | None = None, using: str = DEFAULT_DB_ALIAS
) -> str:
    """Handle a tlog-witness add-checkpoint request: the cosignature line(s), or an AddCheckpointError."""
    cosigner = cosigner or keys.cosigner()
    sub = open_submission(body, lambda origin: trusted_keys(origin, using))
    advance(sub.origin, sub.checkpoint, sub.signed, lambda size, root: check_consistency(sub, size, root), using)
    return cosignature_line(sub.note.text, cosigner)


def add_log(origin: str, vkeys: Iterable[str], using: str = DEFAULT_DB_ALIAS) -> tuple[WitnessedLog, bool]:
    """Witness the log ``origin`` with these verifier keys (replacing the keys of a known log; its state
    is kept). Returns (the log, created)."""
    text = "\n".join(k.strip() for k in vkeys if k.strip())
    row = WitnessedLog(origin=origin.strip(), keys=text)
    row.clean()  # raises ValidationError on a bad origin or key
    existing = WitnessedLog.objects.using(using).filter(origin=row.origin).first()
    if existing is not None:
        WitnessedLog.objects.using(using).filter(pk=existing.pk).update(keys=text)
        existing.keys = text
        return existing, False
    row.save(using=using)
    return row, True


# --- asking witnesses to cosign Sunlit's own checkpoints ----------------------------------------------


@dataclass(frozen=True)
class CosignOutcome:
    witness: str
    status: str
    """``cosigned``, ``already`` (the checkpoint carries its cosignature), ``skipped`` (the witness has
    cosigned a larger checkpoint of ours) or ``error``."""
    message: str
    line: str | None = None

    @property
    def ok(self) -> bool:
        return self.status != "error"


MAX_ATTEMPTS = 3


def has_cosignature(signed_note: str, verifier: Verifier) -> bool:
    try:
        note = parse_note(signed_note)
    except NoteError:
        return False
    return any(s.name == verifier.name and s.key_id == verifier.key_id for s in note.signatures)


def read_cosignature(body: str, note_text: str, verifier: CosignatureV1Verifier) -> str:
    """The witness's cosignature line from a 200 response body, verified; raises NoteError otherwise.

    Lines of other keys are ignored, as the spec asks; every line must be a signature line.
    """
    if not body.endswith("\n"):
        raise NoteError("the response must be signature lines ending in a newline")
    mine = None
    for line in body[:-1].split("\n"):
        sig = Signature.parse_line(line)
        if sig.name == verifier.name and sig.key_id == verifier.key_id and mine is None:
            if not verifier.verify(note_text.encode(), sig.signature):
                raise NoteVerificationError(f"the cosignature of {verifier.name} does not verify")
            mine = line
    if mine is None:
        raise NoteError(f"no cosignature from {verifier.name}+{verifier.key_id.hex()} in the response")
    return mine


def parse_size_body(response: client.Response) -> int | None:
    """The tree size in a 409 body (``<decimal>\\n``, Content-Type text/x.tlog.size), or None."""
    if response.content_type.split(";")[0].strip() != SIZE_CONTENT_TYPE:
        return None
    text = response.text()
    if not text.endswith("\n"):
        return None
    try:
        return parse_decimal(text[:-1], "size")
    except CheckpointError:
        return None


def collect_cosignatures(
    checkpoint: StoredCheckpoint, *, witnesses: Iterable[WitnessConfig] | None = None, timeout: float = client.TIMEOUT,
    using: str = DEFAULT_DB_ALIAS,
) -> list[CosignOutcome]:
    """Ask every active witness to cosign ``checkpoint`` (a :class:`sunlit.record.models.Checkpoint`).

    Call it after the checkpoint's transaction has committed, never inside it: it makes one to three
    HTTP requests per witness (time-out ``timeout`` seconds each). Valid cosignatures are appended to
    the checkpoint; one witness's failure is reported in its outcome and does not stop the others.
    """
    if witnesses is None:
        witnesses = WitnessConfig.objects.using(using).filter(active=True).order_by("pk")
    outcomes = []
    for witness in witnesses:
        try:
            outcome = _cosign_one(checkpoint, witness, timeout, using)
        except Exception as exc:  # one witness must not stop the others; the outcome says what went wrong
            log.exception("asking witness %s to cosign failed", witness)
            outcome = CosignOutcome(str(witness), "error", f"{type(exc).__name__}: {exc}")
        if outcome.status == "error":
            log.warning("witness %s: %s", outcome.witness, outcome.message)
            WitnessConfig.objects.using(using).filter(pk=witness.pk).update(
                last_error=outcome.message, last_error_at=clock.now()
            )
        outcomes.append(outcome)
    return outcomes


def _latest_size(using: str) -> int:
    latest = selectors.latest_checkpoint(using)
    return latest.size if latest is not None else 0


def _cosign_one(cp: StoredCheckpoint, witness: WitnessConfig, timeout: float, using: str) -> CosignOutcome:
    name = witness.name
    verifier = witness.verifier()
    if has_cosignature(cp.signed_note, verifier):
        return CosignOutcome(name, "already", f"size {cp.size} already carries its cosignature")
    size = cp.size
    old = witness.cosigned_size
    note_text = parse_note(cp.note).text
    for _ in range(MAX_ATTEMPTS):
        if old > size:
            return CosignOutcome(name, "skipped", f"the witness has cosigned size {old}, above {size}")
        proof = store.consistency_proof(old, size, using) if 0 < old < size else []
        body = AddCheckpointRequest(old_size=old, proof=tuple(proof), checkpoint=cp.note).format()
        try:
            response = client.request(witness.submission_url, body.encode(), timeout=timeout)
        except client.FetchError as exc:
            return CosignOutcome(name, "error", f"cannot reach the witness: {exc}")
        if response.status == 200:
            try:
                line = read_cosignature(response.text(), note_text, verifier)
            except NoteError as exc:
                return CosignOutcome(name, "error", f"bad response: {exc}")
            record_services.add_cosignatures(cp, [line], using=using)
            WitnessConfig.objects.using(using).filter(pk=witness.pk, cosigned_size__lt=size).update(cosigned_size=size)
            WitnessConfig.objects.using(using).filter(pk=witness.pk).update(last_ok_at=clock.now(), last_error="")
            return CosignOutcome(name, "cosigned", f"cosigned size {size} (from {old})", line)
        if response.status == 409:
            known = parse_size_body(response)
            if known is None:
                return CosignOutcome(name, "error", "409 without a text/x.tlog.size body")
            if known == old:
                return CosignOutcome(
                    name, "error", f"the witness holds a different tree of size {known}: a fork of this log?"
                )
            if known > size:
                latest = _latest_size(using)
                if known > latest:
                    return CosignOutcome(
                        name, "error",
                        f"the witness holds size {known}, beyond this log's latest checkpoint {latest}: "
                        "it saw a checkpoint this log did not sign?",
                    )
                WitnessConfig.objects.using(using).filter(pk=witness.pk, cosigned_size__lt=known).update(
                    cosigned_size=known
                )
                return CosignOutcome(name, "skipped", f"the witness has cosigned size {known}, above {size}")
            old = known  # retry with a proof from the size the witness holds
            continue
        detail = response.text().strip()[:200]
        if response.status == 422:
            return CosignOutcome(
                name, "error", f"422: the witness's tree of size {old} is not consistent with ours ({detail})"
            )
        return CosignOutcome(name, "error", f"HTTP {response.status}: {detail}")
    return CosignOutcome(name, "error", f"no agreement on the old size after {MAX_ATTEMPTS} attempts")


def collect_for_latest(*, timeout: float = client.TIMEOUT, using: str = DEFAULT_DB_ALIAS) -> list[CosignOutcome]:
    """:func:`collect_cosignatures` for the log's latest checkpoint (none: no outcome)."""
    latest = selectors.latest_checkpoint(using)
    return [] if latest is None else collect_cosignatures(latest, timeout=timeout, using=using)


def add_witness(vkey: str, url: str, *, active: bool = True, using: str = DEFAULT_DB_ALIAS) -> tuple[WitnessConfig, bool]:
    """Ask the witness of ``vkey`` (a type 0x04 key) at ``url`` (its add-checkpoint URL or submission
    prefix) to cosign Sunlit's checkpoints; a known key gets the new URL. Returns (witness, created)."""
    vkey, url = vkey.strip(), url.strip()
    try:
        parse_witness_key(vkey)
    except NoteError as exc:
        raise ValidationError(f"not a witness key: {exc}") from None
    URLValidator(schemes=["http", "https"])(url)
    existing = WitnessConfig.objects.using(using).filter(vkey=vkey).first()
    if existing is not None:
        WitnessConfig.objects.using(using).filter(pk=existing.pk).update(url=url, active=active)
        existing.url, existing.active = url, active
        return existing, False
    witness = WitnessConfig(vkey=vkey, url=url, active=active)
    witness.save(using=using)
    return witness, True
