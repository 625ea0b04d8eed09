"""Journeys people take, in a real Chromium (Debian's /usr/bin/chromium, driven by Playwright).

Skipped, saying why, on a machine without Chromium: `apt-get install -y chromium fonts-noto-cjk`.
"""

from __future__ import annotations

from sunlit.org.models import Role
from tests import factories
from tests.browser.conftest import needs_chromium

pytestmark = needs_chromium


def test_resident_on_a_phone_finds_house_building_and_its_law(transactional_db, phone, live_server, county, editor, reviewer):
    factories.published(county["village"], factories.staff("v_ed", county["village"], Role.EDITOR),
                        factories.staff("v_rev", county["village"], Role.REVIEWER),
                        code="CX-QT-001", name="村民建房申请初审", category="other",
                        bases=[{"law": "中华人民共和国土地管理法", "article": "第六十二条",
                                "excerpt": "农村村民一户只能拥有一处宅基地。"}])
    phone.goto(live_server.url + "/")
    phone.fill("input[name=q]", "建房")
    phone.click("button[type=submit]")
    phone.click("text=村民建房申请初审")
    assert phone.locator("h1").inner_text() == "村民建房申请初审"
    assert "《中华人民共和国土地管理法》第六十二条" in phone.content()
    # The page fits the phone: nothing wider than the screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_reviewer_logs_in_and_approves_a_submitted_change(transactional_db, browser, live_server, county, editor, reviewer):
    from sunlit.catalog import services
    from sunlit.catalog.models import PowerItem

    version = factories.draft(county["land"], editor, name="乡村建设规划许可")
    services.power_version_submit(version=version, actor=editor)
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(live_server.url + "/console/")
    page.fill("input[name=username]", "reviewer")
    page.fill("input[name=password]", "pw-reviewer")
    page.click("button[type=submit]")
    page.click("text=乡村建设规划许可")
    page.fill("form[action$='/approve/'] input[name=comment]", "同意公开")
    page.click("form[action$='/approve/'] button")
    assert "已批准，现行版本已更新" in page.content()
    assert PowerItem.objects.get(pk=version.item_id).published_version_id == version.pk
    page.close()


def test_resident_on_a_phone_sees_the_items_flow_chart_and_its_steps(
        transactional_db, phone, live_server, county, editor, reviewer):
    from sunlit.flows import services as flows
    from sunlit.org.models import Post

    item = factories.published(county["land"], editor, reviewer, code="XK-001", promised_limit=20)
    window = Post.objects.create(unit=county["land"], name="窗口受理岗")
    steps = [{"key": "apply", "name": "申请", "kind": "apply", "post": window.pk},
             {"key": "accept", "name": "受理", "kind": "accept", "post": window.pk, "limit": 5},
             {"key": "refuse", "name": "不予受理", "kind": "not_accepted", "post": window.pk},
             {"key": "decide", "name": "决定", "kind": "decide", "post": window.pk, "limit": 10},
             {"key": "deliver", "name": "送达", "kind": "deliver", "post": window.pk}]
    links = [{"from": "apply", "to": "accept"}, {"from": "accept", "to": "decide", "outcome": "受理"},
             {"from": "accept", "to": "refuse", "outcome": "不予受理"}, {"from": "decide", "to": "deliver"}]
    version = flows.flow_version_create(item=item.item, steps=steps, transitions=links, reason="编制",
                                        author=editor, submit=True)
    flows.flow_version_approve(version=version, reviewer=reviewer)

    phone.goto(f"{live_server.url}/powers/{item.item_id}/")
    chart = phone.locator(".flow-chart img")
    chart.scroll_into_view_if_needed()
    phone.wait_for_function("() => { const i = document.querySelector('.flow-chart img');"
                            " return i.complete && i.naturalWidth > 0; }", timeout=20000)

    assert chart.evaluate("i => i.clientWidth") <= 390
    assert "窗口受理岗 · 5个工作日" in phone.locator(".flow-steps").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
