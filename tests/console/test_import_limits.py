"""The console's Excel upload refuses a workbook beyond a limit with the guard's message, writing nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sunlit.catalog.excel import guard
from sunlit.catalog.models import PowerItem
from tests.catalog import hostile


def upload(user: Any, content: bytes, unit: str = "YD-ZRZY") -> Any:
    client = Client()
    client.force_login(user)
    return client.post("/console/import/", {"unit": unit, "file": SimpleUploadedFile("清单.xlsx", content)},
                       follow=True)


@pytest.mark.parametrize(("make", "message"), [
    (hostile.merged_to_the_last_row, "工作表「权力清单」的合并单元格 A2:Z1048576 含 27,262,950 个单元格，超过上限 10,000"),
    (hostile.many_cells, "工作表「权力清单」含 300,006 个单元格，超过上限 200,000"),
    (lambda path: hostile.zip_bomb(path, megabytes=120), "文件解压后共 120.1 MB，超过上限 100 MB"),
    (hostile.not_a_zip, "无法读取文件，请确认是Excel（.xlsx）文件"),
    (hostile.without_workbook, "文件中没有工作簿（[Content_Types].xml、xl/workbook.xml），不是Excel（.xlsx）文件"),
])
def test_a_hostile_workbook_is_refused_with_the_limit_it_breaks(
        tmp_path: Path, county: Any, editor: Any, make: Any, message: str) -> None:
    page = upload(editor, make(tmp_path / "清单.xlsx").read_bytes())

    assert page.status_code == 400
    assert message in page.content.decode()
    assert not PowerItem.objects.exists()


def test_a_file_over_twenty_megabytes_is_413_naming_the_limit(county: Any, editor: Any) -> None:
    page = upload(editor, b"PK" + bytes(guard.MAX_FILE_BYTES))

    assert page.status_code == 413
    assert "文件大小为 20.1 MB，超过上限 20 MB" in page.content.decode()


def test_the_page_states_the_limits(county: Any, editor: Any) -> None:
    client = Client()
    client.force_login(editor)

    assert "文件不超过 20 MB，每个工作表不超过 200,000 个单元格" in client.get("/console/import/").content.decode()


def test_the_smallest_good_workbook_still_imports(tmp_path: Path, county: Any, editor: Any) -> None:
    page = upload(editor, hostile.good(tmp_path / "清单.xlsx").read_bytes())

    assert page.status_code == 200 and "导入完成" in page.content.decode()
    assert list(PowerItem.objects.values_list("code", flat=True)) == ["XK-001"]
