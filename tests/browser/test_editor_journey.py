"""A clerk changes an item in the console's form and a reviewer approves it, in a real Chromium."""

from __future__ import annotations

from typing import Any

from sunlit.catalog.models import PowerItem, PowerItemVersion, VersionStatus
from sunlit.org.models import Official, Post
from tests import factories
from tests.browser.conftest import needs_chromium

pytestmark = needs_chromium


def log_in(browser: Any, url: str, username: str, width: int = 1366) -> Any:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(url + "/console/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"pw-{username}")
    page.click("button[type=submit]")
    return page


def test_a_clerk_edits_an_item_in_the_form_and_a_reviewer_approves_it(
        transactional_db: None, browser: Any, live_server: Any, county: Any, editor: Any, reviewer: Any) -> None:
    land = county["land"]
    Post.objects.create(unit=land, name="用地审批岗")
    Official.objects.create(unit=land, name="王立新", title="副局长")
    first = factories.published(land, editor, reviewer, name="乡村建设规划许可", fees="不收费")

    clerk = log_in(browser, live_server.url, "editor")
    clerk.click("text=权力清单")
    clerk.click("text=乡村建设规划许可")
    clerk.click("text=编制新版本")
    assert clerk.input_value("#id_name") == "乡村建设规划许可"  # the form starts from the published version

    # A promised limit longer than the statutory one is refused beside the field, nothing saved.
    clerk.fill("#id_promised_limit", "30")
    clerk.fill("#id_reason", "压缩承诺时限，增加宅基地依据")
    clerk.click("button[value=submit]")
    assert clerk.locator("#id_promised_limit-error").inner_text() == "承诺时限（30个工作日）长于法定时限（20个工作日）"
    assert clerk.locator("#id_promised_limit").get_attribute("aria-invalid") == "true"

    clerk.fill("#id_promised_limit", "5")
    clerk.select_option("#id_handling_post", label="用地审批岗")
    clerk.select_option("#id_responsible_leader", label="王立新（副局长）")
    clerk.click("text=增加一条设定依据")
    clerk.fill("#id_bases-1-law", "《中华人民共和国土地管理法》")
    clerk.fill("#id_bases-1-article", "第六十二条")
    clerk.click("button[value=submit]")
    assert "已保存第2版并提交审核" in clerk.content()
    clerk.close()

    second = PowerItemVersion.objects.get(item=first.item, number=2)
    assert (second.status, second.promised_limit, second.fees) == (VersionStatus.SUBMITTED, 5, "不收费")
    assert [b.law for b in second.legal_bases.all()] == ["中华人民共和国行政许可法", "中华人民共和国土地管理法"]

    checker = log_in(browser, live_server.url, "reviewer")
    checker.goto(live_server.url + "/console/powers/?status=submitted")
    checker.click("text=乡村建设规划许可")
    diff = checker.locator("table.diff").inner_text()
    assert "10个工作日" in diff and "5个工作日" in diff and "《中华人民共和国土地管理法》第六十二条" in diff
    checker.fill("form[action$='/approve/'] input[name=comment]", "同意")
    checker.click("form[action$='/approve/'] button")
    assert "已批准，现行版本已更新" in checker.content()
    checker.close()

    assert PowerItem.objects.get(pk=first.item_id).published_version_id == second.pk
    resident = browser.new_page(viewport={"width": 390, "height": 844})
    resident.goto(f"{live_server.url}/powers/{first.item_id}/")
    text = resident.content()
    assert "5个工作日" in text and "《中华人民共和国土地管理法》第六十二条" in text and "《《" not in text
    resident.close()


def test_the_form_fits_a_phone(transactional_db: None, browser: Any, live_server: Any, county: Any, editor: Any,
                               reviewer: Any) -> None:
    first = factories.published(county["land"], editor, reviewer)
    page = log_in(browser, live_server.url, "editor", width=390)
    page.goto(f"{live_server.url}/console/powers/{first.item_id}/edit/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(f"{live_server.url}/console/powers/new/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.close()
