"""Reading a clerk's sheet: find its header, read each row with merged cells filled in, and group the
rows of a main item with those of its sub-items.

The file passes the guard's limits first (guard.inspect), then openpyxl opens it read-only: rows are
streamed, nothing is expanded, and the merged ranges come from the guard's scan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import openpyxl
from openpyxl.chartsheet import Chartsheet
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from sunlit.catalog.excel import guard
from sunlit.catalog.excel.columns import BY_KEY, as_written, header_key
from sunlit.catalog.excel.guard import UNREADABLE, Area, ImportFileError

HEADER_SCAN_ROWS = 10
REQUIRED_KEYS = ("code", "name")


@dataclass
class Header:
    """The header row: where each recognised column is and how the file spells its header."""

    row: int
    columns: dict[str, int] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    hints: dict[str, str] = field(default_factory=dict)
    found: list[str] = field(default_factory=list)  # every header cell of the row, as written

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


@dataclass
class Sheet:
    """The sheet an import reads: its title, its header, and its data rows."""

    title: str
    header: Header
    rows: list[SheetRow]


def read_sheet(file: IO[bytes] | str | Path, mapping: Mapping[str, str] | None = None) -> Sheet:
    """The first sheet with a header, read: refused (ImportFileError) when the file is beyond a limit
    of the guard, unreadable, or has no header. `mapping`: headers as the file writes them → column keys,
    for headers no synonym names (`import-powers --column`)."""
    inspection = guard.inspect(file)
    book = load_book(file)
    try:
        ws, header = find_header(book, mapping)
        # openpyxl keeps the sheet's part name privately; the guard's scan is keyed by the same name
        merges = inspection.merges.get(getattr(ws, "_worksheet_path", ""), ())
        return Sheet(ws.title, header, read_rows(ws, header, merges))
    except ImportFileError:
        raise
    except Exception:  # read-only openpyxl parses each sheet as it is read, and fails there
        raise ImportFileError(UNREADABLE, field="file") from None
    finally:
        book.close()


def check_workbook(file: IO[bytes] | str | Path, mapping: Mapping[str, str] | None = None) -> Header:
    """Refuse `file` (ImportFileError) as read_sheet would, reading only its header: before an import is
    queued, so that a file that cannot be imported is refused at once and nothing is kept of it."""
    guard.inspect(file)
    book = load_book(file)
    try:
        return find_header(book, mapping)[1]
    except ImportFileError:
        raise
    except Exception:
        raise ImportFileError(UNREADABLE, field="file") from None
    finally:
        book.close()
        if not isinstance(file, str | Path):
            file.seek(0)


def load_book(file: IO[bytes] | str | Path) -> Workbook:
    """Open a workbook the guard has passed. Read-only: openpyxl streams each sheet and expands no
    merged cell; data_only: clerks number rows with formulas (=ROW()-2), we want the values Excel shows;
    no links: nothing outside the file is read."""
    try:
        return openpyxl.load_workbook(file, read_only=True, data_only=True, keep_links=False)
    except FileNotFoundError:
        raise ImportFileError(f"找不到文件：{file}", field="file") from None
    except Exception:  # openpyxl raises many kinds of error for a file that is not xlsx
        raise ImportFileError(UNREADABLE, field="file") from None


def find_header(book: Workbook, mapping: Mapping[str, str] | None = None) -> tuple[ReadOnlyWorksheet, Header]:
    """The first sheet with a header row among its first rows, and that header."""
    seen: list[str] = []
    for ws in book.worksheets:
        if not isinstance(ws, Chartsheet):
            # the dimension a file declares is not trusted: it can cut rows off or add millions
            ws.reset_dimensions()
            header, fullest = _header_of(ws, mapping)
            if header is not None:
                _require_columns(ws, header)
                return ws, header
            seen = seen or fullest
    found = f"表头行可能是：{_quoted(seen)}；" if seen else ""
    raise ImportFileError(
        f"未找到表头：前{HEADER_SCAN_ROWS}行中没有可识别的列名（应有“事项编码”“事项名称”“权力类型”等列）。"
        f"{found}其他表头可用 --column 来源表头=目标列 指定",
        field="file",
    )


def _quoted(headers: list[str]) -> str:
    shown = "、".join(f"“{h[:30]}”" for h in headers[:40])
    return shown + (f"等{len(headers)}列" if len(headers) > 40 else "")


def _header_of(ws: ReadOnlyWorksheet, mapping: Mapping[str, str] | None) -> tuple[Header | None, list[str]]:
    """The row among the first ones that holds the most recognised headers (a title may stand above), and
    the texts of the fullest of those rows (to show when none is a header)."""
    best: Header | None = None
    fullest: list[str] = []
    rows = ws.iter_rows(min_row=1, max_row=HEADER_SCAN_ROWS, values_only=True)
    for number, cells in enumerate(rows, start=1):
        header = Header(row=number, found=[as_written(v) for v in cells if as_written(v)])
        fullest = header.found if len(header.found) > len(fullest) else fullest
        for col, value in enumerate(cells, start=1):
            key, hint = header_key(value, mapping)
            if key is None or key in header.columns:
                continue  # a second column with the same meaning is ignored: the first one wins
            header.columns[key], header.texts[key] = col, as_written(value)
            if hint:
                header.hints[key] = hint
        if len(header.columns) >= 2 and (best is None or len(header.columns) > len(best.columns)):
            best = header
    return best, fullest


def _require_columns(ws: ReadOnlyWorksheet, header: Header) -> None:
    missing = [BY_KEY[key].header for key in REQUIRED_KEYS if key not in header.columns]
    if missing:
        names = "、".join(f"“{m}”" for m in missing)
        raise ImportFileError(
            f"工作表「{ws.title}」第{header.row}行的表头缺少{names}列。该行的表头为：{_quoted(header.found)}。"
            f"如某列即是{names}，请用 --column 来源表头=目标列 指定（如 --column 权力项目代码=事项编码）",
            field="file")


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


def read_rows(ws: ReadOnlyWorksheet, header: Header, merges: tuple[Area, ...] = ()) -> list[SheetRow]:
    """The data rows below the header, in one pass from the first row, so that a merged range takes the
    value of its first cell wherever that is. Only the header's columns are read."""
    merged = _merged_cells(merges, header)
    # A range covering a header column starts at or left of it: its first cell is within `width`.
    anchors = {(area.min_row, area.min_col) for area in merged.values()}
    values: dict[tuple[int, int], Any] = {}
    rows: list[SheetRow] = []
    width = max(header.columns.values())
    for number, cells in enumerate(ws.iter_rows(min_row=1, max_col=width, values_only=True), start=1):
        for col, value in enumerate(cells, start=1):
            if (number, col) in anchors:
                values[(number, col)] = value
        if number <= header.row:
            continue
        row = SheetRow(number=number, values={})
        for key, col in header.columns.items():
            value = cells[col - 1] if col <= len(cells) else None
            area = merged.get((number, col))
            if area is not None:
                value = values.get((area.min_row, area.min_col))
                if key in REQUIRED_KEYS and area.max_row > area.min_row:
                    row.spans[key] = (area.min_row, area.max_row)
            row.values[key] = cell_text(value)
        if not _is_note_or_blank(row, header, merged):
            rows.append(row)
    return rows


def _merged_cells(merges: tuple[Area, ...], header: Header) -> dict[tuple[int, int], Area]:
    """Each cell below the header, in a column the header names, that a merged range covers → that
    range. The guard bounds the ranges; only the header's columns of them are expanded."""
    cells: dict[tuple[int, int], Area] = {}
    columns = sorted(set(header.columns.values()))
    for area in merges:
        if area.max_row <= header.row:
            continue
        covered = [c for c in columns if area.min_col <= c <= area.max_col]
        for r in range(max(area.min_row, header.row + 1), area.max_row + 1):
            for c in covered:
                cells[(r, c)] = area
    return cells


def _is_note_or_blank(row: SheetRow, header: Header, merged: dict[tuple[int, int], Area]) -> bool:
    """Rows that are not items: empty ones (a numbered template keeps only 序号), a repeated header,
    and notes (填表说明): one cell merged across the code and name columns, nothing outside it."""
    if not any(v for k, v in row.values.items() if k != "seq"):
        return True
    if header_key(row.get("name"))[0] == "name" and header_key(row.get("code"))[0] == "code":
        return True
    code_cell, name_cell = (row.number, header.columns["code"]), (row.number, header.columns["name"])
    if code_cell not in merged or name_cell not in merged or merged[code_cell] is not merged[name_cell]:
        return False
    rng = merged[code_cell]
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
