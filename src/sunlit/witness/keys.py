"""The witness's cosigner key: from settings (SUNLIT_WITNESS_KEY) or a key file generated on first use.

The key file (default ``DATA_DIR/witness-signer.key``, or SUNLIT_WITNESS_KEY_FILE) is created with mode
0600 and holds one signer key string ``PRIVATE+KEY+<name>+<key id>+base64(0x04 || seed)``; it never
lives in the repository. The name is SUNLIT_WITNESS_NAME; a key of another name is refused. The
verifier key (``<name>+<key id>+base64(0x04 || public key)``) is public: `/witness/key`.

Cosignature timestamps come from :mod:`sunlit.core.clock`, read at each signature.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from sunlit.core import clock
from sunlit.core.keyfile import read_or_create
from sunlit.core.tlog.checkpoint import CosignatureV1Signer, generate_cosigner_key, parse_cosigner_key
from sunlit.core.tlog.note import NoteError, is_valid_key_name

log = logging.getLogger(__name__)


def witness_name() -> str:
    name = str(settings.SUNLIT_WITNESS_NAME).strip()
    if not is_valid_key_name(name):
        raise ImproperlyConfigured(f"SUNLIT_WITNESS_NAME {name!r} must be one word with no '+'")
    return name


def key_file() -> Path:
    return Path(settings.SUNLIT_WITNESS_KEY_FILE)


def unix_now() -> int:
    """Seconds since the Epoch by the Sunlit clock: a cosignature's timestamp."""
    return int(clock.now().timestamp())


def cosigner() -> CosignatureV1Signer:
    """The witness's cosigner (cached per configuration)."""
    return _cosigner(str(getattr(settings, "SUNLIT_WITNESS_KEY", "") or ""), str(key_file()), witness_name())


def verifier_key() -> str:
    """The witness's public cosigner key (type 0x04), for the logs it witnesses to configure."""
    return cosigner().vkey()


@functools.lru_cache(maxsize=8)
def _cosigner(skey: str, path: str, name: str) -> CosignatureV1Signer:
    source = "SUNLIT_WITNESS_KEY"
    if not skey.strip():
        skey, source = read_or_create(Path(path), lambda: generate_cosigner_key(name)[0], "witness key"), path
    try:
        signer = parse_cosigner_key(skey.strip(), unix_now)
    except NoteError as exc:
        raise ImproperlyConfigured(f"the witness key in {source} is not valid: {exc}") from exc
    if signer.name != name:
        raise ImproperlyConfigured(
            f"the witness key in {source} is named {signer.name!r}, but SUNLIT_WITNESS_NAME is {name!r}"
        )
    return signer
