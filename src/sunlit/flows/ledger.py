"""风险台账 as an Excel sheet: the columns programmes file it in, one row per risk point."""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from sunlit.flows.models import RiskPoint
from sunlit.org.models import Unit

COLUMNS = (("序号", 6), ("风险等级", 9), ("职权事项", 28), ("流程环节", 16), ("岗位", 18), ("风险描述", 40),
           ("防控措施", 40), ("责任人", 14), ("下次评估日期", 14))


def ledger_workbook(unit: Unit, risks: Iterable[RiskPoint], *, title_note: str = "") -> Workbook:
    """The risk ledger of `unit` (rows as given, already filtered and ordered by the caller)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "风险台账"
    sheet.append([f"{unit.name}廉能风险台账{title_note}"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([name for name, _ in COLUMNS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for n, risk in enumerate(risks, start=1):
        item = risk.item.published_version.name if risk.item and risk.item.published_version else ""
        sheet.append([n, risk.get_level_display(), item, risk.step.name if risk.step else "",
                      risk.post.name if risk.post else "", risk.description, risk.measures or "（尚未制定）",
                      risk.owner, risk.next_review])
    for i, (_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(row=2, column=i).column_letter].width = width
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        row[8].number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A3"
    sheet.page_setup.orientation = "landscape"
    sheet.print_title_rows = "2:2"
    return book
