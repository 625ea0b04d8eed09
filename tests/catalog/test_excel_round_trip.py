"""The clerk's Excel round trip: export the list, edit it in Excel, import it back into the same unit; sheets
from other provinces' platforms; imports as jobs that report their progress and survive a crash midway."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sunlit.catalog import services
from sunlit.catalog.excel import import_powers, importer, write_powers
from sunlit.catalog.imports import import_job_create, import_job_run, job_report, job_stalled
from sunlit.catalog.models import Category, ImportJob, PowerItem, PowerItemVersion, VersionStatus
from sunlit.core.errors import DomainError
from sunlit.core.models import Event
from sunlit.core.terminal import ProgressBar
from tests import factories
from tests.catalog.test_excel import sheet


@pytest.fixture
def published_list(county: dict[str, Any], editor: Any, reviewer: Any) -> list[PowerItemVersion]:
    """Five approved items of the land bureau."""
    return [factories.published(county["land"], editor, reviewer, code=f"XK-00{n}", name=f"事项{n}")
            for n in range(1, 6)]


def exported(tmp_path: Path, unit: Any, **options: Any) -> Path:
    path = tmp_path / "清单.xlsx"
    write_powers(path, unit=unit, **options)
    return path


def edit(path: Path, cells: dict[str, Any]) -> Path:
    book = openpyxl.load_workbook(path)
    ws = book.active
    assert ws is not None
    for ref, value in cells.items():
        ws[ref] = value
    book.save(path)
    return path


def versions_of(code: str) -> list[tuple[int, str]]:
    return list(PowerItemVersion.objects.filter(item__code=code).order_by("number")
                .values_list("number", "status"))


# --- export, edit, import back --------------------------------------------------------------------


def test_export_edit_one_limit_import_gives_one_new_version_and_the_rest_unchanged(
        tmp_path: Path, county: dict[str, Any], editor: Any, published_list: Any) -> None:
    path = exported(tmp_path, county["land"])
    assert openpyxl.load_workbook(path).active["O5"].value == "10个工作日"  # XK-003's promised limit
    edit(path, {"O5": "5个工作日"})

    report = import_powers(path, unit=county["land"], author=editor, reason="压缩承诺时限")

    assert (report.imported, report.changed, report.unchanged, report.errors) == (0, 1, 4, [])
    assert versions_of("XK-003") == [(1, VersionStatus.APPROVED), (2, VersionStatus.SUBMITTED)]
    new = PowerItemVersion.objects.get(item__code="XK-003", number=2)
    old = PowerItemVersion.objects.get(item__code="XK-003", number=1)
    assert (new.promised_limit, new.change_kind, new.reason, new.author) == (5, "change", "压缩承诺时限", editor)
    assert {k: v for k, v in new.snapshot().items() if k != "promised_limit"} == {
        k: v for k, v in old.snapshot().items() if k != "promised_limit"}
    for code in ("XK-001", "XK-002", "XK-004", "XK-005"):
        assert versions_of(code) == [(1, VersionStatus.APPROVED)]


def test_importing_again_while_the_change_is_pending_reports_it_unchanged_and_a_new_edit_refused(
        tmp_path: Path, county: dict[str, Any], editor: Any, published_list: Any) -> None:
    path = edit(exported(tmp_path, county["land"]), {"O5": "5个工作日"})
    import_powers(path, unit=county["land"], author=editor)
    working = edit(exported(tmp_path, county["land"], working=True), {})

    again = import_powers(working, unit=county["land"], author=editor)  # its 状态 column is not read
    edited = import_powers(edit(working, {"O5": "3个工作日"}), unit=county["land"], author=editor)

    assert (again.changed, again.unchanged, again.errors) == (0, 5, [])
    assert [(e.row, e.field, e.code) for e in edited.errors] == [(5, "事项编码", "XK-003")]
    assert edited.errors[0].message == ("事项XK-003已有待审核的第2版（承诺时限与本行不同），请待其审结后再导入本行")
    assert versions_of("XK-003") == [(1, VersionStatus.APPROVED), (2, VersionStatus.SUBMITTED)]


def test_a_sheet_without_some_columns_changes_only_the_columns_it_has(
        tmp_path: Path, county: dict[str, Any], editor: Any, reviewer: Any) -> None:
    factories.published(county["land"], editor, reviewer, code="XK-001", name="旧名称",
                        service_commitment="一次告知", remarks="原备注")
    path = sheet(tmp_path / "短表.xlsx", (("code", "事项编码"), ("name", "事项名称"), ("category", "权力类型"),
                                          ("legal_bases", "设定依据"), ("reason", "变更理由")),
                 [{"code": "XK-001", "name": "新名称", "category": "行政许可", "reason": "按省目录更名",
                   "legal_bases": "《中华人民共和国行政许可法》第二十九条：公民、法人或者其他组织从事特定活动，"
                                  "依法需要取得行政许可的，应当向行政机关提出申请。"}])

    report = import_powers(path, unit=county["land"], author=editor)

    assert (report.changed, report.errors) == (1, [])
    new = PowerItemVersion.objects.get(item__code="XK-001", number=2)
    assert (new.name, new.service_commitment, new.remarks, new.promised_limit) == ("新名称", "一次告知", "原备注", 10)
    assert new.reason == "按省目录更名"


def test_a_row_equal_to_a_rejected_version_is_refused_with_the_reviewers_comment_and_a_new_one_imported(
        tmp_path: Path, county: dict[str, Any], editor: Any, reviewer: Any) -> None:
    first = factories.published(county["land"], editor, reviewer, code="XK-001", name="原名称")
    change = services.power_version_draft(item=first.item, content=factories.content(name="被退回的名称"),
                                          legal_bases=factories.LICENSING_BASIS, reason="更名", author=editor,
                                          submit=True)
    services.power_version_reject(version=change, reviewer=reviewer, comment="名称与省目录不一致")
    path = edit(exported(tmp_path, county["land"], working=True), {})

    same = import_powers(path, unit=county["land"], author=editor)
    other = import_powers(edit(path, {"C3": "第三个名称"}), unit=county["land"], author=editor)

    assert [e.message for e in same.errors] == [
        "本行与事项XK-001已退回的第2版相同（退回意见：名称与省目录不一致），请修改后再导入"]
    assert (other.changed, other.errors) == (1, [])
    assert PowerItemVersion.objects.get(item__code="XK-001", number=3).name == "第三个名称"


def test_a_cancelled_item_is_not_brought_back_by_an_import(
        tmp_path: Path, county: dict[str, Any], editor: Any, reviewer: Any) -> None:
    gone = factories.published(county["land"], editor, reviewer, code="XK-001")
    services.power_version_approve(version=services.power_item_cancel(item=gone.item, reason="下放", author=editor),
                                   reviewer=reviewer)
    path = exported(tmp_path, county["land"], with_cancelled=True)

    report = import_powers(path, unit=county["land"], author=editor)

    assert [(e.row, e.code) for e in report.errors] == [(3, "XK-001")]
    assert "已取消" in report.errors[0].message


def test_a_new_sub_item_row_attaches_to_its_main_item_already_in_the_list(
        tmp_path: Path, county: dict[str, Any], editor: Any, reviewer: Any) -> None:
    main = factories.published(county["land"], editor, reviewer, code="XK-002", name="建设工程规划许可")
    sub = services.power_item_create(unit=county["land"], code="XK-002-01", content=factories.content(name="选址"),
                                     legal_bases=factories.LICENSING_BASIS, reason="新增", author=editor,
                                     parent=main.item, submit=True)
    services.power_version_approve(version=sub, reviewer=reviewer)
    path = exported(tmp_path, county["land"])
    book = openpyxl.load_workbook(path)
    ws = book.active
    assert ws is not None
    ws.insert_rows(4)
    for col in range(1, ws.max_column + 1):
        ws.cell(4, col).value = ws.cell(3, col).value
    ws["D4"], ws["E4"] = "XK-002-02", "规划条件核实"
    book.save(path)

    report = import_powers(path, unit=county["land"], author=editor)

    assert (report.imported, report.unchanged, report.errors) == (1, 2, [])
    new = PowerItem.objects.get(code="XK-002-02")
    assert new.parent == main.item
    assert new.versions.get().status == VersionStatus.SUBMITTED


# --- another province's sheet ----------------------------------------------------------------------

OTHER_PROVINCE = (("seq", "序号"), ("code", "项目编码"), ("name", "项目名称"), ("sub", "子项（分项）名称"),
                  ("category", "行政权力类别"), ("bases", "实施依据"), ("limits", "办理时限"),
                  ("body", "实施机关"), ("phone", "投诉举报电话"))


def test_a_sheet_with_another_provinces_headers_and_category_words_imports(
        tmp_path: Path, county: dict[str, Any], editor: Any) -> None:
    path = sheet(tmp_path / "外省.xlsx", OTHER_PROVINCE, [
        {"seq": 1, "code": "000123", "name": "建设用地规划许可", "category": "许可类",
         "bases": "《中华人民共和国城乡规划法》第三十七条", "limits": "法定20个工作日，承诺10个工作日",
         "body": "县自然资源局", "phone": "0797-1234567"},
        {"seq": 2, "code": "000124", "name": "对违法占地的处罚", "category": "02",
         "bases": "《中华人民共和国土地管理法》第七十七条", "limits": "60日"},
    ], above=[["某省权力事项目录"]])

    report = import_powers(path, unit=county["land"], author=editor)

    assert (report.imported, report.errors) == (2, [])
    first = PowerItemVersion.objects.get(item__code="000123")  # the code as text: its leading zeros kept
    assert (first.category, first.statutory_limit, first.promised_limit) == (Category.LICENSING, 20, 10)
    assert (first.implementing_body, first.complaint_phone) == ("县自然资源局", "0797-1234567")
    second = PowerItemVersion.objects.get(item__code="000124")
    assert (second.category, second.statutory_limit, second.statutory_limit_unit) == (
        Category.PENALTY, 60, "calendar")


def test_a_missing_required_column_lists_the_headers_found_and_column_maps_any_header(
        tmp_path: Path, county: dict[str, Any], editor: Any) -> None:
    headers = (("code", "权力项目代码"), ("name", "事项名称"), ("category", "权力类型"), ("bases", "设定依据"))
    path = sheet(tmp_path / "表.xlsx", headers, [{"code": "QT-1", "name": "内部事项", "category": "财务"}])

    with pytest.raises(DomainError) as refused:
        import_powers(path, unit=county["land"], author=editor)
    report = import_powers(path, unit=county["land"], author=editor, columns={"权力项目代码": "code"})

    assert "缺少“事项编码”列" in refused.value.message
    assert "该行的表头为：“权力项目代码”、“事项名称”、“权力类型”、“设定依据”" in refused.value.message
    assert (report.imported, report.errors) == (1, [])


def test_the_command_maps_a_header_by_column_and_names_the_targets_when_one_is_wrong(
        tmp_path: Path, county: dict[str, Any]) -> None:
    headers = (("code", "权力项目代码"), ("name", "事项名称"), ("category", "权力类型"))
    path = sheet(tmp_path / "表.xlsx", headers, [{"code": "QT-1", "name": "内部事项", "category": "财务"}])
    out = io.StringIO()

    call_command("import_powers", str(path), "--unit", "YD-ZRZY", "--column", "权力项目代码=事项编码", stdout=out)
    with pytest.raises(CommandError, match="目标列为模板的列名之一：序号、事项编码"):
        call_command("import_powers", str(path), "--unit", "YD-ZRZY", "--column", "权力项目代码=编号XYZ")

    assert "已新增县自然资源局1个事项" in out.getvalue()


def test_a_sheet_copied_from_another_unit_is_imported_with_a_warning(
        tmp_path: Path, county: dict[str, Any], editor: Any) -> None:
    county["finance"].phone = "0797-6660000"
    county["finance"].save()
    path = sheet(tmp_path / "表.xlsx", OTHER_PROVINCE, [
        {"code": "CZ-1", "name": "财政事项", "category": "行政检查", "bases": "《中华人民共和国预算法》第八十八条",
         "body": "县财政局", "phone": "0797－6660000"}])

    report = import_powers(path, unit=county["land"], author=editor)

    assert (report.imported, report.errors) == (1, [])
    assert [(w.row, w.field, w.code, w.message) for w in report.warnings] == [
        (2, "实施机关", "CZ-1", "实施主体「县财政局」是县财政局，不是导入的单位县自然资源局"),
        (2, "投诉举报电话", "CZ-1", "监督电话「0797－6660000」是县财政局的电话，不是导入的单位县自然资源局的")]


# --- imports as jobs --------------------------------------------------------------------------------


def big_sheet(tmp_path: Path, rows: int) -> Path:
    return sheet(tmp_path / "大表.xlsx", (("code", "事项编码"), ("name", "事项名称"), ("category", "权力类型")),
                 [{"code": f"QT-{n:03d}", "name": f"内部事项{n}", "category": "财务"} for n in range(rows)])


def test_an_import_commits_chunk_by_chunk_and_reports_its_progress(
        tmp_path: Path, county: dict[str, Any], editor: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "CHUNK_ROWS", 4)
    seen: list[tuple[int, int, int]] = []

    def progress(report: Any) -> None:
        seen.append((report.done, report.rows, PowerItem.objects.count()))

    import_powers(big_sheet(tmp_path, 10), unit=county["land"], author=editor, progress=progress)

    # after the plan, then after each chunk: what is reported done is what is in the database
    assert seen == [(0, 10, 0), (4, 10, 4), (8, 10, 8), (10, 10, 10)]


def test_a_crash_midway_leaves_the_report_of_what_was_imported_and_the_same_file_again_imports_the_rest(
        tmp_path: Path, county: dict[str, Any], editor: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "CHUNK_ROWS", 4)
    path = big_sheet(tmp_path, 10)
    job = import_job_create(unit=county["land"], author=editor, file=path, file_name="大表.xlsx")

    class Killed(BaseException):
        """The worker process ends there (kill -9, a power cut): nothing after it runs."""

    def dies_after_the_first_chunk(report: Any) -> None:  # called in each chunk's transaction
        if report.done >= 8:
            raise Killed

    with pytest.raises(Killed):
        import_job_run(job.pk, progress=dies_after_the_first_chunk)
    job.refresh_from_db()
    again = import_powers(path, unit=county["land"], author=editor)

    assert job.status == ImportJob.Status.RUNNING  # as a killed worker leaves it; the page says 已中断 later
    assert (job_report(job).done, job_report(job).imported) == (4, 4)  # the committed chunk, reported
    assert PowerItem.objects.count() == 10
    assert (again.imported, again.unchanged) == (6, 4)


def test_an_error_midway_ends_the_job_as_failed_with_what_was_imported(
        tmp_path: Path, county: dict[str, Any], editor: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "CHUNK_ROWS", 4)
    job = import_job_create(unit=county["land"], author=editor, file=big_sheet(tmp_path, 10), file_name="表.xlsx")

    def fails_after_the_first_chunk(report: Any) -> None:  # called in each chunk's transaction
        if report.done >= 8:
            raise RuntimeError("disk full")

    ended = import_job_run(job.pk, progress=fails_after_the_first_chunk)

    assert ended is not None and ended.status == ImportJob.Status.FAILED
    assert (job_report(ended).imported, PowerItem.objects.count()) == (4, 4)
    assert job_report(ended).refused.startswith("导入时发生内部错误，已导入的部分见下")


def test_a_job_is_run_once_however_many_workers_are_given_it_and_stalls_are_told(
        tmp_path: Path, county: dict[str, Any], editor: Any, clock: Any) -> None:
    job = import_job_create(unit=county["land"], author=editor, file=big_sheet(tmp_path, 3), file_name="表.xlsx",
                            dry_run=True)

    done = import_job_run(job.pk)
    second = import_job_run(job.pk)

    assert done is not None and second is None
    assert (done.status, job_report(done).imported, PowerItem.objects.count()) == (ImportJob.Status.DONE, 3, 0)
    assert Event.objects.filter(action="catalog.import.queue", object_id=str(job.pk)).count() == 1
    done.status = ImportJob.Status.RUNNING
    assert not job_stalled(done, clock=clock)
    clock.advance(minutes=6)
    assert job_stalled(done, clock=clock)


def test_a_file_that_cannot_be_imported_is_refused_before_a_job_is_kept(
        tmp_path: Path, county: dict[str, Any], editor: Any) -> None:
    path = sheet(tmp_path / "odd.xlsx", (("a", "姓名"), ("b", "电话")), [{"a": "张三"}])

    with pytest.raises(DomainError, match="未找到表头"):
        import_job_create(unit=county["land"], author=editor, file=path, file_name="odd.xlsx")

    assert not ImportJob.objects.exists()


def test_the_progress_bar_is_drawn_on_a_terminal_only() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal, log = Terminal(), io.StringIO()
    for stream in (terminal, log):
        bar = ProgressBar("导入", stream)
        bar.update(10, 10)
        bar.close()

    assert "10/10行 100%" in terminal.getvalue() and "█" in terminal.getvalue()
    assert log.getvalue() == ""


# --- many items at once (an import's chunk) ----------------------------------------------------------


def test_creating_many_at_once_writes_what_creating_one_by_one_writes(county: dict[str, Any], editor: Any) -> None:
    from sunlit.record.models import LeafQueue

    one = services.power_item_create(unit=county["land"], code="A-0", content=factories.content(name="甲"),
                                     legal_bases=factories.LICENSING_BASIS, reason="新增", author=editor, submit=True)
    many = services.power_items_create_many(unit=county["land"], author=editor, submit=True, powers=[
        services.NewPower(f"A-{n}", factories.content(name="甲"), factories.LICENSING_BASIS, "新增") for n in (1, 2)])

    events = list(Event.objects.filter(action="catalog.version.submit").order_by("pk"))
    assert [e.object_id for e in events] == [str(v.pk) for v in (one, *many)]
    assert [e.after["content"] for e in events] == [one.snapshot()] * 3
    assert [v.snapshot() for v in many] == [one.snapshot()] * 2
    assert list(LeafQueue.objects.filter(kind="event", ref__in=[e.pk for e in events])
                .order_by("pk").values_list("ref", flat=True)) == [e.pk for e in events]


def test_each_word_of_the_synonym_table_names_one_column_and_each_list_a_template_column() -> None:
    from collections import Counter

    from sunlit.catalog.excel.columns import BY_KEY, header_key, match_text
    from sunlit.catalog.rules import synonyms

    headers = synonyms("headers")
    template = {c.header for c in BY_KEY.values()}
    words = Counter(match_text(w) for header, ws in headers.items() for w in (header, *ws))

    assert set(headers) <= template
    assert [w for w, n in words.items() if n > 1] == []
    for header, ws in headers.items():
        assert {header_key(w)[0] for w in ws} == {header_key(header)[0]}, header
