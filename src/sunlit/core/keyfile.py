"""Secret key files kept in the data folder: created on first use, mode 0600, never in the repository."""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)


def read_or_create(path: Path, generate: Callable[[], str], what: str) -> str:
    """The key string in `path`, or a new one from `generate()` written there first.

    The new file is written privately and linked into place, so it appears whole or not at all; if
    another process got there first, its key wins.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        pass
    else:
        if path.stat().st_mode & 0o077:
            log.warning("the %s file %s is readable by others; chmod 600 it", what, path)
        return text
    key = generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)  # mode 0600
    tmp = Path(name)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(key + "\n")
    try:
        os.link(tmp, path)
    except FileExistsError:
        return path.read_text(encoding="utf-8")
    finally:
        tmp.unlink(missing_ok=True)
    log.info("generated a new %s in %s", what, path)
    return key
