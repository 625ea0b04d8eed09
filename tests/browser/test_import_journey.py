"""A clerk's Excel round trip in a real Chromium: export the published list, change a limit in Excel, upload
it; the import runs in the background and its page follows it (progress, then the report), at desktop and
phone width."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from huey.contrib.djhuey import HUEY

from sunlit.catalog.excel import write_powers
from sunlit.catalog.imports import import_job_create, import_job_run
from sunlit.catalog.models import PowerItemVersion, VersionStatus
from tests import factories
from tests.browser.conftest import needs_chromium

pytestmark = needs_chromium
SHOTS = os.environ.get("SUNLIT_SCREENSHOTS")  # a folder: the pages are saved there to look at


def shot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def log_in(page: Any, url: str, username: str) -> None:
    page.goto(url + "/console/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"pw-{username}")
    page.click("button[type=submit]")


@pytest.mark.parametrize("width", [1366, 390])
def test_a_clerk_uploads_an_edited_export_and_reads_the_report(
        transactional_db: Any, browser: Any, live_server: Any, county: Any, editor: Any, reviewer: Any,
        tmp_path: Path, width: int) -> None:
    for n in (1, 2, 3):
        factories.published(county["land"], editor, reviewer, code=f"XK-00{n}", name=f"乡村建设规划许可{n}")
    path = tmp_path / "清单.xlsx"
    write_powers(path, unit=county["land"])
    book = openpyxl.load_workbook(path)
    ws = book.active
    ws["O4"] = "5个工作日"  # XK-002's promised limit
    ws["O5"] = "30个工作日"  # XK-003's: longer than its statutory 20
    book.save(path)
    page = browser.new_page(viewport={"width": width, "height": 900})
    log_in(page, live_server.url, "editor")
    HUEY.immediate = True
    try:
        page.goto(live_server.url + "/console/import/")
        page.set_input_files("input[type=file]", str(path))
        page.fill("input[name=reason]", "压缩承诺时限")
        page.uncheck("input[name=dry_run]")
        page.click("form button[type=submit]")
        page.wait_for_selector("text=导入完成")
    finally:
        HUEY.immediate = False

    text = page.inner_text("main")
    assert "变更的事项（新版本待审核）\n1" in text and "未变化的事项\n1" in text
    assert "承诺时限（30个工作日）长于法定时限（20个工作日）" in text
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"import-report-{width}")
    assert PowerItemVersion.objects.get(item__code="XK-002", number=2).status == VersionStatus.SUBMITTED
    page.close()


def test_the_job_page_follows_a_queued_import_until_its_report(
        transactional_db: Any, browser: Any, live_server: Any, county: Any, editor: Any, tmp_path: Path) -> None:
    from tests.catalog.test_excel_round_trip import big_sheet

    job = import_job_create(unit=county["land"], author=editor, file=big_sheet(tmp_path, 30), file_name="大表.xlsx")
    page = browser.new_page(viewport={"width": 390, "height": 844})
    log_in(page, live_server.url, "editor")
    page.goto(f"{live_server.url}/console/import/{job.pk}/")
    assert "排队中" in page.inner_text("main")
    shot(page, "import-queued-390")

    # The page follows the job in place (a timed reload would pull the page from under a screen reader's user).
    page.evaluate("window.stillThisPage = true")
    assert page.locator("#job-status").get_attribute("aria-busy") == "true"
    import_job_run(job.pk)  # the worker takes it; the page fetches its news every two seconds

    page.wait_for_selector("text=导入完成", timeout=10_000)
    assert "新增的事项\n30" in page.inner_text("main")
    assert page.evaluate("window.stillThisPage") is True, "the page reloaded"
    assert page.locator("#job-status").get_attribute("aria-busy") == "false"
    assert page.locator("#job-note").inner_text() == ""  # no more "本页会自动更新"
    page.close()
