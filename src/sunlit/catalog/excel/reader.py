"""Reading a clerk's sheet: find its header, read each row with merged cells filled in, and group the
rows of a main item with those of its sub-items."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import openpyxl
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.worksheet import Worksheet

from sunlit.catalog.excel.columns import BY_KEY, as_written, header_key
from sunlit.core.errors import DomainError

HEADER_SCAN_ROWS = 10
REQUIRED_KEYS = ("code", "name")


class ImportFileError(DomainError):
    """The file as a whole cannot be imported (unreadable, no header): nothing was read."""


@dataclass
class Header:
    """The header row: where each recognised column is and how the file spells its header."""

    row: int
    columns: dict[str, int] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    hints: dict[str, str] = field(default_factory=dict)

    def label(self, key: str) -> str:
        """The header as written in the file, or the template's header when the file lacks the column."""
        if key in self.texts:
            return self.texts[key]
        return BY_KEY[key].header if key in BY_KEY else key

    def position(self, key: str) -> int:
        return self.columns.get(key, 10_000)


@dataclass
class SheetRow:
    """One data row: `values` by column key (merged cells filled in), and for the code and name
    columns the rows their vertical merge spans."""

    number: int
    values: dict[str, str]
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)

    def get(self, key: str) -> str:
        return self.values.get(key, "")


def load_book(file: IO[bytes] | str | Path) -> Workbook:
    try:
        # data_only: clerks number rows with formulas (=ROW()-2); we want the values Excel shows.
        return openpyxl.load_workbook(file, data_only=True)
    except FileNotFoundError:
        raise ImportFileError(f"找不到文件：{file}", field="file") from None
    except Exception:  # openpyxl raises many kinds of error for a file that is not xlsx
        raise ImportFileError("无法读取文件，请确认是Excel（.xlsx）文件；旧版.xls文件请先在Excel中另存为.xlsx",
                              field="file") from None


def find_header(book: Workbook) -> tuple[Worksheet, Header]:
    """The first sheet with a header row among its first rows, and that header."""
    for ws in book.worksheets:
        if isinstance(ws, Worksheet):
            header = _header_of(ws)
            if header is not None:
                _require_columns(ws, header)
                return ws, header
    raise ImportFileError(
        f"未找到表头：前{HEADER_SCAN_ROWS}行中没有可识别的列名（应有“事项编码”“事项名称”“权力类型”等列）",
        field="file",
    )


def _header_of(ws: Worksheet) -> Header | None:
    """The row among the first ones that holds the most recognised headers (a title may stand above)."""
    best: Header | None = None
    rows = ws.iter_rows(min_row=1, max_row=HEADER_SCAN_ROWS, values_only=True)
    for number, cells in enumerate(rows, start=1):
        header = Header(row=number)
        for col, value in enumerate(cells, start=1):
            key, hint = header_key(value)
            if key is None or key in header.columns:
                continue  # a second column with the same meaning is ignored: the first one wins
            header.columns[key], header.texts[key] = col, as_written(value)
            if hint:
                header.hints[key] = hint
        if len(header.columns) >= 2 and (best is None or len(header.columns) > len(best.columns)):
            best = header
    return best


def _require_columns(ws: Worksheet, header: Header) -> None:
    missing = [BY_KEY[key].header for key in REQUIRED_KEYS if key not in header.columns]
    if missing:
        names = "、".join(f"“{m}”" for m in missing)
        raise ImportFileError(f"工作表「{ws.title}」第{header.row}行的表头缺少{names}列", field="file")


def cell_text(value: Any) -> str:
    """A cell as text: whole numbers without '.0', dates as YYYY-MM-DD, line breaks as \\n."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, dt.datetime):
        value = value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return ""
    # Only ASCII blanks are trimmed: a leading full-width space is the indent of Chinese text.
    return text.strip(" \t\n\xa0")


def read_rows(ws: Worksheet, header: Header) -> list[SheetRow]:
    merged = _merged_cells(ws, header.row)
    rows: list[SheetRow] = []
    data = ws.iter_rows(min_row=header.row + 1, values_only=True)
    for number, cells in enumerate(data, start=header.row + 1):
        row = SheetRow(number=number, values={})
        for key, col in header.columns.items():
            value = cells[col - 1] if col <= len(cells) else None
            if (number, col) in merged:
                value, rng = merged[(number, col)]
                if key in REQUIRED_KEYS and rng.max_row > rng.min_row:
                    row.spans[key] = (rng.min_row, rng.max_row)
            row.values[key] = cell_text(value)
        if not _is_note_or_blank(row, header, merged):
            rows.append(row)
    return rows


def _merged_cells(ws: Worksheet, header_row: int) -> dict[tuple[int, int], tuple[Any, CellRange]]:
    """Every cell of a merged range below the header → (the range's value, the range)."""
    cells: dict[tuple[int, int], tuple[Any, CellRange]] = {}
    for rng in ws.merged_cells.ranges:
        if rng.max_row <= header_row:
            continue
        value = ws.cell(rng.min_row, rng.min_col).value
        for r in range(max(rng.min_row, header_row + 1), rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                cells[(r, c)] = (value, rng)
    return cells


def _is_note_or_blank(row: SheetRow, header: Header, merged: dict[tuple[int, int], tuple[Any, CellRange]]) -> bool:
    """Rows that are not items: empty ones (a numbered template keeps only 序号), a repeated header,
    and notes (填表说明): one cell merged across the code and name columns, nothing outside it."""
    if not any(v for k, v in row.values.items() if k != "seq"):
        return True
    if header_key(row.get("name"))[0] == "name" and header_key(row.get("code"))[0] == "code":
        return True
    code_cell, name_cell = (row.number, header.columns["code"]), (row.number, header.columns["name"])
    if code_cell not in merged or name_cell not in merged or merged[code_cell][1] is not merged[name_cell][1]:
        return False
    rng = merged[code_cell][1]
    return not any(value for key, value in row.values.items()
                   if not rng.min_col <= header.columns[key] <= rng.max_col)


def group_blocks(rows: list[SheetRow]) -> list[list[SheetRow]]:
    """Consecutive rows of one main item: its code or name cell is merged down across them, or they
    repeat its code and name and each names a sub-item. Every other row is a block of its own."""
    blocks: list[list[SheetRow]] = []
    for row in rows:
        if blocks and _same_main(blocks[-1][0], row):
            blocks[-1].append(row)
        else:
            blocks.append([row])
    return blocks


def _same_main(first: SheetRow, row: SheetRow) -> bool:
    for key in REQUIRED_KEYS:
        span = first.spans.get(key)
        if span is not None and row.spans.get(key) == span:
            return True
    return bool(
        first.get("sub_name") and row.get("sub_name") and first.get("code")
        and (first.get("code"), first.get("name")) == (row.get("code"), row.get("name"))
    )
