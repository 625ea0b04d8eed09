"""`sunlit log-export DIR` writes what /log/ serves; `sunlit audit-log` finds any edit or deletion."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from sunlit.core.tlog.merkle import MerkleTree
from sunlit.core.tlog.tiles import Tile, tile_hashes, tiles_for_size
from sunlit.record import triggers
from sunlit.record.audit import audit
from sunlit.record.models import LogDocument
from tests import factories
from tests.record.conftest import grow, grow_to, stored_entries

pytestmark = pytest.mark.django_db


def run(command: str, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command(command, *args, stdout=out)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_log_export_writes_the_same_files_that_are_served(client: Any, tmp_path: Path) -> None:
    grow_to(5, 256, 300, 700)
    out = tmp_path / "mirror"

    code, text = run("log_export", str(out))

    assert code == 0 and "size 700" in text
    written = files(out)
    served = {t.path for size in (5, 256, 300, 700) for t in tiles_for_size(size, entries=True)}
    assert set(written) == served | {"checkpoint", "key"}
    assert {"tile/0/000", "tile/0/001", "tile/0/000.p/5", "tile/0/001.p/44", "tile/0/002.p/188", "tile/1/000.p/1",
            "tile/1/000.p/2", "tile/entries/001", "tile/entries/002.p/188"} <= set(written)
    for name, content in written.items():
        response = client.get("/log/" + name)
        assert response.status_code == 200, name
        assert response.content == content, name


def test_log_export_adds_only_what_is_new_and_needs_a_checkpoint(tmp_path: Path) -> None:
    out = tmp_path / "mirror"
    with pytest.raises(CommandError, match="no checkpoint"):
        call_command("log_export", str(out), stdout=io.StringIO())
    grow(300)
    run("log_export", str(out))
    before = (out / "tile/0/000").stat().st_mtime_ns
    grow(300)

    code, text = run("log_export", str(out))

    assert code == 0 and "size 600" in text
    assert (out / "tile/0/000").stat().st_mtime_ns == before
    assert (out / "checkpoint").read_text().split("\n")[1] == "600"
    assert (out / "tile/0/001.p/44").exists() and (out / "tile/0/002.p/88").exists()


def test_a_full_level_one_tile_is_served_and_exported(client: Any, tmp_path: Path) -> None:
    grow(256 * 256 + 3)
    tree = MerkleTree()
    tree.append_data(stored_entries())

    response = client.get("/log/tile/1/000")

    assert response.status_code == 200
    assert response.content == tile_hashes(Tile(1, 0), tree.get_perfect)
    assert client.get("/log/tile/2/000.p/1").content == tile_hashes(Tile(2, 0, 1), tree.get_perfect)
    assert client.get("/log/tile/0/256.p/3").content == tile_hashes(Tile(0, 256, 3), tree.get_perfect)
    run("log_export", str(tmp_path / "m"))
    assert (tmp_path / "m/tile/1/000").read_bytes() == response.content


# --- audit -----------------------------------------------------------------------------------------------


@pytest.fixture
def log(county: Any, editor: Any, reviewer: Any) -> None:
    factories.published(county["land"], editor, reviewer)
    grow_to(100, 600, 1000)


def sql(statement: str, params: list[Any]) -> None:
    with triggers.triggers_disabled(), connection.cursor() as cursor:
        cursor.execute(statement.replace("index", connection.ops.quote_name("index")), params)


def test_audit_passes_on_a_clean_log(log: None) -> None:
    code, text = run("audit_log")

    assert code == 0, text
    assert text.startswith("ok: 1000 leaves, 1994 stored hashes, 3 checkpoints and 3 documents agree")
    assert triggers.installed()


def test_audit_names_the_first_edited_leaf(log: None) -> None:
    sql("UPDATE record_logleaf SET data = %s WHERE index = %s", [b'{"forged":true}', 777])
    sql("UPDATE record_logleaf SET data = %s WHERE index = %s", [b'{"forged":true}', 901])

    code, text = run("audit_log")

    assert code == 1
    assert "FAIL: leaf 777: the stored leaf hash is not the hash of the stored entry" in text
    assert "checkpoint of size 1000: its root is not the root of the stored leaves" in text
    assert text.rstrip().endswith("first bad index: 777")
    assert triggers.installed()  # the DBA put them back; the audit still sees the edit


def test_audit_names_the_leaf_when_leaf_and_hash_were_both_rewritten(log: None) -> None:
    from sunlit.core.tlog.merkle import leaf_hash

    forged = b'{"forged":true}'
    sql("UPDATE record_logleaf SET data = %s WHERE index = %s", [forged, 450])
    sql("UPDATE record_loghash SET hash = %s WHERE level = 0 AND index = %s", [leaf_hash(forged), 450])

    report = audit()

    assert not report.ok
    assert report.first_bad_index == 450
    assert any("(1, 225)" in p.message for p in report.problems)


def test_audit_names_the_first_leaf_under_an_edited_hash(log: None) -> None:
    sql("UPDATE record_loghash SET hash = %s WHERE level = %s AND index = %s", [b"\x00" * 32, 3, 70])

    code, text = run("audit_log")

    assert code == 1
    assert "FAIL: leaf 560: the stored hash (3, 70) over leaves [560, 568) does not match those leaves" in text
    assert text.rstrip().endswith("first bad index: 560")


def test_audit_names_a_deleted_last_leaf(log: None) -> None:
    sql("DELETE FROM record_logleaf WHERE index = %s", [999])

    code, text = run("audit_log")

    assert code == 1
    assert "FAIL: leaf 999: leaf 999 is missing (the log's size is 1000)" in text
    assert text.rstrip().endswith("first bad index: 999")


def test_audit_names_a_deleted_leaf_in_the_middle(log: None) -> None:
    sql("DELETE FROM record_logleaf WHERE index >= %s AND index < %s", [10, 13])

    report = audit()

    assert report.first_bad_index == 10
    assert "leaves 10–12 are missing" in "\n".join(report.lines())


def test_audit_catches_an_edited_document_and_checkpoint(log: None) -> None:
    sql("UPDATE record_logdocument SET data = %s WHERE index = %s", [b'{"x":1}', 0])
    sql("UPDATE record_checkpoint SET note = replace(note, %s, %s) WHERE size = %s", ["\n600\n", "\n601\n", 600])

    report = audit()
    text = "\n".join(report.lines())

    assert report.first_bad_index == 0
    assert "FAIL: leaf 0: its document is not the one its entry names" in text
    assert "checkpoint of size 600" in text
    assert LogDocument.objects.count() == 3


def test_audit_catches_a_deleted_document(log: None) -> None:
    sql("DELETE FROM record_logdocument WHERE index = %s", [1])

    report = audit()

    assert report.first_bad_index == 1
    assert "the document its entry names is missing" in "\n".join(report.lines())
