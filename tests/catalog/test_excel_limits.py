"""Limits on an Excel upload (catalog.excel.guard): every hostile workbook is refused before openpyxl
opens it, in a few seconds and a few megabytes, with a message naming the limit and what it found.

Time and memory are measured in a fresh process, so that nothing this test process allocated before
hides or inflates the figure: the clock; the process's peak resident size during the refusal, Django
and all (Linux's VmHWM, reset just before: getrusage's ru_maxrss would include the size of the pytest
process it was forked from); and, in a second run, the peak of what the refusal allocated (tracemalloc)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import sunlit
from sunlit.catalog.excel import FileTooLarge, ImportFileError, guard, import_powers
from sunlit.catalog.excel.reader import read_sheet
from sunlit.catalog.models import PowerItem
from tests.catalog import hostile

MEASURE = """
import json, sys, time, tracemalloc
import django
django.setup()
from sunlit.catalog.excel.guard import ImportFileError
from sunlit.catalog.excel.reader import read_sheet

def status_mb(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024

def refuse():
    try:
        read_sheet(sys.argv[1])
    except ImportFileError as exc:
        return exc.message
    return None

open("/proc/self/clear_refs", "w").write("5")  # the peak so far is forgotten: VmHWM restarts from now
before = status_mb("VmRSS")
start = time.perf_counter()
message = refuse()
seconds = time.perf_counter() - start
peak = status_mb("VmHWM")
tracemalloc.start()  # a second run, apart: tracing slows the first one's clock
refuse()
allocated = tracemalloc.get_traced_memory()[1]
print(json.dumps({"message": message, "seconds": seconds, "peak_mb": peak, "growth_mb": peak - before,
                  "allocated_mb": allocated / 2**20}, ensure_ascii=False))
"""
PEAK_MB = 500  # the whole process during the refusal, Django included
ALLOCATED_MB = 50  # by the refusal itself
SECONDS = 5


def refusal_measured(path: Path) -> dict[str, Any]:
    """Read `path` as an import does, in a new process: the refusal, its time, the process's peak memory."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sunlit.settings",
           "PYTHONPATH": os.pathsep.join([str(Path(sunlit.__file__).parents[1]), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", MEASURE, str(path)], capture_output=True, text=True, env=env,
                          timeout=120, check=True)
    measured: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"{path.name}: {measured}")  # the figures, for the record (pytest -s)
    return measured


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Made once: deflating 300 MB takes a couple of seconds."""
    return hostile.zip_bomb(tmp_path_factory.mktemp("bomb") / "清单.xlsx")


HOSTILE: dict[str, tuple[Callable[[Path], Path], str]] = {
    "merged_to_the_last_row": (hostile.merged_to_the_last_row,
                               "工作表「权力清单」的合并单元格 A2:Z1048576 含 27,262,950 个单元格，超过上限 10,000"),
    "many_cells": (hostile.many_cells, "工作表「权力清单」含 1,010,006 个单元格，超过上限 1,000,000"),
    "not_a_zip": (hostile.not_a_zip, "无法读取文件，请确认是Excel（.xlsx）文件；旧版.xls文件请先在Excel中另存为.xlsx"),
    "without_workbook": (hostile.without_workbook,
                         "文件中没有工作簿（[Content_Types].xml、xl/workbook.xml），不是Excel（.xlsx）文件"),
}


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_hostile_workbook_is_refused_quickly_in_little_memory_naming_the_limit(tmp_path: Path, kind: str) -> None:
    make, message = HOSTILE[kind]
    path = make(tmp_path / f"{kind}.xlsx")

    measured = refusal_measured(path)

    assert measured["message"] == message
    # the many-cells sheet is read cell by cell up to its million-cell bound: seconds, but more of them
    assert measured["seconds"] < (3 * SECONDS if kind == "many_cells" else SECONDS)
    assert measured["peak_mb"] < PEAK_MB
    assert measured["allocated_mb"] < ALLOCATED_MB


def test_a_zip_bomb_is_refused_by_its_inflated_size_without_inflating_it(bomb: Path) -> None:
    assert bomb.stat().st_size < 1024 * 1024  # 300 MB of sheet in well under 1 MB

    measured = refusal_measured(bomb)

    assert measured["message"] == "文件解压后共 300.1 MB，超过上限 100 MB"
    assert measured["seconds"] < SECONDS
    assert measured["peak_mb"] < PEAK_MB
    assert measured["allocated_mb"] < ALLOCATED_MB


def test_the_smallest_workbook_written_by_hand_is_read(tmp_path: Path) -> None:
    """The hostile files differ from this one only in what they declare: the refusals are the limits."""
    sheet = read_sheet(hostile.good(tmp_path / "good.xlsx"))

    assert sheet.title == "权力清单"
    assert [row.values["name"] for row in sheet.rows] == ["农村村民住宅建设审批"]


def test_a_part_inflating_a_thousandfold_is_refused_as_a_zip_bomb(tmp_path: Path) -> None:
    path = hostile.zip_bomb(tmp_path / "bomb.xlsx", megabytes=50)  # under the 100 MB bound: the ratio refuses it

    with pytest.raises(ImportFileError, match=r"部件「xl/worksheets/sheet1.xml」的压缩比为 [0-9,]+:1，超过上限 100:1（疑似压缩炸弹）"):
        guard.inspect(path)


def test_a_part_cannot_inflate_beyond_the_size_its_directory_declares(tmp_path: Path) -> None:
    path = hostile.zip_bomb(tmp_path / "lying.xlsx", megabytes=50)
    _declare_size(path, hostile.SHEET_PATH, 2_000)  # the directory now says 2 KB: no limit on the size applies

    with pytest.raises(ImportFileError, match="文件已损坏：部件「xl/worksheets/sheet1.xml」无法解压"):
        guard.inspect(path)  # zipfile stops at 2 KB and the checksum fails


def _declare_size(path: Path, member: str, size: int) -> None:
    """Overwrite a member's uncompressed size in the zip's central directory."""
    data = bytearray(path.read_bytes())
    entry = data.index(b"PK\x01\x02")
    while True:
        name_length = int.from_bytes(data[entry + 28:entry + 30], "little")
        if data[entry + 46:entry + 46 + name_length].decode() == member:
            data[entry + 24:entry + 28] = size.to_bytes(4, "little")
            path.write_bytes(bytes(data))
            return
        entry = data.index(b"PK\x01\x02", entry + 4)


def test_a_file_over_twenty_megabytes_is_refused_before_it_is_opened(tmp_path: Path) -> None:
    path = tmp_path / "大.xlsx"
    with path.open("wb") as f:
        f.truncate(guard.MAX_FILE_BYTES + 1)

    with pytest.raises(FileTooLarge, match="文件大小为 20.1 MB，超过上限 20 MB") as refused:
        guard.inspect(path)
    assert refused.value.status == 413


def test_a_sheet_declaring_a_range_beyond_the_limit_is_refused(tmp_path: Path) -> None:
    path = hostile.write(tmp_path / "dim.xlsx", hostile.sheet_xml(before='<dimension ref="A1:Z1048576"/>'))

    with pytest.raises(ImportFileError, match="工作表「权力清单」声明的范围 A1:Z1048576 含 27,262,976 个单元格，超过上限 1,000,000"):
        guard.inspect(path)


def test_a_single_cell_far_down_the_sheet_is_refused_for_the_rows_it_implies(tmp_path: Path) -> None:
    """openpyxl yields every row up to the last one: one cell at row 1,048,576 is a million rows."""
    path = hostile.write(tmp_path / "far.xlsx", hostile.sheet_xml('<row r="1048576"><c r="B1048576"/></row>'))

    with pytest.raises(ImportFileError, match="工作表「权力清单」的内容延伸到 A1:F1048576，含 6,291,456 个单元格，超过上限 1,000,000"):
        guard.inspect(path)


def test_a_row_number_openpyxl_would_loop_on_is_refused(tmp_path: Path) -> None:
    path = hostile.write(tmp_path / "row.xlsx", hostile.sheet_xml('<row r="1e15"><c/></row>'))

    with pytest.raises(ImportFileError, match="延伸到 A1:F1000000000000000，含 6,000,000,000,000,000 个单元格"):
        guard.inspect(path)


def test_many_merged_ranges_are_refused_once_together_they_pass_the_limit(tmp_path: Path) -> None:
    ranges = "".join(f'<mergeCell ref="A{r}:J{r + 999}"/>' for r in range(2, 2 + 101 * 1000, 1000))
    path = hostile.write(tmp_path / "merges.xlsx", hostile.sheet_xml(after=f"<mergeCells>{ranges}</mergeCells>"))

    with pytest.raises(ImportFileError, match="工作表「权力清单」的合并单元格合计已达 1,010,000 个单元格，超过上限 1,000,000"):
        guard.inspect(path)


def test_a_merge_the_guard_cannot_read_is_refused(tmp_path: Path) -> None:
    path = hostile.write(tmp_path / "merge.xlsx", hostile.sheet_xml(after='<mergeCells><mergeCell ref="A:A"/></mergeCells>'))

    with pytest.raises(ImportFileError, match="工作表「权力清单」的合并单元格范围「A:A」无法识别"):
        guard.inspect(path)


def test_a_part_with_a_dtd_is_refused(tmp_path: Path) -> None:
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
              f'<worksheet xmlns="{hostile.MAIN}"><sheetData><row><c t="inlineStr"><is><t>&lol2;</t></is></c></row>'
              "</sheetData></worksheet>")
    path = hostile.write(tmp_path / "dtd.xlsx", laughs)

    with pytest.raises(ImportFileError, match="部件「xl/worksheets/sheet1.xml」含有DTD声明"):
        guard.inspect(path)


def test_a_structure_part_that_is_not_xml_is_refused(tmp_path: Path) -> None:
    path = hostile.write(tmp_path / "wb.xlsx", parts={"xl/workbook.xml": "<workbook><sheets>"})

    with pytest.raises(ImportFileError, match="部件「xl/workbook.xml」不是有效的XML"):
        guard.inspect(path)


def test_cells_count_whatever_the_part_holding_them_is_called(tmp_path: Path) -> None:
    """openpyxl reads whatever part a relationship points to: the limits follow the content, not the names."""
    path = hostile.many_cells(tmp_path / "sheet.xlsx")
    renamed = tmp_path / "renamed.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(renamed, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            name = "xl/data.bin" if info.filename == hostile.SHEET_PATH else info.filename
            target.writestr(name, source.read(info).replace(b"worksheets/sheet1.xml", b"data.bin"))

    with pytest.raises(ImportFileError, match="工作表「权力清单」含 1,010,006 个单元格"):
        guard.inspect(renamed)


def test_the_xml_of_a_workbook_is_bounded_in_elements(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(guard, "MAX_XML_ELEMENTS", 1_000)
    path = hostile.write(tmp_path / "elements.xlsx", hostile.sheet_xml("<x/>" * 2_000))

    with pytest.raises(ImportFileError, match="文件的XML元素超过上限 1,000 个"):
        guard.inspect(path)


def test_a_workbook_defining_names_by_the_ten_thousand_is_refused(tmp_path: Path) -> None:
    """openpyxl makes an object of each: 600,000 names in a 1.5 MB file took 35 s and 800 MB."""
    names = "".join(f'<definedName name="n{i}">权力清单!$A$1</definedName>' for i in range(10_001))
    workbook = hostile.WORKBOOK.replace("</sheets>", f"</sheets><definedNames>{names}</definedNames>")
    path = hostile.write(tmp_path / "names.xlsx", parts={"xl/workbook.xml": workbook})

    with pytest.raises(ImportFileError, match="工作簿定义的名称超过上限 10,000 个"):
        guard.inspect(path)


def test_a_part_openpyxl_reads_whole_is_bounded_in_elements_and_a_sheet_is_not(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(guard, "MAX_PART_ELEMENTS", 1_000)
    styles = f'<styleSheet xmlns="{hostile.MAIN}"><fonts>' + "<font/>" * 1_001 + "</fonts></styleSheet>"
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(2, 1_002))

    assert read_sheet(hostile.write(tmp_path / "sheet.xlsx", hostile.sheet_xml(rows))).title == "权力清单"
    with pytest.raises(ImportFileError, match="部件「xl/styles.xml」的XML元素超过上限 1,000 个"):
        guard.inspect(hostile.write(tmp_path / "styles.xlsx", parts={"xl/styles.xml": styles}))


def test_two_sheets_reading_one_part_are_refused(tmp_path: Path) -> None:
    """A sheet without a <dimension> is read whole just to open the book: a thousand sheets naming one
    part would read it a thousand times."""
    sheets = "".join(f'<sheet name="表{i}" sheetId="{i}" r:id="rId1"/>' for i in range(1, 3))
    workbook = hostile.WORKBOOK.replace('<sheet name="权力清单" sheetId="1" r:id="rId1"/>', sheets)
    path = hostile.write(tmp_path / "twice.xlsx", parts={"xl/workbook.xml": workbook})

    with pytest.raises(ImportFileError, match="工作簿中有多个工作表指向同一部件「xl/worksheets/sheet1.xml」"):
        guard.inspect(path)


def test_an_encrypted_member_is_refused(tmp_path: Path) -> None:
    path = hostile.good(tmp_path / "enc.xlsx")
    data = bytearray(path.read_bytes())
    central = data.index(b"PK\x01\x02")
    data[central + 8] |= 0x1  # the central directory's "encrypted" flag
    path.write_bytes(bytes(data))

    with pytest.raises(ImportFileError, match="文件已加密"):
        guard.inspect(path)


def test_merged_cells_are_read_from_the_guard_within_the_header_columns(tmp_path: Path) -> None:
    """Read-only openpyxl reads no merged cells: the sub-items' shared code and name come from the guard."""
    rows = "".join(f'<row r="{r}"><c r="B{r}" t="inlineStr"><is><t>{"XK-001" if r == 2 else ""}</t></is></c>'
                   f'<c r="C{r}" t="inlineStr"><is><t>{"规划许可" if r == 2 else ""}</t></is></c></row>'
                   for r in (2, 3))
    path = hostile.write(tmp_path / "merged.xlsx", hostile.sheet_xml(
        rows, after='<mergeCells><mergeCell ref="B2:B3"/><mergeCell ref="C2:C3"/></mergeCells>'))

    sheet = read_sheet(path)

    assert [(r.number, r.values["code"], r.values["name"], r.spans) for r in sheet.rows] == [
        (2, "XK-001", "规划许可", {"code": (2, 3), "name": (2, 3)}),
        (3, "XK-001", "规划许可", {"code": (2, 3), "name": (2, 3)}),
    ]


def test_a_refused_workbook_writes_nothing(tmp_path: Path, county: Any, editor: Any) -> None:
    path = hostile.merged_to_the_last_row(tmp_path / "清单.xlsx")

    with pytest.raises(ImportFileError, match="超过上限 10,000"):
        import_powers(path, unit=county["land"], author=editor)
    assert not PowerItem.objects.exists()
