"""/verify/ offers the offline verifier: one HTML file with the log's key pinned in it, that needs nothing else.

Its checks in a real browser, from a file:// address with no network, are in tests/browser/test_offline_verifier.py.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest
from django.test import Client

from sunlit.portal import offline
from sunlit.record.selectors import verifier_key

STATIC = Path(__file__).resolve().parents[2] / "src" / "sunlit" / "core" / "static" / "sunlit"
NOBLE_SHA256 = "04cb2e39dafa01dc0a472fea3f00dbfb3ecdd49e8e14eca942bc239c7f01c86f"  # npm @noble/ed25519@1.6.0


def download() -> tuple[object, str]:
    response = Client().get("/verify/offline.html")
    return response, response.content.decode()


def meta_policy(html: str) -> dict[str, list[str]]:
    found = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
    assert found, "the file carries its own policy"
    return {part.split()[0]: part.split()[1:] for part in found.group(1).split("; ")}


def inline_blocks(html: str, tag: str) -> list[str]:
    return re.findall(rf"<{tag}>(.*?)</{tag}>", html, re.S)


def sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@pytest.mark.django_db
def test_the_verify_page_offers_the_offline_verifier() -> None:
    page = Client().get("/verify/").content.decode()
    assert 'href="/verify/offline.html" download' in page and "下载离线核验工具" in page
    assert verifier_key() in page


@pytest.mark.django_db
def test_the_file_is_a_download_with_the_logs_key_pinned_inside() -> None:
    response, html = download()
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert response["Content-Type"] == "text/html; charset=utf-8"  # type: ignore[index]
    assert response["Content-Disposition"] == 'attachment; filename="sunlit-offline-verifier.html"'  # type: ignore[index]
    assert f'data-key="{verifier_key()}"' in html
    assert "公开记录离线核验" in html and 'lang="zh-CN"' in html


@pytest.mark.django_db
def test_the_file_needs_nothing_from_anywhere() -> None:
    _, html = download()
    # No address to load: no src, no stylesheet link, no fetch or request in its scripts.
    assert not re.search(r"\ssrc\s*=", html)
    assert not re.search(r"<link[^>]+stylesheet", html)
    assert not re.search(r"\bfetch\(|XMLHttpRequest|WebSocket|EventSource|sendBeacon|importScripts", html)
    # Its own policy admits exactly its inline blocks, and no connection at all.
    policy = meta_policy(html)
    scripts, styles = inline_blocks(html, "script"), inline_blocks(html, "style")
    assert len(scripts) == 2 and len(styles) == 1
    assert policy["default-src"] == ["'none'"]
    assert sorted(policy["script-src"]) == sorted(sha256_source(s) for s in scripts)
    assert policy["style-src"] == [sha256_source(styles[0])]
    assert "connect-src" not in policy  # default-src 'none' forbids it
    assert policy["form-action"] == ["'none'"] and policy["img-src"] == ["data:"]


@pytest.mark.django_db
def test_were_it_shown_rather_than_saved_its_header_policy_is_its_own() -> None:
    response, html = download()
    header = response["Content-Security-Policy"]  # type: ignore[index]
    assert header == re.search(r'Content-Security-Policy" content="([^"]+)"', html).group(1) + "; frame-ancestors 'none'"  # type: ignore[union-attr]


def test_the_inlined_ed25519_is_the_audited_release_unmodified() -> None:
    vendored = STATIC / "vendor" / "noble-ed25519"
    assert hashlib.sha256((vendored / "index.js").read_bytes()).hexdigest() == NOBLE_SHA256
    assert "MIT License" in (vendored / "LICENSE").read_text()
    assert NOBLE_SHA256 in (vendored / "README.md").read_text()


@pytest.mark.django_db
def test_the_scripts_are_inlined_as_they_are_on_disk() -> None:
    _, html = download()
    noble, verifier = inline_blocks(html, "script")
    assert (STATIC / "vendor" / "noble-ed25519" / "index.js").read_text() in noble
    assert verifier == (STATIC / "verifier.js").read_text()
    assert inline_blocks(html, "style")[0] == (STATIC / "site.css").read_text()


def test_a_static_file_that_would_close_its_block_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    bad = tmp_path / "bad.js"
    bad.write_text("var s = '</script><script>alert(1)';")
    monkeypatch.setattr(offline.finders, "find", lambda path: str(bad))
    offline.static_text.cache_clear()
    try:
        with pytest.raises(ValueError, match="close its inline block"):
            offline.static_text("sunlit/bad.js")
    finally:
        offline.static_text.cache_clear()
