"""Exporting the power list to the provincial template, and reading the export back unchanged."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from sunlit.catalog import services
from sunlit.catalog.excel import export_powers, import_powers, importer_user, write_powers
from sunlit.catalog.excel.columns import BY_KEY, COLUMNS
from sunlit.catalog.models import CONTENT_FIELDS, Category, PowerItem, PowerItemVersion
from sunlit.core.visibility import Audience
from sunlit.org.models import Official, Post, UnitKind
from tests import factories

LAND_BASES = [
    {"law": "中华人民共和国土地管理法", "article": "第六十二条",
     "excerpt": "农村村民一户只能拥有一处宅基地，其宅基地的面积不得超过省、自治区、直辖市规定的标准。\n"
                "农村村民建住宅，应当符合乡（镇）土地利用总体规划、村庄规划：\n1.不得占用永久基本农田；"},
    {"law": "江西省实施〈中华人民共和国土地管理法〉办法（试行）", "article": "第四十八条第（二）项",
     "excerpt": ""},
    {"law": "中华人民共和国行政许可法", "article": "", "excerpt": "第二十九条规定的申请，应当如实提交材料。"},
]
PLANNING_BASIS = [{"law": "中华人民共和国城乡规划法", "article": "第{n}条", "excerpt": "依法核发许可证。"}]



def create(unit: Any, author: Any, code: str, parent: PowerItem | None = None,
           bases: list[dict[str, str]] | None = None, **content: Any) -> PowerItem:
    bases = factories.LICENSING_BASIS if bases is None else bases
    version = services.power_item_create(unit=unit, code=code, content=factories.content(**content),
                                         legal_bases=bases, reason="新增事项", author=author, parent=parent)
    return version.item


def planning(n: str) -> list[dict[str, str]]:
    return [{**PLANNING_BASIS[0], "article": f"第{n}条"}]


def working_list(unit: Any, author: Any) -> list[PowerItem]:
    """Every kind of content the template must carry."""
    land = create(
        unit, author, "0101", bases=LAND_BASES, name="农村村民住宅建设审批（“一户一宅”）",
        conditions="（一）申请人为本集体经济组织成员；\n（二）符合国土空间规划。",
        materials="1.农村宅基地和建房（规划许可）申请表\n2.身份证明", fees="住宅类每件80元\n非住宅类每件550元",
        fee_basis="《国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知》（发改价格规〔2016〕2559号）",
        service_commitment="一次告知，限时办结", responsibilities="1.受理责任：公示应当提交的材料。\n2.审查责任。",
        accountability="对符合条件的申请不予受理的；\n超过法定时限作出决定的。", remarks="=见附件一",
        handling_office="耕地保护股", implementing_body="县自然资源局", audience=Audience.INTERNAL,
        complaint_phone="0797-1234567\n12345",
    )
    penalty = create(unit, author, "CF-001", category=Category.PENALTY, name="对非法占用土地的处罚",
                     statutory_limit=60, statutory_limit_unit="calendar", promised_limit=30,
                     promised_limit_unit="calendar")
    spot = create(unit, author, "QR-001", category=Category.CONFIRMATION, name="土地权属证明",
                  statutory_limit=0, promised_limit=0)
    decision = create(unit, author, "JC-001", bases=[], category=Category.MAJOR_DECISION, name="局党组集体决策",
                      statutory_limit=None, promised_limit=None, complaint_phone="")
    # A main item's content is what its sub-items share, and all their legal bases (the import's rule).
    shared = {"category": Category.LICENSING, "implementing_body": "县自然资源局", "handling_office": "规划股",
              "complaint_phone": "0797-7654321"}
    main = create(unit, author, "XK-002", bases=planning("三十六") + planning("四十"), name="建设工程规划许可",
                  statutory_limit=None, promised_limit=None, **shared)
    subs = [
        create(unit, author, "XK-002-01", main, planning("三十六"), name="选址意见书核发", **shared),
        create(unit, author, "XK-002-02", main, planning("四十"), name="建设工程规划许可证核发",
               statutory_limit=15, promised_limit=5, **shared),
    ]
    return [land, penalty, spot, decision, main, *subs]


def snapshot(item: PowerItem) -> dict[str, Any]:
    return item.versions.order_by("-number").first().snapshot()  # type: ignore[union-attr]


def read(path: Path | io.BytesIO) -> Worksheet:
    ws = openpyxl.load_workbook(path).active
    assert isinstance(ws, Worksheet)
    return ws


def test_export_then_import_into_an_empty_unit_gives_back_the_same_content(
        tmp_path: Path, county: dict[str, Any], editor: Any) -> None:
    originals = working_list(county["land"], editor)
    path = tmp_path / "export.xlsx"
    write_powers(path, unit=county["land"], working=True)
    empty = factories.unit("YD-NEW", "县新设局", parent=county["gov"])

    report = import_powers(path, unit=empty, author=importer_user(empty))

    assert (report.imported, report.errors) == (len(originals), [])
    copies = {i.code: i for i in PowerItem.objects.filter(unit=empty).select_related("parent")}
    assert sorted(copies) == sorted(i.code for i in originals)
    for original in originals:
        copy = copies[original.code]
        assert snapshot(copy) == snapshot(original), original.code
        assert (copy.parent.code if copy.parent else None) == (original.parent.code if original.parent else None)


def test_every_content_field_has_a_column() -> None:
    covered = {c.key for c in COLUMNS} | {"statutory_limit_unit", "promised_limit_unit"}
    assert set(CONTENT_FIELDS) <= covered


def test_export_has_a_dated_title_and_the_template_header(county: dict[str, Any], editor: Any) -> None:
    create(county["land"], editor, "XK-001")

    ws = export_powers(unit=county["land"], working=True).active
    assert isinstance(ws, Worksheet)

    assert ws["A1"].value == "县自然资源局权力清单工作稿（截至2026年11月24日，含未审核的版本）"
    assert [c.value for c in ws[2]][:22] == [
        "序号", "事项编码", "事项名称", "子项编码", "子项名称", "权力类型", "设定依据", "实施主体", "承办机构", "承办岗位",
        "责任领导", "受理条件", "申请材料", "法定时限", "承诺时限", "收费标准", "收费依据", "服务承诺", "责任事项",
        "追责情形", "监督电话", "备注"]
    assert [c.value for c in ws[2]][22:] == ["公开范围", "豁免情形", "状态"]
    assert all(c.font.b for c in ws[2])
    assert [c.value for c in ws[3]][:8] == [1, "XK-001", "农村村民住宅建设审批", None, None, "行政许可",
                                            "《中华人民共和国行政许可法》第二十九条：公民、法人或者其他组织从事特定活动，"
                                            "依法需要取得行政许可的，应当向行政机关提出申请。", "县自然资源局"]
    assert (ws["N3"].value, ws["O3"].value, ws["Y3"].value) == ("20个工作日", "10个工作日", "草稿")


def test_export_is_set_up_to_print_and_to_read_on_screen(tmp_path: Path, county: dict[str, Any], editor: Any) -> None:
    create(county["land"], editor, "XK-001")
    write_powers(tmp_path / "list.xlsx", unit=county["land"], working=True)

    ws = read(tmp_path / "list.xlsx")

    assert ws.freeze_panes == "D3"
    assert ws.page_setup.orientation == "landscape"
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.print_title_rows == "$1:$2"
    assert ws["G3"].alignment.wrap_text is True
    assert ws.column_dimensions["G"].width == BY_KEY["legal_bases"].width


def test_main_item_is_one_row_per_sub_item_with_its_identity_merged(
        county: dict[str, Any], editor: Any) -> None:
    create(county["land"], editor, "A-001")
    main = create(county["land"], editor, "XK-002", name="建设工程规划许可")
    create(county["land"], editor, "XK-002-02", main, name="许可证核发")
    create(county["land"], editor, "XK-002-01", main, name="选址意见书核发")

    ws = export_powers(unit=county["land"], working=True).active
    assert isinstance(ws, Worksheet)

    assert {str(r) for r in ws.merged_cells.ranges} == {"A1:Y1", "A4:A5", "B4:B5", "C4:C5"}
    assert [[c.value for c in row][:5] for row in ws.iter_rows(min_row=3)] == [
        [1, "A-001", "农村村民住宅建设审批", None, None],
        [2, "XK-002", "建设工程规划许可", "XK-002-01", "选址意见书核发"],
        [None, None, None, "XK-002-02", "许可证核发"],
    ]


MARKER = "未审核标记XYZ"


def every_state(county: dict[str, Any], editor: Any, reviewer: Any) -> None:
    """A-1 published with a pending change; A-2 cancelled; A-3 a draft; A-4 rejected; all but A-1's published
    name carry the planted marker, which the published list must never hold."""
    published = factories.published(county["land"], editor, reviewer, code="A-1", name="旧名称")
    services.power_version_draft(item=published.item, content=factories.content(name=f"新名称{MARKER}"),
                                 legal_bases=factories.LICENSING_BASIS, reason="更名", author=editor, submit=True)
    gone = factories.published(county["land"], editor, reviewer, code="A-2", name="取消的事项")
    cancel = services.power_item_cancel(item=gone.item, reason="取消", author=editor)
    services.power_version_approve(version=cancel, reviewer=reviewer)
    factories.draft(county["land"], editor, code="A-3", name=f"草稿{MARKER}")
    refused = services.power_version_submit(version=factories.draft(county["land"], editor, code="A-4",
                                                                    name=f"退回{MARKER}"), actor=editor)
    services.power_version_reject(version=refused, reviewer=reviewer, comment="依据不全")


def rows(ws: Any, *columns: int) -> list[tuple[Any, ...]]:
    return [tuple(r[c] for c in columns) for r in ws.iter_rows(min_row=3, values_only=True)]


def test_the_default_export_is_the_published_list_and_holds_nothing_unapproved(
        county: dict[str, Any], editor: Any, reviewer: Any) -> None:
    every_state(county, editor, reviewer)

    ws = export_powers(unit=county["land"]).active

    assert ws["A1"].value == "县自然资源局权力清单（截至2026年11月24日已批准发布的版本）"
    assert rows(ws, 1, 2) == [("A-1", "旧名称")]
    assert "状态" not in [c.value for c in ws[2]]
    assert not [c for row in ws.iter_rows(values_only=True) for c in row if MARKER in str(c or "")]


def test_the_working_export_has_each_newest_version_with_its_status_in_the_models_words(
        county: dict[str, Any], editor: Any, reviewer: Any) -> None:
    every_state(county, editor, reviewer)

    ws = export_powers(unit=county["land"], working=True).active
    with_cancelled = export_powers(unit=county["land"], working=True, with_cancelled=True).active

    assert rows(ws, 1, 2, 24) == [("A-1", f"新名称{MARKER}", "待审核"), ("A-3", f"草稿{MARKER}", "草稿"),
                                  ("A-4", f"退回{MARKER}", "已退回")]
    assert ("A-2", "取消的事项", "已取消") in rows(with_cancelled, 1, 2, 24)
    assert rows(export_powers(unit=county["land"], with_cancelled=True).active, 1, 2, 24) == [
        ("A-1", "旧名称", "已批准"), ("A-2", "取消的事项", "已取消")]


def test_export_of_sub_units_names_the_unit_of_each_item(county: dict[str, Any], editor: Any) -> None:
    town_clerk = factories.staff("clerk", county["gov"], factories.Role.EDITOR)
    create(county["town"], town_clerk, "GJ-1", name="镇事项")
    create(county["village"], town_clerk, "CX-1", name="村事项")
    create(county["land"], town_clerk, "ZR-1", name="局事项")

    ws = export_powers(unit=county["town"], include_sub_units=True, working=True).active
    assert isinstance(ws, Worksheet)

    assert ws["A2"].value == "实施单位"
    assert [r[:4] for r in ws.iter_rows(min_row=3, values_only=True)] == [
        ("贡江镇", 1, "GJ-1", "镇事项"), ("长新村", 2, "CX-1", "村事项")]


def test_text_that_starts_with_equals_is_written_as_text_not_as_a_formula(
        tmp_path: Path, county: dict[str, Any], editor: Any) -> None:
    create(county["land"], editor, "A-1", remarks="=HYPERLINK(\"http://example.com\")")
    buffer = io.BytesIO()
    write_powers(buffer, unit=county["land"], working=True)
    buffer.seek(0)

    ws = read(buffer)

    assert ws["V3"].data_type == "s"
    assert ws["V3"].value == "=HYPERLINK(\"http://example.com\")"


def test_post_and_leader_are_exported_by_name_and_read_back_in_the_unit(
        tmp_path: Path, county: dict[str, Any], editor: Any) -> None:
    post = Post.objects.create(unit=county["land"], name="审批岗")
    leader = Official.objects.create(name="刘建国", unit=county["land"], title="副局长")
    create(county["land"], editor, "A-1", handling_post=post.pk, responsible_leader=leader.pk)
    path = tmp_path / "list.xlsx"
    write_powers(path, unit=county["land"], working=True)
    ws = read(path)
    assert (ws["J3"].value, ws["K3"].value) == ("审批岗", "刘建国")
    ws["B3"], ws["J3"] = "A-2", "不存在的岗"
    ws.parent.save(path)

    report = import_powers(path, unit=county["land"], author=editor)

    assert [(e.row, e.field, e.message) for e in report.errors] == [
        (3, "承办岗位", "承办岗位「不存在的岗」不是县自然资源局的岗位")]
    ws["J3"] = "审批岗"
    ws.parent.save(path)
    import_powers(path, unit=county["land"], author=editor)
    copy = PowerItemVersion.objects.get(item__code="A-2")
    assert (copy.handling_post, copy.responsible_leader) == (post, leader)


def test_export_of_a_unit_without_items_is_the_bare_template(county: dict[str, Any]) -> None:
    empty = factories.unit("YD-EMPTY", "县空局", UnitKind.DEPARTMENT, parent=county["gov"])

    ws = export_powers(unit=empty).active
    assert isinstance(ws, Worksheet)

    assert ws.max_row == 2
