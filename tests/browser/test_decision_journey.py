"""A major decision in a real Chromium: a resident comments on the draft on a phone during the comment period;
the secretary runs the meeting in the console on a tablet (attendance, statements in order with the county
head's button disabled until the others have spoken, the decision, minutes each member signs with their
own password) and publishes it; the decision and its record appear on the portal.

The clock is the `clock` fixture's FixedClock, shared with the live server's thread. Screenshots go to
/tmp/journey-shots/decision-*.png.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from sunlit.core.calendar import forget_calendars, seed_national
from sunlit.core.clock import FixedClock
from sunlit.decisions import services
from sunlit.decisions.models import Comment
from sunlit.decisions.rules import MatterKind, Stage
from sunlit.org.models import Unit
from tests.browser.conftest import needs_chromium
from tests.decisions.conftest import Council, council, log_key  # noqa: F401  (the county executive meeting and its staff)
from tests.record.conftest import committed_log  # noqa: F401  (a live server's test leaves the log to empty)

pytestmark = needs_chromium

SHOTS = Path("/tmp/journey-shots")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
TABLET = {"viewport": {"width": 820, "height": 1180}, "has_touch": True}


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"decision-{name}.png"), full_page=True)


def _item_section(page: Any, title: str) -> Any:
    return page.locator("section.card", has=page.locator("h2", has_text=title))


def _row(section: Any, name: str) -> Any:
    member = section.page.locator("td[data-label='成员']", has_text=name)  # matched inside each row
    return section.locator("tbody tr", has=member)


@pytest.fixture
def staff(request: pytest.FixtureRequest) -> Council:
    found: Council = request.getfixturevalue("council")
    return found


@pytest.mark.usefixtures("committed_log")
def test_a_resident_comments_the_secretary_runs_the_meeting_and_the_portal_shows_the_result(
        browser: Any, live_server: Any, clock: FixedClock, county: dict[str, Unit], staff: Council) -> None:
    executive = staff
    seed_national()  # an earlier transactional test may have flushed what the migration seeded
    forget_calendars()
    url = live_server.url
    matter = executive.matter(MatterKind.PROJECT, title="县城供水管网改造资金安排")
    today = clock.now().date()
    consultation = services.consultation_open(matter=matter, draft_text="拟安排1200万元改造县城老旧供水管网38公里",
                                              opens_on=today, closes_on=today + dt.timedelta(days=29),
                                              actor=executive.sponsor)

    # 1. A resident finds the draft on a phone and comments during the period.
    phone = browser.new_page(**PHONE)
    phone.goto(url + "/decisions/")
    phone.click("text=县城供水管网改造资金安排")
    assert phone.url == f"{url}/decisions/consultations/{consultation.pk}/"
    phone.get_by_label("您的意见").fill("建议优先改造城东片区，那里夏天经常停水")
    _shot(phone, "01-phone-comment")
    phone.click("button:has-text('提交意见')")
    assert "您的意见已提交" in phone.locator("ul.messages").inner_text()
    assert Comment.objects.get().text == "建议优先改造城东片区，那里夏天经常停水"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    # 2. The other stages as the matter's kind requires them, then the meeting is called.
    executive.prepare(matter, skip=(Stage.PARTICIPATION,))
    services.consultation_answer(consultation=consultation, summary="采纳：城东片区列为首批改造", actor=executive.sponsor)
    meeting, _ = executive.meeting(matter, absent=(executive.members[6],))

    # 3. The secretary runs it on a tablet.
    tablet = browser.new_page(**TABLET)
    tablet.goto(url + "/console/")
    tablet.fill("input[name=username]", "secretary")
    tablet.fill("input[name=password]", "pw-secretary")
    tablet.click("button[type=submit]")
    tablet.click("header nav >> text=三重一大")
    tablet.click("main a[href='/console/meetings/']")
    tablet.click(f"a:has-text('{meeting.title}')")
    section = _item_section(tablet, "县城供水管网改造资金安排")
    assert _row(section, "王县长").locator("button:has-text('表态')").is_disabled()
    _shot(tablet, "02-tablet-before")
    for name in ("李常务", "张副县长", "刘副县长", "陈副县长", "杨副县长"):
        section = _item_section(tablet, "县城供水管网改造资金安排")
        row = _row(section, name)
        if name == "刘副县长":
            row.locator("select[name=position]").select_option(value="disagree")
            row.locator("input[name=reasons]").fill("应先做水质检测")
        row.locator("button:has-text('表态')").click()
        tablet.wait_for_load_state()
    section = _item_section(tablet, "县城供水管网改造资金安排")
    assert _row(section, "王县长").locator("button:has-text('表态')").is_enabled()
    _row(section, "王县长").locator("button:has-text('表态')").click()
    tablet.wait_for_load_state()
    section = _item_section(tablet, "县城供水管网改造资金安排")
    section.locator("textarea[name=decision]").fill("同意安排1200万元，城东片区先行实施")
    section.locator("button:has-text('记录决定')").click()
    tablet.wait_for_load_state()
    tablet.click("button:has-text('生成会议纪要')")
    tablet.wait_for_load_state()
    minutes = tablet.locator("pre").inner_text()
    assert "1. 李常务：同意" in minutes and "6. 王县长：同意" in minutes and "刘副县长：不同意，理由：应先做水质检测" in minutes
    for i, name in enumerate(["王县长", "李常务", "张副县长", "刘副县长", "陈副县长", "杨副县长"]):
        row = tablet.locator("section.card", has=tablet.locator("h2", has_text="会议纪要")).locator(
            "tr", has_text=name)
        row.locator("input[name=password]").fill(f"pw-m{i}")
        row.locator("button:has-text('签字')").click()
        tablet.wait_for_load_state()
    assert "纪要已签" in tablet.locator("main").inner_text()
    section = _item_section(tablet, "县城供水管网改造资金安排")
    section.locator("button:has-text('公开决策结果')").click()
    tablet.wait_for_load_state()
    assert "决策结果已在门户公开" in tablet.locator("ul.messages").inner_text()
    _shot(tablet, "03-tablet-after")

    # 4. The result and its record on the portal.
    phone.goto(url + "/decisions/")
    phone.click("table.list a:has-text('县城供水管网改造资金安排')")
    page = phone.locator("main").inner_text()
    assert "同意安排1200万元，城东片区先行实施" in page
    statements = phone.locator("main ol li").all_inner_texts()
    assert statements[0].startswith("李常务") and statements[-1].startswith("王县长")
    assert "不同意见：刘副县长：应先做水质检测" in page and "收到意见 1 条" in page
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(phone, "04-phone-result")
