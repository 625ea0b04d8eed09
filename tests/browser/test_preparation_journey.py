"""A major decision prepared in a real Chromium: the sponsor office, on a tablet (1024 px), proposes the matter
and records every stage its kind requires from the matter's page (research, draft, the comment period, an
expert's opinion, the risk assessment, legality review, then the answer to the comments once the period has
ended); the legal office, on a phone (390 px), finds the review waiting and passes it; the secretary, at a
desk (1366 px), schedules a meeting of the county executive and puts the now ready matter on its agenda.

The clock is the `clock` fixture's FixedClock, shared with the live server's thread. Screenshots go to
/tmp/journey-shots/preparation-*.png.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sunlit.core.calendar import forget_calendars, seed_national
from sunlit.core.clock import FixedClock
from sunlit.decisions.models import AgendaItem, LegalityReview, Matter, MatterStatus, StageRecord
from sunlit.decisions.rules import Stage
from sunlit.org.models import Unit
from tests.browser.conftest import needs_chromium
from tests.decisions.conftest import RISKS, Council, council, log_key  # noqa: F401  (the county executive and its staff)
from tests.record.conftest import committed_log  # noqa: F401  (a live server's test leaves the log to empty)

pytestmark = needs_chromium

SHOTS = Path("/tmp/journey-shots")
TITLE = "县城老旧小区改造方案"


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"preparation-{name}.png"), full_page=True)


def _log_in(browser: Any, url: str, username: str, width: int, **extra: Any) -> Any:
    page = browser.new_page(viewport={"width": width, "height": 900 if width > 640 else 844}, **extra)
    page.goto(url + "/console/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"pw-{username}")
    page.click("button[type=submit]")
    page.wait_for_url(url + "/console/")
    return page


def _stage(page: Any, stage: str) -> Any:
    return page.locator(f"#stage-{stage}")


def _said(page: Any) -> str:
    text: str = page.locator("ul.messages").inner_text()
    return text


def _fits(page: Any, width: int) -> None:
    assert page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)") <= width


@pytest.fixture
def staff(request: pytest.FixtureRequest) -> Council:
    found: Council = request.getfixturevalue("council")
    return found


@pytest.mark.usefixtures("committed_log")
def test_the_sponsor_prepares_the_legal_office_passes_and_the_secretary_puts_it_on_the_agenda(
        browser: Any, live_server: Any, clock: FixedClock, county: dict[str, Unit], staff: Council) -> None:
    seed_national()  # an earlier transactional test may have flushed what the migration seeded
    forget_calendars()
    url = live_server.url

    # 1. The sponsor proposes the matter on a tablet.
    tablet = _log_in(browser, url, "sponsor", 1024, has_touch=True)
    tablet.click("main a[href='/console/matters/new/']")  # from the dashboard's 三重一大 links
    assert tablet.locator("#id_unit option:checked").inner_text() == "于都县人民政府"
    tablet.select_option("#id_kind", label="重大决策")
    tablet.fill("#id_title", TITLE)
    tablet.fill("#id_sponsor_office", "住建股")
    tablet.select_option("#id_topic", label="城乡建设")
    tablet.fill("#id_summary", "改造县城2000年前建成的老旧小区48个")
    tablet.click("button:has-text('提出事项')")
    assert f"已提出「{TITLE}」" in _said(tablet)
    matter = Matter.objects.get()
    assert tablet.locator("section.stage h3").all_inner_texts()[0].startswith("1. 调查研究")
    assert tablet.locator("section.stage").count() == 7
    _shot(tablet, "01-tablet-proposed")

    # 2. Research and draft, each in its stage's section.
    for stage, summary, text in ((Stage.RESEARCH, "录入调研报告", "走访12个小区，收集诉求300条"),
                                 (Stage.DRAFT, "录入决策草案", "分三年改造48个小区，总投资1.2亿元")):
        _stage(tablet, stage).locator(f"summary:has-text('{summary}')").click()
        _stage(tablet, stage).locator("textarea").fill(text)
        _stage(tablet, stage).locator("button:has-text('保存')").click()
        assert "已记录" in _said(tablet)
        assert _stage(tablet, stage).locator(".tag").inner_text() == "已完成"

    # 3. The comment period: 30 days by default; a shorter one without a reason is refused beside the reason.
    participation = _stage(tablet, Stage.PARTICIPATION)
    assert participation.locator("textarea[name='consultation-draft_text']").input_value() == "分三年改造48个小区，总投资1.2亿元"
    assert participation.locator("#id_consultation-closes_on").input_value() == "2026-12-23"
    participation.locator("#id_consultation-closes_on").fill("2026-12-10")
    participation.locator("button:has-text('在门户公开征求意见')").click()
    reason = _stage(tablet, Stage.PARTICIPATION).locator("#id_consultation-shorter_reason")
    assert reason.get_attribute("aria-invalid") == "true"
    assert tablet.locator("#id_consultation-shorter_reason-error").inner_text() == "征求意见期限为17日，少于30日须说明理由"
    _shot(tablet, "02-tablet-refused-beside-the-reason")
    _stage(tablet, Stage.PARTICIPATION).locator("#id_consultation-closes_on").fill("2026-12-23")
    _stage(tablet, Stage.PARTICIPATION).locator("button:has-text('在门户公开征求意见')").click()
    assert "已在门户公开征求意见，2026-11-24至2026-12-23" in _said(tablet)

    # 4. An expert, added to the pool, then the expert's opinion.
    expert = _stage(tablet, Stage.EXPERT)
    expert.locator("#id_expert-name").fill("周教授")
    expert.locator("#id_expert-field").fill("城市规划")
    expert.locator("#id_expert-organisation").fill("赣南师范大学")
    expert.locator("button:has-text('加入专家库')").click()
    assert "已将周教授加入专家库" in _said(tablet)
    expert = _stage(tablet, Stage.EXPERT)
    expert.locator("#id_opinion-expert").select_option(label="周教授（城市规划，赣南师范大学）")
    expert.locator("#id_opinion-opinion").fill("方案可行，建议分期实施")
    expert.locator("button:has-text('保存论证意见')").click()
    assert "已记录周教授的论证意见" in _said(tablet)

    # 5. The risk assessment: integrity and social-stability risks with their measures.
    risk = _stage(tablet, Stage.RISK)
    risk.locator("#id_risk-integrity").fill(RISKS["integrity"])
    risk.locator("#id_risk-stability").fill(RISKS["stability"])
    risk.locator("#id_risk-measures").fill(RISKS["measures"])
    risk.locator("#id_risk-text").fill("总体风险可控")
    risk.locator("button:has-text('保存风险评估')").click()
    assert "已记录风险评估" in _said(tablet)

    # 6. Legality review: the earliest conclusion date is said at once.
    _stage(tablet, Stage.LEGALITY).locator("button:has-text('送合法性审查')").click()
    review = LegalityReview.objects.get()
    assert f"最早可于{review.earliest_on:%Y-%m-%d}作出结论" in _said(tablet)
    _fits(tablet, 1024)

    # 7. The comment period ends; the sponsor publishes the answer to the comments.
    clock.advance(days=31)
    tablet.reload()
    participation = _stage(tablet, Stage.PARTICIPATION)
    participation.locator("#id_answer-summary").fill("共收到意见0条")
    participation.locator("button:has-text('在门户公布')").click()
    assert "意见采纳情况说明已在门户公布" in _said(tablet)
    assert "列入议程前尚缺：合法性审查（审查中" in tablet.locator("main").inner_text()
    _shot(tablet, "03-tablet-waiting-for-legality")

    # 8. The legal office, on a phone, finds the review and passes it.
    phone = _log_in(browser, url, "lawyer", 390, is_mobile=True, has_touch=True, device_scale_factor=2)
    phone.click("text=待合法性审查的重大事项 1 件")
    phone.click(f"table.list a:has-text('{TITLE}')")
    assert f"{review.earliest_on:%Y年%-m月%-d日}" in phone.locator("main").inner_text()
    phone.get_by_label("通过", exact=True).check()
    phone.fill("#id_conclude-opinion", "符合法律法规和本县规定")
    _fits(phone, 390)
    _shot(phone, "04-phone-legality")
    phone.click("button:has-text('记录审查结论')")
    assert f"「{TITLE}」合法性审查结论（通过）已记录" in _said(phone)

    tablet.reload()
    assert "议前程序均已完成" in tablet.locator("main").inner_text()
    assert _stage(tablet, Stage.LEGALITY).locator(".tag").first.inner_text() == "已完成"

    # 9. The secretary schedules a meeting and puts the matter on its agenda.
    desk = _log_in(browser, url, "secretary", 1366)
    desk.click("header nav >> text=三重一大")
    desk.click("main nav >> text=决策机构")
    desk.click("a:has-text('县政府常务会议')")
    desk.click("summary:has-text('安排会议')")
    desk.fill("#id_meeting-title", "县政府第13次常务会议")
    desk.fill("#id_meeting-starts_at", "2026-12-28T09:00")
    desk.fill("#id_meeting-place", "县政府三楼会议室")
    desk.click("button:has-text('安排会议')")
    assert "已安排「县政府第13次常务会议」" in _said(desk)
    desk.select_option("#a-matter", label=f"{TITLE}（于都县人民政府）")
    desk.click("button:has-text('列入议程')")
    assert f"「{TITLE}」已列入议程第1项" in _said(desk)
    assert desk.locator("section.card h2", has_text=TITLE).count() == 1
    _shot(desk, "05-desk-on-the-agenda")

    matter.refresh_from_db()
    assert matter.status == MatterStatus.SCHEDULED and AgendaItem.objects.get().matter == matter
    assert set(StageRecord.objects.values_list("stage", flat=True)) == {Stage.RESEARCH, Stage.DRAFT, Stage.RISK}
