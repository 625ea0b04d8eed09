"""axe-core, the accessibility engine the WCAG sweep (tests/browser/test_accessibility.py) runs in each page.

It comes from npm, pinned to one version, into `.cache/axe-core/` in the checkout (ignored by git, never
served by the site): `.ci/run` fetches it before the suite (`python3 tests/browser/axe_core.py`), and the test
fetches it itself when it is missing on a developer's machine. npm checks the tarball against the registry's
integrity; the digest pinned here is checked again on every run, so a changed tarball in the cache or the
registry fails the sweep instead of running unknown code.

Standard library only: .ci/run calls it before the virtualenv exists.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

PACKAGE = "axe-core@4.10.3"
TARBALL = "axe-core-4.10.3.tgz"
INTEGRITY = "sha512-Xm7bpRXnDSX2YE2YFfBk2FnF0ep6tmG7xPh8iHee8MIcrgq762Nkce856dYtJYLkuIoYZvGfTs/PbZhideTcEg=="
CACHE = Path(__file__).resolve().parents[2] / ".cache" / "axe-core"


class AxeUnavailable(Exception):
    """axe-core is not in the cache and cannot be fetched (no npm, or no registry)."""


def _integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def fetch() -> Path:
    """The pinned tarball in the cache, fetched with `npm pack` when missing; its digest checked."""
    tarball = CACHE / TARBALL
    if not tarball.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise AxeUnavailable(f"{PACKAGE} is not in {CACHE} and npm is not installed (apt-get install -y npm)")
        CACHE.mkdir(parents=True, exist_ok=True)
        done = subprocess.run([npm, "pack", PACKAGE, "--pack-destination", str(CACHE), "--silent"],
                              cwd=CACHE, capture_output=True, text=True, timeout=300)
        if done.returncode != 0 or not tarball.exists():
            raise AxeUnavailable(f"npm pack {PACKAGE} failed: {done.stderr.strip()[-500:]}")
    found = _integrity(tarball.read_bytes())
    if found != INTEGRITY:
        raise ValueError(f"{tarball} is not {PACKAGE} as pinned: {found} != {INTEGRITY}; delete it to fetch again")
    return tarball


def source() -> str:
    """The text of axe.min.js from the pinned tarball."""
    with tarfile.open(fetch(), "r:gz") as archive:
        member = archive.extractfile("package/axe.min.js")
        assert member is not None
        return member.read().decode("utf-8")


if __name__ == "__main__":
    try:
        print(f"axe-core: {fetch()}")
    except (AxeUnavailable, ValueError) as failure:
        sys.exit(f"axe-core: {failure}")
