"""Export a unit's power list to the provincial template, ready to print and file, and to import back.

By default the published list: each item with its approved, published version (what the public sees,
internal items with their 公开范围). `working`: each item with its newest version, whatever its state, and a
状态 column in the model's words (草稿, 待审核, 已退回, 已批准), for clerks checking their working list.
Cancelled items only `with_cancelled` (状态 已取消). An import ignores the 状态 column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db.models import OuterRef, Prefetch, Subquery
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from sunlit.catalog.excel.columns import COLUMNS, STATUS_COLUMN, TEXT_FIELDS, UNIT_COLUMN, Column
from sunlit.catalog.models import Category, LegalBasis, PowerItem, PowerItemVersion
from sunlit.catalog.rules import format_legal_bases
from sunlit.core import clock
from sunlit.core.timelimits import format_limit
from sunlit.core.visibility import Audience, Exemption
from sunlit.org.models import Unit

TITLE_ROW, HEADER_ROW, FIRST_DATA_ROW = 1, 2, 3
SHEET_TITLE = "权力清单"
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_WRAP_CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
_MERGED_KEYS = frozenset({"unit", "seq", "code", "name"})


@dataclass
class _Entry:
    item: PowerItem
    version: PowerItemVersion
    subs: list[_Entry] = field(default_factory=list)


@dataclass(frozen=True)
class Selection:
    """Which items and versions an export holds (see the module docstring)."""

    include_sub_units: bool = False
    working: bool = False
    with_cancelled: bool = False

    @property
    def with_status(self) -> bool:
        return self.working or self.with_cancelled


def export_powers(*, unit: Unit, include_sub_units: bool = False, working: bool = False,
                  with_cancelled: bool = False) -> Workbook:
    """The power list of `unit` (and, if asked, of the units below it) as a workbook."""
    return _build(unit, Selection(include_sub_units, working, with_cancelled))[0]


def write_powers(target: str | Path | IO[bytes], *, unit: Unit, include_sub_units: bool = False,
                 working: bool = False, with_cancelled: bool = False) -> int:
    """Write the export to a path or a binary file object; returns how many items it holds."""
    book, count = _build(unit, Selection(include_sub_units, working, with_cancelled))
    book.save(target)
    return count


def _build(unit: Unit, selection: Selection) -> tuple[Workbook, int]:
    columns = (UNIT_COLUMN, *COLUMNS) if selection.include_sub_units else COLUMNS
    if selection.with_status:
        columns = (*columns, STATUS_COLUMN)
    book = Workbook()
    ws = book.active
    assert isinstance(ws, Worksheet)
    ws.title = SHEET_TITLE
    _write_title(ws, unit, len(columns), selection)
    _write_header(ws, columns)
    row, count = FIRST_DATA_ROW, 0
    for seq, entry in enumerate(_groups(unit, selection), start=1):
        row = _write_group(ws, columns, seq, entry, row)
        count += 1 + len(entry.subs)
    _set_up_page(ws, columns)
    return book, count


def _versions(unit: Unit, selection: Selection) -> list[_Entry]:
    items = PowerItem.objects.select_related("unit")
    items = items.filter(unit__path__startswith=unit.path) if selection.include_sub_units else items.filter(unit=unit)
    newest = PowerItemVersion.objects.filter(item=OuterRef("pk")).order_by("-number").values("pk")[:1]
    items = items.annotate(newest_pk=Subquery(newest)).filter(newest_pk__isnull=False)
    if not selection.with_cancelled:
        items = items.filter(is_cancelled=False)
    by_item = {item.pk: item for item in items}
    chosen = [item.newest_pk if selection.working or item.is_cancelled else item.published_version_id
              for item in by_item.values()]
    versions = PowerItemVersion.objects.filter(pk__in=[pk for pk in chosen if pk]).select_related(
        "handling_post", "responsible_leader").prefetch_related(
        Prefetch("legal_bases", queryset=LegalBasis.objects.order_by("position")))
    return [_Entry(by_item[v.item_id], v) for v in versions]


def _groups(unit: Unit, selection: Selection) -> list[_Entry]:
    """Top-level items in order, each with its sub-items. A sub-item whose main item is not exported
    (cancelled, unpublished, or itself a sub-item) is written as an item of its own."""
    entries = {e.item.pk: e for e in _versions(unit, selection)}
    tops = []
    for entry in entries.values():
        parent = entries.get(entry.item.parent_id) if entry.item.parent_id else None
        if parent is not None and parent.item.parent_id is None:
            parent.subs.append(entry)
        else:
            tops.append(entry)
    for entry in tops:
        entry.subs.sort(key=lambda e: e.item.code)
    return sorted(tops, key=lambda e: (e.item.unit.path, e.item.code))


def status_label(item: PowerItem, version: PowerItemVersion) -> str:
    return "已取消" if item.is_cancelled else str(version.get_status_display())


def _content_cells(item: PowerItem, version: PowerItemVersion) -> dict[str, Any]:
    cells: dict[str, Any] = {name: getattr(version, name) for name in TEXT_FIELDS}
    cells["handling_post"] = version.handling_post.name if version.handling_post else ""
    cells["responsible_leader"] = version.responsible_leader.name if version.responsible_leader else ""
    cells["status"] = status_label(item, version)
    cells["category"] = dict(Category.choices).get(version.category, version.category)
    cells["legal_bases"] = format_legal_bases(
        [{"law": b.law, "article": b.article, "excerpt": b.excerpt} for b in version.legal_bases.all()])
    cells["statutory_limit"] = format_limit(version.statutory_limit, version.statutory_limit_unit)
    cells["promised_limit"] = format_limit(version.promised_limit, version.promised_limit_unit)
    cells["audience"] = dict(Audience.choices).get(version.audience, version.audience)
    cells["exemption"] = dict(Exemption.choices).get(version.exemption, version.exemption)
    return cells


def _write_group(ws: Worksheet, columns: tuple[Column, ...], seq: int, entry: _Entry, row: int) -> int:
    """Write an item (one row) or a main item (one row per sub-item, its identity merged down)."""
    identity = {"unit": entry.item.unit.name, "seq": seq, "code": entry.item.code, "name": entry.version.name}
    if not entry.subs:
        _write_row(ws, columns, row, {**identity, **_content_cells(entry.item, entry.version)})
        return row + 1
    for i, sub in enumerate(entry.subs):
        cells = {"sub_code": sub.item.code, "sub_name": sub.version.name, **_content_cells(sub.item, sub.version)}
        _write_row(ws, columns, row + i, {**identity, **cells})
    last = row + len(entry.subs) - 1
    if last > row:
        for col, column in enumerate(columns, start=1):
            if column.key in _MERGED_KEYS:
                ws.merge_cells(start_row=row, start_column=col, end_row=last, end_column=col)
                ws.cell(row, col).alignment = _WRAP_CENTER
    return last + 1


def _write_row(ws: Worksheet, columns: tuple[Column, ...], row: int, cells: dict[str, Any]) -> None:
    for col, column in enumerate(columns, start=1):
        value = cells.get(column.key)
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value) or None
        cell = ws.cell(row, col, value)
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"  # text a clerk typed, never a formula Excel would run
        cell.alignment = _WRAP_CENTER if column.key in _MERGED_KEYS else _WRAP_TOP
        cell.border = _BORDER


def _write_title(ws: Worksheet, unit: Unit, width: int, selection: Selection) -> None:
    today = clock.today()
    on = f"{today.year}年{today.month}月{today.day}日"
    title = (f"{unit.name}权力清单工作稿（截至{on}，含未审核的版本）" if selection.working
             else f"{unit.name}权力清单（截至{on}已批准发布的版本）")
    ws.cell(TITLE_ROW, 1, title)
    ws.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=width)
    ws.cell(TITLE_ROW, 1).font = Font(bold=True, size=16)
    ws.cell(TITLE_ROW, 1).alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[TITLE_ROW].height = 32


def _write_header(ws: Worksheet, columns: tuple[Column, ...]) -> None:
    fill = PatternFill("solid", fgColor="D9E1F2")
    for col, column in enumerate(columns, start=1):
        cell = ws.cell(HEADER_ROW, col, column.header)
        cell.font, cell.alignment, cell.border, cell.fill = Font(bold=True), _WRAP_CENTER, _BORDER, fill
        ws.column_dimensions[get_column_letter(col)].width = column.width
    ws.row_dimensions[HEADER_ROW].height = 30


def _set_up_page(ws: Worksheet, columns: tuple[Column, ...]) -> None:
    """Frozen header and identity columns on screen; on paper A3 landscape, one page wide, the title
    and header repeated on every page."""
    name_col = next(i for i, c in enumerate(columns, start=1) if c.key == "name")
    ws.freeze_panes = f"{get_column_letter(name_col + 1)}{FIRST_DATA_ROW}"
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A3
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{TITLE_ROW}:{HEADER_ROW}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
