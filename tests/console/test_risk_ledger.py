"""The risk ledger page (风险台账) and its Excel export, for staff of the unit only."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
from django.test import Client

from sunlit.flows import risks
from sunlit.org.models import Post, Unit
from tests import factories


def _ledger(county: dict[str, Unit], editor: Any) -> None:
    land = county["land"]
    review = Post.objects.create(unit=land, name="审批岗")
    risks.risk_point_create(unit=land, post=review, level="high", description="违规审批", owner="张三",
                            next_review=dt.date(2026, 6, 1), internal_note="内部线索", actor=editor)
    risks.risk_point_create(unit=land, post=review, level="low", description="归档不及时", owner="李四",
                            measures="每月检查", actor=editor)


def test_the_ledger_lists_the_units_risks_with_filters(county: dict[str, Unit], editor: Any) -> None:
    _ledger(county, editor)
    client = Client()
    client.force_login(editor)

    page = client.get("/console/risks/", {"unit": "YD-ZRZY"}).content.decode()
    overdue = client.get("/console/risks/", {"unit": "YD-ZRZY", "overdue": "1"}).content.decode()

    assert "县自然资源局" in page and "违规审批" in page and "归档不及时" in page
    assert "尚未制定" in page and "内部备注：内部线索" in page
    assert "违规审批" in overdue and "归档不及时" not in overdue


def test_the_export_is_a_sheet_in_the_usual_columns(county: dict[str, Unit], editor: Any) -> None:
    _ledger(county, editor)
    client = Client()
    client.force_login(editor)

    response = client.get("/console/risks/export/", {"unit": "YD-ZRZY", "level": "high"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active  # type: ignore[attr-defined]

    assert sheet is not None
    assert sheet["A1"].value.startswith("县自然资源局廉能风险台账")
    assert [c.value for c in sheet[2]][:8] == ["序号", "风险等级", "职权事项", "流程环节", "岗位", "风险描述", "防控措施",
                                               "责任人"]
    assert [c.value for c in sheet[3]][:8] == [1, "高", None, None, "审批岗", "违规审批", "（尚未制定）", "张三"]
    assert sheet.max_row == 3


def test_staff_of_another_unit_see_none_of_it(county: dict[str, Unit], editor: Any) -> None:
    _ledger(county, editor)
    outsider = factories.staff("outsider", county["finance"], "editor")
    client = Client()
    client.force_login(outsider)

    page = client.get("/console/risks/", {"unit": "YD-ZRZY"}).content.decode()

    assert "违规审批" not in page and "单位不存在或您无权查看" in page and "县财政局" in page
    assert client.get("/console/risks/export/", {"unit": "YD-ZRZY"}).status_code == 404
    assert "县财政局" in client.get("/console/risks/").content.decode()  # their own unit by default
