"""POST /api/v1/powers/import: the console's Excel import for clients, refusing the same workbooks with
the same messages, in the API's JSON error shape."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sunlit.catalog.excel import guard
from sunlit.catalog.models import PowerItem, VersionStatus
from sunlit.core.models import ApiToken
from tests.catalog import hostile

URL = "/api/v1/powers/import"


def send(user: Any, content: bytes, *, unit: str = "YD-ZRZY", dry_run: bool = False, **extra: Any) -> Any:
    token = ApiToken.issue(user, "test")[1]
    form = {"unit": unit, "file": SimpleUploadedFile("清单.xlsx", content), "dry_run": str(dry_run).lower()}
    return Client().post(URL, form, headers={"Authorization": f"Bearer {token}"}, **extra)


def test_a_good_workbook_is_imported_as_submitted_versions(tmp_path: Path, county: Any, editor: Any) -> None:
    response = send(editor, hostile.good(tmp_path / "清单.xlsx").read_bytes())

    assert response.status_code == 200
    assert response.json() == {"imported": 1, "changed": 0, "unchanged": 0, "rows": 1, "errors": [], "warnings": [],
                               "dry_run": False, "sheet": "权力清单"}
    item = PowerItem.objects.get()
    assert (item.code, item.versions.get().status) == ("XK-001", VersionStatus.SUBMITTED)


def test_a_dry_run_writes_nothing(tmp_path: Path, county: Any, editor: Any) -> None:
    response = send(editor, hostile.good(tmp_path / "清单.xlsx").read_bytes(), dry_run=True)

    assert response.json()["imported"] == 1 and response.json()["dry_run"] is True
    assert not PowerItem.objects.exists()


@pytest.mark.parametrize(("make", "message"), [
    (hostile.merged_to_the_last_row, "工作表「权力清单」的合并单元格 A2:Z1048576 含 27,262,950 个单元格，超过上限 10,000"),
    (hostile.many_cells, "工作表「权力清单」含 300,006 个单元格，超过上限 200,000"),
    (lambda path: hostile.zip_bomb(path, megabytes=120), "文件解压后共 120.1 MB，超过上限 100 MB"),
    (hostile.not_a_zip, "无法读取文件，请确认是Excel（.xlsx）文件；旧版.xls文件请先在Excel中另存为.xlsx"),
    (hostile.without_workbook, "文件中没有工作簿（[Content_Types].xml、xl/workbook.xml），不是Excel（.xlsx）文件"),
])
def test_a_hostile_workbook_is_refused_in_the_api_shape(
        tmp_path: Path, county: Any, editor: Any, make: Any, message: str) -> None:
    response = send(editor, make(tmp_path / "清单.xlsx").read_bytes())

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {"errors": [{"field": "file", "message": message}]}
    assert not PowerItem.objects.exists()


def test_a_file_over_twenty_megabytes_is_413(county: Any, editor: Any) -> None:
    response = send(editor, b"PK" + bytes(guard.MAX_FILE_BYTES))

    assert response.status_code == 413
    assert response.json() == {"errors": [{"field": "file", "message": "文件大小为 20.1 MB，超过上限 20 MB"}]}


def test_a_body_beyond_any_form_is_413_before_it_is_read(county: Any, editor: Any, settings: Any) -> None:
    response = send(editor, b"", CONTENT_LENGTH=str(settings.SUNLIT_MAX_REQUEST_BYTES + 1))

    assert response.status_code == 413
    assert response.json() == {"errors": [{"field": "body", "message": "提交内容超过 60 MB，未被接收"}]}


def test_a_unit_without_edit_rights_is_403(tmp_path: Path, county: Any, editor: Any) -> None:
    response = send(editor, hostile.good(tmp_path / "清单.xlsx").read_bytes(), unit="YD-CZ")

    assert response.status_code == 403
    assert response.json() == {"errors": [{"field": "unit", "message": "您没有县财政局的编制权限"}]}


def test_without_a_token_it_is_401(tmp_path: Path, county: Any) -> None:
    response = Client().post(URL, {"unit": "YD-ZRZY", "file": SimpleUploadedFile("清单.xlsx", b"")})

    assert response.status_code == 401 and response.json()["errors"][0]["field"] == "Authorization"
