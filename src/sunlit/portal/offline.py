"""The offline verifier (公开记录离线核验): one HTML file a resident saves from /verify/ and opens later, from
disk and with no network, to check a downloaded proof and entry against the log's key pinned inside it.

Everything it needs is inside it: the site's stylesheet, the verifier script (static ``sunlit/verifier.js``,
the same rules as ``sunlit verify``) and, for browsers whose WebCrypto has no Ed25519, the audited
noble-ed25519 1.6.0 (static ``sunlit/vendor/noble-ed25519``, unmodified). Served pages may not carry inline
script or style (settings.CONTENT_SECURITY_POLICY); this file is a download, opened from disk where no server
sends a policy, so it carries its own: a <meta> policy that admits exactly its inline blocks by SHA-256 and
forbids every connection, image and form target besides.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

TEMPLATE = "downloads/offline_verifier.html"
FILENAME = "sunlit-offline-verifier.html"
STYLESHEET = "sunlit/site.css"
VERIFIER = "sunlit/verifier.js"
NOBLE = "sunlit/vendor/noble-ed25519/index.js"


@functools.cache
def static_text(path: str) -> str:
    """A static file's text, read once per process."""
    found = finders.find(path)
    if not found:
        raise FileNotFoundError(f"static file {path} is missing")
    text = Path(str(found)).read_text(encoding="utf-8")
    if "</script" in text.lower() or "</style" in text.lower():
        raise ValueError(f"{path} would close its inline block early")
    return text


def _noble_script() -> str:
    # The CommonJS build as it is published: given `exports` and a `require` for its Node-only `crypto`
    # (never reached in a browser, which has self.crypto), it leaves the library in window.nobleEd25519.
    return ("var nobleEd25519 = (function (exports, require) {\n" + static_text(NOBLE)
            + "\nreturn exports;\n})({}, function () { return {}; });\n")


def _sha256_source(block: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(block.encode("utf-8")).digest()).decode() + "'"


def policy(scripts: list[str], styles: list[str]) -> str:
    """The file's own Content-Security-Policy: its inline blocks by hash, nothing from anywhere."""
    return "; ".join([
        "default-src 'none'",
        "script-src " + " ".join(_sha256_source(s) for s in scripts),
        "style-src " + " ".join(_sha256_source(s) for s in styles),
        "img-src data:",
        "form-action 'none'",
        "base-uri 'none'",
    ])


@dataclass(frozen=True)
class OfflinePage:
    html: str
    policy: str
    """The policy in the file's <meta>, for a response header to repeat."""


def verifier_page(*, key: str, site: str, made_at: dt.datetime) -> OfflinePage:
    """The HTML file, with ``key`` (the log's verifier key) pinned in it."""
    scripts = [_noble_script(), static_text(VERIFIER)]
    styles = [static_text(STYLESHEET)]
    own_policy = policy(scripts, styles)
    return OfflinePage(policy=own_policy, html=render_to_string(TEMPLATE, {
        "key": key, "site": site, "made_at": made_at, "policy": mark_safe(own_policy),  # quotes, base64, ;
        "noble": mark_safe(scripts[0]), "verifier": mark_safe(scripts[1]),  # our own static files, checked above
        "style": mark_safe(styles[0]),
    }))
