"""Limits on an uploaded workbook (Excel导入的上限), checked before openpyxl opens it.

An .xlsx file is a zip of XML parts, and both layers can lie: 2 KB of XML can declare a merged range
of a million rows (openpyxl expands every cell of it), and 0.7 MB of zip can inflate to gigabytes.
`inspect` reads the zip's directory, then streams every part once through expat, keeping only
counters and the merged ranges, and refuses, with a message naming the limit and what it found:

- a file over MAX_FILE_BYTES (the console, the API and the command all import through here);
- what is not a zip, or a zip without a workbook part ("[Content_Types].xml", "xl/workbook.xml");
- more than MAX_MEMBERS parts, more than MAX_UNCOMPRESSED_BYTES once inflated, or a part inflating
  more than MAX_COMPRESSION_RATIO times (a zip bomb). A part's declared size cannot be exceeded
  when it is read: zipfile stops there and fails the CRC;
- more than MAX_XML_ELEMENTS elements in all its XML together (what bounds the time of this scan), more
  than MAX_PART_ELEMENTS in a part openpyxl builds a whole tree of (all but the sheets and the shared
  strings), more than MAX_DEFINED_NAMES defined names, two sheets reading one part, or any DTD (no
  workbook has one: entity expansion);
- in a sheet, more than MAX_SHEET_CELLS declared cells (<c>), a range larger than that, whether its
  <dimension> declares it or its cells and rows reach it (openpyxl yields every row up to the last),
  a merged range (<mergeCell>) of more than MAX_MERGED_CELLS cells, or merged ranges covering more
  than MAX_SHEET_CELLS cells together.

The rules about cells apply to every part, not only those the workbook names as sheets: openpyxl
reads whatever part a relationship points to, and a rule that trusted the names could be walked
around. openpyxl then opens the book read-only (reader.load_book), and the reader takes the merged
ranges from here: read-only openpyxl reads no merged cells, so none is ever expanded beyond them.
"""

from __future__ import annotations

import math
import os
import posixpath
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, NamedTuple
from xml.parsers import expat

from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter, range_boundaries
from openpyxl.xml.constants import ARC_CORE, ARC_CUSTOM, ARC_STYLE, SHARED_STRINGS, XLSM, XLSX, XLTM, XLTX

from sunlit.core.errors import DomainError

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_MEMBERS = 10_000
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
# Below this a part's ratio says nothing: a few KB of repeated XML tags compress a thousandfold.
RATIO_CHECKED_ABOVE_BYTES = 1024 * 1024
# A province's list: 25,000 rows of 40 columns, a value and a shared string each, is about 3,000,000.
MAX_XML_ELEMENTS = 5_000_000
# openpyxl builds the whole tree of every part but the sheets and the shared strings, and an object for
# each element: a workbook with 600,000 defined names takes half a minute and 800 MB. A workbook with the
# 64,000 cell formats Excel allows has about 250,000 elements in its styles.
MAX_PART_ELEMENTS = 300_000
MAX_DEFINED_NAMES = 10_000
MAX_SHEET_CELLS = 1_000_000  # a province's list: 25,000 rows of 40 columns
MAX_MERGED_CELLS = 10_000

UNREADABLE = "无法读取文件，请确认是Excel（.xlsx）文件；旧版.xls文件请先在Excel中另存为.xlsx"
CONTENT_TYPES = "[Content_Types].xml"
NO_WORKBOOK = f"文件中没有工作簿（{CONTENT_TYPES}、xl/workbook.xml），不是Excel（.xlsx）文件"
# parts openpyxl always reads whole, whatever a relationship calls them
WHOLE_PARTS = frozenset({CONTENT_TYPES, ARC_STYLE, ARC_CORE, ARC_CUSTOM})
WORKBOOK_TYPES = (XLTM, XLTX, XLSM, XLSX)  # in the order openpyxl looks for them
_CHUNK = 256 * 1024
_MB = 1024 * 1024


class ImportFileError(DomainError):
    """The file as a whole cannot be imported (unreadable, too large, no header): nothing was read."""


class FileTooLarge(ImportFileError):
    status = 413


class Area(NamedTuple):
    """A rectangle of cells, 1-based and inclusive, as openpyxl's range_boundaries gives it."""

    min_col: int
    min_row: int
    max_col: int
    max_row: int

    @property
    def cells(self) -> int:
        return (self.max_col - self.min_col + 1) * (self.max_row - self.min_row + 1)


@dataclass(frozen=True)
class Inspection:
    """What the reader needs from the scan: each part's merged ranges, by its path in the zip."""

    merges: dict[str, tuple[Area, ...]]


def inspect(file: IO[bytes] | str | Path) -> Inspection:
    """Refuse `file` (ImportFileError, FileTooLarge) unless it is a workbook within every limit.
    A file object is read from its start and left there."""
    size = _size(file)
    if size > MAX_FILE_BYTES:
        raise FileTooLarge(f"文件大小为 {_megabytes(size)}，超过上限 {_megabytes(MAX_FILE_BYTES)}", field="file")
    with _zip(file) as archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        _check_directory(infos)
        return _Scanner(archive, infos).run()


def _size(file: IO[bytes] | str | Path) -> int:
    if isinstance(file, str | Path):
        try:
            return os.stat(file).st_size
        except FileNotFoundError:
            raise ImportFileError(f"找不到文件：{file}", field="file") from None
    known = getattr(file, "size", None)  # Django's uploaded files know theirs
    if isinstance(known, int):
        return known
    file.seek(0, os.SEEK_END)
    end = file.tell()
    file.seek(0)
    return end


@contextmanager
def _zip(file: IO[bytes] | str | Path) -> Iterator[zipfile.ZipFile]:
    if not isinstance(file, str | Path):
        file.seek(0)
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise ImportFileError(UNREADABLE, field="file") from None
    try:
        yield archive
    finally:
        archive.close()
        if not isinstance(file, str | Path):
            file.seek(0)


def _check_directory(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_MEMBERS:
        raise ImportFileError(f"压缩包含 {len(infos):,} 个部件，超过上限 {MAX_MEMBERS:,}", field="file")
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise ImportFileError(
            f"文件解压后共 {_megabytes(total)}，超过上限 {_megabytes(MAX_UNCOMPRESSED_BYTES)}", field="file")
    for info in infos:
        if info.flag_bits & 0x1:
            raise ImportFileError("文件已加密，请先在Excel中取消密码后另存为.xlsx", field="file")
        if info.file_size > RATIO_CHECKED_ABOVE_BYTES:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > MAX_COMPRESSION_RATIO:
                raise ImportFileError(
                    f"部件「{_shown(info.filename)}」的压缩比为 {ratio:,.0f}:1，超过上限 {MAX_COMPRESSION_RATIO}:1"
                    "（疑似压缩炸弹）", field="file")


def _megabytes(size: int) -> str:
    """Whole megabytes as such, else to a tenth, rounded up: a file just over 20 MB reads 20.1 MB."""
    return f"{size // _MB:,} MB" if size % _MB == 0 else f"{math.ceil(size * 10 / _MB) / 10:,.1f} MB"


def _shown(text: str) -> str:
    """A name or reference from the file, short enough to quote in a message."""
    return text if len(text) <= 60 else text[:57] + "…"


@dataclass
class _Part:
    """Counters for one part while expat streams it."""

    name: str
    title: str
    whole: bool
    elements: int = 0
    names: int = 0
    cells: int = 0
    row: int = 0
    column: int = 0
    max_row: int = 0
    max_col: int = 0
    merged_cells: int = 0
    merges: list[Area] = field(default_factory=list)
    # what the structure parts say: content types, relationships, the workbook's sheets
    overrides: list[tuple[str, str]] = field(default_factory=list)
    defaults: set[str] = field(default_factory=set)
    relationships: dict[str, tuple[str, str]] = field(default_factory=dict)  # id → (target, type)
    sheets: list[tuple[str, str]] = field(default_factory=list)


class _Scanner:
    def __init__(self, archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
        self.archive = archive
        self.infos = {info.filename: info for info in infos}  # the last of a name is the one zipfile reads
        self.elements = 0
        self.titles: dict[str, str] = {}

    def run(self) -> Inspection:
        """The structure parts first (they say which parts are sheets, and their names for the messages),
        then every other part."""
        if CONTENT_TYPES not in self.infos:
            raise ImportFileError(NO_WORKBOOK, field="file")
        types = self._scan(CONTENT_TYPES, required=True)
        workbook = _workbook_part(types)
        if workbook not in self.infos:
            raise ImportFileError(NO_WORKBOOK, field="file")
        sheets = self._scan(workbook, required=True).sheets
        rels_path = _rels_path(workbook)
        done = {CONTENT_TYPES, workbook, rels_path}
        streamed = {part[1:] for part, kind in types.overrides if kind == SHARED_STRINGS}
        if rels_path in self.infos:
            targets = _resolve(rels_path, self._scan(rels_path, required=True).relationships)
            sheet_parts = [(name, *targets[rid]) for name, rid in sheets if rid in targets]
            self._refuse_shared_parts(sheet_parts)
            self.titles = {target: name for name, target, _ in sheet_parts}
            streamed |= {target for _, target, kind in sheet_parts if "chartsheet" not in kind}
        streamed -= WHOLE_PARTS
        merges: dict[str, tuple[Area, ...]] = {}
        for name in self.infos:
            if name not in done:
                part = self._scan(name, required=name.lower().endswith((".xml", ".rels")), whole=name not in streamed)
                if part.merges:
                    merges[name] = tuple(part.merges)
        return Inspection(merges=merges)

    def _refuse_shared_parts(self, sheet_parts: list[tuple[str, str, str]]) -> None:
        """openpyxl reads a sheet's part once for every sheet naming it (the whole part when it declares
        no dimension): two sheets may not share one, or a few megabytes would be read a thousand times."""
        seen: set[str] = set()
        for _, target, _ in sheet_parts:
            if target in seen:
                raise ImportFileError(f"工作簿中有多个工作表指向同一部件「{_shown(target)}」", field="file")
            seen.add(target)

    def _scan(self, name: str, *, required: bool, whole: bool = True) -> _Part:
        """Stream one part through expat. A part that is not XML stops being read at its first error;
        one that must be XML (the structure, anything named .xml or .rels) is refused. `whole`: openpyxl
        builds the whole tree of this part (everything but worksheets and the shared strings)."""
        part = _Part(name=name, title=self.titles.get(name, name), whole=whole)
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartElementHandler = lambda tag, attrs: self._start(part, tag, attrs)
        parser.StartDoctypeDeclHandler = lambda *args: self._doctype(part)
        try:
            with self.archive.open(self.infos[name]) as stream:
                while chunk := stream.read(_CHUNK):
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
        except expat.ExpatError:
            self._check_sheet(part, complete=True)
            if required:
                raise ImportFileError(f"{UNREADABLE}（部件「{_shown(name)}」不是有效的XML）", field="file") from None
            return part
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError, ValueError):
            raise ImportFileError(f"文件已损坏：部件「{_shown(name)}」无法解压", field="file") from None
        self._check_sheet(part, complete=True)
        return part

    def _doctype(self, part: _Part) -> None:
        raise ImportFileError(f"部件「{_shown(part.name)}」含有DTD声明，Excel文件不应含有", field="file")

    def _start(self, part: _Part, tag: str, attrs: dict[str, str]) -> None:
        self.elements += 1
        part.elements += 1
        if self.elements > MAX_XML_ELEMENTS:
            self._check_sheet(part, complete=False)
            raise ImportFileError(
                f"文件的XML元素超过上限 {MAX_XML_ELEMENTS:,} 个（读到第 {self.elements:,} 个时停止）", field="file")
        if part.whole and part.elements > MAX_PART_ELEMENTS:
            raise ImportFileError(
                f"部件「{_shown(part.name)}」的XML元素超过上限 {MAX_PART_ELEMENTS:,} 个"
                "（格式或名称过多：请在Excel中清理后另存）", field="file")
        local = tag.rpartition(" ")[2]
        if local == "c":
            self._cell(part, attrs.get("r"))
        elif local == "row":
            self._row(part, attrs.get("r"))
        elif local == "mergeCell":
            self._merge(part, attrs.get("ref", ""))
        elif local == "dimension":
            self._dimension(part, attrs.get("ref", ""))
        elif local == "Override":
            part.overrides.append((attrs.get("PartName", ""), attrs.get("ContentType", "")))
        elif local == "Default":
            part.defaults.add(attrs.get("ContentType", ""))
        elif local == "Relationship" and attrs.get("TargetMode") != "External":
            part.relationships[attrs.get("Id", "")] = (attrs.get("Target", ""), attrs.get("Type", ""))
        elif local == "definedName":
            part.names += 1
            if part.names > MAX_DEFINED_NAMES:
                raise ImportFileError(
                    f"工作簿定义的名称超过上限 {MAX_DEFINED_NAMES:,} 个：请在Excel的“名称管理器”中删除不用的名称",
                    field="file")
        elif local == "sheet":
            rid = next((v for k, v in attrs.items() if k.endswith(" id")), "")
            part.sheets.append((attrs.get("name", ""), rid))

    # The positions follow openpyxl's own worksheet parser: a row without r follows the one before, a
    # cell without r the cell before it in its row.

    def _row(self, part: _Part, r: str | None) -> None:
        if r is None:
            part.row += 1
        else:
            number = _row_number(r)
            if number is None:
                raise ImportFileError(f"工作表「{_shown(part.title)}」的行号「{_shown(r)}」无法识别", field="file")
            part.row = number
        part.column = 0
        part.max_row = max(part.max_row, part.row)

    def _cell(self, part: _Part, r: str | None) -> None:
        part.cells += 1
        row = part.row
        if r:
            # "AB12": the column's letters looked up once each (a sheet has a few dozen), the row read as digits
            letters = r.rstrip("0123456789")
            digits = r[len(letters):]
            column = _COLUMN_OF.get(letters)
            if column is not None and digits.isascii() and digits.isdigit() and digits[0] != "0":
                row, part.column = int(digits), column
            else:
                try:
                    row, part.column = coordinate_to_tuple(r)
                except (ValueError, TypeError):
                    raise ImportFileError(
                        f"工作表「{_shown(part.title)}」的单元格位置「{_shown(r)}」无法识别", field="file") from None
                if len(_COLUMN_OF) < 20_000 and letters.isupper():
                    _COLUMN_OF[letters] = part.column
        else:
            part.column += 1
        part.max_row = max(part.max_row, row)
        part.max_col = max(part.max_col, part.column)

    def _merge(self, part: _Part, ref: str) -> None:
        area = _area(ref)
        where = f"工作表「{_shown(part.title)}」的合并单元格"
        if area is None:
            raise ImportFileError(f"{where}范围「{_shown(ref)}」无法识别", field="file")
        if area.cells > MAX_MERGED_CELLS:
            raise ImportFileError(
                f"{where} {_shown(ref)} 含 {area.cells:,} 个单元格，超过上限 {MAX_MERGED_CELLS:,}", field="file")
        part.merged_cells += area.cells
        if part.merged_cells > MAX_SHEET_CELLS:
            raise ImportFileError(
                f"{where}合计已达 {part.merged_cells:,} 个单元格，超过上限 {MAX_SHEET_CELLS:,}", field="file")
        part.merges.append(area)

    def _dimension(self, part: _Part, ref: str) -> None:
        area = _area(ref)  # an unreadable dimension is ignored, as the reader ignores every dimension
        if area is not None and area.cells > MAX_SHEET_CELLS:
            raise ImportFileError(
                f"工作表「{_shown(part.title)}」声明的范围 {_shown(ref)} 含 {area.cells:,} 个单元格，"
                f"超过上限 {MAX_SHEET_CELLS:,}", field="file")

    def _check_sheet(self, part: _Part, *, complete: bool) -> None:
        """The rules on a part's cells, once its counters are final (or the scan is cut short)."""
        sheet = f"工作表「{_shown(part.title)}」"
        if part.cells > MAX_SHEET_CELLS:
            found = f"含 {part.cells:,} 个单元格" if complete else f"含超过 {part.cells:,} 个单元格"
            raise ImportFileError(f"{sheet}{found}，超过上限 {MAX_SHEET_CELLS:,}", field="file")
        extent = part.max_row * max(part.max_col, 1)
        if part.max_row and extent > MAX_SHEET_CELLS:
            ref = f"A1:{get_column_letter(min(max(part.max_col, 1), 18278))}{part.max_row}"
            raise ImportFileError(
                f"{sheet}的内容延伸到 {_shown(ref)}，含 {extent:,} 个单元格，超过上限 {MAX_SHEET_CELLS:,}", field="file")


_COLUMN_OF: dict[str, int] = {}  # column letters → index, as coordinate_to_tuple read them


def _row_number(text: str) -> int | None:
    """A row's r as openpyxl reads it: an integer, or a float that is one ("5.0", "1e6")."""
    try:
        return int(text)
    except ValueError:
        try:
            value = float(text)
        except ValueError:
            return None
        return int(value) if value.is_integer() else None


def _area(ref: str) -> Area | None:
    """'A2:Z1048576' or 'B3' as an Area; None for what is not a bounded range of cells."""
    try:
        bounds = range_boundaries(ref)
    except (ValueError, TypeError):
        return None
    if any(b is None for b in bounds):
        return None  # whole rows or columns ('A:A', '1:1'): no sheet writes these for a merge
    min_col, min_row, max_col, max_row = bounds
    return Area(min(min_col, max_col), min(min_row, max_row), max(min_col, max_col), max(min_row, max_row))


def _workbook_part(types: _Part) -> str:
    """The part openpyxl takes for the workbook (openpyxl.reader.excel._find_workbook_part)."""
    name = next((part for kind in WORKBOOK_TYPES for part, ct in types.overrides if ct == kind), None)
    if name is None and types.defaults & set(WORKBOOK_TYPES):
        name = "/xl/workbook.xml"
    if not name:
        raise ImportFileError(NO_WORKBOOK, field="file")
    return name[1:]  # openpyxl drops the first character, the leading '/'


def _rels_path(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _resolve(rels_path: str, relationships: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """Relationship targets as zip paths, as openpyxl's get_dependents resolves them, with their types."""
    parent = posixpath.split(posixpath.dirname(rels_path))[0]
    resolved = {}
    for rid, (target, kind) in relationships.items():
        path = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(parent, target))
        resolved[rid] = (path, kind)
    return resolved
