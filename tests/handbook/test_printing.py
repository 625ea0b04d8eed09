"""`sunlit handbook`, `sunlit boards` and the console's print buttons: what they refuse, who may press them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from sunlit.catalog.models import PowerItem
from sunlit.core.visibility import Audience
from sunlit.handbook.management.commands.boards import safe_name
from sunlit.org.models import Official, Role, Unit
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(county: dict[str, Unit], editor: Any, reviewer: Any) -> PowerItem:
    Official.objects.create(name="王明", unit=county["land"], title="局长", public_phone="0797-6200001")
    Official.objects.create(name="李暗", unit=county["land"], title="内部人员", audience=Audience.INTERNAL)
    factories.published(county["land"], editor, reviewer, code="ZR-002", name="矿业权出让审批")
    return factories.published(county["land"], editor, reviewer, code="ZR-001", name="建设用地规划许可").item


def test_the_command_writes_the_handbook_with_every_public_item(listed: PowerItem, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "手册.pdf"

    call_command("handbook", "--unit", "YD-ZRZY", str(out))

    assert out.read_bytes().startswith(b"%PDF-")
    said = capsys.readouterr().out
    assert "2/2" in said and "已生成县自然资源局权力手册" in said and "http://" in said


@pytest.mark.parametrize(("args", "message"), [
    (["--unit", "NO-SUCH", "x.pdf"], "单位编码「NO-SUCH」不存在或未公开"),
    (["--unit", "YD-ZRZY", "x.docx"], "文件名应以 .pdf 结尾"),
    (["--unit", "YD-ZRZY", "missing-dir/x.pdf"], "目录不存在"),
])
def test_the_command_refuses_bad_arguments_by_name_and_writes_nothing(
        listed: PowerItem, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str) -> None:
    monkeypatch.chdir(tmp_path)

    with pytest.raises(CommandError, match=message):
        call_command("handbook", *args)
    assert list(tmp_path.iterdir()) == []


def test_boards_are_written_one_file_each(listed: PowerItem, tmp_path: Path) -> None:
    call_command("boards", "--unit", "YD-ZRZY", str(tmp_path / "图板"))

    names = sorted(p.name for p in (tmp_path / "图板").iterdir())
    assert names == ["YD-ZRZY-领导干部公示栏.pdf"]  # no item has a published flow yet: no flow board


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext)")
def test_the_officials_board_shows_public_officials_only(listed: PowerItem, tmp_path: Path) -> None:
    call_command("boards", "--unit", "YD-ZRZY", str(tmp_path))

    text = subprocess.run(["pdftotext", str(tmp_path / "YD-ZRZY-领导干部公示栏.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout
    assert "王明" in text and "0797-6200001" in text and "李暗" not in text


def test_a_file_name_part_cannot_climb_out_of_the_folder() -> None:
    assert "/" not in safe_name("../../etc/passwd") and ".." not in safe_name("../x")
    assert safe_name("ZR:001*") == "ZR_001"


def test_console_staff_of_the_unit_download_the_handbook_and_board(listed: PowerItem, editor: Any) -> None:
    client = Client()
    client.force_login(editor)

    handbook = client.get("/console/units/YD-ZRZY/handbook.pdf")
    board = client.get("/console/units/YD-ZRZY/officials-board.pdf")

    assert handbook.status_code == 200 and handbook["Content-Type"] == "application/pdf"
    assert "attachment" in handbook["Content-Disposition"] and "%E6%89%8B%E5%86%8C" in handbook["Content-Disposition"]
    assert b"".join(handbook.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]
    assert board.status_code == 200 and board["Content-Type"] == "application/pdf"


def test_console_print_buttons_refuse_staff_of_another_unit_and_strangers(
        county: dict[str, Unit], listed: PowerItem) -> None:
    outsider = factories.staff("finance_editor", county["finance"], Role.EDITOR)
    client = Client()
    client.force_login(outsider)

    assert client.get("/console/units/YD-ZRZY/handbook.pdf").status_code == 404
    assert client.get("/console/units/YD-ZRZY/officials-board.pdf").status_code == 404
    assert client.get(f"/console/powers/{listed.pk}/flow-board.pdf").status_code == 404
    assert Client().get("/console/units/YD-ZRZY/handbook.pdf").status_code == 302  # to the login page


def test_a_flow_board_for_an_item_without_a_published_flow_is_not_found(listed: PowerItem, editor: Any) -> None:
    client = Client()
    client.force_login(editor)

    assert client.get(f"/console/powers/{listed.pk}/flow-board.pdf").status_code == 404
