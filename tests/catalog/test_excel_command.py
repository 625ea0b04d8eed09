"""`sunlit import-powers` and `sunlit export-powers` as a clerk runs them."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connections

from sunlit import cli
from sunlit.catalog.excel import guard
from sunlit.catalog.models import PowerItem, PowerItemVersion
from sunlit.catalog.permissions import EDIT_ROLES
from sunlit.org.models import Membership, Role
from sunlit.org.permissions import has_role
from tests import factories
from tests.catalog import hostile
from tests.catalog.test_excel import SIMPLE, counts, item, sheet


@pytest.fixture
def list_with_a_bad_row(tmp_path: Path, county: Any) -> Path:
    return sheet(tmp_path / "清单.xlsx", SIMPLE, [item("A-1", "甲"), item("A-2", "乙", category="审批"),
                                                 item("A-3", "丙", promised="30个工作日")])


@pytest.fixture
def in_process_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    """Django closes every connection after a command run from argv; the test's own must stay open."""
    monkeypatch.setattr(connections, "close_all", lambda: None)


def import_(*args: str) -> str:
    out = io.StringIO()
    call_command("import_powers", *args, stdout=out)
    return out.getvalue()


def test_import_command_writes_the_report_and_succeeds_with_refused_rows(
        list_with_a_bad_row: Path, tmp_path: Path, editor: Any) -> None:
    report_path = tmp_path / "report.json"

    out = import_(str(list_with_a_bad_row), "--unit", "YD-ZRZY", "--author", "editor", "--report", str(report_path))

    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert set(report) == {"imported", "changed", "unchanged", "rows", "done", "errors", "warnings", "dry_run",
                           "sheet", "refused"}
    assert report["refused"] is None
    assert (report["imported"], report["dry_run"], report["sheet"]) == (1, False, "Sheet")
    assert [set(e) for e in report["errors"]] == [{"row", "field", "message", "code"}] * 2
    assert [(e["row"], e["field"]) for e in report["errors"]] == [(3, "权力类型"), (4, "承诺时限")]
    assert report["errors"][1]["message"] == "承诺时限（30个工作日）长于法定时限（20个工作日）"
    assert "已新增县自然资源局1个事项" in out
    assert "第4行【承诺时限】承诺时限（30个工作日）长于法定时限（20个工作日）" in out
    assert PowerItemVersion.objects.get().author.username == "editor"


def test_import_command_report_is_readable_chinese_json(list_with_a_bad_row: Path, tmp_path: Path, editor: Any) -> None:
    report_path = tmp_path / "report.json"

    import_(str(list_with_a_bad_row), "--unit", "YD-ZRZY", "--report", str(report_path))

    assert "承诺时限（30个工作日）长于法定时限（20个工作日）" in report_path.read_text(encoding="utf-8")


def test_import_command_writes_as_the_importer_user_given_edit_rights_in_the_unit(
        list_with_a_bad_row: Path, county: Any) -> None:
    import_(str(list_with_a_bad_row), "--unit", "YD-ZRZY")

    version = PowerItemVersion.objects.get()
    importer = User.objects.get(username="importer")
    assert version.author == importer
    assert version.reason == "Excel导入：清单.xlsx"
    assert not importer.has_usable_password()
    assert list(Membership.objects.filter(user=importer).values_list("unit__code", "role")) == [
        ("YD-ZRZY", Role.EDITOR)]


def test_importer_user_keeps_the_rights_it_already_has(list_with_a_bad_row: Path, county: Any) -> None:
    importer = factories.staff("importer", county["gov"], Role.EDITOR)

    import_(str(list_with_a_bad_row), "--unit", "YD-ZRZY")

    assert Membership.objects.filter(user=importer).count() == 1
    assert has_role(importer, county["land"], EDIT_ROLES)


def test_import_command_dry_run_leaves_no_trace_not_even_the_importer_user(
        list_with_a_bad_row: Path, tmp_path: Path, county: Any) -> None:
    before = counts()
    report_path = tmp_path / "report.json"

    out = import_(str(list_with_a_bad_row), "--unit", "YD-ZRZY", "--dry-run", "--report", str(report_path))

    assert counts() == before
    assert not User.objects.filter(username="importer").exists()
    assert json.loads(report_path.read_text(encoding="utf-8"))["dry_run"] is True
    assert "可新增县自然资源局1个事项" in out
    assert "试运行：未写入数据库。" in out


def test_import_command_refuses_a_missing_file(county: Any, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="找不到文件"):
        import_(str(tmp_path / "无此文件.xlsx"), "--unit", "YD-ZRZY")


def test_import_command_refuses_an_unknown_unit(list_with_a_bad_row: Path) -> None:
    with pytest.raises(CommandError, match="单位编码「YD-NONE」不存在"):
        import_(str(list_with_a_bad_row), "--unit", "YD-NONE")


def test_import_command_refuses_an_unknown_author(list_with_a_bad_row: Path) -> None:
    with pytest.raises(CommandError, match="用户「nobody」不存在"):
        import_(str(list_with_a_bad_row), "--unit", "YD-ZRZY", "--author", "nobody")


def test_import_command_refuses_an_author_without_edit_rights(list_with_a_bad_row: Path, reviewer: Any) -> None:
    with pytest.raises(CommandError, match="您没有县自然资源局的编制权限"):
        import_(str(list_with_a_bad_row), "--unit", "YD-ZRZY", "--author", "reviewer")
    assert not PowerItem.objects.exists()


def test_import_command_refuses_a_file_without_header_and_rolls_back_the_importer_user(
        tmp_path: Path, county: Any) -> None:
    path = sheet(tmp_path / "odd.xlsx", (("a", "姓名"), ("b", "电话")), [{"a": "张三"}])

    with pytest.raises(CommandError, match="未找到表头"):
        import_(str(path), "--unit", "YD-ZRZY")
    assert not User.objects.filter(username="importer").exists()


def test_cli_spells_the_command_with_hyphens_and_exits_non_zero_on_an_unreadable_file(
        tmp_path: Path, county: Any, capsys: pytest.CaptureFixture[str], in_process_cli: None) -> None:
    path = tmp_path / "list.xlsx"
    path.write_bytes(b"not a workbook")

    with pytest.raises(SystemExit) as exit_:
        cli.main(["sunlit", "import-powers", str(path), "--unit", "YD-ZRZY"])

    assert exit_.value.code == 1
    assert "无法读取文件，请确认是Excel（.xlsx）文件；旧版.xls" in capsys.readouterr().err


def test_export_command_writes_a_file_the_import_reads_back(
        tmp_path: Path, county: Any, editor: Any, in_process_cli: None) -> None:
    factories.draft(county["land"], editor, code="A-1")
    path = tmp_path / "out.xlsx"
    out = io.StringIO()

    cli.main(["sunlit", "export-powers", "--unit", "YD-ZRZY", "--working", str(path)])
    call_command("export_powers", "--unit", "YD-ZRZY", "--working", str(path), stdout=out)
    again = import_(str(path), "--unit", "YD-ZRZY", "--dry-run")

    assert out.getvalue().strip() == f"已导出县自然资源局工作稿（最新版本）1个事项到{path}"
    assert "可新增县自然资源局0个事项、可变更0个（待审核），1个未变化" in again


def test_export_command_refuses_an_unknown_unit(tmp_path: Path, county: Any) -> None:
    with pytest.raises(CommandError, match="单位编码「YD-NONE」不存在"):
        call_command("export_powers", "--unit", "YD-NONE", str(tmp_path / "out.xlsx"))


MERGED_MESSAGE = "工作表「权力清单」的合并单元格 A2:Z1048576 含 27,262,950 个单元格，超过上限 10,000"


def test_a_workbook_beyond_a_limit_exits_non_zero_and_the_report_says_why(
        tmp_path: Path, county: Any, capsys: pytest.CaptureFixture[str], in_process_cli: None) -> None:
    path = hostile.merged_to_the_last_row(tmp_path / "清单.xlsx")
    report_path = tmp_path / "report.json"

    with pytest.raises(SystemExit) as exit_:
        cli.main(["sunlit", "import-powers", str(path), "--unit", "YD-ZRZY", "--report", str(report_path)])

    assert exit_.value.code == 1
    assert MERGED_MESSAGE in capsys.readouterr().err
    assert json.loads(report_path.read_text(encoding="utf-8")) == {
        "imported": 0, "changed": 0, "unchanged": 0, "rows": 0, "done": 0, "errors": [], "warnings": [],
        "dry_run": False, "sheet": "", "refused": MERGED_MESSAGE}
    assert not PowerItem.objects.exists()
    assert not User.objects.filter(username="importer").exists()


@pytest.mark.parametrize(("make", "message"), [
    (hostile.many_cells, "工作表「权力清单」含 300,006 个单元格，超过上限 200,000"),
    (hostile.not_a_zip, "无法读取文件，请确认是Excel（.xlsx）文件"),
    (hostile.without_workbook, "文件中没有工作簿"),
    (lambda path: hostile.zip_bomb(path, megabytes=120), "文件解压后共 120.1 MB，超过上限 100 MB"),
])
def test_every_refused_workbook_leaves_its_reason_in_the_report(
        tmp_path: Path, county: Any, make: Any, message: str) -> None:
    report_path = tmp_path / "report.json"

    with pytest.raises(CommandError, match=message):
        import_(str(make(tmp_path / "清单.xlsx")), "--unit", "YD-ZRZY", "--dry-run", "--report", str(report_path))

    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["refused"].startswith(message) and report["dry_run"] is True and report["imported"] == 0


def test_a_file_over_twenty_megabytes_is_refused_by_the_command(tmp_path: Path, county: Any) -> None:
    path = tmp_path / "大.xlsx"
    with path.open("wb") as f:
        f.truncate(guard.MAX_FILE_BYTES + 1)

    with pytest.raises(CommandError, match="文件大小为 20.1 MB，超过上限 20 MB"):
        import_(str(path), "--unit", "YD-ZRZY")
