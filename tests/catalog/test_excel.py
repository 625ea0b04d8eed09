"""Importing the power list from a clerk's Excel sheet: what is read, what is refused and why."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from sunlit.catalog.excel import ImportFileError, RowError, import_powers
from sunlit.catalog.models import LegalBasis, LimitUnit, PowerItem, PowerItemVersion, VersionStatus
from sunlit.core.errors import NotAllowed
from sunlit.core.models import Event
from tests import factories

# The headers of the messy sheet, as a county bureau writes them: aliases, not the template's words.
MESSY = (
    ("seq", "序号"), ("code", "权力编码"), ("name", "权力名称"), ("sub_name", "子项"), ("category", "职权类型"),
    ("legal_bases", "法律法规依据"), ("implementing_body", "实施主体"), ("handling_office", "承办机构"),
    ("conditions", "申请条件"), ("materials", "申报材料"), ("statutory", "办理时限"), ("promised", "承诺时限"),
    ("fees", "收费依据及标准"), ("responsibilities", "责任事项"), ("accountability", "追责情形"),
    ("phone", "监督电话"), ("remarks", "备注"),
)
LAND_LAW = "《中华人民共和国土地管理法》第六十二条：农村村民一户只能拥有一处宅基地，\n其宅基地的面积不得超过省、自治区、直辖市规定的标准。"
PERMIT_LAW = "《中华人民共和国行政许可法》第二十九条：公民、法人或者其他组织从事特定活动，依法需要取得行政许可的，应当向行政机关提出申请。"
PLANNING = "《中华人民共和国城乡规划法》第{article}条：{text}"
BODY = "县自然资源局"


def sheet(path: Path, headers: Sequence[tuple[str, str]], rows: Sequence[dict[str, Any]],
          merges: Sequence[tuple[str, int, int]] = (), above: Sequence[Sequence[Any]] = (),
          below: Sequence[Sequence[Any]] = (), below_merges: Sequence[str] = ()) -> Path:
    """Write an xlsx: `above` rows (titles), the header, `rows` (by key), `below` rows (notes).

    `merges` are (key, first data row index, last data row index), 0-based within `rows`.
    """
    book = Workbook()
    ws = book.active
    assert ws is not None
    for line in above:
        ws.append(list(line))
    ws.append([text for _, text in headers])
    first = ws.max_row + 1
    for row in rows:
        ws.append([row.get(key) for key, _ in headers])
    columns = {key: i for i, (key, _) in enumerate(headers, start=1)}
    for key, a, b in merges:
        letter = get_column_letter(columns[key])
        ws.merge_cells(f"{letter}{first + a}:{letter}{first + b}")
    for line in below:
        ws.append(list(line))
    for rng in below_merges:
        ws.merge_cells(rng)
    book.save(path)
    return path


def item(code: str | None, name: str | None, category: str | None = "行政许可", bases: str | None = PERMIT_LAW, **more: Any) -> dict[str, Any]:
    return {"code": code, "name": name, "category": category, "legal_bases": bases, "implementing_body": BODY,
            "statutory": "20个工作日", "promised": "10个工作日", **more}


def messy_rows() -> tuple[list[dict[str, Any]], list[tuple[str, int, int]]]:
    """Rows of the messy sheet, data row 0 being sheet row 4 (two title rows and the header above)."""
    planning = {"code": "XK-002", "name": "建设工程规划许可", "category": "行政许可类", "implementing_body": BODY,
                "handling_office": "规划股"}
    rows: list[dict[str, Any]] = [
        item("XK-001", "农村村民住宅建设审批", bases=f"1.{LAND_LAW}\n2.{PERMIT_LAW}", seq=1,
             statutory="２０个工作日", promised="１０个工作日", phone="０７９７－１２３４５６７",
             conditions="（一）申请人为本集体经济组织成员；\n（二）符合国土空间规划。",
             materials="1.申请表\n2.身份证明"),                                                 # row 4
        {**planning, "seq": 2, "sub_name": "建设项目选址意见书核发", "statutory": "法定20个工作日，承诺10个工作日",
         "legal_bases": PLANNING.format(article="三十六", text="按照国家规定需要有关部门批准或者核准的建设项目……")},  # 5
        {"sub_name": "建设用地规划许可证核发", "statutory": "二十个工作日", "promised": "十个工作日",
         "legal_bases": PLANNING.format(article="三十七", text="在城市、镇规划区内以划拨方式提供国有土地使用权的……")},  # 6
        {"sub_name": "建设工程规划许可证核发", "statutory": "即办",
         "legal_bases": PLANNING.format(article="四十", text="在城市、镇规划区内进行建筑物……建设的……")},  # 7
        item("CF-001", "对未经批准非法占用土地的处罚", "行政处罚", seq=3, statutory="60日", promised="30日",
             bases="《中华人民共和国土地管理法》第七十七条：未经批准……非法占用土地的，由县级以上人民政府"
                   "自然资源主管部门责令退还非法占用的土地。"),                                  # 8
        item("QR-001", "不动产登记", "行政确认", seq=4, statutory="法定30个工作日，承诺5个工作日", promised=None,
             fees="住宅类每件80元\n非住宅类每件550元",
             bases="《不动产登记暂行条例》第二十条：不动产登记机构应当自受理登记申请之日起30个工作日内办结不动产登记手续。"),  # 9
        item("JC-001", "局党组重大事项集体决策", "重大决策", bases=None, seq=5, statutory=None, promised=None),  # 10
        item("XK-010", "", seq=6),                                               # 11 no name
        item("XK-011", "临时用地审批", "行政审批", seq=7),                          # 12 unknown category
        item("XK-012", "采矿权新立登记", seq=8, statutory="10个工作日", promised="20个工作日"),  # 13 promised > statutory
        item("XK-001", "乡村建设规划许可", seq=9),                                   # 14 code repeated in the file
        item("XK-013", "土地复垦方案审查", bases=None, seq=10),                       # 15 no legal basis
        item("XK-014", "地质灾害危险性评估备案", seq=11, statutory="尽快办理"),         # 16 limit unreadable
        item("", "测绘作业证核发", seq=12),                                          # 17 no code
        item("YJ-001", "建设用地预审", seq=13),                                      # 18 code already in the unit
        item("XK-003", "国有建设用地使用权出让", seq=14, sub_name="划拨用地审批"),      # 19 main item whose sub-items
        {"sub_name": "协议出让审批", "category": "行政确认", "legal_bases": PERMIT_LAW},    # 20 differ in category
        item("XK-004", "临时用地审批", seq=15, sub_name="建设项目施工临时用地"),        # 21 good sub-item
        {"sub_name": "地质勘查临时用地", "legal_bases": PERMIT_LAW, "category": "行政许可",
         "implementing_body": BODY, "statutory": "10个工作日", "promised": "15个工作日"},  # 22 bad sub-item
    ]
    merges = [("seq", 1, 3), ("code", 1, 3), ("name", 1, 3), ("category", 1, 3), ("implementing_body", 1, 3),
              ("handling_office", 1, 3), ("code", 15, 16), ("name", 15, 16), ("seq", 15, 16),
              ("code", 17, 18), ("name", 17, 18), ("seq", 17, 18)]
    return rows, merges


@pytest.fixture
def messy(tmp_path: Path, county: dict[str, Any], editor: Any) -> Path:
    factories.draft(county["land"], editor, code="YJ-001")
    rows, merges = messy_rows()
    width = len(MESSY)
    return sheet(
        tmp_path / "messy.xlsx", MESSY, rows, merges,
        above=[["于都县自然资源局权力清单"], ["填报单位：县自然资源局（盖章）", None, None, "填报日期：2026年11月"]],
        below=[[], ["填表说明：1.时限按工作日计算；2.子项较多的事项请合并单元格。"]],
        below_merges=[f"A24:{get_column_letter(width)}24"],
    )


def imported(unit: Any) -> dict[str, PowerItem]:
    return {i.code: i for i in PowerItem.objects.filter(unit=unit).select_related("parent")}


def counts() -> tuple[int, int, int, int]:
    return (PowerItem.objects.count(), PowerItemVersion.objects.count(), LegalBasis.objects.count(),
            Event.objects.count())


# --- the messy sheet -------------------------------------------------------------------------

MESSY_ERRORS = [
    RowError(11, "权力名称", "缺少事项名称"),
    RowError(13, "承诺时限", "承诺时限（20个工作日）长于法定时限（10个工作日）"),
    RowError(14, "权力编码", "事项编码XK-001与第4行重复"),
    RowError(15, "法律法规依据", "行政许可事项必须写明设定依据"),
    RowError(17, "权力编码", "缺少事项编码"),
    RowError(18, "权力编码", "事项YJ-001已有草稿的第1版（事项名称、监督电话与本行不同），请待其审结后再导入本行"),
    RowError(19, "职权类型", "主项：各子项的职权类型不一致，无法确定主项的职权类型"),
    RowError(20, "职权类型", "主项：各子项的职权类型不一致，无法确定主项的职权类型"),
    RowError(22, "承诺时限", "承诺时限（15个工作日）长于法定时限（10个工作日）"),
]


def test_report_names_each_bad_row_with_its_header_as_written_and_the_reason(
        messy: Path, county: dict[str, Any], editor: Any) -> None:
    report = import_powers(messy, unit=county["land"], author=editor)

    assert report.refused_rows == [11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 22]
    by_row = {e.row: e for e in report.errors}
    assert by_row[12].field == "职权类型"
    assert by_row[12].message.startswith("未知的职权类别「行政审批」，应为：行政许可、行政处罚")
    assert by_row[16].field == "办理时限"
    assert by_row[16].message.startswith("无法识别的时限「尽快办理」")
    assert [e for e in report.errors if e.row not in (12, 16)] == MESSY_ERRORS
    assert report.sheet == "Sheet"


def test_every_good_row_of_the_messy_sheet_is_imported_as_a_submitted_version(
        messy: Path, county: dict[str, Any], editor: Any) -> None:
    report = import_powers(messy, unit=county["land"], author=editor)

    items = imported(county["land"])
    new = sorted(set(items) - {"YJ-001"})
    assert new == ["CF-001", "JC-001", "QR-001", "XK-001", "XK-002", "XK-002-01", "XK-002-02", "XK-002-03",
                   "XK-004", "XK-004-01"]
    assert report.imported == len(new)
    versions = PowerItemVersion.objects.filter(item__code__in=new)
    assert {(v.status, v.number, v.reason, v.author_id) for v in versions} == {
        (VersionStatus.SUBMITTED, 1, "Excel导入：messy.xlsx", editor.pk)}


def test_full_width_digits_multi_line_cells_and_numbered_bases_are_read(
        messy: Path, county: dict[str, Any], editor: Any) -> None:
    import_powers(messy, unit=county["land"], author=editor)

    v = imported(county["land"])["XK-001"].versions.get()
    assert (v.statutory_limit, v.statutory_limit_unit, v.promised_limit) == (20, LimitUnit.WORKING_DAYS, 10)
    assert v.complaint_phone == "０７９７－１２３４５６７"  # the clerk's text as written
    assert v.conditions == "（一）申请人为本集体经济组织成员；\n（二）符合国土空间规划。"
    assert [(b.law, b.article, b.excerpt) for b in v.legal_bases.all()] == [
        ("中华人民共和国土地管理法", "第六十二条",
         "农村村民一户只能拥有一处宅基地，\n其宅基地的面积不得超过省、自治区、直辖市规定的标准。"),
        ("中华人民共和国行政许可法", "第二十九条",
         "公民、法人或者其他组织从事特定活动，依法需要取得行政许可的，应当向行政机关提出申请。"),
    ]


def test_limits_in_words_in_calendar_days_on_the_spot_or_combined_in_one_cell_are_read(
        messy: Path, county: dict[str, Any], editor: Any) -> None:
    import_powers(messy, unit=county["land"], author=editor)

    items = imported(county["land"])

    def limits(code: str) -> tuple[Any, ...]:
        v = items[code].versions.get()
        return v.statutory_limit, v.statutory_limit_unit, v.promised_limit, v.promised_limit_unit

    assert limits("XK-002-01") == (20, "working", 10, "working")   # 法定20个工作日，承诺10个工作日
    assert limits("XK-002-02") == (20, "working", 10, "working")   # 二十个工作日 / 十个工作日
    assert limits("XK-002-03") == (0, "working", None, "working")  # 即办
    assert limits("CF-001") == (60, "calendar", 30, "calendar")
    assert limits("QR-001") == (30, "working", 5, "working")
    assert items["QR-001"].versions.get().fees == "住宅类每件80元\n非住宅类每件550元"


def test_sub_items_inherit_merged_cells_and_belong_to_their_main_item(
        messy: Path, county: dict[str, Any], editor: Any) -> None:
    import_powers(messy, unit=county["land"], author=editor)

    items = imported(county["land"])
    subs = [items[f"XK-002-0{k}"] for k in (1, 2, 3)]
    assert {s.parent_id for s in subs} == {items["XK-002"].pk}
    assert [s.versions.get().name for s in subs] == ["建设项目选址意见书核发", "建设用地规划许可证核发",
                                                      "建设工程规划许可证核发"]
    for sub in subs:
        v = sub.versions.get()
        assert (v.category, v.implementing_body, v.handling_office) == ("licensing", BODY, "规划股")


def test_main_item_takes_the_values_its_sub_items_share_and_all_their_legal_bases(
        messy: Path, county: dict[str, Any], editor: Any) -> None:
    import_powers(messy, unit=county["land"], author=editor)

    main = imported(county["land"])["XK-002"]
    v = main.versions.get()
    assert main.parent_id is None
    assert (v.name, v.category, v.implementing_body, v.handling_office) == ("建设工程规划许可", "licensing", BODY, "规划股")
    assert (v.statutory_limit, v.promised_limit) == (None, None)  # the sub-items' limits differ
    assert [b.article for b in v.legal_bases.all()] == ["第三十六条", "第三十七条", "第四十条"]


def test_bad_sub_item_row_is_refused_alone_and_its_main_item_keeps_the_others(
        messy: Path, county: dict[str, Any], editor: Any) -> None:
    report = import_powers(messy, unit=county["land"], author=editor)

    items = imported(county["land"])
    assert items["XK-004-01"].parent == items["XK-004"]
    assert "XK-004-02" not in items
    assert [e.row for e in report.errors if e.row in (21, 22)] == [22]


def test_main_item_that_cannot_be_derived_refuses_all_its_rows(
        messy: Path, county: dict[str, Any], editor: Any) -> None:
    report = import_powers(messy, unit=county["land"], author=editor)

    assert report.imported == 10  # the other rows were written
    assert not PowerItem.objects.filter(code__startswith="XK-003").exists()


def test_title_rows_notes_and_blank_rows_are_not_items(messy: Path, county: dict[str, Any], editor: Any) -> None:
    report = import_powers(messy, unit=county["land"], author=editor)

    assert max(e.row for e in report.errors) == 22
    assert not PowerItem.objects.filter(code__startswith="填").exists()


# --- one rule at a time -----------------------------------------------------------------------

SIMPLE = (("code", "事项编码"), ("name", "事项名称"), ("category", "权力类型"), ("legal_bases", "设定依据"),
          ("statutory", "法定时限"), ("promised", "承诺时限"), ("sub_code", "子项编码"), ("sub_name", "子项名称"))


def run(tmp_path: Path, county: dict[str, Any], editor: Any, rows: list[dict[str, Any]],
        headers: Sequence[tuple[str, str]] = SIMPLE, **kw: Any) -> Any:
    path = sheet(tmp_path / "list.xlsx", headers, rows, **kw)
    return import_powers(path, unit=county["land"], author=editor)


def test_promised_limit_longer_than_statutory_is_refused(tmp_path: Path, county: Any, editor: Any) -> None:
    report = run(tmp_path, county, editor, [item("A-1", "甲", promised="21个工作日"),
                                           item("A-2", "乙", statutory="30日", promised="25个工作日"),
                                           item("A-3", "丙", promised="20个工作日")])

    assert report.errors == [RowError(2, "承诺时限", "承诺时限（21个工作日）长于法定时限（20个工作日）"),
                             RowError(3, "承诺时限", "承诺时限（25个工作日）长于法定时限（30日）")]
    assert [e.code for e in report.errors] == ["A-1", "A-2"]
    assert report.imported == 1


def test_promised_limit_in_the_combined_cell_is_blamed_on_that_cell(tmp_path: Path, county: Any, editor: Any) -> None:
    report = run(tmp_path, county, editor, [item("A-1", "甲", statutory="法定10个工作日，承诺15个工作日",
                                                 promised=None)])

    assert report.errors == [RowError(2, "法定时限", "承诺时限（15个工作日）长于法定时限（10个工作日）")]


def test_two_different_promised_limits_in_one_row_are_refused(tmp_path: Path, county: Any, editor: Any) -> None:
    report = run(tmp_path, county, editor, [item("A-1", "甲", statutory="法定20个工作日，承诺15个工作日",
                                                 promised="10个工作日")])

    assert report.errors == [RowError(2, "承诺时限", "承诺时限与本行另一列所写的承诺时限不一致")]


def test_unreadable_limit_is_refused(tmp_path: Path, county: Any, editor: Any) -> None:
    report = run(tmp_path, county, editor, [item("A-1", "甲", statutory="20"), item("A-2", "乙", promised="半个月")])

    assert [(e.row, e.field) for e in report.errors] == [(2, "法定时限"), (3, "承诺时限")]
    assert report.errors[0].message == "无法识别的时限「20」，应写作“20个工作日”“60日”或“即办”"
    assert report.imported == 0


def test_bare_number_limit_takes_its_unit_from_the_header(tmp_path: Path, county: Any, editor: Any) -> None:
    headers = (("code", "事项编码"), ("name", "事项名称"), ("category", "权力类型"), ("legal_bases", "设定依据"),
               ("statutory", "法定时限（工作日）"), ("promised", "承诺时限\n（天）"))
    report = run(tmp_path, county, editor, [item("A-1", "甲", statutory=20, promised=10)], headers=headers)

    assert report.errors == []
    v = PowerItemVersion.objects.get(item__code="A-1")
    assert (v.statutory_limit, v.statutory_limit_unit, v.promised_limit, v.promised_limit_unit) == (
        20, "working", 10, "calendar")


def test_unknown_category_is_refused(tmp_path: Path, county: Any, editor: Any) -> None:
    report = run(tmp_path, county, editor, [item("A-1", "甲", category="审批"), item("A-2", "乙", category=None)])

    assert [(e.row, e.field) for e in report.errors] == [(2, "权力类型"), (3, "权力类型")]
    assert report.errors[0].message.startswith("未知的职权类别「审批」")
    assert report.errors[1].message == "缺少权力类型（职权类别）"


def test_row_without_name_is_refused(tmp_path: Path, county: Any, editor: Any) -> None:
    report = run(tmp_path, county, editor, [item("A-1", "  ")])

    assert report.errors == [RowError(2, "事项名称", "缺少事项名称")]


def test_row_without_code_is_refused(tmp_path: Path, county: Any, editor: Any) -> None:
    report = run(tmp_path, county, editor, [item("", "甲"), item("A-2", "乙")])

    assert report.errors == [RowError(2, "事项编码", "缺少事项编码")]
    assert list(PowerItem.objects.values_list("code", flat=True)) == ["A-2"]


def test_code_repeated_in_the_file_is_refused_for_the_later_rows(tmp_path: Path, county: Any, editor: Any) -> None:
    report = run(tmp_path, county, editor, [item("A-1", "甲"), item("Ａ－１", "乙"), item("A-1", "丙")])

    # the clerk's code as written; matching reads Ａ－１ as A-1
    assert report.errors == [RowError(3, "事项编码", "事项编码Ａ－１与第2行重复"),
                             RowError(4, "事项编码", "事项编码A-1与第2行重复")]
    assert PowerItemVersion.objects.get(item__code="A-1").name == "甲"


def test_a_row_that_differs_from_a_pending_version_is_refused_naming_it(
        tmp_path: Path, county: Any, editor: Any) -> None:
    factories.draft(county["land"], editor, code="A-1")
    factories.draft(county["town"], factories.staff("clerk", county["town"], factories.Role.EDITOR), code="A-2")

    report = run(tmp_path, county, editor, [item("A-1", "甲"), item("A-2", "乙")])

    assert [(e.row, e.field, e.code) for e in report.errors] == [(2, "事项编码", "A-1")]
    assert report.errors[0].message.startswith("事项A-1已有草稿的第1版（事项名称")
    assert report.imported == 1  # the same code in another unit is no conflict


def test_category_that_requires_a_legal_basis_is_refused_without_one(tmp_path: Path, county: Any, editor: Any) -> None:
    report = run(tmp_path, county, editor, [item("A-1", "甲", "行政处罚", bases=None),
                                           item("A-2", "乙", "人事", bases=None),
                                           item("A-3", "丙", "行政检查", bases="《》第三条")])

    assert report.errors == [RowError(2, "设定依据", "行政处罚事项必须写明设定依据"),
                             RowError(4, "设定依据", "设定依据缺少法律法规名称")]
    assert report.imported == 1


def test_overlong_name_is_refused_before_the_database_sees_it(tmp_path: Path, county: Any, editor: Any) -> None:
    report = run(tmp_path, county, editor, [item("A-1", "甲" * 201)])

    assert report.errors == [RowError(2, "事项名称", "内容过长（201字），事项名称最多200字")]


def test_a_row_with_several_faults_names_each(tmp_path: Path, county: Any, editor: Any) -> None:
    report = run(tmp_path, county, editor, [item("", "", "审批", statutory="很快")])

    assert [e.field for e in report.errors] == ["事项编码", "事项名称", "权力类型", "法定时限"]


def test_refused_rows_leave_nothing_behind(tmp_path: Path, county: Any, editor: Any) -> None:
    factories.draft(county["land"], editor, code="A-1")
    before = counts()

    report = run(tmp_path, county, editor, [item("A-1", "甲"), item("A-2", "乙", promised="30个工作日")])

    assert report.imported == 0
    assert counts() == before


def test_sub_items_are_numbered_after_the_main_item_without_sub_codes(tmp_path: Path, county: Any, editor: Any) -> None:
    rows = [item("M-1", "主", sub_name="子一"), {"sub_name": "子二"}]
    run(tmp_path, county, editor, rows, merges=[(k, 0, 1) for k in ("code", "name", "category", "legal_bases",
                                                                   "statutory", "promised")])

    items = imported(county["land"])
    assert sorted(items) == ["M-1", "M-1-01", "M-1-02"]
    assert items["M-1-02"].parent == items["M-1"]


def test_sub_item_codes_come_from_the_sub_code_column(tmp_path: Path, county: Any, editor: Any) -> None:
    rows = [item("M-1", "主", sub_name="子一", sub_code="M-1-A"), {"sub_name": "子二", "sub_code": "M-1-B"}]
    report = run(tmp_path, county, editor, rows,
                 merges=[(k, 0, 1) for k in ("code", "name", "category", "legal_bases", "statutory", "promised")])

    assert report.imported == 3
    assert sorted(imported(county["land"])) == ["M-1", "M-1-A", "M-1-B"]


def test_rows_repeating_the_main_code_and_name_with_sub_names_are_one_main_item(
        tmp_path: Path, county: Any, editor: Any) -> None:
    rows = [item("M-1", "主", sub_name="子一"), item("M-1", "主", sub_name="子二"), item("M-2", "另一主项")]
    report = run(tmp_path, county, editor, rows)

    assert report.errors == []
    assert sorted(imported(county["land"])) == ["M-1", "M-1-01", "M-1-02", "M-2"]


def test_merged_row_of_a_main_item_without_sub_name_is_refused(tmp_path: Path, county: Any, editor: Any) -> None:
    rows = [item("M-1", "主", sub_name="子一"), item(None, None)]
    report = run(tmp_path, county, editor, rows, merges=[("code", 0, 1), ("name", 0, 1)])

    assert report.errors == [RowError(3, "子项名称", "主项下的每一行都须填写子项名称")]
    assert sorted(imported(county["land"])) == ["M-1", "M-1-01"]


def test_main_item_is_not_written_without_any_of_its_sub_items(tmp_path: Path, county: Any, editor: Any) -> None:
    factories.draft(county["land"], editor, code="M-1-01")
    before = counts()

    report = run(tmp_path, county, editor, [item("M-1", "主", sub_name="子一")])

    assert counts() == before
    assert [(e.row, e.field) for e in report.errors] == [(2, "事项编码")]
    assert report.errors[0].message.startswith("事项M-1-01已有草稿的第1版")
    assert report.imported == 0
    assert not PowerItem.objects.filter(code="M-1").exists()


def test_main_item_whose_code_exists_refuses_all_its_rows(tmp_path: Path, county: Any, editor: Any) -> None:
    factories.draft(county["land"], editor, code="M-1")
    rows = [item("M-1", "主", sub_name="子一"), {"sub_name": "子二"}]
    report = run(tmp_path, county, editor, rows, merges=[(k, 0, 1) for k in ("code", "name", "category",
                                                                           "legal_bases", "statutory", "promised")])

    message = "事项M-1已有草稿的第1版（事项名称与本行不同），请待其审结后再导入本行"
    assert report.errors == [RowError(2, "事项编码", message), RowError(3, "事项编码", message)]
    assert PowerItem.objects.filter(code__startswith="M-1").count() == 1


def test_header_is_the_row_with_most_recognised_names_even_below_a_title(
        tmp_path: Path, county: Any, editor: Any) -> None:
    above = [["权力清单"], ["序号", "备注"], [], [], []]
    report = run(tmp_path, county, editor, [item("A-1", "甲")], above=above)

    assert report.errors == []
    assert report.imported == 1


def test_dry_run_reads_and_checks_everything_but_changes_nothing(
        messy: Path, county: dict[str, Any], editor: Any) -> None:
    before = counts()

    report = import_powers(messy, unit=county["land"], author=editor, dry_run=True)

    assert counts() == before
    assert report.dry_run is True
    assert report.imported == 10
    assert report.refused_rows == [11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 22]


def test_importing_the_same_file_again_reports_every_item_unchanged(
        tmp_path: Path, county: dict[str, Any], editor: Any) -> None:
    rows = [item("A-1", "甲"), item("M-1", "主", sub_name="子一"), {"sub_name": "子二"}, item("A-2", "乙")]
    merges = [(k, 1, 2) for k in ("code", "name", "category", "legal_bases", "statutory", "promised")]
    path = sheet(tmp_path / "list.xlsx", SIMPLE, rows, merges)
    first = import_powers(path, unit=county["land"], author=editor)
    before = counts()

    again = import_powers(path, unit=county["land"], author=editor)

    assert (first.imported, first.errors) == (5, [])
    assert (again.imported, again.changed, again.unchanged, again.errors) == (0, 0, 5, [])
    assert counts() == before


def test_file_without_a_recognisable_header_is_refused_as_a_whole(tmp_path: Path, county: Any, editor: Any) -> None:
    path = sheet(tmp_path / "odd.xlsx", (("a", "姓名"), ("b", "电话号码")), [{"a": "张三", "b": "123"}])

    with pytest.raises(ImportFileError, match="未找到表头：前10行中没有可识别的列名"):
        import_powers(path, unit=county["land"], author=editor)


def test_header_without_a_name_column_is_refused_as_a_whole(tmp_path: Path, county: Any, editor: Any) -> None:
    path = sheet(tmp_path / "odd.xlsx", (("code", "权力编码"), ("category", "职权类型")), [{"code": "A-1"}])

    with pytest.raises(ImportFileError, match="第1行的表头缺少“事项名称”列"):
        import_powers(path, unit=county["land"], author=editor)


def test_file_that_is_not_an_xlsx_workbook_is_refused(tmp_path: Path, county: Any, editor: Any) -> None:
    path = tmp_path / "list.xlsx"
    path.write_text("序号,事项编码,事项名称\n1,A-1,甲\n", encoding="utf-8")

    with pytest.raises(ImportFileError, match="无法读取文件，请确认是Excel（.xlsx）文件；旧版.xls"):
        import_powers(path, unit=county["land"], author=editor)


def test_author_without_edit_rights_in_the_unit_is_refused(tmp_path: Path, county: Any, editor: Any) -> None:
    path = sheet(tmp_path / "list.xlsx", SIMPLE, [item("A-1", "甲")])

    with pytest.raises(NotAllowed, match="您没有县财政局的编制权限"):
        import_powers(path, unit=county["finance"], author=editor)
    assert not PowerItem.objects.exists()


def test_file_object_is_read_and_its_given_name_is_the_reason(tmp_path: Path, county: Any, editor: Any) -> None:
    path = sheet(tmp_path / "list.xlsx", SIMPLE, [item("A-1", "甲")])

    with path.open("rb") as handle:
        import_powers(handle, unit=county["land"], author=editor, file_name="上报清单.xlsx")

    assert PowerItemVersion.objects.get().reason == "Excel导入：上报清单.xlsx"
