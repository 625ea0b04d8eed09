"""The log's signing key: from settings (SUNLIT_LOG_KEY) or a key file generated on first use.

The key file (default ``DATA_DIR/log-signer.key``) is created with mode 0600, holds one signer key
string (``PRIVATE+KEY+<origin>+<key id>+<base64>``) and never lives in the repository. The key's name
is the log's origin, as c2sp.org/tlog-checkpoint asks; a key whose name is not the origin is refused.
The verifier key string (``<origin>+<key id>+<base64>``) is public: `/log/key`, the portal.
"""

from __future__ import annotations

import functools
import logging
import threading
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from sunlit.core.keyfile import read_or_create
from sunlit.core.tlog.note import Ed25519Signer, Ed25519Verifier, NoteError, generate_key, parse_signer_key

log = logging.getLogger(__name__)


def log_origin() -> str:
    origin = str(getattr(settings, "SUNLIT_LOG_ORIGIN", "") or "").strip()
    if not origin or any(c.isspace() or c == "+" for c in origin):
        raise ImproperlyConfigured(f"SUNLIT_LOG_ORIGIN {origin!r} must be one word with no '+' (e.g. host/path)")
    return origin


def key_file() -> Path:
    return Path(settings.SUNLIT_LOG_KEY_FILE)


_lock = threading.Lock()


def log_signer() -> Ed25519Signer:
    """The log's signer (cached per configuration)."""
    with _lock:  # two threads of one process must not both generate the key
        return _signer(str(getattr(settings, "SUNLIT_LOG_KEY", "") or ""), str(key_file()), log_origin())


def log_verifier() -> Ed25519Verifier:
    return log_signer().verifier()


def verifier_key() -> str:
    """The public verifier key string to check checkpoints with (`sunlit verify --key …`)."""
    return log_signer().vkey()


@functools.lru_cache(maxsize=8)
def _signer(skey: str, path: str, origin: str) -> Ed25519Signer:
    source = "SUNLIT_LOG_KEY"
    if not skey.strip():
        skey, source = read_or_create(Path(path), lambda: generate_key(origin)[0], "log signer key"), path
    try:
        signer = parse_signer_key(skey.strip())
    except NoteError as exc:
        raise ImproperlyConfigured(f"the log signer key in {source} is not valid: {exc}") from exc
    if signer.name != origin:
        raise ImproperlyConfigured(
            f"the log signer key in {source} is named {signer.name!r}, but SUNLIT_LOG_ORIGIN is {origin!r}"
        )
    return signer
