"""Workbooks written by hand, part by part, with zipfile: the smallest valid .xlsx, and the hostile
ones the guard must refuse before openpyxl sees them."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from openpyxl.utils import get_column_letter

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
</Types>"""
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
WORKBOOK = f"""<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets><sheet name="权力清单" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
</Relationships>"""
SHEET_OPEN = f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="{MAIN}">'
HEADER = ("序号", "事项编码", "事项名称", "权力类型", "设定依据", "法定时限")
ROW = ("1", "XK-001", "农村村民住宅建设审批", "行政许可", "《中华人民共和国行政许可法》第二十九条", "20个工作日")
SHEET_PATH = "xl/worksheets/sheet1.xml"


def _text_row(number: int, texts: Iterable[str]) -> str:
    cells = "".join(f'<c t="inlineStr"><is><t>{text}</t></is></c>' for text in texts)
    return f'<row r="{number}">{cells}</row>'


def sheet_xml(rows: str = "", *, before: str = "", after: str = "") -> str:
    """A worksheet: `before` the data (a <dimension>), the header row, `rows`, `after` (<mergeCells>)."""
    return f"{SHEET_OPEN}{before}<sheetData>{_text_row(1, HEADER)}{rows}</sheetData>{after}</worksheet>"


def write(path: Path, sheet: str | bytes | Iterator[bytes] | None = None, *, parts: dict[str, str] | None = None,
          leave_out: Iterable[str] = ()) -> Path:
    """An .xlsx holding the four structure parts and the sheet (text, bytes, or chunks streamed into the
    zip, so a sheet of hundreds of megabytes never sits in memory), deflated."""
    members: dict[str, str | bytes | Iterator[bytes]] = {
        "[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": ROOT_RELS, "xl/workbook.xml": WORKBOOK,
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        SHEET_PATH: sheet if sheet is not None else sheet_xml(_text_row(2, ROW)),
        **(parts or {}),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in members.items():
            if name in leave_out:
                continue
            if isinstance(content, str | bytes):
                archive.writestr(name, content)
                continue
            with archive.open(name, "w") as stream:
                for chunk in content:
                    stream.write(chunk)
    return path


def good(path: Path) -> Path:
    """The smallest workbook the import reads: the header and one row."""
    return write(path)


def merged_to_the_last_row(path: Path) -> Path:
    """The audit's 2 KB file: one merged range declared from A2 to Z1048576."""
    return write(path, sheet_xml(_text_row(2, ROW), after='<mergeCells count="1"><mergeCell ref="A2:Z1048576"/></mergeCells>'))


def zip_bomb(path: Path, megabytes: int = 300) -> Path:
    """A sheet of `megabytes` MB, nearly all of it blanks inside <sheetData>: deflate packs it a thousandfold."""
    def chunks() -> Iterator[bytes]:
        yield f"{SHEET_OPEN}<sheetData>".encode()
        blank = b" " * (1024 * 1024)
        for _ in range(megabytes):
            yield blank
        yield b"</sheetData></worksheet>"
    return write(path, chunks())


def many_cells(path: Path, cells: int = 1_010_000, per_row: int = 40) -> Path:
    """A sheet declaring `cells` cells below its header (empty, styled ones: what formatting a whole
    block leaves)."""
    def chunks() -> Iterator[bytes]:
        yield f"{SHEET_OPEN}<sheetData>{_text_row(1, HEADER)}".encode()
        letters = [get_column_letter(col) for col in range(1, per_row + 1)]
        for row in range(2, 2 + cells // per_row):  # with their references: not so alike as to look a zip bomb
            yield (f'<row r="{row}">' + "".join(f'<c r="{c}{row}" s="1"/>' for c in letters) + "</row>").encode()
        yield b"</sheetData></worksheet>"
    return write(path, chunks())


def not_a_zip(path: Path) -> Path:
    """A text file renamed .xlsx."""
    path.write_bytes("序号,事项编码,事项名称\n1,XK-001,农村村民住宅建设审批\n".encode())
    return path


def without_workbook(path: Path) -> Path:
    """A zip with every part of a workbook but xl/workbook.xml."""
    return write(path, leave_out=["xl/workbook.xml"])
