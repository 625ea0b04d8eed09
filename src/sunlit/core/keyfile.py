"""Secret key files kept in the data folder: created once, mode 0600, never in the repository.

`sunlit init` creates them (sunlit.server.initialise); a key still missing is created on first use.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

log = logging.getLogger(__name__)

NO_DATA_DIR = (
    "set SUNLIT_DATA_DIR to the folder for Sunlit's database and keys (this Sunlit is not installed "
    "from a checkout, so it has no default data folder)"
)


def data_dir() -> Path:
    """The data folder (settings.DATA_DIR), or ImproperlyConfigured saying to set SUNLIT_DATA_DIR."""
    folder = getattr(settings, "DATA_DIR", None)
    if folder is None:
        raise ImproperlyConfigured(f"no data folder: {NO_DATA_DIR}")
    return Path(folder)


def read_or_create(path: Path, generate: Callable[[], str], what: str) -> str:
    """The key string in `path`, or a new one from `generate()` written there first.

    The new file is written privately and linked into place, so it appears whole or not at all; if
    another process got there first, its key wins. A missing folder is created mode 0700. A relative
    path is refused: it would depend on the directory a command starts in (settings gives one only
    when there is no data folder).
    """
    if not path.is_absolute():
        raise ImproperlyConfigured(f"no place for the {what} file {path}: {NO_DATA_DIR}")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        pass
    else:
        if path.stat().st_mode & 0o077:
            log.warning("the %s file %s is readable by others; chmod 600 it", what, path)
        return text
    key = generate()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
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
