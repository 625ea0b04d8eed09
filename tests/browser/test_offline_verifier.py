"""The offline verifier a resident saves from /verify/, opened from a file:// address in Chromium with the
network cut off: valid for a real proof and entry of the log, invalid once one byte of the entry changes, with
the browser's WebCrypto Ed25519 and with the inlined noble-ed25519 for browsers without it. Screenshots go to
/tmp/verifier-shots/.

Skipped, saying why, on a machine without Chromium: `apt-get install -y chromium fonts-noto-cjk`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from sunlit.core.tlog.checkpoint import parse_checkpoint, sign_checkpoint
from sunlit.core.tlog.note import Ed25519Signer, parse_note
from sunlit.org.models import Unit
from sunlit.record.selectors import proof_for_record
from sunlit.record.sequencer import sequence_all
from tests import factories
from tests.browser.conftest import needs_chromium
from tests.record.conftest import committed_log  # noqa: F401  (a live server's test leaves the log to empty)

pytestmark = needs_chromium

SHOTS = Path("/tmp/verifier-shots")
# WebCrypto as in a browser that has no Ed25519 (Safari before 17, Firefox before 129, Chrome before 137).
WITHOUT_ED25519 = """
const importKey = SubtleCrypto.prototype.importKey;
SubtleCrypto.prototype.importKey = function (format, data, algorithm, ...rest) {
  const name = typeof algorithm === "string" ? algorithm : algorithm && algorithm.name;
  if (String(name).toLowerCase() === "ed25519") {
    return Promise.reject(new DOMException("Unrecognized name.", "NotSupportedError"));
  }
  return importKey.call(this, format, data, algorithm, ...rest);
};
"""


@dataclass
class Downloads:
    """What a resident downloaded: the verifier, and a record's proof (both formats) and entry."""

    verifier: Path
    proof: Path
    bundle: Path
    entry: Path
    index: int
    folder: Path

    def changed_entry(self, name: str = "changed-entry.json") -> Path:
        """The entry with one byte changed (a digit of its time stamp, so it stays readable JSON)."""
        data = bytearray(self.entry.read_bytes())
        at = data.index(b'"at":"2') + len(b'"at":"')
        data[at] = ord("3")
        path = self.folder / name
        path.write_bytes(bytes(data))
        return path


@pytest.fixture
def downloads(county: dict[str, Unit], editor: User, reviewer: User, tmp_path: Path) -> Downloads:
    version = factories.published(county["land"], editor, reviewer, code="XK-001", name="农村村民住宅建设审批")
    sequence_all()
    index = proof_for_record(version).index
    client = Client()
    files = {
        "verifier": ("sunlit-offline-verifier.html", "/verify/offline.html"),
        "proof": (f"sunlit-leaf-{index}.tlog-proof", f"/log/proof/{index}"),
        "bundle": (f"sunlit-leaf-{index}.proof.json", f"/log/proof/{index}?format=json"),
        "entry": (f"sunlit-leaf-{index}.json", f"/log/leaf/{index}"),
    }
    paths = {}
    for key, (name, url) in files.items():
        response = client.get(url)
        assert response.status_code == 200, url
        paths[key] = tmp_path / name
        paths[key].write_bytes(response.content)
    return Downloads(index=index, folder=tmp_path, **paths)


class Resident:
    """A browser with no network at all, opening the saved verifier from disk."""

    def __init__(self, browser: Any, verifier: Path, width: int = 1366, init_script: str = "") -> None:
        self.context = browser.new_context(viewport={"width": width, "height": 900}, offline=True)
        if init_script:
            self.context.add_init_script(init_script)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.console: list[str] = []
        self.page.on("console", lambda message: self.console.append(message.text))
        self.page.goto(verifier.as_uri())

    def check(self, proof: Path, entry: Path | None = None) -> tuple[str, str, str]:
        self.page.evaluate("document.querySelector('#verdict').textContent = ''")  # to wait for the new one
        self.page.set_input_files("#proof-file", str(proof))
        self.page.set_input_files("#entry-file", [str(entry)] if entry else [])
        self.page.click("button[type=submit]")
        self.page.wait_for_selector("#result:not([hidden]) #verdict:not(:empty)")
        return self.page.inner_text("#verdict"), self.page.inner_text("#summary"), self.page.inner_text("#details")

    def fits(self) -> bool:
        return bool(self.page.evaluate("document.documentElement.scrollWidth") <= self.page.viewport_size["width"])

    def close(self) -> None:
        assert all(url.startswith("file://") for url in self.requests), self.requests
        assert not [line for line in self.console if "Content Security Policy" in line], self.console
        self.context.close()


@pytest.fixture
def resident(browser: Any, downloads: Downloads) -> Iterator[Resident]:
    person = Resident(browser, downloads.verifier)
    yield person
    person.close()


def test_the_saved_verifier_says_valid_for_a_real_proof_and_invalid_after_one_byte_changes(
        resident: Resident, downloads: Downloads) -> None:
    verdict, summary, details = resident.check(downloads.proof, downloads.entry)
    assert verdict == "有效", summary
    assert "确实收录在本日志中" in summary
    assert f"日志第 {downloads.index} 条" in details
    assert "浏览器内置的 WebCrypto Ed25519" in details
    assert "县自然资源局 · XK-001 · 农村村民住宅建设审批，第 1 版" in details

    verdict, summary, _ = resident.check(downloads.proof, downloads.changed_entry())
    assert verdict == "无效"
    assert "记录条目与证明对不上" in summary and "条目或证明被改动过" in summary


def test_the_json_proof_carries_its_entry_and_must_match_one_given_beside_it(
        resident: Resident, downloads: Downloads) -> None:
    assert resident.check(downloads.bundle)[0] == "有效"
    assert resident.check(downloads.bundle, downloads.entry)[0] == "有效"
    verdict, summary, _ = resident.check(downloads.bundle, downloads.changed_entry())
    assert verdict == "无效" and "所选的记录条目文件与证明中的条目不同" in summary
    # The entry inside the bundle changed by one character: its proof no longer leads to the signed root.
    bundle = json.loads(downloads.bundle.read_text())
    bundle["leaf_data"] = bundle["leaf_data"].replace('"at":"2', '"at":"3', 1)
    changed = downloads.folder / "changed.proof.json"
    changed.write_text(json.dumps(bundle, ensure_ascii=False))
    verdict, summary, _ = resident.check(changed)
    assert verdict == "无效" and "记录条目与证明对不上" in summary


def test_what_the_verifier_refuses_and_why(resident: Resident, downloads: Downloads) -> None:
    folder = downloads.folder
    text = downloads.proof.read_text()
    body, _, checkpoint = text.partition("\n\n")
    note = parse_note(checkpoint)
    # Signed by another key of the same name: not this log's.
    stranger = Ed25519Signer(parse_checkpoint(note.text).origin, bytes(range(32)))
    (folder / "stranger.tlog-proof").write_text(body + "\n\n" + sign_checkpoint(parse_checkpoint(note.text), stranger))
    verdict, summary, _ = resident.check(folder / "stranger.tlog-proof", downloads.entry)
    assert verdict == "无效" and "检查点不是本日志签发的" in summary
    # The checkpoint's size changed under the log's own signature.
    size = parse_checkpoint(note.text).size
    moved = text.replace(f"\n{size}\n", f"\n{size + 1}\n", 1)
    (folder / "moved.tlog-proof").write_text(moved)
    verdict, summary, _ = resident.check(folder / "moved.tlog-proof", downloads.entry)
    assert verdict == "无效" and "检查点的签名核验不通过" in summary
    # A tlog-proof without its entry, and something that is no proof.
    verdict, summary, _ = resident.check(downloads.proof)
    assert verdict == "无效" and f"sunlit-leaf-{downloads.index}.json" in summary
    verdict, summary, _ = resident.check(downloads.entry)
    assert verdict == "无效" and "JSON 证明的 type" in summary
    (folder / "note.txt").write_text("你好\n")
    assert resident.check(folder / "note.txt")[1].startswith("这不是证明文件")


def test_without_ed25519_in_webcrypto_the_inlined_library_checks_the_signature(
        browser: Any, downloads: Downloads) -> None:
    older = Resident(browser, downloads.verifier, init_script=WITHOUT_ED25519)
    verdict, summary, details = older.check(downloads.proof, downloads.entry)
    assert verdict == "有效", summary
    assert "本文件内置的 noble-ed25519 1.6.0" in details
    assert older.check(downloads.proof, downloads.changed_entry())[0] == "无效"
    signature_line = downloads.proof.read_text().splitlines()[-1]
    name, b64 = signature_line.rsplit(" ", 1)
    forged = b64[:20] + ("A" if b64[20] != "A" else "B") + b64[21:]
    (downloads.folder / "forged.tlog-proof").write_text(
        downloads.proof.read_text().replace(signature_line, f"{name} {forged}"))
    verdict, summary, _ = older.check(downloads.folder / "forged.tlog-proof", downloads.entry)
    assert verdict == "无效" and "检查点的签名核验不通过" in summary
    older.close()


@pytest.mark.parametrize("width", [1366, 390])
def test_the_verifier_fits_a_desktop_and_a_phone(browser: Any, downloads: Downloads, width: int) -> None:
    person = Resident(browser, downloads.verifier, width=width)
    SHOTS.mkdir(exist_ok=True)
    assert person.check(downloads.proof, downloads.entry)[0] == "有效"
    assert person.fits()
    person.page.screenshot(path=str(SHOTS / f"offline-valid-{width}.png"), full_page=True)
    assert person.check(downloads.proof, downloads.changed_entry())[0] == "无效"
    assert person.fits()  # the long hashes of the reason wrap
    person.page.screenshot(path=str(SHOTS / f"offline-invalid-{width}.png"), full_page=True)
    person.close()


@pytest.mark.usefixtures("committed_log")
@pytest.mark.parametrize("width", [1366, 390])
def test_a_resident_saves_the_verifier_from_the_verify_page(
        browser: Any, live_server: Any, downloads: Downloads, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    context.add_init_script("window.violations = []; document.addEventListener('securitypolicyviolation',"
                            " e => window.violations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')))")
    page = context.new_page()
    page.goto(live_server.url + "/verify/")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"verify-page-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    with page.expect_download() as started:
        page.click("text=下载离线核验工具")
    download = started.value
    assert download.suggested_filename == "sunlit-offline-verifier.html"
    saved = downloads.folder / "saved-from-the-page.html"
    download.save_as(str(saved))
    assert page.evaluate("window.violations") == []  # the served page itself stays within the site's policy
    context.close()

    person = Resident(browser, saved, width=width)
    assert person.check(downloads.proof, downloads.entry)[0] == "有效"
    person.close()


def test_the_offline_verifier_agrees_with_sunlit_verify_on_every_leaf_of_small_trees(
        browser: Any, tmp_path: Path) -> None:
    """Every leaf of trees of 1 to 16 leaves, as proved, with a proof hash changed, with a neighbour's index and
    with the entry changed: the page's check says what the command says (the inclusion walk's edges are where a
    port would slip). The check is called as the page's button calls it, on the same bytes."""
    import base64
    import datetime as dt

    from sunlit.core.tlog.checkpoint import Checkpoint
    from sunlit.core.tlog.merkle import MerkleTree
    from sunlit.core.tlog.proof import TlogProof
    from sunlit.core.tlog.verify import verify_text
    from sunlit.portal import offline
    from tests.core.tlog import flip

    signer = Ed25519Signer("county.example/log", bytes(range(32)))
    made_at = dt.datetime(2026, 11, 24, tzinfo=dt.UTC)
    page = offline.verifier_page(key=signer.vkey(), site="https://county.example", made_at=made_at)
    (tmp_path / "verifier.html").write_text(page.html)
    entries = [f'{{"n":{i},"text":"第{i}条"}}'.encode() for i in range(16)]
    tree = MerkleTree()
    tree.append_data(entries)
    cases = []
    for size in range(1, 17):
        checkpoint = sign_checkpoint(Checkpoint("county.example/log", size, tree.root(size)), signer)
        for index in range(size):
            proof = tree.inclusion_proof(index, size)
            variants = [(index, proof, entries[index]), (index, proof, entries[index] + b" ")]
            variants += [(index, [*proof[:i], flip(h, 9), *proof[i + 1:]], entries[index]) for i, h in enumerate(proof)]
            variants += [(other, proof, entries[index]) for other in (index ^ 1, index + 1, size) if other != index]
            for claimed, hashes, entry in variants:
                text = TlogProof(index=claimed, hashes=tuple(hashes), checkpoint=checkpoint).format()
                cases.append({"proof": base64.b64encode(text.encode()).decode(),
                              "entry": base64.b64encode(entry).decode(),
                              "expected": verify_text(text, [signer.vkey()], leaf_data=entry)[0]})
    person = Resident(browser, tmp_path / "verifier.html")
    verdicts = person.page.evaluate("""async ([key, cases]) => {
        const bytes = b64 => Uint8Array.from(atob(b64), c => c.charCodeAt(0));
        const out = [];
        for (const c of cases) {
            try { await window.sunlitOfflineVerifier.check(key, bytes(c.proof), bytes(c.entry)); out.push(true); }
            catch (e) { out.push(e instanceof window.sunlitOfflineVerifier.Invalid ? false : String(e.message || e)); }
        }
        return out;
    }""", [signer.vkey(), cases])
    person.close()
    assert verdicts == [c["expected"] for c in cases]
    assert sum(verdicts) == 136 and len(verdicts) - sum(verdicts) > 500
